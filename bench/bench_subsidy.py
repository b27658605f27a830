"""The monthly subsidy run at national scale: calculate and disburse, against a bare INSERT … SELECT.

Generates BENCH_POLICIES (200 000; BENCH_POLICIES=12200000 for the national run) subsidised people and active
policies across 10 insurers and 20 regions with set-based SQL (60 % privileged → republican budget, 20 %
unemployed → the region's МИО, 20 % contributors → the ОСМС pool), then times:

- calculate: POST-equivalent subsidy_run_start + subsidy_run_calculate (INSERT … SELECT per policy-id range of
  SUBSIDY_RUN_CHUNK_POLICIES, totals by source and insurer, draft → calculated);
- disburse: approve + disburse (one ledger transfer per source and per insurer), then the `funded` event on
  every instrument (subsidy_run_record_funding: the lines of 5 000 policy ids per transaction, read and
  hash-chained in SQL, committed with their range's progress row);
- bare: INSERT … SELECT of the same rows into an ordinary copy of the line table (same indexes and checks,
  WAL-logged like the real one) with no joins or arithmetic — the floor the calculation is compared with
  (targets: within 3×; ≤ 5 min for 12.2 million);

BENCH_SUBSIDY_EXPLAIN=1 also prints EXPLAIN (ANALYZE, BUFFERS) of the calculation for the first 100 000 policy
ids (in a savepoint that is rolled back, so the timed run is unaffected).

Everything runs in one transaction that is rolled back at the end: the development database keeps nothing.
Its ranges commit as savepoints here, where a real run commits each range (one fsync per 100 000 lines: noise).

The national run (BENCH_POLICIES=12200000) fits this machine but is heavy; run it on a quiet machine:
- disk: ≈ 2.3 GB per million people for people, memberships, instruments and policies with their indexes,
  plus ≈ 0.25 GB per million lines for the run and as much for the bare copy — ≈ 35 GB for 12.2 million
  (check `df -h`). A rollback does not give the space back at once: the rows are dead until (auto)vacuum,
  which truncates the tables' empty tails afterwards (run `VACUUM` on the four tables to hurry it).
- WAL: ≈ 2× the data is written, but nothing is retained for an open transaction (no archiving, no slots
  here): checkpoints recycle it every max_wal_size, so the WAL directory stays at a few GB.
- memory: the deferred foreign-key checks of the generated rows (≈ 10 per policy) are queued in the backend
  until the end of the transaction (≈ 1.5–2 GB for 12.2 million; never run, the transaction rolls back);
  the calculation itself works range by range in work_mem.
- time: generation ≈ 5 min per million on a busy 2-core machine (≈ 60 min for 12.2 million; roughly a third
  of that when quiet), then the run itself (the figure) and the bare insert. Expect 1.5–2 hours in all.
"""
import os
import time
from datetime import date

from django.db import connection, transaction

PERIOD = date(2099, 1, 1)
INSURERS = 10
REGIONS = ["astana", "almaty_city", "shymkent", "abai", "akmola", "aktobe", "almaty", "atyrau", "east_kazakhstan",
           "zhambyl", "zhetysu", "west_kazakhstan", "karaganda", "kostanay", "kyzylorda", "mangystau", "pavlodar",
           "north_kazakhstan", "turkistan", "ulytau"]


EXPLAIN_RANGE = 100_000


class Rollback(Exception):
    """Raised at the end to roll the benchmark's whole transaction back."""


