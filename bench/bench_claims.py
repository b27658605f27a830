"""Claims: event intake over HTTP with every format-logical check, single-event POSTs, eligibility look-ups.

Targets on this machine: batch intake ≥ 5 000 events/s (a year of national volume in under 8 hours);
single-event POST ≥ 300 requests/s with p99 < 50 ms; eligibility look-up ≥ 1 500 requests/s.
Sizes: BENCH_CLAIMS_PEOPLE (insured people, default 2 000), BENCH_CLAIMS_EVENTS (batch events, default 60 000),
BENCH_CLAIMS_SINGLE (single POSTs, default 3 000), BENCH_CLAIMS_LOOKUPS (eligibility, default 6 000),
BENCH_CLIENTS (concurrent clients, default 4).
"""
import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import requests
from django.db import connection, transaction
from django.utils import timezone

from bench.server import http_server, percentile

BATCH = 1000
SERVICES = [("KDU-001", 500_000), ("KDU-002", 120_000), ("KDU-003", 180_000), ("KDU-004", 650_000)]


def insured_people(count: int, insurer) -> list[str]:
    """`count` registered people holding an active policy of `insurer` (made once, reused by later runs)."""
    from bench.bench_registry import synthetic_people
    from claims.tariffs import service_tariffs_sync
    from insurers.services import BenefitIn, product_publish
    from policies.instruments import instrument_issue
    from policies.models import Policy, PolicyBenefit
    from qalqan.people.models import Person
    from qalqan.people.services import people_upsert

    service_tariffs_sync()
    rows = list(synthetic_people(count, first_day=date(1960, 1, 1)))
    people_upsert(rows=rows)
    persons = list(Person.objects.filter(iin__in=[r["iin"] for r in rows]))
    covered = set(Policy.objects.filter(insurer=insurer, status=Policy.Status.ACTIVE).values_list("holder_id",
                                                                                                flat=True))
    missing = [p for p in persons if p.pk not in covered]
    if missing:
        version = product_publish(insurer=insurer, code="bench-basic", name="Bench basic", kind="osms",
                                  benefits=[BenefitIn("kdu", 10**12)], valid_from=date(2025, 1, 1))
        start = timezone.localdate() - timedelta(days=120)
        end = start + timedelta(days=365)
        print(f"issuing {len(missing)} policies …", flush=True)
        for chunk in range(0, len(missing), 500):
            with transaction.atomic():
                for person in missing[chunk:chunk + 500]:
                    instrument = instrument_issue(holder=person, custodian=insurer, face_value_tiyn=1_000_000,
                                                  valid_from=start, valid_to=end)
                    policy = Policy.objects.create(
                        number=instrument.number, instrument=instrument, holder=person, insurer=insurer,
                        version=version, kind="osms", start_date=start, end_date=end, price_tiyn=1_000_000,
                        subsidy_tiyn=1_000_000, premium_tiyn=0, status=Policy.Status.ACTIVE)
                    PolicyBenefit.objects.create(policy=policy, benefit="kdu", limit_tiyn=10**12)
    return [p.iin for p in persons]


def events(iins: list[str], count: int, prefix: str):
    rng = random.Random(7)
    today = timezone.localdate()
    for n in range(count):
        code, tariff = rng.choice(SERVICES)
        yield {"event_id": f"{prefix}-{n}", "iin": rng.choice(iins), "service_code": code, "icd10": "J06.9",
               "service_date": (today - timedelta(days=rng.randint(1, 60))).isoformat(),
               "amount_tiyn": tariff, "benefit": "kdu"}


def timed_requests(jobs, clients: int, call) -> tuple[float, list[float]]:
    """Run `call(session, job)` over jobs with `clients` threads; return (elapsed s, sorted latencies ms)."""
    local = threading.local()
    latencies: list[float] = []

    def run(job):
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        started = time.perf_counter()
        call(session, job)
        latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(run, jobs))
    return time.perf_counter() - started, sorted(latencies)


