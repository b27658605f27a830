from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from qalqan.orgs.models import StaffMembership
from qalqan.people.status import status_recompute

pytestmark = pytest.mark.django_db


def staff_client(org) -> Client:
    user = get_user_model().objects.create_user(username=f"u-{org.code}", password="x" * 12)
    StaffMembership.objects.create(user=user, organisation=org)
    client = Client()
    client.force_login(user)
    return client


def test_fund_staff_see_coverage_by_region_and_basis_and_the_revenue_chart(fund, make_person, rates):
    people = [make_person(region="astana", categories=["pensioner"], birth_date=date(1950, 2, 2)),
              make_person(region="astana"), make_person(region="shymkent", categories=["child"],
                                                        birth_date=date(2016, 3, 3))]
    status_recompute(person_ids=[p.pk for p in people])
    response = staff_client(fund.organisation).get("/en/fund/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and "2025" in html and "1019918959" in html
    assert 'href="/en/fund/temporary-status/"' in html and 'href="/en/fund/refunds/"' in html
    regions = {s.key: s for s in response.context["regions"]}
    assert (regions["astana"].people, regions["astana"].insured) == (2, 1)
    assert regions["astana"].uninsured_percent == 50.0
    bases = {s.key: s.people for s in response.context["bases"]}
    assert bases == {"pensioner": 1, "child": 1, "uninsured": 1}


def test_other_staff_are_refused_and_strangers_sent_to_sign_in(insurer, rates):
    assert staff_client(insurer.organisation).get("/en/fund/").status_code == 403
    response = Client().get("/en/fund/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_revenue_chart_scales_to_the_highest_bar(rates):
    from qalqan.fund.dashboard import revenue_chart

    chart = revenue_chart(height=280)
    tallest = max(chart["bars"], key=lambda b: b.height)
    assert tallest.y == 12 and tallest.series == "gobmp"
    assert len(chart["bars"]) == 12
