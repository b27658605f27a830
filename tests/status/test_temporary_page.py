"""Fund staff grant the one-month temporary status from a page."""
import pytest
from django.test import Client

from qalqan.people.models import InsuranceStatus, TemporaryStatusGrant
from tests.fund.test_dashboard import staff_client

pytestmark = pytest.mark.django_db
URL = "/en/fund/temporary-status/"


def test_fund_staff_grant_a_temporary_status_and_the_status_follows(fund, make_person, rates,
                                                                    django_capture_on_commit_callbacks):
    person = make_person(categories=["employee"])
    client = staff_client(fund.organisation)
    assert client.get(URL).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"iin": person.iin, "reason": "disability certificate no. 12"}, follow=True)

    assert response.status_code == 200
    grant = TemporaryStatusGrant.objects.get()
    assert (grant.person, grant.reason, grant.granted_by) == (person, "disability certificate no. 12", "fund:u-fund")
    status = InsuranceStatus.objects.get(person=person)
    assert (status.insured, status.basis) == (True, "temporary")
    html = response.content.decode()
    assert person.masked_iin in html and person.iin not in html


@pytest.mark.parametrize(("iin", "reason", "code"), [
    ("900101300008", "papers", 422),   # a malformed ИИН
    ("900101300007", "papers", 404),   # valid, but nobody in the registry
    (None, "   ", 422),                # no documents named
])
def test_bad_grants_are_refused_and_nothing_is_stored(fund, make_person, rates, iin, reason, code):
    person = make_person()
    response = staff_client(fund.organisation).post(URL, {"iin": iin or person.iin, "reason": reason})
    assert response.status_code == code
    assert response.context["error"]
    assert not TemporaryStatusGrant.objects.exists()


def test_a_second_grant_while_one_runs_is_409(fund, make_person, rates):
    person = make_person()
    client = staff_client(fund.organisation)
    assert client.post(URL, {"iin": person.iin, "reason": "papers"}).status_code == 302
    assert client.post(URL, {"iin": person.iin, "reason": "again"}).status_code == 409
    assert TemporaryStatusGrant.objects.count() == 1


def test_only_fund_staff_may_grant(insurer, make_person, rates):
    person = make_person()
    assert staff_client(insurer.organisation).post(URL, {"iin": person.iin, "reason": "x"}).status_code == 403
    response = Client().post(URL, {"iin": person.iin, "reason": "x"})
    assert response.status_code == 302 and "login" in response["Location"]
    assert not TemporaryStatusGrant.objects.exists()


def test_the_api_refuses_a_grant_without_documents(fund, make_person, rates):
    person = make_person()
    response = fund.api.post(f"/fund/status/{person.iin}/temporary", {"reason": " "})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "reason"
    assert not TemporaryStatusGrant.objects.exists()
