import functools
from datetime import date

import pytest
from django.core.cache import cache

from qalqan.people.contributions import contributions_intake
from qalqan.people.models import InsuranceStatus, TemporaryStatusGrant
from qalqan.people.services import people_upsert
from qalqan.people.status import status_expire, status_recompute, temporary_status_grant
from qalqan.people.tasks import status_sweep
from tests.conftest import person_row
from tests.contributions.factories import months_back, payment

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


@pytest.fixture
def make_person(make_person):
    """People registered on the frozen TODAY, so their category memberships are in force on it."""
    return functools.partial(make_person, today=TODAY)


def pay_months(person, periods, kind="employee"):
    result = contributions_intake(rows=[payment(person.iin, period=p, kind=kind) for p in periods], today=TODAY)
    assert result.errors == []


def test_recompute_materialises_each_basis(make_person, rates):
    pensioner = make_person(birth_date=date(1950, 1, 1), categories=["pensioner"])
    payer = make_person(categories=["employee"])
    nobody = make_person()
    pay_months(payer, months_back(TODAY, 12))

    assert status_recompute(person_ids=[pensioner.pk, payer.pk, nobody.pk], today=TODAY) == 3

    rows = {s.person_id: s for s in InsuranceStatus.objects.all()}
    assert (rows[pensioner.pk].insured, rows[pensioner.pk].basis, rows[pensioner.pk].insured_until) == (
        True, "pensioner", None)
    assert (rows[payer.pk].basis, rows[payer.pk].insured_until) == ("contributions", date(2027, 1, 31))
    assert (rows[nobody.pk].insured, rows[nobody.pk].basis, rows[nobody.pk].debt_months) == (False, None, 12)


def test_a_refund_of_a_month_makes_it_unpaid_again(make_person, rates):
    from qalqan.people.models import Contribution, Refund

    payer = make_person()
    pay_months(payer, months_back(TODAY, 12))
    status_recompute(person_ids=[payer.pk], today=TODAY)
    assert InsuranceStatus.objects.get(person=payer).insured
    c = Contribution.objects.filter(person=payer).order_by("period").first()
    Refund.objects.create(contribution=c, amount_tiyn=c.amount_tiyn, reason="duplicate", requester="payer",
                          requested_by="x", status="approved")
    status_recompute(person_ids=[payer.pk], today=TODAY)
    assert InsuranceStatus.objects.get(person=payer).debt_months == 1


def test_a_category_change_recomputes_after_commit(rates, refdata, django_capture_on_commit_callbacks):
    row = person_row(categories=["employee"])
    with django_capture_on_commit_callbacks(execute=True):
        people_upsert(rows=[row])
    status = InsuranceStatus.objects.get(person__iin=row["iin"])
    assert not status.insured
    with django_capture_on_commit_callbacks(execute=True):
        people_upsert(rows=[{**row, "categories": ["disabled"]}])
    status.refresh_from_db()
    assert (status.insured, status.basis) == (True, "disabled")


def test_temporary_grant_gives_one_month(make_person, rates, django_capture_on_commit_callbacks):
    person = make_person()
    with django_capture_on_commit_callbacks(execute=True):
        grant = temporary_status_grant(person_id=person.pk, by="fund", reason="pension certificate", today=TODAY)
    assert (grant.valid_from, grant.valid_to) == (TODAY, date(2026, 12, 23))
    status_recompute(person_ids=[person.pk], today=TODAY)
    status = InsuranceStatus.objects.get(person=person)
    assert (status.insured, status.basis, status.insured_until) == (True, "temporary", date(2026, 12, 22))


def test_a_second_grant_in_the_same_month_and_a_grant_without_reason_are_refused(make_person, rates):
    from qalqan.people.status import StatusRefused

    person = make_person()
    with pytest.raises(StatusRefused):
        temporary_status_grant(person_id=person.pk, by="fund", reason="  ", today=TODAY)
    temporary_status_grant(person_id=person.pk, by="fund", reason="documents", today=TODAY)
    with pytest.raises(StatusRefused):
        temporary_status_grant(person_id=person.pk, by="fund", reason="again", today=TODAY)
    assert TemporaryStatusGrant.objects.count() == 1


