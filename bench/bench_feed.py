"""The outbox relay: deliveries/s to a local receiver (target ≥ 2 000/s on a 2-core machine).

Creates BENCH_FEED_INSURERS (4) insurers (codes `bench-feed-<stamp>-<i>`) with endpoints registered through
endpoint_register (each its own secret and URL path) and BENCH_FEED_MESSAGES (20 000) due outbox messages
carrying policy-sized payloads, committed, then starts BENCH_FEED_WORKERS (2) relay processes
(`python -m bench.bench_feed relay`, each its own interpreter and database connection) that run
qalqan.feed.services.outbox_relay at the same time until nothing is due: the way several Celery workers share
the outbox (FOR UPDATE SKIP LOCKED). It prints deliveries/s overall and per worker and each worker's CPU per
delivery: on a busy machine the relays wait for a core, and CPU per delivery is what a quiet one goes by.

The receiver is a separate process too: a small asyncio HTTP/1.1 server with keep-alive that answers 204, counts
deliveries and distinct webhook-ids, and verifies the Standard Webhooks signature of every
BENCH_FEED_VERIFY_EVERY-th request (20) with qalqan.feed.signing.verify. Its CPU time is reported, so a
receiver-bound figure shows up as such. The bench checks that every message reached the receiver exactly once
(distinct ids = messages, no duplicates) and is marked delivered after one attempt.

The bench's insurers, endpoints and messages are deleted at the end, also when it fails (and any left by a
killed run are deleted at the start). It refuses to run while messages of other active endpoints are pending:
its relays would send them too.
"""
import asyncio
import json
import os
import subprocess
import sys
import time

PAYLOAD = {
    "number": "KZQZ0000000", "status": "active", "kind": "osms", "insurer": "bench-feed-0", "product": "basic",
    "product_version": 1,
    "holder": {"iin": "009900000000", "last_name": "Бенч", "first_name": "Фид", "middle_name": "", "sex": "F",
               "birth_date": "1980-01-01", "region": "astana"},
    "start_date": "2099-01-01", "end_date": "2100-01-01", "ended_on": None, "price_tiyn": 5200000,
    "subsidy_tiyn": 5200000, "premium_tiyn": 0, "topups_tiyn": 0, "face_value_tiyn": 5200000,
    "updated_at": "2099-01-01T00:00:00+05:00",
}


# --- the receiver (runs in its own process: `python -m bench.bench_feed receive`) -------------------------------

class _Stats:
    def __init__(self, secrets: dict[str, str], verify_every: int):
        self.secrets = secrets
        self.verify_every = verify_every
        self.received = 0
        self.ids: set[str] = set()
        self.verified = 0
        self.bad = 0

    def take(self, path: str, headers: dict[str, str], body: bytes) -> int:
        from qalqan.feed.signing import verify

        self.received += 1
        msg_id = headers.get("webhook-id", "")
        self.ids.add(msg_id)
        if self.received % self.verify_every == 0:
            secret = self.secrets.get(path)
            ok = secret is not None and verify(secret=secret, msg_id=msg_id,
                                               timestamp=int(headers.get("webhook-timestamp", "0")), body=body,
                                               header=headers.get("webhook-signature", ""))
            self.verified += ok
            self.bad += not ok
            if not ok:
                return 401
        return 204

    def as_json(self) -> bytes:
        return json.dumps({"received": self.received, "unique": len(self.ids), "verified": self.verified,
                           "bad_signatures": self.bad}).encode()


class _Connection(asyncio.Protocol):
    """HTTP/1.1 with keep-alive, enough for POST with content-length and GET /stats."""

    REASONS = {200: b"OK", 204: b"No Content", 401: b"Unauthorized", 404: b"Not Found"}

    def __init__(self, stats: _Stats):
        self.stats = stats
        self.buffer = b""

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].decode("latin-1").split("\r\n")
            headers = {}
            for line in head[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            if len(self.buffer) < end + 4 + length:
                return
            body = self.buffer[end + 4:end + 4 + length]
            self.buffer = self.buffer[end + 4 + length:]
            method, path, _ = head[0].split(" ", 2)
            if method == "GET" and path == "/stats":
                self._answer(200, self.stats.as_json())
            elif method == "POST":
                self._answer(self.stats.take(path, headers, body))
            else:
                self._answer(404)

    def _answer(self, status: int, body: bytes = b"") -> None:
        self.transport.write(b"HTTP/1.1 %d %s\r\ncontent-length: %d\r\ncontent-type: application/json\r\n\r\n%s"
                             % (status, self.REASONS[status], len(body), body))


def receive() -> None:
    """Read {"secrets": {path: secret}, "verify_every": n} from stdin, print the port, serve until killed."""
    config = json.loads(sys.stdin.readline())
    stats = _Stats(config["secrets"], config["verify_every"])

    async def serve():
        server = await asyncio.get_running_loop().create_server(lambda: _Connection(stats), "127.0.0.1", 0,
                                                                 backlog=1024)
        print(server.sockets[0].getsockname()[1], flush=True)
        await server.serve_forever()

    asyncio.run(serve())


def _start_receiver(secrets: dict[str, str], verify_every: int) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "bench.bench_feed", "receive"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True, env={**os.environ})
    process.stdin.write(json.dumps({"secrets": secrets, "verify_every": verify_every}) + "\n")
    process.stdin.flush()
    port = int(process.stdout.readline())
    return process, f"http://127.0.0.1:{port}"


