"""Feed operations: write to the outbox, relay due messages (signed webhooks), re-deliver dead letters,
register endpoints and rotate their secrets.

The relay takes a batch of due messages with SELECT … FOR UPDATE SKIP LOCKED (two relays never hold the
same message, so never send it twice at once), posts them concurrently on one asyncio event loop (aiohttp,
kept-alive connections, at most FEED_RELAY_CONCURRENCY requests in flight per endpoint; one loop and session
serve all the batches of a relay run), and records the outcomes set-based (one UPDATE for the delivered ids,
one for the failures). A failure is retried with exponential backoff (FEED_BACKOFF_BASE_SECONDS × 2^(attempt−1),
at most FEED_BACKOFF_MAX_SECONDS); after FEED_MAX_ATTEMPTS attempts the message is dead (the dead-letter list) until someone re-delivers it.
"""
import asyncio
import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiohttp
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from qalqan.core.sql import execute_prepared
from qalqan.orgs.models import Organisation

from .models import EndpointSecret, InsurerEndpoint, OutboxMessage
from .signing import secret_new, signature_signer


def _setting(name: str, default):
    return getattr(settings, name, default)


def max_attempts() -> int:
    return _setting("FEED_MAX_ATTEMPTS", 16)


def backoff_seconds(attempt: int) -> float:
    """The wait after failed attempt number `attempt` (1-based)."""
    base = _setting("FEED_BACKOFF_BASE_SECONDS", 10)
    cap = _setting("FEED_BACKOFF_MAX_SECONDS", 4 * 3600)
    return min(cap, base * 2 ** (attempt - 1))


# --- writing -------------------------------------------------------------------------------------------------

def outbox_policy_changed(*, policy, created: bool, transitions: list[tuple[str, str, str]]) -> OutboxMessage:
    """One message for a saved policy, in the caller's transaction (called by the post_save receiver)."""
    from .selectors import policy_feed_item

    if transitions:
        name = transitions[-1][0]
        event_type = f"policy.{name}"
        extra = {"transitions": [{"name": n, "from": s, "to": t} for n, s, t in transitions]}
    else:
        event_type = "policy.created" if created else "policy.updated"
        extra = {}
    now = timezone.now()
    message = OutboxMessage(insurer_id=policy.insurer_id, event_type=event_type,
                            payload={**policy_feed_item(policy), **extra}, created_at=now, next_attempt_at=now)
    ((message.pk,),) = execute_prepared(_OUTBOX_INSERT, [message.insurer_id, event_type, message.event_id,
                                                         json.dumps(message.payload), now, now])
    message._state.adding, message._state.db = False, connection.alias
    if _setting("FEED_RELAY_ON_COMMIT", not settings.CELERY_TASK_ALWAYS_EAGER):
        _relay_after_commit()
    return message


# One prepared statement per message (every policy change writes one; the ORM's INSERT cost more client CPU).
_OUTBOX_INSERT = (
    f"INSERT INTO {OutboxMessage._meta.db_table} (insurer_id, event_type, event_id, payload, created_at, attempts, "
    "next_attempt_at, delivered_at, dead_at, last_error, last_status) "
    "VALUES (%s, %s, %s, %s::jsonb, %s, 0, %s, NULL, NULL, '', NULL) RETURNING id")


def _relay_after_commit() -> None:
    """One relay run queued when the transaction commits, however many messages it wrote (a policy is saved two
    or three times in one application or payment): a relay run sends every due message. A savepoint rolled back
    drops its callback with it, and the next message queues one again."""
    connection = transaction.get_connection()
    if any(func is _trigger_relay for _, func, _ in connection.run_on_commit):
        return
    transaction.on_commit(_trigger_relay)


def _trigger_relay() -> None:
    from .tasks import outbox_relay

    outbox_relay.delay()


# --- relaying ------------------------------------------------------------------------------------------------

