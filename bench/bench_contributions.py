"""Contribution intake: BENCH_CONTRIBUTIONS payments (default 200 000) through the batch service
`contributions_intake` in calls of 10 000 rows, ledger postings included (one transfer per payer kind and
destination per call), 2 % of them for ИИН not in the registry (held in suspense).

Target: ≥ 20 000 payments/s. The status recompute that each call queues after commit runs on Celery
workers in production; here (no broker, eager) it runs in-process and is timed separately.
"""
import os
import time
import uuid

from django.db import connection

from bench.bench_status import load_people, sample_iins
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
    rows = []
    for i in range(count):
        kind, amount = KINDS[i % len(KINDS)]
        iin = iins[i % len(iins)] if i % 50 else "900101300007"  # every 50th: an unknown ИИН → suspense
        month = 1 + (i // len(iins)) % 10
        rows.append({"iin": iin, "kind": kind, "period": f"2026-{month:02d}", "amount_tiyn": amount,
                     "reference": f"bench-{run}-{i}"})
    batches = [rows[i:i + MAX_ROWS] for i in range(0, len(rows), MAX_ROWS)]

    recompute_seconds = 0.0
    original = status_module.status_recompute

    def timed_recompute(**kwargs):
        nonlocal recompute_seconds
        t0 = time.perf_counter()
        try:
            return original(**kwargs)
        finally:
            recompute_seconds += time.perf_counter() - t0

    status_module.status_recompute = timed_recompute
    from qalqan.people import tasks

    tasks.status_services.status_recompute = timed_recompute
    created = suspense = 0
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
    intake = elapsed - recompute_seconds
    print(f"{created:,} payments stored ({suspense:,} in suspense) in {len(batches)} calls")
    print(f"intake with ledger postings: {created / intake:,.0f} payments/s ({intake:.1f} s; target ≥ 20 000/s)")
    print(f"with the after-commit status recompute run in-process too: {created / elapsed:,.0f} payments/s "
          f"({recompute_seconds:.1f} s recomputing)")
    print(f"trial balance total: {trial_balance()['total_tiyn']} tiyn")
