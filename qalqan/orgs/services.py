import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from qalqan.core.kzid import InvalidNumber, synthetic_bin, validate_bin
from qalqan.core.sql import execute_prepared, fetch_one_prepared

from .models import ApiToken, Organisation
from .principal import Principal

TOKEN_PREFIX = "qq_"


class TokenRejected(Exception):
    pass


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def organisation_create(*, kind: str, code: str, name: str, bin: str | None = None) -> Organisation:
    """Create an organisation (or rename an existing one with this code). Insurers and clinics need a БИН;
    when none is given a synthetic valid one is derived from the code, for demos and tests."""
    if kind not in Organisation.Kind.values:
        raise ValueError(f"unknown organisation kind {kind!r}")
    existing = Organisation.objects.filter(code=code).first()
    if existing:
        if existing.kind != kind:
            raise ValueError(f"organisation {code!r} exists as a {existing.kind}")
        existing.name = name
        existing.save(update_fields=["name"])
        return existing
    if bin:
        validate_bin(bin)
    elif kind != Organisation.Kind.FUND:
        bin = _free_synthetic_bin(code)
    return Organisation.objects.create(kind=kind, code=code, name=name, bin=bin)


def _free_synthetic_bin(code: str) -> str:
    seed = int(hashlib.sha256(code.encode()).hexdigest(), 16)
    for attempt in range(1000):
        candidate = synthetic_bin(timezone.localdate().replace(day=1), serial=(seed + attempt) % 100000)
        if candidate and not Organisation.objects.filter(bin=candidate).exists():
            return candidate
    raise InvalidNumber("could not derive a free БИН; pass one explicitly")


def token_issue(*, organisation=None, person=None, name: str = "", expires_at: datetime | None = None) -> str:
    """Make a token and return it in clear: the only time it is ever seen."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        key_hash=hash_token(raw),
        prefix=raw[:10],
        organisation=organisation,
        person=person,
        name=name,
        expires_at=expires_at,
    )
    return raw


def token_revoke(*, token_id: int) -> None:
    ApiToken.objects.filter(pk=token_id, revoked_at__isnull=True).update(revoked_at=timezone.now())


@cache
def _token_query():
    """The token with its organisation or person in one prepared statement, and the fields it reads (every API
    request asks it; the ORM spent more time building this query than PostgreSQL answering it)."""
    from qalqan.people.models import Person

    def columns(model, alias):
        return ", ".join(f"{alias}.{field.column}" for field in model._meta.concrete_fields)

    sql = (f"SELECT t.id, t.revoked_at, t.expires_at, t.last_used_at, t.organisation_id, {columns(Organisation, 'o')}, "
           f"{columns(Person, 'p')} FROM {ApiToken._meta.db_table} t "
           f"LEFT JOIN {Organisation._meta.db_table} o ON o.id = t.organisation_id "
           f"LEFT JOIN {Person._meta.db_table} p ON p.id = t.person_id WHERE t.key_hash = %s")
    return (sql, [f.attname for f in Organisation._meta.concrete_fields],
            [f.attname for f in Person._meta.concrete_fields], Person)


_TOKEN_TOUCH_SQL = f"UPDATE {ApiToken._meta.db_table} SET last_used_at = %s WHERE id = %s"


def token_authenticate(raw: str) -> Principal:
    """The principal behind a bearer token; TokenRejected when unknown, revoked or expired."""
    sql, org_fields, person_fields, person_model = _token_query()
    row = fetch_one_prepared(sql, [hash_token(raw)])
    now = timezone.now()
    if row is None:
        raise TokenRejected("unknown token")
    token_id, revoked_at, expires_at, last_used_at, organisation_id = row[:5]
    if revoked_at is not None:
        raise TokenRejected("token revoked")
    if expires_at is not None and expires_at <= now:
        raise TokenRejected("token expired")
    if last_used_at is None or now - last_used_at > timedelta(seconds=settings.API_TOKEN_TOUCH_SECONDS):
        execute_prepared(_TOKEN_TOUCH_SQL, [now, token_id])
    values = row[5:]
    if organisation_id is not None:
        org = Organisation.from_db(connection.alias, org_fields, values[:len(org_fields)])
        return Principal(kind=org.kind, organisation=org, token_id=token_id)
    person = person_model.from_db(connection.alias, person_fields, values[len(org_fields):])
    return Principal(kind="citizen", person=person, token_id=token_id)
