"""Feed operations: write to the outbox, relay due messages (signed webhooks), re-deliver dead letters,
register endpoints and rotate their secrets.

The relay takes a batch of due messages with SELECT … FOR UPDATE SKIP LOCKED (two relays never hold the
same message, so never send it twice at once), posts them concurrently over kept-alive HTTP sessions
(one `requests.Session` per thread), and records every outcome in one UPDATE. A failure is retried with
exponential backoff (FEED_BACKOFF_BASE_SECONDS × 2^(attempt−1), at most FEED_BACKOFF_MAX_SECONDS); after
FEED_MAX_ATTEMPTS attempts the message is dead (the dead-letter list) until someone re-delivers it.
"""
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from qalqan.orgs.models import Organisation

from .models import EndpointSecret, InsurerEndpoint, OutboxMessage
from .signing import secret_new, signature_header


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
    message = OutboxMessage.objects.create(insurer_id=policy.insurer_id, event_type=event_type,
                                           payload={**policy_feed_item(policy), **extra},
                                           next_attempt_at=timezone.now())
    if _setting("FEED_RELAY_ON_COMMIT", not settings.CELERY_TASK_ALWAYS_EAGER):
        transaction.on_commit(_trigger_relay)
    return message


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


_local = threading.local()


def _session() -> requests.Session:
    session = getattr(_local, "session", None)
    if session is None:
        session = requests.Session()
        adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=4, max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        _local.session = session
    return session


_pools: dict[int, ThreadPoolExecutor] = {}


def _pool(threads: int) -> ThreadPoolExecutor:
    if threads not in _pools:
        _pools[threads] = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="feed-relay")
    return _pools[threads]


def _send(url: str, secrets: list[str], msg_id: str, body: bytes, timeout: float) -> tuple[bool, int | None, str]:
    timestamp = int(time.time())
    headers = {"content-type": "application/json", "webhook-id": msg_id, "webhook-timestamp": str(timestamp),
               "webhook-signature": signature_header(secrets=secrets, msg_id=msg_id, timestamp=timestamp, body=body)}
    try:
        response = _session().post(url, data=body, headers=headers, timeout=(min(timeout, 3.0), timeout))
    except requests.Timeout:
        return False, None, f"timeout after {timeout:g} s"
    except requests.RequestException as exc:
        return False, None, f"{type(exc).__name__}: {exc}"[:500]
    if 200 <= response.status_code < 300:
        return True, response.status_code, ""
    return False, response.status_code, f"HTTP {response.status_code}: {response.text[:200]}"


DUE_SQL = """
    SELECT m.id, m.event_id, m.event_type, m.payload, m.attempts, m.insurer_id, m.created_at
      FROM feed_outboxmessage m
      JOIN feed_insurerendpoint e ON e.insurer_id = m.insurer_id AND e.is_active
     WHERE m.delivered_at IS NULL AND m.dead_at IS NULL AND m.next_attempt_at <= %s
     ORDER BY m.next_attempt_at, m.id
     LIMIT %s
       FOR UPDATE OF m SKIP LOCKED
"""

RECORD_SQL = """
    UPDATE feed_outboxmessage m
       SET attempts = m.attempts + 1,
           delivered_at = CASE WHEN u.ok THEN %s::timestamptz END,
           dead_at = CASE WHEN u.dead THEN %s::timestamptz END,
           next_attempt_at = u.next_at, last_status = u.status, last_error = u.error
      FROM unnest(%s::bigint[], %s::bool[], %s::bool[], %s::timestamptz[], %s::int[], %s::text[])
           AS u(id, ok, dead, next_at, status, error)
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


def outbox_relay_batch(*, limit: int | None = None, now: datetime | None = None) -> RelayResult:
    """Deliver up to `limit` due messages; record every outcome. Safe to run in several workers at once."""
    limit = limit or _setting("FEED_RELAY_BATCH", 500)
    timeout = float(_setting("FEED_TIMEOUT_SECONDS", 5))
    threads = _setting("FEED_RELAY_THREADS", 8)
    result = RelayResult()
    with transaction.atomic():
        now = now or timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(DUE_SQL, [now, limit])
            rows = cursor.fetchall()
        if not rows:
            return result
        endpoints = _endpoints({row[5] for row in rows}, now)
        jobs = []
        for msg_id, event_id, event_type, payload, attempts, insurer_id, created_at in rows:
            if isinstance(payload, str):
                payload = json.loads(payload)
            body = json.dumps({"type": event_type, "timestamp": created_at.isoformat(), "data": payload},
                              ensure_ascii=False, separators=(",", ":")).encode()
            url, secrets = endpoints[insurer_id]
            jobs.append((msg_id, attempts, url, secrets, str(event_id), body))

        def deliver(job):
            _, _, url, secrets, event_id, body = job
            if not secrets:
                return False, None, "the endpoint has no valid secret"
            return _send(url, secrets, event_id, body, timeout)

        outcomes = list(_pool(threads).map(deliver, jobs)) if len(jobs) > 1 else [deliver(jobs[0])]
        done_at = timezone.now()
        ids, oks, deads, next_ats, statuses, errors = [], [], [], [], [], []
        for (msg_id, attempts, *_), (ok, status, error) in zip(jobs, outcomes):
            attempt = attempts + 1
            dead = not ok and attempt >= max_attempts()
            ids.append(msg_id)
            oks.append(ok)
            deads.append(dead)
            next_ats.append(done_at if ok or dead else done_at + timedelta(seconds=backoff_seconds(attempt)))
            statuses.append(status)
            errors.append(error)
            if ok:
                result.delivered += 1
            elif dead:
                result.dead += 1
            else:
                result.failed += 1
        with connection.cursor() as cursor:
            cursor.execute(RECORD_SQL, [done_at, done_at, ids, oks, deads, next_ats, statuses, errors])
    return result


def outbox_relay(*, max_seconds: float | None = None, limit: int | None = None) -> RelayResult:
    """Run batches until nothing is due or the time budget is spent."""
    budget = max_seconds if max_seconds is not None else _setting("FEED_RELAY_MAX_SECONDS", 20)
    deadline = time.monotonic() + budget
    total = RelayResult()
    while True:
        batch = outbox_relay_batch(limit=limit)
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
