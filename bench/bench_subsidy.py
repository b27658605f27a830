"""The monthly subsidy run at national scale: calculate and disburse, against a bare INSERT … SELECT.

Generates BENCH_POLICIES (200 000; BENCH_POLICIES=12200000 for the national run) subsidised people and active
policies across 10 insurers and 20 regions with set-based SQL (60 % privileged → republican budget, 20 %
unemployed → the region's МИО, 20 % contributors → the ОСМС pool), each instrument with the history a live one
has (its `issued` event and the `funded` event of 0 its activation writes, hash-chained), then times:

- calculate: subsidy_run_start + subsidy_run_calculate on BENCH_SUBSIDY_WORKERS (2) connections at once, as
  that many Celery workers run the task (each commits ranges of SUBSIDY_RUN_CHUNK_POLICIES policy ids with
  their progress row), then totals by source and insurer, draft → calculated;
- disburse: approve + disburse (one ledger transfer per source and per insurer), then the `funded` event on
  every instrument (subsidy_run_record_funding on as many connections: each commits the lines of
  SUBSIDY_FUNDING_RANGE_POLICIES policy ids, read and hash-chained in SQL, with their range's progress row);
- bare: INSERT … SELECT of the same rows into an ordinary copy of the line table (same indexes and checks,
  WAL-logged like the real one) with no joins or arithmetic, in one statement on one connection — the floor the
  run is compared with (targets: within 3×; ≤ 5 min for 12.2 million); then the same for the run's other rows,
  one funded event per policy into a copy of the event table, and the ratio to both bare inserts together;

and checks that a sample of the funded chains verifies (instrument_chain_check).

Each phase prints its wall time, this process's CPU and the CPU of the PostgreSQL backends that did the work
(read from /proc: the server runs on this machine) per row, and the time per kind of statement (summed over
the workers).

The workers commit, as a real run does, so the benchmark runs in a scratch database of its own:
BENCH_SUBSIDY_DATABASE (default: the configured database's name + "_subsidy"), created and migrated on the
same server and dropped at the end; the configured database is not touched. BENCH_SUBSIDY_KEEP=1 keeps it, and
the next run reuses its people and policies (same BENCH_POLICIES) for the next month: instruments then have one
more link each, and the previous run is there for the adjustment pass, as in a real month.
BENCH_SUBSIDY_EXPLAIN=1 also prints EXPLAIN (ANALYZE, BUFFERS) of the calculation for the first 100 000
policy ids (in a transaction that is rolled back).

The national run (BENCH_POLICIES=12200000) fits this machine but is heavy; run it on a quiet machine:
- disk: ≈ 1.6 GB per million people for people, memberships, instruments with their two events and policies
  with their indexes, plus for each run ≈ 0.25 GB per million lines and ≈ 0.35 GB per million funded events, and
  the bare copy while it is timed — ≈ 30 GB for 12.2 million (check `df -h`); dropping the scratch database
  gives it back at once.
- WAL: ≈ 2× the data is written; checkpoints recycle it every max_wal_size.
- time: generation ≈ 3.3 min per million (40 min for 12.2 million on this 2-core machine) (foreign-key triggers are off while the scratch
  data is generated: session_replication_role = replica, when the database user may set it), then the run
  itself (the figure) and the bare insert.
"""
import os
import threading
import time
from datetime import UTC, date

from django.conf import settings
from django.db import connection, connections, transaction

FIRST_PERIOD = date(2099, 1, 1)
POLICY_START, POLICY_END = date(2098, 7, 1), date(2100, 7, 1)  # 18 monthly runs fit a kept database
INSURERS = 10
REGIONS = ["astana", "almaty_city", "shymkent", "abai", "akmola", "aktobe", "almaty", "atyrau", "east_kazakhstan",
           "zhambyl", "zhetysu", "west_kazakhstan", "karaganda", "kostanay", "kyzylorda", "mangystau", "pavlodar",
           "north_kazakhstan", "turkistan", "ulytau"]
