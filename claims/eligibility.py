"""At the point of care: is this person insured today, under which policies, with how much of each benefit
left. One JSON body for the API view and for the hot path in front of Django (qalqan/api/hotpath.py)."""
import json
from datetime import date

from django.utils import timezone

from qalqan.core.kzid import is_valid_iin
from qalqan.core.masking import mask_iin
from qalqan.core.sql import fetch_all_prepared
from qalqan.orgs.hot_tokens import bearer_token, fresh_organisation_kind

# The active policies of the person covering the day, each with its benefits, in one indexed query.
_ELIGIBILITY_SQL = """
SELECT p.id, p.number, o.code, b.benefit, b.limit_tiyn, b.used_tiyn, b.waiting_until
FROM people_person h
JOIN policies_policy p ON p.holder_id = h.id
JOIN orgs_organisation o ON o.id = p.insurer_id
LEFT JOIN policies_policybenefit b ON b.policy_id = p.id
WHERE h.iin = %s AND p.status = 'active' AND p.start_date <= %s AND p.end_date > %s
ORDER BY p.id, b.benefit
"""


def eligibility_of(iin: str, day: date) -> list[dict]:
    """The active policies of the person with this ИИН covering `day`, with the remaining limit per benefit."""
    policies: dict[int, dict] = {}
    for pid, number, insurer, code, limit, used, waiting in fetch_all_prepared(_ELIGIBILITY_SQL, [iin, day, day]):
        policy = policies.setdefault(pid, {"number": number, "insurer": insurer, "benefits": []})
        if code is not None:
            policy["benefits"].append({"code": code, "remaining_tiyn": limit - used, "limit_tiyn": limit,
                                       "waiting_until": waiting.isoformat() if waiting else None})
    return list(policies.values())


def eligibility_body(iin: str, day: date) -> bytes:
    """The JSON of `GET /api/v1/clinic/eligibility/{iin}` for a valid ИИН."""
    policies = eligibility_of(iin, day)
    body = {"iin": mask_iin(iin), "insured": bool(policies), "policies": policies}
    return json.dumps(body, ensure_ascii=False).encode()


def hot_eligibility_answer(match, environ: dict) -> bytes | None:
    """The hot-path answer for a clinic's live token and a valid ИИН; None lets the API view answer (401, 403,
    422, or a token whose use is to be recorded)."""
    raw = bearer_token(environ)
    iin = match["iin"]
    if raw is None or not is_valid_iin(iin) or fresh_organisation_kind(raw) != "clinic":
        return None
    return eligibility_body(iin, timezone.localdate())
