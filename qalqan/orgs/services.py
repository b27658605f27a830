import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from qalqan.core.kzid import InvalidNumber, synthetic_bin, validate_bin

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


def token_authenticate(raw: str) -> Principal:
    """The principal behind a bearer token; TokenRejected when unknown, revoked or expired."""
    token = (
        ApiToken.objects.select_related("organisation", "person")
        .filter(key_hash=hash_token(raw))
        .first()
    )
    now = timezone.now()
    if token is None:
        raise TokenRejected("unknown token")
    if token.revoked_at is not None:
        raise TokenRejected("token revoked")
    if token.expires_at is not None and token.expires_at <= now:
        raise TokenRejected("token expired")
    if token.last_used_at is None or now - token.last_used_at > timedelta(seconds=settings.API_TOKEN_TOUCH_SECONDS):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    if token.organisation_id:
        org = token.organisation
        return Principal(kind=org.kind, organisation=org, token_id=token.pk)
    return Principal(kind="citizen", person=token.person, token_id=token.pk)