IIN_PREFIX = "0099"
EXPLAIN_RANGE = 100_000
VERIFY_SAMPLE = 2_000


def _cpu_of(pid: int) -> float | None:
    """User + system CPU seconds of a local process (a PostgreSQL backend), or None when it cannot be read."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return None


class Phase:
    """Wall time, this process's CPU, the CPU of the PostgreSQL backends of the connections that worked in the
    phase and the time per kind of statement — the figures a loaded machine blurs least. `work(fn)` runs fn on
    the current connection; `in_parallel(fn, n)` runs it on n threads, each with its own connection."""

    def __init__(self):
        self.by_statement: dict[str, float] = {}
        self.server = 0.0
        self.server_known = True
        self._lock = threading.Lock()

    def _timed(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            key = " ".join(sql.split())[:48]
            with self._lock:
                self.by_statement[key] = self.by_statement.get(key, 0.0) + time.perf_counter() - started

    def work(self, fn):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (backend,) = cursor.fetchone()
        before = _cpu_of(backend)
        try:
            with connection.execute_wrapper(self._timed):
                return fn()
        finally:
            after = _cpu_of(backend)
            with self._lock:
                if before is None or after is None:
                    self.server_known = False
                else:
                    self.server += after - before

    def in_parallel(self, fn, n: int) -> list:
        results, errors = [None] * n, []

        def worker(i):
            try:
                results[i] = self.work(fn)
            except BaseException as exc:  # noqa: BLE001 - re-raised below, in the main thread
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]
        return results

    def __enter__(self):
        self.wal = _wal_position()
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu
        self.wal = _wal_position() - self.wal

    def per_row(self, label: str, rows: int, top: int = 4) -> str:
        rows = max(rows, 1)
        server = f"{self.server * 1e6 / rows:.1f}" if self.server_known else "?"
        lines = [f"  {label}: {self.wall * 1e6 / rows:.1f} µs/row wall, CPU {self.cpu * 1e6 / rows:.1f} µs/row here "
                 f"+ {server} µs/row in PostgreSQL, WAL {self.wal / rows:.0f} B/row ({rows} rows)"]
        for sql, seconds in sorted(self.by_statement.items(), key=lambda item: -item[1])[:top]:
            lines.append(f"    {seconds * 1e6 / rows:8.1f} µs/row  {sql}")
        return "\n".join(lines)


def _wal_position() -> int:
    """The server's WAL insert position in bytes (WAL written between two readings, by every session)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn() - '0/0'::pg_lsn")
        return int(cursor.fetchone()[0])


# the server settings that shape these figures most (the run is WAL-bound: see the README)
SERVER_SETTINGS = ("shared_buffers", "wal_buffers", "wal_compression", "max_wal_size", "checkpoint_timeout")


def _server_settings() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT string_agg(n || ' ' || current_setting(n), ', ') FROM unnest(%s::text[]) n",
                       [list(SERVER_SETTINGS)])
        return cursor.fetchone()[0]


def _step(label: str, started: list[float]) -> None:
    now = time.perf_counter()
    print(f"  {label}: {now - started[0]:.1f} s", flush=True)
    started[0] = now


class ScratchDatabase:
    """Switch the default connection to a scratch database on the same server (created and migrated when
    missing) and back; drop it on the way out unless kept."""

    def __init__(self, name: str, keep: bool):
        self.name, self.keep = name, keep
        self.original = settings.DATABASES["default"]["NAME"]

    def _switch(self, name: str) -> None:
        connections.close_all()
        settings.DATABASES["default"]["NAME"] = name  # the connections' settings_dict is this dict
        connection.settings_dict["NAME"] = name

    def __enter__(self):
        from django.core.management import call_command

        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name])
            exists = cursor.fetchone() is not None
            if exists and not self.keep:
                cursor.execute(f'DROP DATABASE "{self.name}" WITH (FORCE)')  # a crashed run's leftover
            if not exists or not self.keep:
                cursor.execute(f'CREATE DATABASE "{self.name}"')
        self._switch(self.name)
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"scratch database {self.name} ready in {time.perf_counter() - started:.1f} s"
              f"{' (kept from an earlier run)' if exists and self.keep else ''}", flush=True)
        return self

    def __exit__(self, *exc):
        self._switch(self.original)
        if not self.keep:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE "{self.name}" WITH (FORCE)')
            print(f"(scratch database {self.name} dropped: the configured database was not touched)")
        else:
            print(f"(scratch database {self.name} kept: BENCH_SUBSIDY_KEEP)")


