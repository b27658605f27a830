"""Contribution intake: BENCH_CONTRIBUTIONS payments (default 200 000) in calls of 10 000 rows, ledger postings
included (one transfer per payer kind and destination per call), 2 % of them for ИИН not in the registry (held
in suspense). Target: ≥ 20 000 payments/s through the batch API.

1. The service `contributions_intake` called in-process, one call after another: payments/s and the CPU per
   payment of this process (Python) and of its PostgreSQL backend (read from /proc: same machine only). The
   status recompute each call queues after commit runs on Celery workers in production; here (no broker,
   eager) it runs in-process and is timed separately.
2. The batch API, POST /api/v1/fund/contributions, with BENCH_CONTRIBUTIONS_CLIENTS (2) clients against a
   Granian server (2 workers): what a payer system sees. The server queues the status recompute on a broker as in
   production (BENCH_CONTRIBUTIONS_BROKER, default redis://127.0.0.1:6379/13 when it answers; the tasks are
   removed afterwards, no worker runs them); without one it runs them eagerly inside each request (printed).
   Request bodies are encoded before the clock starts (the payer system's cost, not the server's); printed
   with the CPU per payment of the server's processes and of their PostgreSQL backends (from /proc).
"""
import json
import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from django.db import connection

from bench.bench_status import load_people, sample_iins
from bench.broker import bench_broker, queued_tasks
from bench.cpu import ServerCpu
from bench.server import http_server, percentile
from qalqan.ledger.services import trial_balance
from qalqan.people import status as status_module
from qalqan.people.contributions import MAX_ROWS, contributions_intake

BENCH_LAST_NAME = "Бенчвзнос"
KINDS = [("employee", 6_000_00), ("employer", 9_000_00), ("self_payer", 4_250_00), ("self_employed", 5_950_00)]


