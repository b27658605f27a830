"""Format-logical control as a pure function: every reason code, and the double-billing flag."""
from datetime import date, timedelta

import pytest

from claims import checks
from claims.checks import BenefitFact, EventItem, Facts, PolicyFact, TariffFact, event_problems

TODAY = date(2026, 6, 15)
IIN = "900101300007"
PERSON = 7
CLINIC = 1


def facts(**changes) -> Facts:
    policy = PolicyFact(id=1, number="KZQ000000001", insurer_id=5, product_id=9, covers_from=date(2026, 1, 1),
                        covers_until=date(2027, 1, 1),
                        benefits={"kdu": BenefitFact("kdu", 1_000_000, 0, None),
                                  "dental": BenefitFact("dental", 1_000_000, 0, date(2026, 7, 1))},
                        allow_above_tariff=changes.pop("allow_above_tariff", False))
    base = Facts(person_ids={IIN: PERSON}, policies={PERSON: [policy]},
                 tariffs={"KDU-001": [TariffFact("KDU-001", "kdu", 500_000, date(2025, 1, 1), None)],
                          "DEN-001": [TariffFact("DEN-001", "dental", 1_500_000, date(2025, 1, 1), None)]})
    for name, value in changes.items():
        setattr(base, name, value)
    return base


def item(**changes) -> EventItem:
    values = dict(event_id="E1", iin=IIN, service_code="KDU-001", icd10="J06.9", service_date=TODAY - timedelta(days=1),
                  amount_tiyn=500_000, benefit="kdu")
    values.update(changes)
    return EventItem(**values)


def codes(verdict) -> list[str]:
    return [r["code"] for r in verdict.reasons]


def judge(event: EventItem, known: Facts | None = None):
    return event_problems(event, known or facts(), clinic_id=CLINIC, today=TODAY, filing_window_days=90)


def test_a_good_event_passes_with_its_policy():
    verdict = judge(item())
    assert verdict.reasons == [] and verdict.flags == []
    assert verdict.person_id == PERSON and verdict.policy.id == 1


@pytest.mark.parametrize("changes, code", [
    ({"iin": "900101300008"}, checks.INVALID_IIN),
    ({"iin": "12345"}, checks.INVALID_IIN),
    ({"iin": "000101500001"}, checks.UNKNOWN_PERSON),
    ({"service_date": date(2025, 12, 31)}, checks.NO_POLICY),
    ({"benefit": "inpatient", "service_code": "KDU-001"}, checks.BENEFIT_MISMATCH),
    ({"service_code": "XXX-999"}, checks.UNKNOWN_SERVICE),
    ({"icd10": "U07.1"}, checks.INVALID_ICD10),
    ({"icd10": "J6"}, checks.INVALID_ICD10),
    ({"icd10": "J06.12345"}, checks.INVALID_ICD10),
    ({"amount_tiyn": 0}, checks.AMOUNT_NOT_POSITIVE),
    ({"amount_tiyn": -5}, checks.AMOUNT_NOT_POSITIVE),
    ({"amount_tiyn": 500_001}, checks.AMOUNT_ABOVE_TARIFF),
    ({"service_date": TODAY + timedelta(days=1)}, checks.DATE_IN_FUTURE),
    ({"service_date": TODAY - timedelta(days=91)}, checks.DATE_TOO_OLD),
    ({"service_code": "DEN-001", "benefit": "dental", "amount_tiyn": 100}, checks.BENEFIT_WAITING),
])
def test_each_failure_has_its_reason_code(changes, code):
    verdict = judge(item(**changes))
    assert code in codes(verdict)
    assert all(r["message"] for r in verdict.reasons)


def test_a_benefit_the_policy_does_not_cover():
    tariffs = {**facts().tariffs, "INP-001": [TariffFact("INP-001", "inpatient", 25_000_000, date(2025, 1, 1), None)]}
    verdict = judge(item(service_code="INP-001", benefit="inpatient"), facts(tariffs=tariffs))
    assert codes(verdict) == [checks.BENEFIT_NOT_COVERED]


def test_the_tariff_is_read_on_the_service_date():
    dated = {"KDU-001": [TariffFact("KDU-001", "kdu", 400_000, date(2025, 1, 1), date(2026, 6, 1)),
                         TariffFact("KDU-001", "kdu", 600_000, date(2026, 6, 1), None)]}
    assert codes(judge(item(amount_tiyn=550_000, service_date=date(2026, 5, 31)), facts(tariffs=dated))) == [
        checks.AMOUNT_ABOVE_TARIFF]
    assert codes(judge(item(amount_tiyn=550_000, service_date=date(2026, 6, 2)), facts(tariffs=dated))) == []


def test_the_product_may_allow_amounts_above_the_tariff():
    assert codes(judge(item(amount_tiyn=900_000), facts(allow_above_tariff=True))) == []


def test_the_same_service_same_day_from_another_clinic_is_flagged_not_refused():
    day = TODAY - timedelta(days=1)
    verdict = judge(item(service_date=day), facts(billed={(PERSON, "KDU-001", day): {CLINIC + 1}}))
    assert verdict.reasons == [] and verdict.flags == [checks.POSSIBLE_DOUBLE_BILLING]
    again_same_clinic = judge(item(service_date=day), facts(billed={(PERSON, "KDU-001", day): {CLINIC}}))
    assert again_same_clinic.flags == []


def test_every_failure_is_reported_at_once():
    verdict = judge(item(iin="900101300008", icd10="bad", amount_tiyn=0, service_code="NOPE"))
    assert set(codes(verdict)) == {checks.INVALID_IIN, checks.INVALID_ICD10, checks.AMOUNT_NOT_POSITIVE,
                                   checks.UNKNOWN_SERVICE}