# --- the bench data (committed; deleted at the end) ------------------------------------------------------------

CODE_PREFIX = "bench-feed-"


def _cleanup() -> int:
    """Delete every bench insurer (code bench-feed-…) with its endpoint, secrets and messages."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT id FROM orgs_organisation WHERE code LIKE %s", [CODE_PREFIX + "%"])
        ids = [row[0] for row in cursor.fetchall()]
        if ids:
            cursor.execute("DELETE FROM feed_outboxmessage WHERE insurer_id = ANY(%s)", [ids])
            cursor.execute("DELETE FROM feed_endpointsecret WHERE endpoint_id IN "
                           "(SELECT id FROM feed_insurerendpoint WHERE insurer_id = ANY(%s))", [ids])
            cursor.execute("DELETE FROM feed_insurerendpoint WHERE insurer_id = ANY(%s)", [ids])
            cursor.execute("DELETE FROM orgs_organisation WHERE id = ANY(%s)", [ids])
    return len(ids)


def _others_pending() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT count(*) FROM feed_outboxmessage m
              JOIN feed_insurerendpoint e ON e.insurer_id = m.insurer_id AND e.is_active
              JOIN orgs_organisation o ON o.id = m.insurer_id
             WHERE m.delivered_at IS NULL AND m.dead_at IS NULL AND o.code NOT LIKE %s""", [CODE_PREFIX + "%"])
        return cursor.fetchone()[0]


def _setup(insurers: int, messages: int, base_url: str) -> tuple[list, dict[str, str]]:
    """Committed: the bench insurers, their endpoints (at base_url) and due messages."""
    from django.db import connection, transaction

    from qalqan.feed.services import endpoint_register
    from qalqan.orgs.services import organisation_create

    orgs, secrets = [], {}
    stamp = time.time_ns()
    with transaction.atomic():
        for i in range(insurers):
            org = organisation_create(kind="insurer", code=f"{CODE_PREFIX}{stamp}-{i}", name=f"Bench Feed {i}")
            path = f"/hooks/{org.code}"
            saved = endpoint_register(insurer_code=org.code, url=base_url + path)
            orgs.append(org)
            secrets[path] = saved.new_secret
        with connection.cursor() as cursor:
            cursor.execute("""
                INSERT INTO feed_outboxmessage (insurer_id, event_type, event_id, payload, created_at, attempts,
                                                next_attempt_at, last_error)
                SELECT (%(orgs)s::bigint[])[g %% %(k)s + 1], 'policy.updated', gen_random_uuid(),
                       jsonb_set(%(payload)s::jsonb, '{number}', to_jsonb('KZQZ' || lpad(g::text, 7, '0'))),
                       now(), 0, now() - interval '1 second', ''
                  FROM generate_series(1, %(n)s) g""",
                           {"orgs": [o.pk for o in orgs], "k": insurers, "n": messages,
                            "payload": json.dumps(PAYLOAD)})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE feed_outboxmessage")
    return orgs, secrets


# --- one relay worker (its own process: `python -m bench.bench_feed relay`) ------------------------------------

def relay_worker() -> None:
    """Connect, say "ready", wait for "go" on stdin, relay until nothing is due, print the figures as JSON."""
    from django.db import connection

    from qalqan.feed import services

    connection.ensure_connection()
    print("ready", flush=True)
    sys.stdin.readline()
    cpu, started = time.process_time(), time.monotonic()
    delivered = failed = 0
    while True:
        result = services.outbox_relay(max_seconds=600)
        delivered += result.delivered
        failed += result.failed + result.dead
        if result.attempted == 0 or failed:
            break
    finished = time.monotonic()
    print(json.dumps({"delivered": delivered, "failed": failed, "started": started, "finished": finished,
                      "cpu": time.process_time() - cpu}), flush=True)


