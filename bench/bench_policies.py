"""Policies: applications per second end to end, and policy PDF renders per second.

1. End to end over HTTP on a Granian of BENCH_POLICIES_WORKERS (2) workers, with a localstripe server on
   loopback: BENCH_POLICIES_COUNT (600) insured citizens each POST /citizen/applications (an osms_dms product:
   the fund subsidises, the rest is due), then POST /citizen/payments/{id}/stripe with a test card; localstripe
   sends its signed payment_intent.succeeded webhook to POST /api/v1/webhooks/stripe, which activates the
   policy (ledger postings, instrument funded, subsidy). The clock stops when every policy is active.
   BENCH_POLICIES_CLIENTS (12) client threads. Target ≥ 200 applications/s.
   As in production, the server queues its Celery tasks (notifications, the feed's outbox relay) on a broker
   (BENCH_POLICIES_BROKER, default redis://127.0.0.1:6379/12 when it answers; no worker runs them, they are
   removed afterwards); without one they run eagerly inside the requests (printed). Besides the wall-clock
   rate it prints the CPU per application of the server's processes, of their PostgreSQL backends and of
   localstripe (a test double: a single asyncio process, not part of production), read from /proc over the
   timed part, and the rate each would allow — the figures to judge by on a shared machine.
2. PDF renders per second on one core (in-process WeasyPrint), for BENCH_POLICIES_PDF_SECONDS (10).
   Target ≥ 20/s.

BENCH_POLICIES_PARTS (default "e2e,pdf") picks the parts: `BENCH_POLICIES_PARTS=pdf python -m bench policies`
renders PDFs only (of the newest policy an earlier run left in the database).
"""
import os
import random
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import requests
from django.db import connection

from bench.broker import bench_broker, queued_tasks
from bench.cpu import backend_pids, cpu_seconds, server_pids
from bench.server import http_server, percentile

INSURER = ("bench-insurer", "Bench Сақтандыру")
LAST_NAME = "Бенчполис"


def _prepare(count: int) -> tuple[list[tuple[int, str]], str]:
    from insurers.services import BenefitIn, pricing_tables_sync, product_publish
    from qalqan.core.kzid import synthetic_iin
    from qalqan.orgs.services import organisation_create, token_issue
    from qalqan.people.models import Person
    from qalqan.people.services import people_upsert
    from qalqan.people.status import status_recompute
    from qalqan.refdata.services import refdata_sync

    refdata_sync()
    pricing_tables_sync()
    insurer = organisation_create(kind="insurer", code=INSURER[0], name=INSURER[1])
    product_publish(insurer=insurer, code="bench-gold", name="Bench Gold", kind="osms_dms",
                    annual_premium_tiyn=15_000_000,
                    benefits=[BenefitIn("dental", 20_000_000), BenefitIn("inpatient", 500_000_000)])
    rng = random.Random(secrets.randbits(32))
    rows, seen = [], set()
    while len(rows) < count:  # fresh people every run: no overlapping policies from earlier runs
        iin = synthetic_iin(date(1960 + rng.randrange(40), 1 + rng.randrange(12), 1 + rng.randrange(28)),
                            rng.choice("MF"), rng.randrange(10000))
        if iin and iin not in seen:
            seen.add(iin)
            rows.append({"iin": iin, "last_name": LAST_NAME, "first_name": "Тест", "birth_date": _birth(iin),
                         "sex": "M" if int(iin[6]) % 2 else "F", "phone": "+77010000000", "region": "astana",
                         "categories": ["disabled"]})
    existing = set(Person.objects.filter(iin__in=seen).values_list("iin", flat=True))
    rows = [r for r in rows if r["iin"] not in existing]
    for start in range(0, len(rows), 5000):
        people_upsert(rows=rows[start:start + 5000])
    people = list(Person.objects.filter(iin__in=[r["iin"] for r in rows]).values_list("pk", flat=True))
    status_recompute(person_ids=people)
    return [(p.pk, token_issue(person=p)) for p in Person.objects.filter(pk__in=people)], insurer.code


