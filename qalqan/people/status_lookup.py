"""The public "am I insured?" answer, one body for the API view and for the hot path in front of Django."""
import json

from qalqan.core.kzid import InvalidNumber, parse_iin
from qalqan.core.masking import mask_iin

from .insurance_selectors import status_by_iin
from .throttling import PublicRateThrottle


def status_body(iin: str) -> bytes:
    """The JSON of `GET /api/v1/status/{iin}` for a valid ИИН, from its materialised status row."""
    row = status_by_iin(iin)
    insured, basis, until = row if row else (False, None, None)
    body = {"iin": mask_iin(iin), "insured": insured, "basis": basis,
            "insured_until": until.isoformat() if until else None}
    return json.dumps(body, ensure_ascii=False).encode()


class _Client:
    """What the throttle reads of a request (its META), made from a WSGI environ."""

    def __init__(self, environ: dict):
        self.META = environ


_hot_throttle = PublicRateThrottle()


def hot_status_answer(match, environ: dict) -> bytes | None:
    """The hot-path answer for a valid ИИН within the client's rate limit; None lets the API view answer
    (a 422 for a malformed ИИН, a 429 past the limit)."""
    iin = match["iin"]
    try:
        parse_iin(iin)
    except InvalidNumber:
        return None
    if not _hot_throttle.allow_request(_Client(environ)):
        return None
    return status_body(iin)