def _generated_policies() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM people_person WHERE iin LIKE %s", [IIN_PREFIX + "%"])
        return cursor.fetchone()[0]


# The canonical JSON of the instrument's first two links as instrument_issue and a policy's activation write them
# (sorted keys, no spaces): issued, then the fund's commitment as a funded event of 0.
_EVENTS_SQL = """
INSERT INTO policies_instrumentevent (instrument_id, seq, kind, amount_tiyn, data, hash, at)
SELECT i.id, e.seq, e.kind, e.amount, e.data, decode(e.hash, 'hex'), %(at)s
  FROM policies_instrument i
  JOIN policies_policy pol ON pol.instrument_id = i.id
  JOIN orgs_organisation o ON o.id = i.custodian_id
 CROSS JOIN LATERAL (SELECT encode(sha256(convert_to(%(genesis)s
        || '{"amount_tiyn":' || i.face_value_tiyn || ',"at":"' || %(at_iso)s || '","data":{"custodian":"' || o.code
        || '","face_value_tiyn":' || i.face_value_tiyn || ',"holder":' || i.holder_id || ',"valid_from":"'
        || i.valid_from || '","valid_to":"' || i.valid_to || '"},"kind":"issued","number":"' || i.number
        || '","seq":1}', 'UTF8')), 'hex') AS issued) h
 CROSS JOIN LATERAL (VALUES
        (1, 'issued', i.face_value_tiyn,
         jsonb_build_object('holder', i.holder_id, 'custodian', o.code, 'face_value_tiyn', i.face_value_tiyn,
                            'valid_from', i.valid_from::text, 'valid_to', i.valid_to::text),
         h.issued),
        (2, 'funded', 0,
         jsonb_build_object('source', 'fund', 'policy', pol.id, 'subsidy_tiyn', pol.subsidy_tiyn,
                            'paid', 'monthly, by the subsidy run'),
         encode(sha256(convert_to(h.issued
             || '{"amount_tiyn":0,"at":"' || %(at_iso)s || '","data":{"paid":"monthly, by the subsidy run","policy":'
             || pol.id || ',"source":"fund","subsidy_tiyn":' || pol.subsidy_tiyn || '},"kind":"funded","number":"'
             || i.number || '","seq":2}', 'UTF8')), 'hex'))) AS e(seq, kind, amount, data, hash)
 WHERE i.id > %(first)s
 ORDER BY i.id, e.seq
"""