def _birth(iin: str) -> str:
    century = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}[int(iin[6])]
    return f"{century + int(iin[:2])}-{iin[2:4]}-{iin[4:6]}"


def _applications(base: str, citizens, insurer_code: str, clients: int):
    timings = {"apply": [], "pay": []}
    errors = []
    lock = threading.Lock()
    local = threading.local()

    def session() -> requests.Session:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        return local.session

    def one(token: str) -> int | None:
        headers = {"Authorization": f"Bearer {token}"}
        t0 = time.perf_counter()
        r = session().post(f"{base}/api/v1/citizen/applications", json={"product": "bench-gold",
                                                                         "insurer": insurer_code},
                           headers=headers, timeout=60)
        t1 = time.perf_counter()
        if r.status_code != 201 or not r.json().get("payment"):
            with lock:
                errors.append(f"apply {r.status_code} {r.text[:120]}")
            return None
        payment = r.json()["payment"]
        r = session().post(f"{base}/api/v1/citizen/payments/{payment}/stripe",
                           json={"payment_method": "pm_card_visa"}, headers=headers, timeout=60)
        t2 = time.perf_counter()
        with lock:
            timings["apply"].append(t1 - t0)
            timings["pay"].append(t2 - t1)
            if r.status_code != 200:
                errors.append(f"pay {r.status_code} {r.text[:120]}")
        return payment

    with ThreadPoolExecutor(clients) as pool:
        payments = [p for p in pool.map(one, [token for _, token in citizens]) if p]
    return payments, timings, errors


def _wait_active(payment_ids: list[int], timeout: float) -> int:
    from qalqan.payments.models import Payment

    deadline = time.monotonic() + timeout
    done = 0
    while time.monotonic() < deadline:
        done = Payment.objects.filter(pk__in=payment_ids, status="succeeded").count()
        if done >= len(payment_ids):
            break
        time.sleep(0.1)
    return done


