"""The monthly subsidy run at national scale: calculate and disburse, against a bare INSERT … SELECT.

Generates BENCH_POLICIES (200 000; 12 200 000 for the national run) subsidised people and active policies
across 10 insurers and 20 regions with set-based SQL (60 % privileged → republican budget, 20 % unemployed →
the region's МИО, 20 % contributors → the ОСМС pool), then times:

- calculate: POST-equivalent subsidy_run_start + subsidy_run_calculate (INSERT … SELECT per policy-id range of
  SUBSIDY_RUN_CHUNK_POLICIES, totals by source and insurer, draft → calculated);
- disburse: approve + disburse (one ledger transfer per source and per insurer);
- bare: INSERT … SELECT of the same number of rows into a copy of the line table (same indexes) with no
  joins or arithmetic — the floor the calculation is compared with (target: within 3×; ≤ 5 min nationally);
- funded events: instrument_record on a sample (BENCH_SUBSIDY_FUNDED_SAMPLE, 2 000) of instruments, and what
  the whole run would take at that rate (the hash chain is written one event at a time, after the money).

Everything runs in one transaction that is rolled back at the end: the development database keeps nothing.
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


class Rollback(Exception):
    pass


def _generate(n: int) -> tuple[int, list[int]]:
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
        cursor.execute("""
            INSERT INTO people_categorymembership (person_id, category, valid_from, valid_to)
            SELECT id, CASE WHEN id %% 10 < 6 THEN (ARRAY['pensioner', 'child', 'disabled'])[id %% 3 + 1]
                            WHEN id %% 10 < 8 THEN 'unemployed' ELSE 'employee' END, date '2020-01-01', NULL
              FROM people_person WHERE id > %s""", [first_person])
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
        for table in ("people_person", "people_categorymembership", "policies_instrument", "policies_policy"):
            cursor.execute(f"ANALYZE {table}")
    return first_policy, insurers


def _bare_insert(first_policy: int, run_id: int) -> tuple[float, int]:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_bare_line (LIKE fund_subsidyline INCLUDING ALL)"
                       " ON COMMIT DROP")
        started = time.perf_counter()
        cursor.execute("""
            INSERT INTO bench_bare_line (run_id, policy_id, person_id, insurer_id, instrument_id, kind, for_period,
                                         source_code, days, amount_tiyn, funded_recorded)
            SELECT %s, id, holder_id, insurer_id, instrument_id, 'normal', %s, 'budget:republican', 31, 433333, false
              FROM policies_policy WHERE id > %s""", [run_id, PERIOD, first_policy])
        return time.perf_counter() - started, cursor.rowcount


def main() -> None:
    from qalqan.fund.subsidy import services
    from qalqan.fund.subsidy.models import SubsidyRun

    n = int(os.environ.get("BENCH_POLICIES", "200000"))
    sample = int(os.environ.get("BENCH_SUBSIDY_FUNDED_SAMPLE", "2000"))
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
            run = services.subsidy_run_calculate(run_id=run.pk, by="bench")
            figures["calculate"] = time.perf_counter() - started
            print(f"calculate: {run.policies} lines in {figures['calculate']:.2f} s "
                  f"({run.policies / figures['calculate']:,.0f} policies/s, {run.chunks_done} ranges), "
                  f"total {run.total_tiyn / 100:,.2f} ₸", flush=True)

            started = time.perf_counter()
            services.subsidy_run_approve(run_id=run.pk, by="bench")
            run = services.subsidy_run_disburse(run_id=run.pk, by="bench")
            figures["disburse"] = time.perf_counter() - started
            print(f"disburse: {run.totals.count()} source×insurer totals posted in {figures['disburse']:.2f} s",
                  flush=True)

            figures["bare"], rows = _bare_insert(first_policy, run.pk)
            print(f"bare INSERT … SELECT of {rows} rows: {figures['bare']:.2f} s", flush=True)
            ratio = (figures["calculate"] + figures["disburse"]) / figures["bare"]
            print(f"calculate + disburse / bare insert = {ratio:.2f}× (target ≤ 3×)", flush=True)
            national = (figures["calculate"] + figures["disburse"]) * 12_200_000 / max(n, 1)
            print(f"linear estimate for 12.2 million policies: {national / 60:.1f} min (target ≤ 5 min)", flush=True)

            started = time.perf_counter()
            written = services.subsidy_run_record_funding(run_id=run.pk, batch=500,
                                                          max_batches=max(1, sample // 500))
            elapsed = time.perf_counter() - started
            rate = written / elapsed if elapsed else 0
            print(f"funded events: {written} in {elapsed:.2f} s = {rate:,.0f}/s on one worker; "
                  f"the whole run would take {n / rate / 60:.1f} min here, "
                  f"{12_200_000 / rate / 3600:.1f} h for 12.2 million per worker (after the money; "
                  f"workers share a run with SKIP LOCKED)" if rate else "funded events: none written", flush=True)
            raise Rollback
    except Rollback:
        print("(rolled back: the database keeps nothing from this benchmark)")


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qalqan.settings")
    django.setup()
    main()
