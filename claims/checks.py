"""Format-logical control of one insured event: a pure function over facts fetched beforehand.

`event_problems(item, facts, ...)` returns (reasons, flags, match): every failure as {"code", "message"}, the
flags an event that passes still carries (possible double billing), and the policy it would be charged to.
No database access here: the caller (claims/intake.py) prefetches the facts for a whole batch at once.
"""
import re
from dataclasses import dataclass, field
from datetime import date

from qalqan.core.kzid import is_valid_iin

ICD10_RE = re.compile(r"^[A-TV-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$")

# reason codes (machine-readable; the messages are for people)
INVALID_IIN = "invalid_iin"
UNKNOWN_PERSON = "unknown_person"
NO_POLICY = "no_live_policy"
BENEFIT_NOT_COVERED = "benefit_not_covered"
BENEFIT_WAITING = "benefit_waiting_period"
UNKNOWN_SERVICE = "unknown_service_code"
BENEFIT_MISMATCH = "service_benefit_mismatch"
INVALID_ICD10 = "invalid_icd10"
AMOUNT_NOT_POSITIVE = "amount_not_positive"
AMOUNT_ABOVE_TARIFF = "amount_above_tariff"
DATE_IN_FUTURE = "service_date_in_future"
DATE_TOO_OLD = "service_date_too_old"
POSSIBLE_DOUBLE_BILLING = "possible_double_billing"

REASON_CODES = (INVALID_IIN, UNKNOWN_PERSON, NO_POLICY, BENEFIT_NOT_COVERED, BENEFIT_WAITING, UNKNOWN_SERVICE,
                BENEFIT_MISMATCH, INVALID_ICD10, AMOUNT_NOT_POSITIVE, AMOUNT_ABOVE_TARIFF, DATE_IN_FUTURE,
                DATE_TOO_OLD)


@dataclass(frozen=True)
class EventItem:
    event_id: str
    iin: str
    service_code: str
    icd10: str
    service_date: date
    amount_tiyn: int
    benefit: str


@dataclass(frozen=True)
class TariffFact:
    code: str
    benefit: str
    tariff_tiyn: int
    valid_from: date
    valid_to: date | None

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


@dataclass(frozen=True)
class BenefitFact:
    benefit: str
    limit_tiyn: int
    used_tiyn: int
    waiting_until: date | None


@dataclass(frozen=True)
class PolicyFact:
    id: int
    number: str
    insurer_id: int
    product_id: int
    covers_from: date
    covers_until: date  # exclusive
    benefits: dict[str, BenefitFact]
    allow_above_tariff: bool = False
    insurer_code: str = ""

    def covers(self, day: date) -> bool:
        return self.covers_from <= day < self.covers_until


@dataclass
class Facts:
    """What the checks need, for a batch: persons by ИИН, their policies, tariffs, events already billed."""

    person_ids: dict[str, int] = field(default_factory=dict)  # iin → person id
    contacts: dict[int, tuple[str, str]] = field(default_factory=dict)  # person id → (notify channel, e-mail)
    policies: dict[int, list[PolicyFact]] = field(default_factory=dict)  # person id → policies
    tariffs: dict[str, list[TariffFact]] = field(default_factory=dict)  # code → dated rows
    billed: dict[tuple[int, str, date], set[int]] = field(default_factory=dict)  # (person, code, day) → clinics


@dataclass(frozen=True)
class Verdict:
    reasons: list[dict]
    flags: list[str]
    person_id: int | None
    policy: PolicyFact | None


def _reason(code: str, message: str) -> dict:
    return {"code": code, "message": message}


def tariff_on(facts: Facts, code: str, day: date) -> TariffFact | None:
    return next((t for t in facts.tariffs.get(code, ()) if t.valid_on(day)), None)


def billing_flags(item: EventItem, person_id: int, facts: Facts, *, clinic_id: int) -> list[str]:
    """The flags of an event of a known person: another clinic billed the same service for the same day."""
    billed_by = facts.billed.get((person_id, item.service_code, item.service_date), set())
    return [POSSIBLE_DOUBLE_BILLING] if billed_by - {clinic_id} else []


def event_problems(item: EventItem, facts: Facts, *, clinic_id: int, today: date, filing_window_days: int) -> Verdict:
    reasons: list[dict] = []
    flags: list[str] = []

    if item.service_date > today:
        reasons.append(_reason(DATE_IN_FUTURE, "the service date is in the future"))
    elif (today - item.service_date).days > filing_window_days:
        reasons.append(_reason(DATE_TOO_OLD, f"the service is older than the {filing_window_days}-day filing window"))
    if not ICD10_RE.match(item.icd10 or ""):
        reasons.append(_reason(INVALID_ICD10, "the ICD-10 code is not of a valid shape (e.g. J06.9)"))
    if item.amount_tiyn <= 0:
        reasons.append(_reason(AMOUNT_NOT_POSITIVE, "the amount must be greater than zero"))

    tariff = tariff_on(facts, item.service_code, item.service_date)
    if tariff is None:
        reasons.append(_reason(UNKNOWN_SERVICE, "the service code is not in the tariff list on the service date"))
    elif tariff.benefit != item.benefit:
        reasons.append(_reason(BENEFIT_MISMATCH, f"the service {tariff.code} belongs to the benefit {tariff.benefit}"))

    person_id = None
    policy = None
    if not is_valid_iin(item.iin):
        reasons.append(_reason(INVALID_IIN, "the ИИН is not valid (12 digits with a correct control digit)"))
    else:
        person_id = facts.person_ids.get(item.iin)
        if person_id is None:
            reasons.append(_reason(UNKNOWN_PERSON, "no person with this ИИН is in the registry"))
        else:
            live = [p for p in facts.policies.get(person_id, ()) if p.covers(item.service_date)]
            if not live:
                reasons.append(_reason(NO_POLICY, "the person had no live policy on the service date"))
            else:
                covering = [p for p in live if item.benefit in p.benefits]
                if not covering:
                    reasons.append(_reason(BENEFIT_NOT_COVERED, f"the policy does not cover the benefit {item.benefit}"))
                else:
                    policy = max(covering, key=lambda p: p.benefits[item.benefit].limit_tiyn
                                 - p.benefits[item.benefit].used_tiyn)
                    waiting = policy.benefits[item.benefit].waiting_until
                    if waiting is not None and item.service_date < waiting:
                        reasons.append(_reason(BENEFIT_WAITING, f"the benefit is not covered before {waiting}"))
            flags = billing_flags(item, person_id, facts, clinic_id=clinic_id)

    if tariff is not None and item.amount_tiyn > tariff.tariff_tiyn and not (policy and policy.allow_above_tariff):
        reasons.append(_reason(AMOUNT_ABOVE_TARIFF, f"the amount is above the tariff of {tariff.tariff_tiyn} tiyn"))
    return Verdict(reasons=reasons, flags=flags, person_id=person_id, policy=policy)
