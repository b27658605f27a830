"""Bearer tokens for the hot path (qalqan/api/hotpath.py): a piece of SQL a hot read puts in its own statement.

Only the plain case is decided here — a live organisation token whose last use is recorded recently enough.
Anything else (unknown, revoked, expired, a citizen's token, a last use to record) is left to
`token_authenticate` behind the API view, which answers or records it."""
from django.conf import settings
from django.utils import timezone

# The organisation kind and last use of a live token; a hot read may put it in a WITH of its own statement.
LIVE_TOKEN_SQL = (
    "SELECT o.kind, t.last_used_at FROM orgs_apitoken t JOIN orgs_organisation o ON o.id = t.organisation_id "
    "WHERE t.key_hash = %(token_hash)s AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())"
)


def bearer_token(environ: dict) -> str | None:
    """The raw token of `Authorization: Bearer …` in a WSGI environ (a request's META), or None."""
    scheme, _, raw = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
    raw = raw.strip()
    return raw if scheme.lower() == "bearer" and raw else None


def fresh_kind(kind: str, last_used_at) -> str | None:
    """`kind` when the token's last use is recorded within API_TOKEN_TOUCH_SECONDS, else None."""
    if last_used_at is None:
        return None
    age = (timezone.now() - last_used_at).total_seconds()
    return kind if age <= settings.API_TOKEN_TOUCH_SECONDS else None
