"""Claims fixtures: service tariffs, an insurer's product with a claim rule, active policies with limits, and
money on the insurer's premium account (through the ledger, so the trial balance stays zero)."""
import itertools
from datetime import date, timedelta

import pytest
from django.utils import timezone

from claims.models import ClaimRule
from claims.tariffs import service_tariffs_sync
from insurers.services import BenefitIn, product_publish
from policies.instruments import instrument_issue
from policies.models import Policy, PolicyBenefit
from qalqan.ledger.models import Account
from qalqan.ledger.services import account_ensure, transfer_post

_keys = itertools.count(1)


@pytest.fixture
def tariffs(refdata):
    service_tariffs_sync()


@pytest.fixture
def make_policy(tariffs):
    def make(person, insurer_org, *, benefits: dict[str, int] | None = None, product_code: str = "basic",
             start: date | None = None, end: date | None = None, status: str = Policy.Status.ACTIVE,
             rule: dict | None = None, waiting: dict[str, date] | None = None) -> Policy:
        benefits = benefits if benefits is not None else {"kdu": 50_000_000, "inpatient": 300_000_000}
        version = product_publish(insurer=insurer_org, code=product_code, name=product_code.title(), kind="osms",
                                  benefits=[BenefitIn(code, limit) for code, limit in benefits.items()],
                                  valid_from=date(2025, 1, 1))
        if rule is not None:
            ClaimRule.objects.update_or_create(product=version.product, defaults=rule)
        today = timezone.localdate()
        start = start or today - timedelta(days=180)
        end = end or start + timedelta(days=365)
        instrument = instrument_issue(holder=person, custodian=insurer_org, face_value_tiyn=1_000_000,
                                      valid_from=start, valid_to=end)
        policy = Policy.objects.create(
            number=instrument.number, instrument=instrument, holder=person, insurer=insurer_org, version=version,
            kind="osms", start_date=start, end_date=end, price_tiyn=1_000_000, subsidy_tiyn=1_000_000,
            premium_tiyn=0, status=status)
        for code, limit in benefits.items():
            PolicyBenefit.objects.create(policy=policy, benefit=code, limit_tiyn=limit,
                                         waiting_until=(waiting or {}).get(code))
        return policy

    return make


@pytest.fixture
def fund_insurer(db):
    """Put `amount` tiyn on the insurer's premium account: republican budget → fund clearing → insurer."""
    def fund(insurer_org, amount: int) -> None:
        budget = account_ensure(code="budget:republican", kind=Account.Kind.BUDGET_SOURCE, may_go_negative=True)
        clearing = account_ensure(code="fund:clearing", kind=Account.Kind.FUND_CLEARING)
        premium = account_ensure(code=f"insurer:{insurer_org.code}:premium", kind=Account.Kind.INSURER_PREMIUM,
                                 owner=insurer_org)
        n = next(_keys)
        transfer_post(key=f"test-budget-{n}", lines=[(budget, -amount), (clearing, amount)], reason="test.budget")
        transfer_post(key=f"test-premium-{n}", lines=[(clearing, -amount), (premium, amount)], reason="test.premium")

    return fund


def event_body(person_or_iin, *, event_id: str = "E-1", service_code: str = "KDU-001", icd10: str = "J06.9",
               service_date: date | None = None, amount_tiyn: int = 500_000, benefit: str = "kdu") -> dict:
    iin = person_or_iin if isinstance(person_or_iin, str) else person_or_iin.iin
    return {"event_id": event_id, "iin": iin, "service_code": service_code, "icd10": icd10,
            "service_date": (service_date or timezone.localdate() - timedelta(days=1)).isoformat(),
            "amount_tiyn": amount_tiyn, "benefit": benefit}


@pytest.fixture
def covered(citizen, insurer, make_policy):
    """The citizen holds an active basic policy of `insurer` (kdu 500 000 ₸, inpatient 3 000 000 ₸)."""
    return make_policy(citizen.person, insurer.organisation)
