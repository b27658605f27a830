import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from qalqan.people.contributions import contributions_intake
from qalqan.people.models import Refund
from tests.contributions.factories import months_back, payment
from datetime import date

pytestmark = pytest.mark.django_db


def signed_in(person) -> Client:
    user = get_user_model().objects.create_user(username=f"c-{person.pk}", password="x" * 12)
    person.user = user
    person.save(update_fields=["user"])
    client = Client()
    client.force_login(user)
    return client


def test_my_page_shows_months_debt_and_steps(citizen, rates):
    contributions_intake(rows=[payment(citizen.person.iin, period=p) for p in months_back(date.today(), 3)])
    client = signed_in(citizen.person)
    response = client.get("/en/my/contributions/")
    assert response.status_code == 200
    overview = response.context["overview"]
    assert len(overview["debt_months"]) == 9 and overview["debt_tiyn"] == 9 * 4_250_00
    assert response.context["steps"]
    assert "Month by month" in response.content.decode()


def test_a_citizen_asks_for_a_refund_from_the_page(citizen, other_citizen, rates):
    contributions_intake(rows=[payment(citizen.person.iin), payment(other_citizen.person.iin)])
    mine = citizen.person.contributions.get()
    theirs = other_citizen.person.contributions.get()
    client = signed_in(citizen.person)
    response = client.post("/en/my/contributions/", {"contribution": mine.pk, "reason": "duplicate"})
    assert response.status_code == 302
    assert Refund.objects.get().contribution == mine
    assert client.post("/en/my/contributions/", {"contribution": theirs.pk, "reason": "duplicate"}).status_code == 404


def test_my_page_needs_a_signed_in_citizen(fund, rates):
    assert Client().get("/en/my/contributions/").status_code == 302


def test_citizen_api_lists_my_months(citizen, other_citizen, rates):
    contributions_intake(rows=[payment(citizen.person.iin, period=p) for p in months_back(date.today(), 12)]
                         + [payment(other_citizen.person.iin)])
    from qalqan.people.status import status_recompute

    status_recompute(person_ids=[citizen.person.pk])
    body = citizen.api.get("/citizen/contributions").json()
    assert body["insured"] is True and body["basis"] == "contributions"
    assert body["debt_tiyn"] == 0 and len(body["items"]) == 12
    assert len(body["months"]) == 24
    assert all(item["iin"] == citizen.person.iin for item in body["items"])
