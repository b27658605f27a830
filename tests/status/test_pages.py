from datetime import date

import pytest
from django.core.cache import cache
from django.test import Client

from qalqan.people.status import status_recompute

pytestmark = pytest.mark.django_db


def test_the_public_status_page_works_without_javascript(make_person, rates):
    cache.clear()
    person = make_person(categories=["disabled"])
    status_recompute(person_ids=[person.pk])
    response = Client().post("/en/status/", {"iin": person.iin})
    assert response.status_code == 200
    html = response.content.decode()
    assert person.iin[:6] + "******" in html and person.iin not in html
    assert "disabled" in html
    assert response.context["result"]["insured"] is True


def test_the_home_page_form_may_ask_with_a_get(make_person, rates):
    cache.clear()
    person = make_person()
    response = Client().get("/en/status/", {"iin": person.iin})
    assert response.status_code == 200 and response.context["result"]["insured"] is False


def test_an_uninsured_answer_lists_the_steps_to_become_insured(rates):
    cache.clear()
    response = Client().get("/en/status/", {"iin": "900101300007"})
    assert response.status_code == 200
    assert "How to become insured" in response.content.decode()
    assert response.context["steps"][0]["amount_tiyn"] == 4_250_00


def test_a_bad_iin_on_the_page_is_422_and_the_page_is_rate_limited(rates, settings):
    cache.clear()
    assert Client().get("/en/status/", {"iin": "123"}).status_code == 422
    settings.API_RATE_PUBLIC = "2/m"
    cache.clear()
    codes = [Client().get("/en/status/", {"iin": "900101300007"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_the_empty_status_page_is_a_form(rates):
    response = Client().get("/en/status/")
    assert response.status_code == 200 and 'name="iin"' in response.content.decode()


def test_the_calculator_page(rates):
    response = Client().get("/en/contributions/calculator/", {"kind": "employee", "period": "2025-03",
                                                              "income": "1500000"})
    assert response.status_code == 200
    assert response.context["due"].amount_tiyn == 17_000_00
    assert Client().get("/en/contributions/calculator/", {"kind": "employee", "period": "x"}).status_code == 422


def test_the_page_limit_is_per_client_address(rates, settings):
    cache.clear()
    settings.API_RATE_PUBLIC = "1/m"
    assert Client().get("/en/status/", {"iin": "900101300007"}, REMOTE_ADDR="10.0.0.1").status_code == 200
    assert Client().get("/en/status/", {"iin": "900101300007"}, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert Client().get("/en/status/", {"iin": "900101300007"}, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_the_page_says_until_when_and_on_what_basis(make_person, rates):
    from qalqan.people.models import InsuranceStatus

    cache.clear()
    person = make_person()
    InsuranceStatus.objects.create(person=person, insured=True, basis="contributions",
                                   insured_until=date(2027, 1, 31), computed_at="2026-11-01T00:00Z",
                                   computed_for=date(2026, 11, 1))
    response = Client().post("/en/status/", {"iin": person.iin})
    html = response.content.decode()
    assert response.context["result"] == {"iin": person.masked_iin, "insured": True, "basis": "contributions",
                                          "insured_until": date(2027, 1, 31)}
    assert "2027-01-31" in html and "contributions paid" in html
