import pytest

from insurers.services import BenefitIn, pricing_tables_sync, product_publish

GOLD_PREMIUM = 15_000_000


@pytest.fixture
def pricing_tables(refdata):
    pricing_tables_sync()


@pytest.fixture
def insured_people(monkeypatch):
    """Who is insured, decided by the test: add person ids to the returned set."""
    from policies import eligibility

    insured: set[int] = set()
    monkeypatch.setattr(eligibility, "insured_on", lambda person, day: person.pk in insured)
    return insured


@pytest.fixture
def products(insurer, other_insurer, pricing_tables):
    org = insurer.organisation
    basic = product_publish(insurer=org, code="basic", name="Basic", kind="osms",
                            benefits=[BenefitIn("inpatient", 300_000_000), BenefitIn("kdu", 50_000_000)])
    gold = product_publish(insurer=org, code="gold", name="Gold", kind="osms_dms", annual_premium_tiyn=GOLD_PREMIUM,
                           benefits=[BenefitIn("dental", 20_000_000, waiting_days=30),
                                     BenefitIn("inpatient", 500_000_000)],
                           regions=["astana", "almaty_city"], min_age=18, max_age=64)
    other_basic = product_publish(insurer=other_insurer.organisation, code="basic-b", name="Basic B", kind="osms",
                                  benefits=[BenefitIn("inpatient", 250_000_000)])
    other_gold = product_publish(insurer=other_insurer.organisation, code="gold-b", name="Gold B", kind="osms_dms",
                                 annual_premium_tiyn=12_000_000, benefits=[BenefitIn("dental", 10_000_000)])
    return {"basic": basic, "gold": gold, "basic-b": other_basic, "gold-b": other_gold}


@pytest.fixture
def insured_citizen(citizen, insured_people):
    insured_people.add(citizen.person.pk)
    return citizen


def apply(caller, product: str, insurer: str | None = None, **extra):
    body = {"product": product, **({"insurer": insurer} if insurer else {}), **extra}
    response = caller.api.post("/citizen/applications", body)
    assert response.status_code == 201, response.content
    return response.json()


def pay_pension(caller, payment_id: int):
    response = caller.api.post(f"/citizen/payments/{payment_id}/pension")
    assert response.status_code == 200, response.content
    return response.json()