class Phase:
    """Wall time, this process's CPU and the PostgreSQL backend's CPU (read from /proc: the server runs on this
    machine) of one phase, and the wall time per kind of statement — figures a loaded machine blurs least."""

    def __init__(self):
        self.by_statement: dict[str, float] = {}

    def _backend_cpu(self) -> float | None:
        try:
            with open(f"/proc/{self.backend}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            return None

    def _timed(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            key = " ".join(sql.split())[:48]
            self.by_statement[key] = self.by_statement.get(key, 0.0) + time.perf_counter() - started

    def __enter__(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (self.backend,) = cursor.fetchone()
        self._wrapper = connection.execute_wrapper(self._timed)
        self._wrapper.__enter__()
        self.wall, self.cpu, self.server = time.perf_counter(), time.process_time(), self._backend_cpu()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu
        server = self._backend_cpu()
        self.server = None if server is None or self.server is None else server - self.server
        self._wrapper.__exit__(*exc)

    def per_row(self, label: str, rows: int, top: int = 4) -> str:
        rows = max(rows, 1)
        server = f"{self.server * 1e6 / rows:.1f}" if self.server is not None else "?"
        lines = [f"  {label}: {self.wall * 1e6 / rows:.1f} µs/row wall, CPU {self.cpu * 1e6 / rows:.1f} µs/row here "
                 f"+ {server} µs/row in PostgreSQL ({rows} rows)"]
        for sql, seconds in sorted(self.by_statement.items(), key=lambda item: -item[1])[:top]:
            lines.append(f"    {seconds * 1e6 / rows:8.1f} µs/row  {sql}")
        return "\n".join(lines)


def _step(label: str, started: list[float]) -> None:
    now = time.perf_counter()
    print(f"  {label}: {now - started[0]:.1f} s", flush=True)
    started[0] = now


def _generate(n: int) -> tuple[int, list[int]]:
    clock = [time.perf_counter()]
    from insurers.services import BenefitIn, pricing_tables_sync, product_publish
    from qalqan.fund.subsidy.catalogue import sources_sync
    from qalqan.fund.subsidy.models import SubsidySource
    from qalqan.ledger.services import account_ensure, transfer_post
    from qalqan.orgs.services import organisation_create
    from qalqan.refdata.services import refdata_sync

    refdata_sync()
    pricing_tables_sync()
    sources_sync(SubsidySource)
    insurers, versions = [], []
    for i in range(INSURERS):
        org = organisation_create(kind="insurer", code=f"bench-sub-{i}", name=f"Bench Subsidy {i}")
        insurers.append(org.pk)
        versions.append(product_publish(insurer=org, code="bench-basic", name="Bench Basic", kind="osms",
                                        benefits=[BenefitIn("inpatient", 300_000_000)],
                                        valid_from=date(2020, 1, 1)).pk)
    account_ensure(code="pool:osms", kind="contributions_pool", name="ОСМС pool")
    account_ensure(code="payer:employee", kind="payer_clearing", may_go_negative=True)
    transfer_post(key=f"bench-subsidy-pool-{time.time_ns()}", reason="bench.pool",
                  lines=[("payer:employee", -10**15), ("pool:osms", 10**15)])
    _step("reference data, insurers, products, pool", clock)
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM policies_policy")
        (first_policy,) = cursor.fetchone()
        cursor.execute("SELECT coalesce(max(id), 0) FROM people_person")
        (first_person,) = cursor.fetchone()
        cursor.execute("""
            INSERT INTO people_person (iin, last_name, first_name, middle_name, birth_date, sex, phone, region,
                                       created_at, updated_at)
            SELECT '0099' || lpad(g::text, 8, '0'), 'Бенч', 'Субсидия', '', date '1940-01-01' + (g * 37 %% 30000),
                   CASE WHEN g %% 2 = 0 THEN 'M' ELSE 'F' END, '', (%(regions)s::text[])[g %% 20 + 1], now(), now()
              FROM generate_series(1, %(n)s) g""", {"n": n, "regions": REGIONS})
        _step("people", clock)
        cursor.execute("""
            INSERT INTO people_categorymembership (person_id, category, valid_from, valid_to)
            SELECT id, CASE WHEN id %% 10 < 6 THEN (ARRAY['pensioner', 'child', 'disabled'])[id %% 3 + 1]
                            WHEN id %% 10 < 8 THEN 'unemployed' ELSE 'employee' END, date '2020-01-01', NULL
              FROM people_person WHERE id > %s""", [first_person])
        _step("category memberships", clock)
        cursor.execute("""
            WITH i AS (
                INSERT INTO policies_instrument (number, holder_id, custodian_id, face_value_tiyn, valid_from, valid_to,
                                                 status, created_at)
                SELECT 'KZQZ' || lpad(upper(to_hex(id)), 7, '0') || '0', id, (%(insurers)s::bigint[])[id %% 10 + 1],
                       5200000, date '2098-07-01', date '2099-07-01', 'active', now()
                  FROM people_person WHERE id > %(first)s
                RETURNING id, number, holder_id, custodian_id)
            INSERT INTO policies_policy (number, instrument_id, holder_id, insurer_id, version_id, kind, start_date,
                                         end_date, price_tiyn, subsidy_tiyn, premium_tiyn, topups_tiyn, status,
                                         subsidy_posted, created_at, updated_at, activated_at)
            SELECT i.number, i.id, i.holder_id, i.custodian_id,
                   (%(versions)s::bigint[])[array_position(%(insurers)s::bigint[], i.custodian_id)], 'osms',
                   date '2098-07-01', date '2099-07-01', 5200000, 5200000, 0, 0, 'active', false, now(), now(), now()
              FROM i""", {"insurers": insurers, "versions": versions, "first": first_person})
        _step("instruments and policies", clock)
        for table in ("people_person", "people_categorymembership", "policies_instrument", "policies_policy"):
            cursor.execute(f"ANALYZE {table}")
        _step("analyze", clock)
    return first_policy, insurers


def _bare_insert(first_policy: int, run_id: int) -> tuple[float, int]:
    """The floor: the same rows into an ordinary (WAL-logged) copy of the line table with the same indexes and
    checks, read straight from the policies with constants for what the calculation computes."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_bare_line (LIKE fund_subsidyline INCLUDING ALL)")
        started = time.perf_counter()
        cursor.execute("""
            INSERT INTO bench_bare_line (run_id, policy_id, person_id, insurer_id, instrument_id, kind, for_period,
                                         source_code, days, amount_tiyn)
            SELECT %s, id, holder_id, insurer_id, instrument_id, 'normal', %s, 'budget:republican', 31, 433333
              FROM policies_policy WHERE id > %s""", [run_id, PERIOD, first_policy])
        return time.perf_counter() - started, cursor.rowcount


def _explain_first_range(run) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the INSERT … SELECT for the first EXPLAIN_RANGE policy ids, in a savepoint
    rolled back."""
    from qalqan.fund.subsidy.calculation import insert_normal_lines_sql, period_inputs

    hi = min(run.last_policy_id + EXPLAIN_RANGE, run.max_policy_id)
    params = {"run": run.pk, "lo": run.last_policy_id, "hi": hi, **period_inputs(run.period).params("c")}
    sid = transaction.savepoint()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + insert_normal_lines_sql(), params)
        print("\n".join(row[0] for row in cursor.fetchall()), flush=True)
    transaction.savepoint_rollback(sid)


def main() -> None:
    from qalqan.fund.subsidy import services
    from qalqan.fund.subsidy.models import SubsidyRun

    n = int(os.environ.get("BENCH_POLICIES", "200000"))
    figures = {}
    try:
        with transaction.atomic():
            started = time.perf_counter()
            first_policy, _ = _generate(n)
            print(f"generated {n} people, memberships, instruments and policies in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
            SubsidyRun.objects.filter(period=PERIOD).delete()

            started = time.perf_counter()
            run = services.subsidy_run_start(period=PERIOD, by="bench")
            figures["calculate"] = time.perf_counter() - started
            if os.environ.get("BENCH_SUBSIDY_EXPLAIN"):
                _explain_first_range(run)
            with Phase() as calculation:
                run = services.subsidy_run_calculate(run_id=run.pk, by="bench")
            figures["calculate"] += calculation.wall
            print(f"calculate: {run.policies} lines in {figures['calculate']:.2f} s "
                  f"({run.policies / figures['calculate']:,.0f} policies/s, {run.chunks_done} ranges), "
                  f"total {run.total_tiyn / 100:,.2f} ₸", flush=True)
            print(calculation.per_row("calculate", run.policies), flush=True)

            started = time.perf_counter()
            services.subsidy_run_approve(run_id=run.pk, by="bench")
            run = services.subsidy_run_disburse(run_id=run.pk, by="bench")
            money = time.perf_counter() - started
            with Phase() as funding:
                written = services.subsidy_run_record_funding(run_id=run.pk)
            funded = funding.wall
            figures["disburse"] = money + funded
            print(f"disburse: {run.totals.count()} source×insurer totals posted in {money:.2f} s, then {written} "
                  f"funded events on the instruments in {funded:.2f} s ({written / max(funded, 1e-9):,.0f}/s "
                  f"on one worker): {figures['disburse']:.2f} s", flush=True)
            print(funding.per_row("funded events", written), flush=True)

            with Phase() as bare:
                figures["bare"], rows = _bare_insert(first_policy, run.pk)
            print(f"bare INSERT … SELECT of {rows} rows: {figures['bare']:.2f} s ({rows / figures['bare']:,.0f} rows/s)",
                  flush=True)
            print(bare.per_row("bare", rows, top=0), flush=True)
            print(f"disburse = {figures['disburse'] / figures['bare']:.2f}× the bare insert, calculate = "
                  f"{figures['calculate'] / figures['bare']:.2f}×", flush=True)
            run_seconds = figures["calculate"] + figures["disburse"]
            print(f"calculate + disburse = {run_seconds:.2f} s = {run_seconds / figures['bare']:.2f}× the bare insert "
                  f"(target ≤ 3×)", flush=True)
            national = run_seconds * 12_200_000 / max(n, 1)
            print(f"linear estimate for 12.2 million policies: {national / 60:.1f} min (target ≤ 5 min)"
                  if n != 12_200_000 else f"national run: {run_seconds / 60:.1f} min (target ≤ 5 min)", flush=True)

            raise Rollback
    except Rollback:
        print("(rolled back: the database keeps nothing from this benchmark)")


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qalqan.settings")
    django.setup()
    main()