def _generate(n: int) -> None:
    clock = [time.perf_counter()]
    from django.utils import timezone

    from insurers.services import BenefitIn, pricing_tables_sync, product_publish
    from policies.models import GENESIS_HASH
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
    at = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        try:  # consistent by construction: no per-row foreign-key checks for the scratch data
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
        except Exception:  # noqa: BLE001 - not a superuser: generate with the checks
            print("  (foreign-key checks stay on while generating: the user may not set session_replication_role)")
        cursor.execute("SELECT coalesce(max(id), 0) FROM people_person")
        (first_person,) = cursor.fetchone()
        cursor.execute("SELECT coalesce(max(id), 0) FROM policies_instrument")
        (first_instrument,) = cursor.fetchone()
        cursor.execute("""
            INSERT INTO people_person (iin, last_name, first_name, middle_name, birth_date, sex, phone, region,
                                       created_at, updated_at)
            SELECT %(prefix)s || lpad(g::text, 8, '0'), 'Бенч', 'Субсидия', '', date '1940-01-01' + (g * 37 %% 30000),
                   CASE WHEN g %% 2 = 0 THEN 'M' ELSE 'F' END, '', (%(regions)s::text[])[g %% 20 + 1], now(), now()
              FROM generate_series(1, %(n)s) g""", {"n": n, "regions": REGIONS, "prefix": IIN_PREFIX})
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
                       5200000, %(start)s, %(end)s, 'active', now()
                  FROM people_person WHERE id > %(first)s
                RETURNING id, number, holder_id, custodian_id)
            INSERT INTO policies_policy (number, instrument_id, holder_id, insurer_id, version_id, kind, start_date,
                                         end_date, price_tiyn, subsidy_tiyn, premium_tiyn, topups_tiyn, status,
                                         subsidy_posted, created_at, updated_at, activated_at)
            SELECT i.number, i.id, i.holder_id, i.custodian_id,
                   (%(versions)s::bigint[])[array_position(%(insurers)s::bigint[], i.custodian_id)], 'osms',
                   %(start)s, %(end)s, 5200000, 5200000, 0, 0, 'active', false, now(), now(), now()
              FROM i""", {"insurers": insurers, "versions": versions, "first": first_person,
                          "start": POLICY_START, "end": POLICY_END})
        _step("instruments and policies", clock)
        cursor.execute(_EVENTS_SQL, {"first": first_instrument, "at": at, "genesis": GENESIS_HASH,
                                     "at_iso": at.astimezone(UTC).isoformat(timespec="microseconds")})
        _step("their issued and funded-0 events", clock)
    with connection.cursor() as cursor:
        for table in ("people_person", "people_categorymembership", "policies_instrument", "policies_policy",
                      "policies_instrumentevent"):
            cursor.execute(f"VACUUM ANALYZE {table}")  # as autovacuum would after the load
    _step("vacuum analyze", clock)


def _bare_insert(run_id: int, period: date) -> tuple[float, int]:
    """The floor: the same rows into an ordinary (WAL-logged) copy of the line table with the same indexes and
    checks, read straight from the policies with constants for what the calculation computes."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare_line")
        cursor.execute("CREATE TABLE bench_bare_line (LIKE fund_subsidyline INCLUDING ALL)")
        started = time.perf_counter()
        cursor.execute("""
            INSERT INTO bench_bare_line (run_id, policy_id, person_id, insurer_id, instrument_id, kind, for_period,
                                         source_code, days, amount_tiyn)
            SELECT %s, id, holder_id, insurer_id, instrument_id, 'normal', %s, 'budget:republican', 31, 433333
              FROM policies_policy""", [run_id, period])  # the scratch database's policies are the bench's
        seconds, rows = time.perf_counter() - started, cursor.rowcount
        cursor.execute("DROP TABLE bench_bare_line")
        return seconds, rows


def _bare_events_insert() -> tuple[float, int]:
    """The run's other rows, its funded events, the same way: one per policy into an ordinary copy of the event
    table (same key and checks, without the triggers), constants for what the run computes."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare_event")
        cursor.execute("CREATE TABLE bench_bare_event (LIKE policies_instrumentevent INCLUDING ALL)")
        started = time.perf_counter()
        cursor.execute("""
            INSERT INTO bench_bare_event (instrument_id, seq, kind, amount_tiyn, data, hash, at)
            SELECT instrument_id, 3, 'funded', 433333, '{"line": "normal", "period": "2099-01", "subsidy_run": 1}',
                   sha256(''), now()
              FROM policies_policy""")
        seconds, rows = time.perf_counter() - started, cursor.rowcount
        cursor.execute("DROP TABLE bench_bare_event")
        return seconds, rows


def _explain_first_range(run) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the INSERT … SELECT for the first EXPLAIN_RANGE policy ids, rolled back."""
    from qalqan.fund.subsidy.calculation import insert_normal_lines_sql, period_inputs

    hi = min(run.first_policy_id + EXPLAIN_RANGE, run.max_policy_id)
    params = {"run": run.pk, "lo": run.first_policy_id, "hi": hi, **period_inputs(run.period).params("c")}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + insert_normal_lines_sql(), params)
        print("\n".join(row[0] for row in cursor.fetchall()), flush=True)
        transaction.set_rollback(True)


