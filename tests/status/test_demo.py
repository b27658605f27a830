from datetime import date

import pytest

from qalqan.people.demo import demo_load
from qalqan.people.models import Contribution, InsuranceStatus, Refund

pytestmark = pytest.mark.django_db


def test_demo_contributions_give_a_mix_of_statuses_and_run_twice_safely(make_person, rates,
                                                                        assert_trial_balance_zero):
    people = [make_person(categories=[["employee"], ["individual_entrepreneur"], ["self_payer"], []][i % 4])
              for i in range(30)]
    people.append(make_person(categories=["pensioner"], birth_date=date(1950, 1, 1)))
    iins = [p.iin for p in people]
    demo_load(object(), iins=iins)
    stored = Contribution.objects.count()
    bases = set(InsuranceStatus.objects.values_list("basis", flat=True))
    assert {"contributions", "pensioner", None} <= bases
    assert InsuranceStatus.objects.filter(insured=False).exists()
    assert Contribution.objects.filter(in_suspense=True).count() == 2
    assert Refund.objects.filter(status="paid").count() == 1
    assert_trial_balance_zero()

    demo_load(object(), iins=iins)
    assert Contribution.objects.count() == stored
    assert Refund.objects.count() == 3
