"""Claims: event intake over HTTP with every format-logical check, single-event POSTs, eligibility look-ups.

Targets on this machine: batch intake ≥ 5 000 events/s (a year of national volume in under 8 hours);
single-event POST ≥ 300 requests/s with p99 < 50 ms; eligibility look-up ≥ 1 500 requests/s.
Sizes: BENCH_CLAIMS_PEOPLE (insured people, default 10 000), BENCH_CLAIMS_EVENTS (batch events, default 60 000),
BENCH_CLAIMS_SINGLE (distinct single POSTs prepared for wrk, default 20 000), BENCH_CLAIMS_SECONDS (wrk's run,
default 10), BENCH_CLAIMS_CONNECTIONS (wrk's connections, default 8), BENCH_CLAIMS_LOOKUPS (eligibility
look-ups prepared for wrk, default 6 000), BENCH_CLAIMS_BATCH_CLIENTS (clinics posting batches at once, default 4),
BENCH_CLAIMS_POST_WORKERS × BENCH_CLAIMS_POST_THREADS (the single POSTs' Granian, default 2 × 4).

The single POSTs run first, on a server of their own after 2 s of warm-up with events of their own: right after
the 60 000-event batch part the disk is still writing its pages back, and commits waiting for it lifted the p99
to 60–700 ms here. With 2 000 people, four concurrent batches of 1 000 events nearly always bill some of the same
(person, day) pairs and queue on each other's double-billing locks; 10 000 people (the country has 20 million)
keep that overlap to what many clinics posting at once would see.

Celery as in production: the server queues its follow-up tasks (the patient's notification after a single POST)
to a Redis broker that no worker consumes during the run (BENCH_CELERY_BROKER_URL, default
redis://127.0.0.1:6379/15, a database of its own; the queued tasks are dropped afterwards). Without Redis the
tasks run eagerly inside the requests, as on a laptop, and the output says so.
"""
import json
import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import psutil
import requests
from django.db import connection, transaction
from django.utils import timezone

from bench.broker import bench_broker, queued_tasks
from bench.load import Call, hammer
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


