"""The outbox relay: deliveries/s to a local receiver (target ≥ 2 000/s on a 2-core machine).

Creates BENCH_FEED_INSURERS (4) insurers with endpoints registered through endpoint_register (each its own
secret and URL path) and BENCH_FEED_MESSAGES (20 000) due outbox messages carrying policy-sized payloads, then
times qalqan.feed.services.outbox_relay until every message is delivered, with the relay settings of the
project (FEED_RELAY_BATCH, FEED_RELAY_CONCURRENCY). It prints the relay's CPU seconds too: on a busy machine
the relay waits for a core, and deliveries per CPU-second of the relay is the figure a quiet machine reaches.

The receiver is a separate process (so it does not share the relay's interpreter lock): a small asyncio HTTP/1.1
server with keep-alive that answers 204, counts deliveries and distinct webhook-ids, and verifies the Standard
Webhooks signature of every BENCH_FEED_VERIFY_EVERY-th request (20) with qalqan.feed.signing.verify. Its CPU
time is reported, so a receiver-bound figure shows up as such.

Everything runs in one transaction that is rolled back at the end (the relay's per-batch commits become
savepoints); other endpoints are switched off inside it, so no message of the development database is sent.
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


class Rollback(Exception):
    pass


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


# --- the benchmark --------------------------------------------------------------------------------------------

def _start_receiver(secrets: dict[str, str], verify_every: int) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "bench.bench_feed", "receive"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True, env={**os.environ})
    process.stdin.write(json.dumps({"secrets": secrets, "verify_every": verify_every}) + "\n")
    process.stdin.flush()
    port = int(process.stdout.readline())
    return process, f"http://127.0.0.1:{port}"


def _setup(insurers: int, messages: int, base_url_placeholder: str) -> tuple[list, dict[str, str]]:
    from django.db import connection

    from qalqan.feed.services import endpoint_register
    from qalqan.orgs.services import organisation_create

    with connection.cursor() as cursor:
        cursor.execute("UPDATE feed_insurerendpoint SET is_active = false WHERE is_active")
    orgs, secrets = [], {}
    stamp = time.time_ns()
    for i in range(insurers):
        org = organisation_create(kind="insurer", code=f"bench-feed-{stamp}-{i}", name=f"Bench Feed {i}")
        path = f"/hooks/{org.code}"
        saved = endpoint_register(insurer_code=org.code, url=base_url_placeholder + path)
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
                       {"orgs": [o.pk for o in orgs], "k": insurers, "n": messages, "payload": json.dumps(PAYLOAD)})
        cursor.execute("ANALYZE feed_outboxmessage")
    return orgs, secrets


def main() -> None:
    import psutil
    import requests
    from django.conf import settings
    from django.db import transaction

    from qalqan.feed import services
    from qalqan.feed.models import InsurerEndpoint

    insurers = int(os.environ.get("BENCH_FEED_INSURERS", "4"))
    n = int(os.environ.get("BENCH_FEED_MESSAGES", "20000"))
    verify_every = int(os.environ.get("BENCH_FEED_VERIFY_EVERY", "20"))
    placeholder = "http://127.0.0.1:1"
    try:
        with transaction.atomic():
            orgs, secrets = _setup(insurers, n, placeholder)
            receiver, base = _start_receiver(secrets, verify_every)
            try:
                for endpoint in InsurerEndpoint.objects.filter(insurer__in=orgs):
                    endpoint.url = endpoint.url.replace(placeholder, base)
                    endpoint.save(update_fields=["url"])
                print(f"{n} messages for {insurers} insurers; receiver at {base} (pid {receiver.pid}); relay batch "
                      f"{getattr(settings, 'FEED_RELAY_BATCH', 500)}, "
                      f"{getattr(settings, 'FEED_RELAY_CONCURRENCY', 16)} in flight per endpoint",
                      flush=True)
                me, them = psutil.Process(), psutil.Process(receiver.pid)
                cpu_me, cpu_them = sum(me.cpu_times()[:2]), sum(them.cpu_times()[:2])
                started = time.perf_counter()
                delivered = failed = 0
                while delivered < n:
                    result = services.outbox_relay(max_seconds=600)
                    delivered += result.delivered
                    failed += result.failed + result.dead
                    if result.attempted == 0 or failed:
                        break
                elapsed = time.perf_counter() - started
                cpu_me, cpu_them = sum(me.cpu_times()[:2]) - cpu_me, sum(them.cpu_times()[:2]) - cpu_them
                stats = requests.get(base + "/stats", timeout=10).json()
            finally:
                receiver.terminate()
                receiver.wait(timeout=30)
            print(f"relay: {delivered} delivered, {failed} failed in {elapsed:.2f} s = "
                  f"{delivered / elapsed:,.0f} deliveries/s (target ≥ 2 000/s)", flush=True)
            print(f"receiver: {stats['received']} requests, {stats['unique']} distinct webhook-ids, "
                  f"{stats['verified']} signatures verified, {stats['bad_signatures']} bad", flush=True)
            print(f"CPU: relay process {cpu_me:.1f} s ({cpu_me / elapsed:.0%} of a core; {delivered / cpu_me:,.0f} "
                  f"deliveries per CPU-second), receiver {cpu_them:.1f} s ({cpu_them / elapsed:.0%})", flush=True)
            raise Rollback
    except Rollback:
        print("(rolled back: the database keeps nothing from this benchmark)")


if __name__ == "__main__":
    if sys.argv[1:] == ["receive"]:
        receive()
    else:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qalqan.settings")
        django.setup()
        main()