@dataclass
class RelayResult:
    delivered: int = 0
    failed: int = 0
    dead: int = 0

    @property
    def attempted(self) -> int:
        return self.delivered + self.failed + self.dead


class _Sender:
    """One event loop and one aiohttp session (kept-alive connections) for a whole relay run, so batches after
    the first reuse the connections; each endpoint's jobs go through `per_endpoint` lanes, so at most that many
    requests are in flight to one URL (a slow insurer does not hold up the others) and no task waits on a lock.
    The loop runs only inside send_all, so the database work between batches is ordinary synchronous Django
    code; on an error the sender is closed with its loop, so nothing of a failed batch is sent later."""

    def __init__(self, *, timeout: float, per_endpoint: int):
        self.timeout = timeout
        self.per_endpoint = per_endpoint
        self.loop = asyncio.new_event_loop()
        self.session = self.loop.run_until_complete(self._open())

    async def _open(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(limit=0, limit_per_host=self.per_endpoint)
        client_timeout = aiohttp.ClientTimeout(total=None, sock_connect=min(self.timeout, 3.0),
                                               sock_read=self.timeout)
        return aiohttp.ClientSession(connector=connector, timeout=client_timeout, skip_auto_headers=("User-Agent",),
                                     cookie_jar=aiohttp.DummyCookieJar(), auto_decompress=False)

    def send_all(self, jobs: list[tuple]) -> list[tuple[bool, int | None, str]]:
        """POST every job (url, secrets, msg_id, body) concurrently; the outcomes in the jobs' order."""
        timestamp = int(time.time())
        signers: dict[tuple[str, ...], object] = {}

        async def one(url: str, secrets: list[str], msg_id: str, body: bytes):
            if not secrets:
                return False, None, "the endpoint has no valid secret"
            key = tuple(secrets)
            signer = signers.get(key) or signers.setdefault(key, signature_signer(secrets))
            headers = {"content-type": "application/json", "webhook-id": msg_id,
                       "webhook-timestamp": str(timestamp),
                       "webhook-signature": signer(msg_id=msg_id, timestamp=timestamp, body=body)}
            return await _send(self.session, url, headers, body, self.timeout)

        outcomes: list = [None] * len(jobs)

        async def drain(indexes) -> None:  # one of an endpoint's `per_endpoint` lanes: a job after the other
            for i in indexes:
                outcomes[i] = await one(*jobs[i])

        async def run() -> None:
            by_url: dict[str, list[int]] = {}
            for i, job in enumerate(jobs):
                by_url.setdefault(job[0], []).append(i)
            lanes = []
            for indexes in by_url.values():
                shared = iter(indexes)  # the lanes of one endpoint take its jobs from one iterator
                lanes += [drain(shared) for _ in range(min(self.per_endpoint, len(indexes)))]
            await asyncio.gather(*lanes)

        self.loop.run_until_complete(run())
        return outcomes

    def close(self) -> None:
        try:
            self.loop.run_until_complete(self.session.close())
        finally:
            self.loop.close()

    def __enter__(self) -> "_Sender":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _sender() -> _Sender:
    return _Sender(timeout=float(_setting("FEED_TIMEOUT_SECONDS", 5)),
                   per_endpoint=_setting("FEED_RELAY_CONCURRENCY", 16))


async def _send(session: aiohttp.ClientSession, url: str, headers: dict[str, str], body: bytes,
                timeout: float) -> tuple[bool, int | None, str]:
    try:
        async with session.post(url, data=body, headers=headers, allow_redirects=False) as response:
            if 200 <= response.status < 300:
                await response.read()
                return True, response.status, ""
            text = (await response.content.read(200)).decode("utf-8", "replace")
            return False, response.status, f"HTTP {response.status}: {text}"
    except TimeoutError:
        return False, None, f"timeout after {timeout:g} s"
    except (aiohttp.ClientError, OSError, ValueError) as exc:
        return False, None, f"{type(exc).__name__}: {exc}"[:500]


# the body is rendered by PostgreSQL (json_build_object of the stored JSON), not decoded and re-encoded here
DUE_SQL = """
    SELECT m.id, m.event_id::text, m.attempts, m.insurer_id,
           json_build_object('type', m.event_type, 'timestamp', m.created_at, 'data', m.payload)::text
      FROM feed_outboxmessage m
      JOIN feed_insurerendpoint e ON e.insurer_id = m.insurer_id AND e.is_active
     WHERE m.delivered_at IS NULL AND m.dead_at IS NULL AND m.next_attempt_at <= %s
     ORDER BY m.next_attempt_at, m.id
     LIMIT %s
       FOR UPDATE OF m SKIP LOCKED
"""

DELIVERED_SQL = """
    UPDATE feed_outboxmessage
       SET attempts = attempts + 1, delivered_at = %s, next_attempt_at = %s, last_status = %s, last_error = ''
     WHERE id = ANY(%s::bigint[])
"""

FAILED_SQL = """
    UPDATE feed_outboxmessage m
       SET attempts = m.attempts + 1,
           dead_at = CASE WHEN u.dead THEN %s::timestamptz END,
           next_attempt_at = u.next_at, last_status = u.status, last_error = u.error
      FROM unnest(%s::bigint[], %s::bool[], %s::timestamptz[], %s::int[], %s::text[])
           AS u(id, dead, next_at, status, error)
     WHERE m.id = u.id
"""


def _endpoints(insurer_ids: set[int], now: datetime) -> dict[int, tuple[str, list[str]]]:
    endpoints = {e.insurer_id: e for e in InsurerEndpoint.objects.filter(insurer_id__in=insurer_ids, is_active=True)}
    secrets: dict[int, list[str]] = {}
    for endpoint_id, secret in (EndpointSecret.objects.filter(endpoint__in=endpoints.values())
                                .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
                                .order_by("-created_at", "-id").values_list("endpoint_id", "secret")):
        secrets.setdefault(endpoint_id, []).append(secret)
    return {insurer: (e.url, secrets.get(e.pk, [])) for insurer, e in endpoints.items()}


def outbox_relay_batch(*, limit: int | None = None, now: datetime | None = None,
                       sender: _Sender | None = None) -> RelayResult:
    """Deliver up to `limit` due messages; record every outcome. Safe to run in several workers at once.
    outbox_relay passes its `sender` (one event loop and session for all its batches); alone, a batch opens
    and closes its own."""
    limit = limit or _setting("FEED_RELAY_BATCH", 500)
    result = RelayResult()
    with transaction.atomic():
        now = now or timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(DUE_SQL, [now, limit])
            rows = cursor.fetchall()
        if not rows:
            return result
        endpoints = _endpoints({row[3] for row in rows}, now)
        jobs = [(*endpoints[insurer_id], event_id, body.encode()) for _, event_id, _, insurer_id, body in rows]
        if sender is None:
            with _sender() as own:
                outcomes = own.send_all(jobs)
        else:
            outcomes = sender.send_all(jobs)
        done_at = timezone.now()
        delivered: dict[int, list[int]] = {}  # HTTP status → message ids
        failed = ([], [], [], [], [])  # ids, dead, next attempt, status, error
        for (msg_id, _, attempts, _, _), (ok, status, error) in zip(rows, outcomes):
            if ok:
                delivered.setdefault(status, []).append(msg_id)
                result.delivered += 1
                continue
            attempt = attempts + 1
            dead = attempt >= max_attempts()
            for column, value in zip(failed, (msg_id, dead, done_at if dead else
                                              done_at + timedelta(seconds=backoff_seconds(attempt)), status, error)):
                column.append(value)
            if dead:
                result.dead += 1
            else:
                result.failed += 1
        with connection.cursor() as cursor:
            for status, ids in delivered.items():
                cursor.execute(DELIVERED_SQL, [done_at, done_at, status, ids])
            if failed[0]:
                cursor.execute(FAILED_SQL, [done_at, *failed])
    return result


def outbox_relay(*, max_seconds: float | None = None, limit: int | None = None) -> RelayResult:
    """Run batches until nothing is due or the time budget is spent."""
    budget = max_seconds if max_seconds is not None else _setting("FEED_RELAY_MAX_SECONDS", 20)
    deadline = time.monotonic() + budget
    total = RelayResult()
    with _sender() as sender:
        while True:
            batch = outbox_relay_batch(limit=limit, sender=sender)
            total.delivered += batch.delivered
            total.failed += batch.failed
            total.dead += batch.dead
            if batch.attempted == 0 or time.monotonic() >= deadline:
                return total


# --- dead letters --------------------------------------------------------------------------------------------

class NotDead(TransitionNotAllowed):
    """Only a dead message can be re-delivered."""


@transaction.atomic
def outbox_redeliver(*, message_id: int, by: str = "system") -> OutboxMessage:
    """dead → pending again, due now, with a fresh attempt count. The caller scopes message_id first."""
    message = OutboxMessage.objects.select_for_update().get(pk=message_id)
    if message.dead_at is None:
        raise NotDead(f"message {message.pk} is {message.state}, not dead", object=message,
                      method=outbox_redeliver)
    message.dead_at = None
    message.attempts = 0
    message.next_attempt_at = timezone.now()
    message.last_error = f"re-delivery requested by {by}; before: {message.last_error}"[:2000]
    message.save(update_fields=["dead_at", "attempts", "next_attempt_at", "last_error"])
    if _setting("FEED_RELAY_ON_COMMIT", not settings.CELERY_TASK_ALWAYS_EAGER):
        transaction.on_commit(_trigger_relay)
    return message


# --- endpoints -----------------------------------------------------------------------------------------------

class UnknownInsurer(LookupError):
    pass


@dataclass(frozen=True)
class EndpointSaved:
    endpoint: InsurerEndpoint
    new_secret: str | None  # shown once


@transaction.atomic
def endpoint_register(*, insurer_code: str, url: str, is_active: bool = True) -> EndpointSaved:
    """Create the insurer's endpoint with a first secret, or change its URL (secrets unchanged)."""
    insurer = Organisation.objects.filter(code=insurer_code, kind=Organisation.Kind.INSURER).first()
    if insurer is None:
        raise UnknownInsurer(f"no insurer with code {insurer_code!r}")
    endpoint, created = InsurerEndpoint.objects.select_for_update().get_or_create(
        insurer=insurer, defaults={"url": url, "is_active": is_active})
    if not created:
        endpoint.url, endpoint.is_active = url, is_active
        endpoint.save(update_fields=["url", "is_active", "updated_at"])
        return EndpointSaved(endpoint, None)
    secret = secret_new()
    EndpointSecret.objects.create(endpoint=endpoint, secret=secret)
    return EndpointSaved(endpoint, secret)


@transaction.atomic
def endpoint_rotate_secret(*, endpoint_id: int, overlap: timedelta | None = None) -> EndpointSaved:
    """A new secret now; the ones valid until now stay valid for `overlap` (FEED_ROTATION_OVERLAP_HOURS)."""
    endpoint = InsurerEndpoint.objects.select_for_update().get(pk=endpoint_id)
    now = timezone.now()
    overlap = overlap if overlap is not None else timedelta(hours=_setting("FEED_ROTATION_OVERLAP_HOURS", 24))
    until = now + overlap
    (EndpointSecret.objects.filter(endpoint=endpoint)
     .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=until)).update(expires_at=until))
    secret = secret_new()
    EndpointSecret.objects.create(endpoint=endpoint, secret=secret)
    return EndpointSaved(endpoint, secret)


def endpoint_valid_secrets(endpoint: InsurerEndpoint, now: datetime | None = None) -> list[EndpointSecret]:
    now = now or timezone.now()
    return list(endpoint.secrets.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now)))
