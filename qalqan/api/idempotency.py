"""Idempotency-Key on POST: the same key and body replay the first answer; another body is 409.

The record row is created (or waited for) inside the request's transaction, so concurrent
requests with one key serialise on its unique index and the second replays the first's answer.
"""
import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpResponse
from django.utils import timezone

from qalqan.core.sql import execute_prepared

from .errors import problem_response
from .models import IdempotencyRecord

REPLAY_HEADER = "Idempotent-Replayed"


def fingerprint_of(request) -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), request.body):
        digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()


def idempotent_response(request, *, caller: str, key: str, get_response) -> HttpResponse:
    if len(key) > 255:
        return problem_response(400, "Idempotency-Key is longer than 255 characters",
                                errors=[{"field": "Idempotency-Key", "message": "too long"}])
    fingerprint = fingerprint_of(request)
    with transaction.atomic():
        record = _claim(caller=caller, key=key, fingerprint=fingerprint)
        if record.status_code is not None:
            if record.fingerprint != fingerprint:
                return problem_response(409, "This Idempotency-Key was used with a different request.",
                                        slug="idempotency-key-reused")
            replay = HttpResponse(bytes(record.body), status=record.status_code, content_type=record.content_type)
            replay[REPLAY_HEADER] = "true"
            return replay
        response = get_response(request)
        if response.status_code >= 500 or getattr(response, "streaming", False):
            transaction.set_rollback(True)
            return response
        record.status_code = response.status_code
        record.content_type = response.get("Content-Type", "")
        record.body = response.content
        record.save(update_fields=["status_code", "content_type", "body"])
        return response


# A fresh key is one statement (no savepoint); a key another request holds makes it wait for that request's
# transaction and then insert nothing.
_CLAIM_SQL = (f"INSERT INTO {IdempotencyRecord._meta.db_table} (caller, key, fingerprint, status_code, content_type, "
              "body, created_at) VALUES (%s, %s, %s, NULL, '', ''::bytea, %s) "
              "ON CONFLICT ON CONSTRAINT idempotency_caller_key_uniq DO NOTHING RETURNING id")


def _claim(*, caller: str, key: str, fingerprint: str) -> IdempotencyRecord:
    """The locked record for (caller, key): a fresh one to fill in, or the finished first answer."""
    now = timezone.now()
    row = execute_prepared(_CLAIM_SQL, [caller, key, fingerprint, now])
    if row:
        record = IdempotencyRecord(id=row[0][0], caller=caller, key=key, fingerprint=fingerprint, created_at=now)
        record._state.adding, record._state.db = False, connection.alias
        return record
    # another request holds or held this key; its transaction has finished by now
    record = IdempotencyRecord.objects.select_for_update().get(caller=caller, key=key)
    expired = record.created_at < timezone.now() - timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS)
    if expired:
        record.fingerprint, record.status_code, record.body = fingerprint, None, b""
        record.created_at = timezone.now()
        record.save()
    return record


def idempotency_records_purge() -> int:
    cutoff = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
