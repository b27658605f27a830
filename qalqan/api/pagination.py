"""Cursor pagination: `?limit=` (≤ 1000) and an opaque `cursor`; answers {"items", "next_cursor"}."""
import base64
import json

from django.db.models import Q

from .errors import Unprocessable

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100


def encode_cursor(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> list:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError):
        raise Unprocessable.for_field("cursor", "cursor is not one this API gave out") from None
    if not isinstance(values, list):
        raise Unprocessable.for_field("cursor", "cursor is not one this API gave out")
    return values


def check_limit(limit: int | None) -> int:
    limit = DEFAULT_LIMIT if limit is None else limit
    if not 1 <= limit <= MAX_LIMIT:
        raise Unprocessable.for_field("limit", f"limit must be between 1 and {MAX_LIMIT}")
    return limit


def paginate(queryset, *, limit: int | None, cursor: str | None, serialize, keys: tuple[str, ...] = ("id",)) -> dict:
    """Keyset pagination over columns that together are unique and increasing (e.g. ("updated_at", "id"))."""
    limit = check_limit(limit)
    queryset = queryset.order_by(*keys)
    if cursor:
        values = decode_cursor(cursor)
        if len(values) != len(keys):
            raise Unprocessable.for_field("cursor", "cursor is not one this API gave out")
        queryset = queryset.filter(_after(keys, values))
    rows = list(queryset[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor([getattr(rows[-1], k) for k in keys]) if more else None
    return {"items": [serialize(row) for row in rows], "next_cursor": next_cursor}


def _after(keys: tuple[str, ...], values: list) -> Q:
    """(k1, k2, …) > (v1, v2, …) in lexicographic order."""
    condition = Q()
    for i, key in enumerate(keys):
        step = Q(**{f"{k}": v for k, v in zip(keys[:i], values[:i])}) & Q(**{f"{key}__gt": values[i]})
        condition |= step
    return condition
