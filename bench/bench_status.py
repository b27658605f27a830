"""Status look-up: GET /api/v1/status/{iin} against a registry of BENCH_STATUS_PEOPLE (default 1 000 000)
people with materialised statuses, hammered over HTTP for BENCH_STATUS_SECONDS (20) from
BENCH_STATUS_CONNECTIONS (16) connections on a Granian of BENCH_STATUS_WORKERS (2) workers with
BENCH_STATUS_THREADS (1) thread each, after 3 s of warm-up. One single-threaded process per core is what a
read-only look-up wants: the answer takes ~0.3 ms of CPU and one short query, and threads sharing a process's
GIL only add tail latency (measured here: 2×4 gave p99 107 ms, 2×1 p99 12 ms, at the same throughput).

Target on a 2-core machine: ≥ 1 500 requests/s with p99 < 25 ms.
The registry is loaded with set-based SQL (generate_series; the ИИН control digit computed in SQL), and is
reused on the next run. The load comes from `wrk` (bench/load.py). The public rate limit is raised for the server through API_RATE_PUBLIC.
"""
import os
import random
import time

from django.db import connection

from bench.load import Call, hammer
from bench.server import http_server

BENCH_LAST_NAME = "Бенчстатус"
FIRST_SERIAL = 5000  # serials 5000–9999: apart from the registry benchmark's 1–2599

# One row per (birth day, serial, sex) with a valid control digit; statuses spread over the bases.
PEOPLE_SQL = """
WITH raw AS (
    SELECT d, s, sex, to_char(d, 'YYMMDD') || (CASE WHEN d < date '2000-01-01' THEN 3 ELSE 5 END
                                               + CASE WHEN sex = 'F' THEN 1 ELSE 0 END)::text
                      || lpad(s::text, 4, '0') AS head
    FROM generate_series(%(first_day)s::date, %(first_day)s::date + %(days)s - 1, interval '1 day') AS g(d),
         generate_series(%(first_serial)s, 9999) AS s, (VALUES ('M'), ('F')) AS x(sex)
), weighted AS (
    SELECT raw.*,
           (SELECT sum(substr(head, i, 1)::int * i) FROM generate_series(1, 11) i) %% 11 AS r1,
           (SELECT sum(substr(head, i, 1)::int * (ARRAY[3,4,5,6,7,8,9,10,11,1,2])[i])
              FROM generate_series(1, 11) i) %% 11 AS r2
    FROM raw
), valid AS (
    SELECT d, sex, head || (CASE WHEN r1 <> 10 THEN r1 ELSE r2 END)::text AS iin
    FROM weighted WHERE r1 <> 10 OR r2 <> 10
    LIMIT %(count)s
)
INSERT INTO people_person (iin, last_name, first_name, middle_name, birth_date, sex, phone, region,
                           created_at, updated_at)
SELECT iin, %(last_name)s, 'Тест', '', d, sex, '', (ARRAY['astana','almaty_city','shymkent','karaganda',
       'turkistan','aktobe'])[1 + abs(hashtext(iin)) %% 6], now(), now()
FROM valid
ON CONFLICT (iin) DO NOTHING
"""

STATUS_SQL = """
INSERT INTO people_insurancestatus (person_id, insured, basis, insured_until, debt_months, computed_at, computed_for)
SELECT p.id,
       b.basis IS NOT NULL,
       b.basis,
       CASE WHEN b.basis = 'contributions' THEN current_date + 60 END,
       CASE WHEN b.basis IS NULL THEN 12 ELSE 0 END,
       now(), current_date
FROM people_person p
CROSS JOIN LATERAL (SELECT (ARRAY['contributions','contributions','child','pensioner',NULL,'student',
                                  'contributions','disabled'])[1 + abs(hashtext(p.iin)) %% 8] AS basis) b
WHERE p.last_name = %(last_name)s
ON CONFLICT (person_id) DO NOTHING
"""


def load_people(count: int, *, last_name: str = BENCH_LAST_NAME, first_day: str = "1940-01-01") -> float:
    """Insert `count` synthetic people with set-based SQL (idempotent); returns the seconds it took."""
    started = time.perf_counter()
    days = count // ((10_000 - FIRST_SERIAL) * 2 * 9 // 10) + 2
    with connection.cursor() as cursor:
        cursor.execute(PEOPLE_SQL, {"first_day": first_day, "days": days, "first_serial": FIRST_SERIAL,
                                    "count": count, "last_name": last_name})
    return time.perf_counter() - started


def sample_iins(last_name: str, size: int) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT iin FROM people_person WHERE last_name = %s ORDER BY random() LIMIT %s",
                       [last_name, size])
        return [row[0] for row in cursor.fetchall()]


def main() -> None:
    count = int(os.environ.get("BENCH_STATUS_PEOPLE", 1_000_000))
    seconds = int(os.environ.get("BENCH_STATUS_SECONDS", 20))
    connections = int(os.environ.get("BENCH_STATUS_CONNECTIONS", 16))
    workers = int(os.environ.get("BENCH_STATUS_WORKERS", 2))
    threads = int(os.environ.get("BENCH_STATUS_THREADS", 1))

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM people_person WHERE last_name = %s", [BENCH_LAST_NAME])
        present = cursor.fetchone()[0]
    if present < count:
        took = load_people(count)
        print(f"loaded {count - present:,} registry rows with set-based SQL in {took:.1f} s")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(STATUS_SQL, {"last_name": BENCH_LAST_NAME})
        cursor.execute("ANALYZE people_person")
        cursor.execute("ANALYZE people_insurancestatus")
        cursor.execute("SELECT count(*) FROM people_insurancestatus")
        statuses = cursor.fetchone()[0]
    print(f"{statuses:,} materialised statuses ({time.perf_counter() - started:.1f} s to fill the missing ones)")

    iins = sample_iins(BENCH_LAST_NAME, 20_000)
    iins += ["900101300007"] * 200  # valid but unknown
    random.Random(1).shuffle(iins)
    env = {"API_RATE_PUBLIC": "100000000/m", "DB_CONN_MAX_AGE": "600"}
    calls = [Call(f"/api/v1/status/{iin}") for iin in iins]
    with http_server(workers=workers, threads=threads, env=env) as base:
        result = hammer(base, calls, seconds=seconds, connections=connections, warmup=3)
    print(f"GET /api/v1/status/{{iin}}, {connections} connections, {seconds} s, {workers}×{threads} workers: "
          f"{result} (target ≥ 1 500 requests/s, p99 < 25 ms)")
