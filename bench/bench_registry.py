"""Registry load: N synthetic people through POST /api/v1/fund/people in 10 000-row calls.

Target: ≥ 25 000 rows/s on a 2-core machine (20.5 million in under 15 minutes).
Size: BENCH_PEOPLE (default 200 000); clients: BENCH_CLIENTS (default 2).
"""
import os
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import requests

from bench.server import http_server
from qalqan.core.kzid import synthetic_iin
from qalqan.orgs.services import organisation_create, token_issue

BATCH = 10_000
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
                yield {"iin": iin, "last_name": "Бенчмарков", "first_name": "Тест", "birth_date": birth.isoformat(),
                       "sex": sex, "region": REGIONS[serial % 5], "categories": CATEGORIES[serial % 6]}
                produced += 1
                if produced == count:
                    return


def main() -> None:
    count = int(os.environ.get("BENCH_PEOPLE", 200_000))
    clients = int(os.environ.get("BENCH_CLIENTS", 2))
    fund = organisation_create(kind="fund", code="bench-fund", name="Benchmark fund")
    token = token_issue(organisation=fund, name="bench")
    rows = list(synthetic_people(count))
    batches = [rows[i:i + BATCH] for i in range(0, len(rows), BATCH)]
    print(f"{len(rows)} rows in {len(batches)} calls of ≤ {BATCH}, {clients} concurrent clients")

    with http_server() as base:
        session_headers = {"Authorization": f"Bearer {token}"}

        def post(batch):
            response = requests.post(base + "/api/v1/fund/people", json=batch, headers=session_headers, timeout=300)
            response.raise_for_status()
            body = response.json()
            return body["created"] + body["updated"], len(body["errors"])

        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            results = list(pool.map(post, batches))
        elapsed = time.perf_counter() - started

    stored = sum(r[0] for r in results)
    rejected = sum(r[1] for r in results)
    rate = stored / elapsed
    print(f"stored {stored} rows ({rejected} rejected) in {elapsed:.1f} s: {rate:,.0f} rows/s "
          f"(target ≥ 25 000 rows/s; 20.5 million would take {20_500_000 / rate / 60:.1f} min)")