def bench_end_to_end() -> None:
    from qalqan.payments.localstripe_server import local_stripe

    count = int(os.environ.get("BENCH_POLICIES_COUNT", 600))
    clients = int(os.environ.get("BENCH_POLICIES_CLIENTS", 12))
    workers = int(os.environ.get("BENCH_POLICIES_WORKERS", 2))
    started = time.perf_counter()
    citizens, insurer_code = _prepare(count)
    print(f"prepared {len(citizens)} insured citizens with tokens in {time.perf_counter() - started:.1f} s")
    state = Path(os.environ.get("QALQAN_DATA_DIR", ".data")) / f"bench-localstripe-{secrets.token_hex(4)}.pickle"
    broker = bench_broker("BENCH_POLICIES_BROKER", "redis://127.0.0.1:6379/12")
    tasks = (f"Celery tasks queued on {broker} (not run during the timed part, removed afterwards)" if broker
             else "no broker: Celery tasks run eagerly inside the requests")
    queued = 0
    with local_stripe(state_file=state) as stripe_server:
        env = {"STRIPE_API_BASE": stripe_server.base, "STRIPE_WEBHOOK_SECRET": stripe_server.webhook_secret,
               "STRIPE_API_KEY": os.environ["STRIPE_API_KEY"], "DB_CONN_MAX_AGE": "600",
               **({"CELERY_BROKER_URL": broker} if broker else {})}
        try:
            with http_server(workers=workers, env=env) as base:
                stripe_server.point_webhooks_at(base)
                servers = server_pids(base)
                queued_before = queued_tasks(broker) if broker else 0
                cpu_before = {pid: cpu_seconds(pid) for pid in [*servers, stripe_server.process.pid]}
                backends_before = {pid: cpu_seconds(pid) for pid in backend_pids()}
                t0 = time.perf_counter()
                payments, timings, errors = _applications(base, citizens, insurer_code, clients)
                t_requests = time.perf_counter() - t0
                active = _wait_active(payments, timeout=120)
                wall = time.perf_counter() - t0
                backends = {pid: cpu_seconds(pid) - backends_before.get(pid, 0.0) for pid in backend_pids()}
                server_cpu = sum(cpu_seconds(pid) - cpu_before[pid] for pid in servers)
                stripe_cpu = cpu_seconds(stripe_server.process.pid) - cpu_before[stripe_server.process.pid]
                queued = (queued_tasks(broker) - queued_before) if broker else 0
        finally:
            if broker:
                queued_tasks(broker, drop=True)
    state.unlink(missing_ok=True)
    for name in ("apply", "pay"):
        values = sorted(timings[name])
        print(f"  POST {'/citizen/applications' if name == 'apply' else '/citizen/payments/{id}/stripe'}: "
              f"p50 {percentile(values, 50) * 1000:.1f} ms, p99 {percentile(values, 99) * 1000:.1f} ms")
    print(f"{len(payments)} applications with card payments in {t_requests:.1f} s "
          f"({len(payments) / t_requests:.0f}/s of requests); {active} policies active by signed webhooks after "
          f"{wall:.1f} s: {active / wall:.0f} applications/s end to end ({clients} clients, {workers} workers; "
          f"target ≥ 200/s); {len(errors)} errors{': ' + errors[0] if errors else ''}")
    print(f"  {tasks}" + (f": {queued} tasks" if broker else ""))
    if active:
        per_server, per_stripe = server_cpu / active, stripe_cpu / active
        print(f"  CPU per application over the timed part: server (Granian, {len(servers)} processes) "
              f"{per_server * 1000:.1f} ms → {1 / per_server if per_server else 0:.0f} applications/s per core "
              f"(application + payment + webhook requests); localstripe {per_stripe * 1000:.1f} ms → "
              f"{1 / per_stripe if per_stripe else 0:.0f}/s on its one core (a test double, not production)")
        print(f"  PostgreSQL backends of the server ({len(backends)}): {sum(backends.values()) / active * 1000:.1f} ms "
              f"CPU per application")


def bench_pdf() -> None:
    from policies.models import Policy

    seconds = float(os.environ.get("BENCH_POLICIES_PDF_SECONDS", 10))
    policy = (Policy.objects.select_related("holder", "insurer", "version__product")
              .exclude(status="transferred").order_by("-id").first())
    if policy is None:
        print("no policy to render (run the end-to-end part first)")
        return
    cores = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(cores)})  # one core
    try:
        _render_loop(policy, seconds)
    finally:
        os.sched_setaffinity(0, cores)


def _render_loop(policy, seconds: float) -> None:
    from policies.pdf import policy_pdf

    policy_pdf(policy)  # warm up fonts and templates
    renders, timings, cpu = 0, [], []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        t, c = time.perf_counter(), time.process_time()
        policy_pdf(policy)
        timings.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        renders += 1
    timings.sort()
    cpu.sort()
    print(f"policy PDF (WeasyPrint, one core): {renders / sum(timings):.1f} renders/s, p50 "
          f"{percentile(timings, 50) * 1000:.0f} ms, p99 {percentile(timings, 99) * 1000:.0f} ms (target ≥ 20/s)")
    print(f"  process CPU per render: mean {sum(cpu) / renders * 1000:.1f} ms, p50 {percentile(cpu, 50) * 1000:.1f} ms "
          f"→ {renders / sum(cpu):.1f} renders/s on a core of its own")


def main() -> None:
    connection.ensure_connection()
    parts = {p.strip() for p in os.environ.get("BENCH_POLICIES_PARTS", "e2e,pdf").split(",")}
    if unknown := parts - {"e2e", "pdf"}:
        raise SystemExit(f"BENCH_POLICIES_PARTS: unknown part(s) {', '.join(sorted(unknown))} (e2e, pdf)")
    if "e2e" in parts:
        bench_end_to_end()
    if "pdf" in parts:
        bench_pdf()