def _next_period() -> date:
    from qalqan.fund.subsidy.calculation import next_month
    from qalqan.fund.subsidy.models import SubsidyRun

    last = SubsidyRun.objects.order_by("-period").values_list("period", flat=True).first()
    period = FIRST_PERIOD if last is None else next_month(last)
    if period >= POLICY_END:
        raise SystemExit(f"the kept scratch database's policies ended before {period:%Y-%m}: drop it (run once "
                         f"without BENCH_SUBSIDY_KEEP)")
    return period


def _verify_sample(run_id: int) -> str:
    """instrument_chain_check on VERIFY_SAMPLE instruments spread over the run (their whole chains)."""
    from policies.instruments import instrument_chain_check
    from policies.models import Instrument, InstrumentEvent
    from qalqan.fund.subsidy.models import SubsidyLine

    ids = list(SubsidyLine.objects.filter(run_id=run_id).order_by("?").values_list("instrument_id", flat=True)
               [:VERIFY_SAMPLE])
    events: dict[int, list] = {i: [] for i in ids}
    for event in InstrumentEvent.objects.filter(instrument_id__in=ids).order_by("instrument_id", "seq"):
        events[event.instrument_id].append(event)
    for instrument in Instrument.objects.select_related("custodian").filter(pk__in=ids):
        broken = instrument_chain_check(instrument, events[instrument.pk])
        if broken:
            return f"BROKEN: {broken}"
        if not any(e.kind == "funded" and e.data.get("subsidy_run") == run_id for e in events[instrument.pk]):
            return f"BROKEN: {instrument.number} has no funded event of the run"
    return f"{len(ids)} sampled chains verify, each with its funded event"


def main() -> None:
    from qalqan.fund.subsidy import services
    from qalqan.fund.subsidy.models import SubsidyRun

    n = int(os.environ.get("BENCH_POLICIES", "200000"))
    workers = int(os.environ.get("BENCH_SUBSIDY_WORKERS", "2"))
    keep = os.environ.get("BENCH_SUBSIDY_KEEP", "") not in ("", "0")
    scratch = os.environ.get("BENCH_SUBSIDY_DATABASE") or f"{settings.DATABASES['default']['NAME']}_subsidy"
    queue_funding = services._queue_funding
    services._queue_funding = lambda run_id: None  # the benchmark's workers below are the funding tasks
    try:
        with ScratchDatabase(scratch, keep):
            _run(n, workers, services, SubsidyRun)
    finally:
        services._queue_funding = queue_funding