def test_expiry_ends_passed_statuses_in_one_update(make_person, rates):
    person = make_person()
    InsuranceStatus.objects.create(person=person, insured=True, basis="contributions",
                                   insured_until=date(2026, 10, 31), computed_at="2026-10-01T00:00Z",
                                   computed_for=date(2026, 10, 1))
    assert status_expire(today=TODAY) == 1
    assert not InsuranceStatus.objects.get(person=person).insured


def test_the_monthly_sweep_recomputes_everyone(make_person, rates, settings):
    people = [make_person(categories=["child"], birth_date=date(2015, 5, 5)), make_person(), make_person()]
    status_sweep.delay()
    assert InsuranceStatus.objects.filter(person__in=people).count() == 3
    assert "people-status-sweep" in settings.CELERY_BEAT_SCHEDULE


def test_api_answers_from_the_materialised_row(anonymous, make_person, rates):
    cache.clear()
    person = make_person(birth_date=date(1950, 1, 1), categories=["pensioner"])
    status_recompute(person_ids=[person.pk], today=TODAY)
    body = anonymous.get(f"/status/{person.iin}").json()
    assert body == {"iin": person.iin[:6] + "******", "insured": True, "basis": "pensioner", "insured_until": None}


def test_api_unknown_but_valid_iin_is_uninsured(anonymous, rates):
    cache.clear()
    body = anonymous.get("/status/900101300007").json()
    assert body == {"iin": "900101******", "insured": False, "basis": None, "insured_until": None}


@pytest.mark.parametrize("iin", ["900101300008", "90010130000", "abcdefghijkl", "901301300006"])
def test_api_malformed_iin_is_422(anonymous, rates, iin):
    cache.clear()
    response = anonymous.get(f"/status/{iin}")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "iin"


def test_api_is_rate_limited_per_client_address(anonymous, rates, settings):
    cache.clear()
    settings.API_RATE_PUBLIC = "3/m"
    codes = [anonymous.get("/status/900101300007").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    other = anonymous.client.get("/api/v1/status/900101300007", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200
    limited = anonymous.get("/status/900101300007")
    assert limited["Content-Type"] == "application/problem+json" and "Retry-After" in limited


def test_fund_grants_a_temporary_status_over_the_api(fund, citizen, make_person, rates):
    person = make_person()
    response = fund.api.post(f"/fund/status/{person.iin}/temporary", {"reason": "disability papers"})
    assert response.status_code == 201
    assert response.json()["iin"] == person.iin[:6] + "******"
    assert fund.api.post(f"/fund/status/{person.iin}/temporary", {"reason": "again"}).status_code == 409
    assert fund.api.post("/fund/status/900101300007/temporary", {"reason": "x"}).status_code == 404
    assert citizen.api.post(f"/fund/status/{person.iin}/temporary", {"reason": "x"}).status_code == 403


def test_a_person_shown_as_insured_gets_no_temporary_status(fund, make_person, rates):
    from qalqan.people.status import StatusRefused

    pensioner = make_person(birth_date=date(1950, 1, 1), categories=["pensioner"])
    status_recompute(person_ids=[pensioner.pk], today=TODAY)
    with pytest.raises(StatusRefused, match="shown as insured already"):
        temporary_status_grant(person_id=pensioner.pk, by="fund", reason="papers", today=TODAY)
    assert fund.api.post(f"/fund/status/{pensioner.iin}/temporary", {"reason": "papers"}).status_code == 409
    assert not TemporaryStatusGrant.objects.exists()


def test_a_status_whose_last_day_has_passed_does_not_block_a_grant(make_person, rates):
    person = make_person()
    InsuranceStatus.objects.create(person=person, insured=True, basis="contributions",
                                   insured_until=date(2026, 10, 31), computed_at="2026-10-01T00:00Z",
                                   computed_for=date(2026, 10, 1))
    grant = temporary_status_grant(person_id=person.pk, by="fund", reason="papers", today=TODAY)
    assert grant.valid_from == TODAY