def main() -> None:
    from qalqan.orgs.models import Organisation
    from qalqan.orgs.services import organisation_create, token_issue

    people = int(os.environ.get("BENCH_CLAIMS_PEOPLE", 2_000))
    batch_events = int(os.environ.get("BENCH_CLAIMS_EVENTS", 60_000))
    singles = int(os.environ.get("BENCH_CLAIMS_SINGLE", 3_000))
    lookups = int(os.environ.get("BENCH_CLAIMS_LOOKUPS", 6_000))
    clients = int(os.environ.get("BENCH_CLIENTS", 4))

    insurer = Organisation.objects.filter(code="bench-insurer").first() or organisation_create(
        kind="insurer", code="bench-insurer", name="Bench insurer")
    run = f"{int(time.time())}"
    clinic = organisation_create(kind="clinic", code=f"bench-clinic-{run}", name="Bench clinic")
    headers = {"Authorization": f"Bearer {token_issue(organisation=clinic, name='bench')}"}
    iins = insured_people(people, insurer)
    with connection.cursor() as cursor:  # fresh planner statistics after the bulk loads (as autovacuum would)
        cursor.execute("ANALYZE people_person, policies_policy, policies_policybenefit, claims_insuredevent")
    print(f"{len(iins)} insured people; clinic {clinic.code}", flush=True)

    with http_server() as base:
        # 1. batch intake
        rows = list(events(iins, batch_events, f"B{run}"))
        batches = [rows[i:i + BATCH] for i in range(0, len(rows), BATCH)]
        outcome = {"stored": 0, "invalid": 0}
        lock = threading.Lock()

        def post_batch(session, batch):
            response = session.post(base + "/api/v1/clinic/events/batch", json=batch, headers=headers, timeout=300)
            response.raise_for_status()
            results = response.json()["results"]
            with lock:
                outcome["stored"] += sum(1 for r in results if r.get("id"))
                outcome["invalid"] += sum(1 for r in results if r.get("status") == "invalid")

        elapsed, latencies = timed_requests(batches, min(clients, 2), post_batch)
        rate = outcome["stored"] / elapsed
        print(f"batch intake: {outcome['stored']} events ({outcome['invalid']} invalid) in {elapsed:.1f} s: "
              f"{rate:,.0f} events/s, p50 {percentile(latencies, 50):.0f} ms / p99 {percentile(latencies, 99):.0f} ms "
              f"per 1 000-event call (target ≥ 5 000 events/s; 142.5 million a year in "
              f"{142_500_000 / rate / 3600:.1f} h)", flush=True)

        # 2. single-event POSTs
        one_by_one = list(events(iins, singles, f"S{run}"))

        def post_one(session, event):
            response = session.post(base + "/api/v1/clinic/events", json=event, headers=headers, timeout=60)
            assert response.status_code in (200, 201), response.text

        elapsed, latencies = timed_requests(one_by_one, clients, post_one)
        print(f"single POST /clinic/events: {len(one_by_one)} in {elapsed:.1f} s: {len(one_by_one) / elapsed:,.0f} "
              f"requests/s, p50 {percentile(latencies, 50):.1f} ms, p99 {percentile(latencies, 99):.1f} ms "
              f"(target ≥ 300/s, p99 < 50 ms)", flush=True)

        # 3. eligibility look-ups
        rng = random.Random(11)
        asked = [rng.choice(iins) for _ in range(lookups)]

        def look_up(session, iin):
            response = session.get(base + f"/api/v1/clinic/eligibility/{iin}", headers=headers, timeout=60)
            assert response.status_code == 200, response.text

        elapsed, latencies = timed_requests(asked, clients, look_up)
        print(f"eligibility look-up: {lookups} in {elapsed:.1f} s: {lookups / elapsed:,.0f} requests/s, "
              f"p50 {percentile(latencies, 50):.1f} ms, p99 {percentile(latencies, 99):.1f} ms (target ≥ 1 500/s)",
              flush=True)