def _run(n: int, workers: int, services, SubsidyRun) -> None:
    figures = {}
    generated = _generated_policies()
    if generated == 0:
        started = time.perf_counter()
        _generate(n)
        print(f"generated {n} people, memberships, instruments with two events each and policies in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
    elif generated != n:
        raise SystemExit(f"the kept scratch database holds {generated} bench policies: set BENCH_POLICIES={generated} "
                         f"or drop it (run once without BENCH_SUBSIDY_KEEP)")
    else:
        with connection.cursor() as cursor:  # what autovacuum does in the month between two runs
            for table in ("fund_subsidyline", "policies_instrument", "policies_instrumentevent"):
                cursor.execute(f"VACUUM ANALYZE {table}")
        print(f"reusing the kept database's {n} policies", flush=True)
    period = _next_period()
    print(f"period {period:%Y-%m}, {workers} worker connection(s); server: {_server_settings()}", flush=True)

    started = time.perf_counter()
    run = services.subsidy_run_start(period=period, by="bench")
    figures["calculate"] = time.perf_counter() - started
    if os.environ.get("BENCH_SUBSIDY_EXPLAIN"):
        _explain_first_range(run)
    with Phase() as calculation:
        calculation.in_parallel(lambda: services.subsidy_run_calculate(run_id=run.pk, by="bench"), workers)
    figures["calculate"] += calculation.wall
    run = SubsidyRun.objects.get(pk=run.pk)
    assert run.status == SubsidyRun.Status.CALCULATED, run.status
    print(f"calculate: {run.policies} lines ({run.adjustments} adjustments) in {figures['calculate']:.2f} s "
          f"({run.policies / figures['calculate']:,.0f} policies/s, {run.chunks_done} ranges), "
          f"total {run.total_tiyn / 100:,.2f} ₸", flush=True)
    print(calculation.per_row("calculate", run.policies), flush=True)

    with Phase() as money:
        money.work(lambda: services.subsidy_run_approve(run_id=run.pk, by="bench"))
        run = money.work(lambda: services.subsidy_run_disburse(run_id=run.pk, by="bench"))
    with Phase() as funding:
        written = sum(funding.in_parallel(lambda: services.subsidy_run_record_funding(run_id=run.pk), workers))
    figures["disburse"] = money.wall + funding.wall
    print(f"disburse: {run.totals.count()} source×insurer totals posted in {money.wall:.2f} s, then {written} "
          f"funded events on the instruments in {funding.wall:.2f} s ({written / max(funding.wall, 1e-9):,.0f}/s "
          f"on {workers} worker(s)): {figures['disburse']:.2f} s", flush=True)
    print(funding.per_row("funded events", written), flush=True)
    run = SubsidyRun.objects.get(pk=run.pk)
    assert run.instruments_recorded == written == run.policies + run.adjustments, (run.instruments_recorded, written)

    with Phase() as bare:
        figures["bare"], rows = bare.work(lambda: _bare_insert(run.pk, period))
    print(f"bare INSERT … SELECT of {rows} rows: {figures['bare']:.2f} s ({rows / figures['bare']:,.0f} rows/s)",
          flush=True)
    print(bare.per_row("bare", rows, top=0), flush=True)
    print(f"disburse = {figures['disburse'] / figures['bare']:.2f}× the bare insert, calculate = "
          f"{figures['calculate'] / figures['bare']:.2f}×", flush=True)
    run_seconds = figures["calculate"] + figures["disburse"]
    print(f"calculate + disburse = {run_seconds:.2f} s = {run_seconds / figures['bare']:.2f}× the bare insert "
          f"(target ≤ 3×)", flush=True)
    run_cpu = calculation.server + money.server + funding.server
    print(f"PostgreSQL CPU: run {run_cpu:.2f} s = {run_cpu / max(bare.server, 1e-9):.2f}× the bare insert's "
          f"{bare.server:.2f} s", flush=True)
    with Phase() as bare_events:
        figures["bare_events"], events = bare_events.work(_bare_events_insert)
    both = figures["bare"] + figures["bare_events"]
    print(f"bare INSERT … SELECT of {events} events: {figures['bare_events']:.2f} s; of all the run's rows (lines and "
          f"events) {both:.2f} s: calculate + disburse = {run_seconds / both:.2f}× that", flush=True)
    national = run_seconds * 12_200_000 / max(n, 1)
    print(f"linear estimate for 12.2 million policies: {national / 60:.1f} min (target ≤ 5 min)"
          if n != 12_200_000 else f"national run: {run_seconds / 60:.1f} min (target ≤ 5 min)", flush=True)
    print(f"chains: {_verify_sample(run.pk)}", flush=True)


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qalqan.settings")
    django.setup()
    main()