def server_cpu() -> float:
    """CPU seconds spent so far by the server's processes (Granian and its workers descend from this process;
    PostgreSQL's are not counted)."""
    total = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def main() -> None:
    from claims.models import InsuredEvent
    from qalqan.orgs.models import Organisation
    from qalqan.orgs.services import organisation_create, token_issue

    people = int(os.environ.get("BENCH_CLAIMS_PEOPLE", 10_000))
    batch_events = int(os.environ.get("BENCH_CLAIMS_EVENTS", 60_000))
    singles = int(os.environ.get("BENCH_CLAIMS_SINGLE", 20_000))
    seconds = int(os.environ.get("BENCH_CLAIMS_SECONDS", 10))
    connections = int(os.environ.get("BENCH_CLAIMS_CONNECTIONS", 8))
    lookups = int(os.environ.get("BENCH_CLAIMS_LOOKUPS", 6_000))
    batch_clients = int(os.environ.get("BENCH_CLAIMS_BATCH_CLIENTS", 4))
    post_workers = int(os.environ.get("BENCH_CLAIMS_POST_WORKERS", 2))
    post_threads = int(os.environ.get("BENCH_CLAIMS_POST_THREADS", 4))

    insurer = Organisation.objects.filter(code="bench-insurer").first() or organisation_create(
        kind="insurer", code="bench-insurer", name="Bench insurer")
    run = f"{int(time.time())}"
    clinic = organisation_create(kind="clinic", code=f"bench-clinic-{run}", name="Bench clinic")
    headers = {"Authorization": f"Bearer {token_issue(organisation=clinic, name='bench')}"}
    iins = insured_people(people, insurer)
    with connection.cursor() as cursor:  # fresh planner statistics after the bulk loads (as autovacuum would)
        cursor.execute("ANALYZE people_person, policies_policy, policies_policybenefit, claims_insuredevent")
    print(f"{len(iins)} insured people; clinic {clinic.code}", flush=True)

    broker = bench_broker("BENCH_CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
    if broker:
        queued_tasks(broker, drop=True)
        print(f"Celery: tasks queued to {broker} for workers, none consuming during the run (as in production, "
              f"where workers on other machines deliver the notifications)", flush=True)
    else:
        print("Celery: no Redis, so tasks run eagerly inside the requests (the server pays for the notification "
              "deliveries too)", flush=True)
    # 1. single-event POSTs from wrk, each with its own event_id (a repeat would be a cheaper 200), first: right after
    # the batch part the disk is still writing its pages back and commits wait for it
    json_headers = {**headers, "Content-Type": "application/json"}
    calls = [Call("/api/v1/clinic/events", "POST", json_headers, json.dumps(event).encode())
             for event in events(iins, singles, f"S{run}")]
    warm_up = [Call("/api/v1/clinic/events", "POST", json_headers, json.dumps(event).encode())
               for event in events(iins, 2_000, f"W{run}")]
    with http_server(workers=post_workers, threads=post_threads,
                     env={"CELERY_BROKER_URL": broker} if broker else None) as post_base:
        # warm-up with events of their own: every worker has its connection and prepared statements
        hammer(post_base, warm_up, seconds=2, connections=connections)
        cpu = server_cpu()
        result = hammer(post_base, calls, seconds=seconds, connections=connections)
        cpu = server_cpu() - cpu
    stored = InsuredEvent.objects.filter(clinic=clinic, event_id__startswith=f"S{run}-").count()
    answered = result.rate * seconds
    print(f"single POST /clinic/events: {result} (target ≥ 300/s, p99 < 50 ms); {stored} events stored, "
          f"{max(0, round(answered) - stored)} repeats of an event_id; server CPU "
          f"{cpu / max(answered, 1) * 1000:.2f} ms per request", flush=True)
    if result.errors:
        print("  (non-2xx answers: the single POST part is not valid)", flush=True)

    with http_server(env={"CELERY_BROKER_URL": broker} if broker else None) as base:
        # 2. batch intake
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

        cpu = server_cpu()
        elapsed, latencies = timed_requests(batches, batch_clients, post_batch)
        cpu = server_cpu() - cpu
        rate = outcome["stored"] / elapsed
        print(f"batch intake: {outcome['stored']} events ({outcome['invalid']} invalid) in {elapsed:.1f} s: "
              f"{rate:,.0f} events/s, p50 {percentile(latencies, 50):.0f} ms / p99 {percentile(latencies, 99):.0f} ms "
              f"per 1 000-event call (target ≥ 5 000 events/s; 142.5 million a year in "
              f"{142_500_000 / rate / 3600:.1f} h); server CPU {cpu / max(outcome['stored'], 1) * 1e6:,.0f} µs "
              f"per event", flush=True)

        # 3. eligibility look-ups from wrk (the clinic's token was used above, so its use is recorded), on
        # single-threaded workers as for the status look-up (bench_status.py says why), after a warm-up
        rng = random.Random(11)
        calls = [Call(f"/api/v1/clinic/eligibility/{rng.choice(iins)}", headers=headers) for _ in range(lookups)]
        with http_server(threads=1) as lookup_base:
            hammer(lookup_base, calls, seconds=3, connections=connections)
            cpu = server_cpu()
            result = hammer(lookup_base, calls, seconds=seconds, connections=connections)
            cpu = server_cpu() - cpu
        print(f"eligibility look-up: {result} (target ≥ 1 500/s); server CPU "
              f"{cpu / max(result.rate * seconds, 1) * 1000:.2f} ms per request", flush=True)
        if result.errors:
            print("  (non-2xx answers: the eligibility part is not valid)", flush=True)
    if broker:
        print(f"Celery: {queued_tasks(broker, drop=True)} delivery tasks were queued during the run (dropped)",
              flush=True)
