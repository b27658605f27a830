"""At the point of care: is this person insured today, under which policies, with how much of each benefit
left. One JSON body for the API view and for the hot path in front of Django (qalqan/api/hotpath.py)."""
import json
from datetime import date

from django.utils import timezone

from qalqan.core.kzid import is_valid_iin
from qalqan.core.masking import mask_iin
from qalqan.core.sql import fetch_all_prepared
from qalqan.orgs.hot_tokens import LIVE_TOKEN_SQL, bearer_token, fresh_kind
from qalqan.orgs.services import hash_token

# The active policies of the person covering the day, each with its benefits, in one indexed query.
_POLICIES_SQL = """
SELECT p.id, p.number, o.code, b.benefit, b.limit_tiyn, b.used_tiyn, b.waiting_until
FROM people_person h
JOIN policies_policy p ON p.holder_id = h.id
JOIN orgs_organisation o ON o.id = p.insurer_id
LEFT JOIN policies_policybenefit b ON b.policy_id = p.id
WHERE h.iin = %(iin)s AND p.status = 'active' AND p.start_date <= %(day)s AND p.end_date > %(day)s
"""
_ELIGIBILITY_SQL = _POLICIES_SQL + "ORDER BY p.id, b.benefit"
# The hot path asks for the caller's token and the policies in one round trip: no row means no live token.
_CALLER_AND_ELIGIBILITY_SQL = f"""
WITH caller AS ({LIVE_TOKEN_SQL})
SELECT caller.kind, caller.last_used_at, e.* FROM caller LEFT JOIN ({_POLICIES_SQL}) e ON true
ORDER BY e.id, e.benefit
"""


def eligibility_of(iin: str, day: date) -> list[dict]:
    """The active policies of the person with this ИИН covering `day`, with the remaining limit per benefit."""
    return _policies(fetch_all_prepared(_ELIGIBILITY_SQL, {"iin": iin, "day": day}))


def _policies(rows) -> list[dict]:
    policies: dict[int, dict] = {}
    for pid, number, insurer, code, limit, used, waiting in rows:
        if pid is None:  # the caller's row when the person has no policy
            continue
        policy = policies.setdefault(pid, {"number": number, "insurer": insurer, "benefits": []})
        if code is not None:
            policy["benefits"].append({"code": code, "remaining_tiyn": limit - used, "limit_tiyn": limit,
                                       "waiting_until": waiting.isoformat() if waiting else None})
    return list(policies.values())


def eligibility_body(iin: str, day: date, policies: list[dict] | None = None) -> bytes:
    """The JSON of `GET /api/v1/clinic/eligibility/{iin}` for a valid ИИН."""
    policies = eligibility_of(iin, day) if policies is None else policies
    body = {"iin": mask_iin(iin), "insured": bool(policies), "policies": policies}
    return json.dumps(body, ensure_ascii=False).encode()


def hot_eligibility_answer(match, environ: dict) -> bytes | None:
    """The hot-path answer for a clinic's live token and a valid ИИН; None lets the API view answer (401, 403,
    422, or a token whose use is to be recorded)."""
    raw = bearer_token(environ)
    iin = match["iin"]
    if raw is None or not is_valid_iin(iin):
        return None
    day = timezone.localdate()
    rows = fetch_all_prepared(_CALLER_AND_ELIGIBILITY_SQL, {"token_hash": hash_token(raw), "iin": iin, "day": day})
    if not rows or fresh_kind(rows[0][0], rows[0][1]) != "clinic":
        return None
    return eligibility_body(iin, day, _policies(row[2:] for row in rows))