def main() -> None:
    count = int(os.environ.get("BENCH_CONTRIBUTIONS", 200_000))
    people = max(1000, count // 4)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM people_person WHERE last_name = %s", [BENCH_LAST_NAME])
        present = cursor.fetchone()[0]
    if present < people:
        took = load_people(people, last_name=BENCH_LAST_NAME, first_day="1960-01-01")
        print(f"loaded {people - present:,} payers with set-based SQL in {took:.1f} s")
    iins = sample_iins(BENCH_LAST_NAME, people)
    run = uuid.uuid4().hex[:10]
    batches = _batches(iins, count, f"bench-{run}")
    _service(batches)
    _api(_batches(iins, count, f"bench-{run}-api"))
    print(f"trial balance total: {trial_balance()['total_tiyn']} tiyn")


def _batches(iins: list[str], count: int, prefix: str) -> list[list[dict]]:
    rows = []
    for i in range(count):
        kind, amount = KINDS[i % len(KINDS)]
        iin = iins[i % len(iins)] if i % 50 else "900101300007"  # every 50th: an unknown ИИН → suspense
        month = 1 + (i // len(iins)) % 10
        rows.append({"iin": iin, "kind": kind, "period": f"2026-{month:02d}", "amount_tiyn": amount,
                     "reference": f"{prefix}-{i}"})
    return [rows[i:i + MAX_ROWS] for i in range(0, len(rows), MAX_ROWS)]


def _backend_cpu_seconds() -> float | None:
    """CPU time of this connection's PostgreSQL backend so far (None when the server is on another machine)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _service(batches: list[list[dict]]) -> None:
    recompute_seconds = recompute_cpu = recompute_backend = 0.0
    original = status_module.status_recompute

    def timed_recompute(**kwargs):
        nonlocal recompute_seconds, recompute_cpu, recompute_backend
        t0, cpu0, backend0 = time.perf_counter(), time.process_time(), _backend_cpu_seconds() or 0.0
        try:
            return original(**kwargs)
        finally:
            recompute_seconds += time.perf_counter() - t0
            recompute_cpu += time.process_time() - cpu0
            recompute_backend += (_backend_cpu_seconds() or 0.0) - backend0

    status_module.status_recompute = timed_recompute
    from qalqan.people import tasks

    tasks.status_services.status_recompute = timed_recompute
    created = suspense = 0
    backend_started = _backend_cpu_seconds()
    cpu_started = time.process_time()
    started = time.perf_counter()
    try:
        for batch in batches:
            result = contributions_intake(rows=batch)
            created += result.created
            suspense += result.suspense
    finally:
        status_module.status_recompute = original
        tasks.status_services.status_recompute = original
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    backend_now = _backend_cpu_seconds()
    intake = elapsed - recompute_seconds
    print(f"service: {created:,} payments stored ({suspense:,} in suspense) in {len(batches)} calls")
    print(f"service: intake with ledger postings: {created / intake:,.0f} payments/s ({intake:.1f} s; "
          f"target ≥ 20 000/s through the API)")
    print(f"service: with the after-commit status recompute run in-process too: {created / elapsed:,.0f} "
          f"payments/s ({recompute_seconds:.1f} s recomputing)")
    if backend_started is not None and backend_now is not None:
        backend = backend_now - backend_started - recompute_backend
        print(f"service: CPU per payment without the recompute: Python {1e6 * (cpu - recompute_cpu) / created:.0f} µs, "
              f"PostgreSQL backend {1e6 * backend / created:.0f} µs (the recompute: {1e6 * recompute_cpu / created:.0f}"
              f" + {1e6 * recompute_backend / created:.0f} µs)")


def _api(batches: list[list[dict]]) -> None:
    import requests

    from qalqan.orgs.services import organisation_create, token_issue

    clients = int(os.environ.get("BENCH_CONTRIBUTIONS_CLIENTS", 2))
    fund = organisation_create(kind="fund", code="bench-fund", name="Benchmark fund")
    headers = {"Authorization": f"Bearer {token_issue(organisation=fund, name='bench-contributions')}",
               "Content-Type": "application/json"}
    broker = bench_broker("BENCH_CONTRIBUTIONS_BROKER", "redis://127.0.0.1:6379/13")
    env = {"CELERY_BROKER_URL": broker} if broker else {}
    queued = "queued on the broker (no worker runs them)" if broker else "run eagerly inside each request"
    local = threading.local()
    latencies: list[float] = []
    outcome = {"created": 0, "suspense": 0, "errors": 0}
    lock = threading.Lock()

    def post(body: bytes):
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        started = time.perf_counter()
        response = session.post(base + "/api/v1/fund/contributions", data=body, headers=headers, timeout=600)
        response.raise_for_status()
        body = response.json()
        with lock:
            latencies.append(1000 * (time.perf_counter() - started))
            outcome["created"] += body["created"]
            outcome["suspense"] += body["suspense"]
            outcome["errors"] += len(body["errors"])

    try:
        with http_server(workers=2, threads=2, env=env) as base:
            post(json.dumps(batches[0][:10]).encode())  # warm both the server and the payer accounts
            bodies = [json.dumps(batch).encode() for batch in [batches[0][10:]] + batches[1:]]
            outcome.update(created=0, suspense=0, errors=0)
            latencies.clear()
            cpu = ServerCpu(base)
            cpu.start()
            started = time.perf_counter()
            with ThreadPoolExecutor(clients) as pool:
                list(pool.map(post, bodies))
            elapsed = time.perf_counter() - started
            server_seconds, database_seconds = cpu.stop()
    finally:
        if broker:
            queued_tasks(broker, drop=True)
    latencies.sort()
    print(f"API: {outcome['created']:,} payments stored ({outcome['suspense']:,} in suspense, {outcome['errors']} "
          f"errors) in {len(batches)} calls of {MAX_ROWS:,} by {clients} clients; status recompute {queued}")
    print(f"API: {outcome['created'] / elapsed:,.0f} payments/s ({elapsed:.1f} s; target ≥ 20 000/s), p50 "
          f"{percentile(latencies, 50):.0f} ms / p99 {percentile(latencies, 99):.0f} ms per call")
    stored = max(outcome["created"], 1)
    print(f"API: CPU per payment: server {1e6 * server_seconds / stored:.1f} µs, PostgreSQL "
          f"{1e6 * database_seconds / stored:.1f} µs (together {1e6 * (server_seconds + database_seconds) / stored:.1f}"
          f" µs: {2 * stored / (server_seconds + database_seconds):,.0f} payments/s on two cores doing nothing else)")
