"""Ledger throughput: transfers/s with 1, 8 and 32 concurrent clients, each transfer its own durable commit.

Two shapes: independent accounts (each client moves money between its own pair) and one hot account (every
client pays into the same account, so they all queue on its row lock). Each client is a thread with its own
database connection calling qalqan.ledger.services.transfer_post.
Targets on a 2-core machine: ≥ 2 000 transfers/s on independent accounts, ≥ 500/s on one hot account.
Size: BENCH_LEDGER_SECONDS per case (default 3); BENCH_LEDGER_CLIENTS the client counts (default 1,8,32). Besides the rate and latency it prints the CPU per transfer of the
client (this process: Python, Django, psycopg) and of the clients' PostgreSQL backends (from /proc; the WAL writer
and the kernel's fsync are not in either figure). Scratch accounts and transfers are prefixed `bench-` and are
removed afterwards (the only place the append-only triggers are bypassed, for scratch rows only).
Runs against DATABASE_URL (migrated first when run on its own: `python -m bench.bench_ledger`).
"""
import os
import statistics
import threading
import time
import uuid

from bench.cpu import cpu_seconds

CLIENTS = tuple(int(n) for n in os.environ.get("BENCH_LEDGER_CLIENTS", "1,8,32").split(","))


def _setup(run: str, clients: int):
    from qalqan.ledger.services import account_ensure

    sources = [account_ensure(code=f"bench-{run}:src:{i}", kind="budget_source", may_go_negative=True)
               for i in range(clients)]
    sinks = [account_ensure(code=f"bench-{run}:dst:{i}", kind="insurer_premium") for i in range(clients)]
    hot = account_ensure(code=f"bench-{run}:hot", kind="insurer_premium")
    return sources, sinks, hot


def _run_case(*, run: str, shape: str, clients: int, seconds: float, sources, sinks, hot) -> dict:
    from django.db import connection

    from qalqan.ledger.services import transfer_post

    latencies: list[list[float]] = [[] for _ in range(clients)]
    backend_cpu = [0.0] * clients
    errors: list[BaseException] = []
    barrier = threading.Barrier(clients + 1)
    stop = threading.Event()

    def client(index: int) -> None:
        source = sources[index]
        target = hot if shape == "hot" else sinks[index]
        mine = latencies[index]
        try:
            connection.ensure_connection()
            backend = connection.connection.info.backend_pid if _local(connection) else None
            barrier.wait()
            cpu_before = cpu_seconds(backend) if backend else 0.0
            n = 0
            while not stop.is_set():
                n += 1
                started = time.perf_counter()
                transfer_post(key=f"bench-{run}-{shape}-{clients}-{index}-{n}", reason="bench",
                              lines=[(source, -100), (target, 100)])
                mine.append(time.perf_counter() - started)
            backend_cpu[index] = (cpu_seconds(backend) if backend else 0.0) - cpu_before
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
            stop.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    started, cpu_started = time.perf_counter(), time.process_time()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    if errors:
        raise errors[0]
    all_latencies = sorted(x for per_client in latencies for x in per_client)
    count = len(all_latencies)
    with connection.cursor() as cursor:  # every transfer counted is a committed row
        cursor.execute("SELECT count(*) FROM ledger_transfer WHERE key LIKE %s", [f"bench-{run}-{shape}-{clients}-%"])
        (stored,) = cursor.fetchone()
    if stored != count:
        raise AssertionError(f"{count} transfers timed but {stored} stored")
    return {
        "shape": shape, "clients": clients, "transfers": count, "per_s": count / elapsed,
        "p50_ms": 1000 * statistics.median(all_latencies) if count else 0.0,
        "p99_ms": 1000 * all_latencies[min(count - 1, int(count * 0.99))] if count else 0.0,
        "client_cpu_us": 1e6 * cpu / count if count else 0.0,
        "backend_cpu_us": 1e6 * sum(backend_cpu) / count if count else 0.0,
    }


def _local(connection) -> bool:
    return connection.settings_dict["HOST"] in ("", "localhost", "127.0.0.1", "::1")


def _cleanup(run: str) -> None:
    """Remove this run's scratch rows (bench- prefix only), bypassing the append-only triggers for them."""
    import pgtrigger
    from django.db import connection, transaction

    with transaction.atomic(), pgtrigger.ignore("ledger.Posting:append_only", "ledger.Transfer:append_only"):
        with connection.cursor() as cursor:
            pattern = f"bench-{run}%"
            cursor.execute("""
                WITH scratch AS (SELECT id FROM ledger_account WHERE code LIKE %s),
                     gone AS (DELETE FROM ledger_posting p USING scratch s WHERE p.account_id = s.id
                              RETURNING p.transfer_id)
                DELETE FROM ledger_transfer WHERE id IN (SELECT transfer_id FROM gone)""", [pattern])
            cursor.execute("DELETE FROM ledger_account WHERE code LIKE %s", [pattern])


def main() -> None:
    from qalqan.ledger.services import ledger_problems

    seconds = float(os.environ.get("BENCH_LEDGER_SECONDS", 3))
    run = uuid.uuid4().hex[:8]
    sources, sinks, hot = _setup(run, max(CLIENTS))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('synchronous_commit'), current_setting('fsync')")
        synchronous_commit, fsync = cursor.fetchone()
    print(f"ledger: {seconds:g} s per case, 2-line transfers, each its own transaction and commit "
          f"(synchronous_commit={synchronous_commit}, fsync={fsync}); a transfer is counted once its commit returned")
    print(f"{'shape':<12} {'clients':>7} {'transfers':>10} {'transfers/s':>12} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'client CPU µs/transfer':>23} {'PostgreSQL CPU µs/transfer':>27}")
    results = []
    try:
        for shape in ("independent", "hot"):
            for clients in CLIENTS:
                result = _run_case(run=run, shape=shape, clients=clients, seconds=seconds, sources=sources,
                                   sinks=sinks, hot=hot)
                results.append(result)
                print(f"{shape:<12} {clients:>7} {result['transfers']:>10} {result['per_s']:>12.0f} "
                      f"{result['p50_ms']:>8.2f} {result['p99_ms']:>8.2f} {result['client_cpu_us']:>23.0f} "
                      f"{result['backend_cpu_us']:>27.0f}", flush=True)
        problems = [p for p in ledger_problems() if "bench-" in p or "trial balance" in p]
        print("ledger_check after the run:", "ok" if not problems else problems[:3])
    finally:
        _cleanup(run)
    best = {shape: max(r["per_s"] for r in results if r["shape"] == shape) for shape in ("independent", "hot")}
    print(f"best: independent {best['independent']:.0f}/s (target ≥ 2000), hot {best['hot']:.0f}/s (target ≥ 500)")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qalqan.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    main()
