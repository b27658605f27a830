"""The subsidy run's test world (two insurers, four subsidised people with different payers, a funded pool),
shared by the service, API and page tests. Import the fixtures into a test module to use them."""
from datetime import date

import pytest

from qalqan.ledger.services import account_ensure, transfer_post
from qalqan.people.models import CategoryMembership
from tests.fund.subsidy_factories import basic_version, make_policy

# 52 000 ₸ a year from 2026 → 433 333.33 → 433 333 tiyn a month; × coefficient, rounded half up
MONTHLY_2026 = 433_333
M_30_44 = 346_666  # × 0.800
F_30_44 = 433_333  # × 1.000
CHILD_M = 303_333  # × 0.700 (age 5..17)


@pytest.fixture
def make_person(make_person):
    """Registry people whose categories hold since 2020 (the registry dates a new membership today)."""
    def make(**kwargs):
        person = make_person(**kwargs)
        CategoryMembership.objects.filter(person=person).update(valid_from=date(2020, 1, 1))
        return person

    return make


@pytest.fixture
def world(fund, insurer, other_insurer, make_person):
    a, b = insurer.organisation, other_insurer.organisation
    people = {
        "pensioner": make_person(birth_date=date(1990, 3, 1), sex="M", categories=["pensioner"], region="astana"),
        "unemployed": make_person(birth_date=date(1990, 3, 1), sex="F", categories=["unemployed"],
                                  region="karaganda"),
        "employee": make_person(birth_date=date(1990, 3, 1), sex="M", categories=["employee"], region="abai"),
        "child": make_person(birth_date=date(2015, 6, 1), sex="M", categories=["child", "unemployed"],
                             region="shymkent"),
    }
    va, vb = basic_version(a, "basic-a"), basic_version(b, "basic-b")
    policies = {
        "pensioner": make_policy(holder=people["pensioner"], insurer=a, version=va),
        "unemployed": make_policy(holder=people["unemployed"], insurer=b, version=vb),
        "employee": make_policy(holder=people["employee"], insurer=a, version=va),
        "child": make_policy(holder=people["child"], insurer=b, version=vb),
    }
    # contributions fund the pool before the pool pays subsidies
    account_ensure(code="pool:osms", kind="contributions_pool", name="ОСМС pool")
    account_ensure(code="payer:employee", kind="payer_clearing", may_go_negative=True)
    transfer_post(key="test-pool", lines=[("payer:employee", -100_000_000), ("pool:osms", 100_000_000)],
                  reason="contributions.test")
    return {"people": people, "policies": policies, "a": a, "b": b}
