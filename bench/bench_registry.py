"""Registry load: BENCH_PEOPLE synthetic people (default 200 000) through POST /api/v1/fund/people in 10 000-row
calls from BENCH_CLIENTS (default 2) clients against a Granian server (2 workers).

Target: ≥ 25 000 rows/s on a 2-core machine (20.5 million in under 15 minutes).

The server queues the follow-up tasks of each call — the status recompute of its people and the match of
payments held in suspense for new ИИН — on a broker as in production (BENCH_REGISTRY_BROKER, default
redis://127.0.0.1:6379/14 when it answers; no worker runs them, they are dropped afterwards); without one they
run eagerly inside each request (printed). Each run loads new people: the rows an earlier run stored (its name
and birth dates) are removed first, untimed. Request bodies are encoded before the clock starts (the payer
system's cost, not the server's). Printed: rows/s, and the CPU per row of the server's processes and of their
PostgreSQL backends (from /proc).
"""
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import requests
from django.db import connection

from bench.broker import bench_broker, queued_tasks
from bench.cpu import ServerCpu
from bench.server import http_server
from qalqan.core.kzid import synthetic_iin
from qalqan.orgs.services import organisation_create, token_issue

BATCH = 10_000
LAST_NAME = "Бенчмарков"
REGIONS = ["astana", "almaty_city", "shymkent", "karaganda", "turkistan"]
CATEGORIES = [["employee"], ["child"], ["pensioner"], [], ["student"], ["self_payer"]]


def synthetic_people(count: int, first_day: date = date(1931, 1, 1)):
    """Distinct valid ИИН: a birth date per 5 000 people, serials 1..5 000, both sexes."""
    produced, day = 0, 0
    while produced < count:
        birth = first_day + timedelta(days=day)
        day += 1
        for serial in range(1, 2600):
            for sex in "MF":
                iin = synthetic_iin(birth, sex, serial)
                if iin is None:
                    continue
                yield {"iin": iin, "last_name": LAST_NAME, "first_name": "Тест", "birth_date": birth.isoformat(),
                       "sex": sex, "region": REGIONS[serial % 5], "categories": CATEGORIES[serial % 6]}
                produced += 1
                if produced == count:
                    return


def _remove_earlier_run(first_birth: str, last_birth: str) -> int:
    """Remove the people an earlier run stored (this bench's name and birth dates; the claims bench's people, of
    the same name, are born from 1960), with their memberships and statuses."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE bench_gone AS SELECT id FROM people_person "
                       "WHERE last_name = %s AND birth_date BETWEEN %s AND %s", [LAST_NAME, first_birth, last_birth])
        cursor.execute("DELETE FROM people_categorymembership WHERE person_id IN (SELECT id FROM bench_gone)")
        cursor.execute("DELETE FROM people_insurancestatus WHERE person_id IN (SELECT id FROM bench_gone)")
        cursor.execute("DELETE FROM people_person WHERE id IN (SELECT id FROM bench_gone)")
        removed = cursor.rowcount
        cursor.execute("DROP TABLE bench_gone")
        cursor.execute("VACUUM ANALYZE people_person")
        cursor.execute("VACUUM ANALYZE people_categorymembership")
    return removed


def main() -> None:
    count = int(os.environ.get("BENCH_PEOPLE", 200_000))
    clients = int(os.environ.get("BENCH_CLIENTS", 2))
    fund = organisation_create(kind="fund", code="bench-fund", name="Benchmark fund")
    headers = {"Authorization": f"Bearer {token_issue(organisation=fund, name='bench')}",
               "Content-Type": "application/json"}
    rows = list(synthetic_people(count))
    removed = _remove_earlier_run(rows[0]["birth_date"], rows[-1]["birth_date"])
    if removed:
        print(f"removed {removed:,} people an earlier run loaded")
    bodies = [json.dumps(rows[i:i + BATCH], ensure_ascii=False).encode() for i in range(0, len(rows), BATCH)]
    broker = bench_broker("BENCH_REGISTRY_BROKER", "redis://127.0.0.1:6379/14")
    env = {"CELERY_BROKER_URL": broker} if broker else {}
    print(f"{len(rows):,} rows in {len(bodies)} calls of ≤ {BATCH:,}, {clients} concurrent clients; follow-up "
          f"tasks {'queued on the broker (no worker runs them)' if broker else 'run eagerly inside each request'}")

    def post(body: bytes) -> tuple[int, int, int]:
        response = requests.post(base + "/api/v1/fund/people", data=body, headers=headers, timeout=600)
        response.raise_for_status()
        answer = response.json()
        return answer["created"], answer["updated"], len(answer["errors"])

    try:
        with http_server(env=env) as base:
            requests.get(base + "/api/v1/fund/people?limit=1", headers=headers, timeout=60)  # warm both workers
            requests.get(base + "/api/v1/fund/people?limit=1", headers=headers, timeout=60)
            cpu = ServerCpu(base)
            cpu.start()
            started = time.perf_counter()
            with ThreadPoolExecutor(clients) as pool:
                results = list(pool.map(post, bodies))
            elapsed = time.perf_counter() - started
            server_seconds, database_seconds = cpu.stop()
    finally:
        if broker:
            queued_tasks(broker, drop=True)

    created, updated, rejected = (sum(r[i] for r in results) for i in range(3))
    stored = created + updated
    rate = stored / elapsed
    print(f"stored {stored:,} rows ({created:,} created, {updated:,} updated, {rejected} rejected) in {elapsed:.1f} s: "
          f"{rate:,.0f} rows/s (target ≥ 25 000 rows/s; 20.5 million would take {20_500_000 / rate / 60:.1f} min)")
    cpu_per_row = (server_seconds + database_seconds) / stored
    print(f"CPU per row: server {1e6 * server_seconds / stored:.1f} µs, "
          f"PostgreSQL {1e6 * database_seconds / stored:.1f} µs (together {1e6 * cpu_per_row:.1f} µs: "
          f"{2 / cpu_per_row:,.0f} rows/s on two cores doing nothing else)")