def _start_workers(count: int) -> list[subprocess.Popen]:
    workers = [subprocess.Popen([sys.executable, "-m", "bench.bench_feed", "relay"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True, env={**os.environ}) for _ in range(count)]
    for worker in workers:
        if worker.stdout.readline().strip() != "ready":
            raise RuntimeError(f"relay worker {worker.pid} did not start")
    return workers


# --- the benchmark --------------------------------------------------------------------------------------------

def main() -> None:
    import psutil
    import requests
    from django.conf import settings
    from django.db import connection

    from qalqan.feed.models import InsurerEndpoint

    insurers = int(os.environ.get("BENCH_FEED_INSURERS", "4"))
    n = int(os.environ.get("BENCH_FEED_MESSAGES", "20000"))
    count = int(os.environ.get("BENCH_FEED_WORKERS", "2"))
    verify_every = int(os.environ.get("BENCH_FEED_VERIFY_EVERY", "20"))
    if left := _cleanup():
        print(f"(deleted {left} bench insurers left by an earlier run)")
    if pending := _others_pending():
        print(f"not run: {pending} messages of other active endpoints are pending and the relays would send them")
        return
    placeholder = "http://127.0.0.1:1"
    receiver = workers = None
    try:
        orgs, secrets = _setup(insurers, n, placeholder)
        receiver, base = _start_receiver(secrets, verify_every)
        for endpoint in InsurerEndpoint.objects.filter(insurer__in=orgs):
            endpoint.url = endpoint.url.replace(placeholder, base)
            endpoint.save(update_fields=["url"])
        print(f"{n} messages for {insurers} insurers; receiver at {base} (pid {receiver.pid}); {count} relay "
              f"workers, batch {getattr(settings, 'FEED_RELAY_BATCH', 500)}, "
              f"{getattr(settings, 'FEED_RELAY_CONCURRENCY', 16)} in flight per endpoint per worker", flush=True)
        workers = _start_workers(count)
        them = psutil.Process(receiver.pid)
        cpu_them = sum(them.cpu_times()[:2])
        for worker in workers:
            worker.stdin.write("go\n")
            worker.stdin.flush()
        figures = [json.loads(worker.stdout.readline()) for worker in workers]
        cpu_them = sum(them.cpu_times()[:2]) - cpu_them
        stats = requests.get(base + "/stats", timeout=10).json()
        with connection.cursor() as cursor:
            cursor.execute("""SELECT count(*) FILTER (WHERE delivered_at IS NOT NULL AND attempts = 1), count(*)
                                FROM feed_outboxmessage WHERE insurer_id = ANY(%s)""", [[o.pk for o in orgs]])
            marked, stored = cursor.fetchone()
    finally:
        for process in [*(workers or []), *([receiver] if receiver else [])]:
            process.terminate()
            process.wait(timeout=30)
        _cleanup()
    elapsed = max(f["finished"] for f in figures) - min(f["started"] for f in figures)
    delivered = sum(f["delivered"] for f in figures)
    failed = sum(f["failed"] for f in figures)
    cpu = sum(f["cpu"] for f in figures)
    print(f"relay: {delivered} delivered, {failed} failed in {elapsed:.2f} s = {delivered / elapsed:,.0f} "
          f"deliveries/s with {count} workers (target ≥ 2 000/s)", flush=True)
    for i, f in enumerate(figures, 1):
        took = f["finished"] - f["started"]
        print(f"  worker {i}: {f['delivered']} in {took:.2f} s = {f['delivered'] / took:,.0f}/s; CPU {f['cpu']:.1f} s "
              f"= {f['cpu'] / max(f['delivered'], 1) * 1e6:,.0f} µs per delivery", flush=True)
    print(f"CPU: relays {cpu:.1f} s = {cpu / max(delivered, 1) * 1e6:,.0f} µs per delivery "
          f"({delivered / cpu:,.0f} deliveries per CPU-second); receiver {cpu_them:.1f} s "
          f"({cpu_them / elapsed:.0%} of a core); load average {os.getloadavg()[0]:.1f}", flush=True)
    duplicates = stats["received"] - stats["unique"]
    print(f"receiver: {stats['received']} requests, {stats['unique']} distinct webhook-ids of {n}, "
          f"{duplicates} duplicates, {stats['verified']} signatures verified, {stats['bad_signatures']} bad; "
          f"database: {marked} of {stored} marked delivered after one attempt", flush=True)
    ok = stats["unique"] == n and duplicates == 0 and stats["bad_signatures"] == 0 and stats["verified"] > 0 \
        and marked == n
    print("exactly once: " + ("yes" if ok else "NO") + "; the bench data is deleted", flush=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["receive"]:
        receive()
    else:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qalqan.settings")
        django.setup()
        if sys.argv[1:] == ["relay"]:
            relay_worker()
        else:
            main()
