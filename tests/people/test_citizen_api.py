"""GET/PATCH /citizen/me: my record and how I am notified; only my own; bad input is 422 and changes nothing."""
import pytest

from qalqan.people.models import Person

pytestmark = pytest.mark.django_db


def test_me_shows_my_record_and_default_channel(citizen):
    r = citizen.api.get("/citizen/me")
    assert r.status_code == 200
    body = r.json()
    assert body["iin"] == citizen.person.iin and body["phone"] == citizen.person.phone
    assert (body["email"], body["notify_channel"]) == ("", "sms")


def test_patch_sets_email_and_channel_for_me_only(citizen, other_citizen):
    r = citizen.api.patch("/citizen/me", {"email": "erlan@example.kz", "notify_channel": "email"})
    assert r.status_code == 200, r.content
    assert (r.json()["email"], r.json()["notify_channel"]) == ("erlan@example.kz", "email")
    assert Person.objects.filter(pk=citizen.person.pk, email="erlan@example.kz", notify_channel="email").exists()
    other = Person.objects.get(pk=other_citizen.person.pk)
    assert (other.email, other.notify_channel) == ("", "sms")

    r = citizen.api.patch("/citizen/me", {"notify_channel": "push"})  # a partial change keeps the e-mail
    assert (r.json()["email"], r.json()["notify_channel"]) == ("erlan@example.kz", "push")
    assert citizen.api.get("/citizen/me").json()["notify_channel"] == "push"


@pytest.mark.parametrize(("body", "field"), [
    ({"notify_channel": "email"}, "email"),  # e-mail as the channel needs an address
    ({"notify_channel": "email", "email": "not-an-address"}, "email"),
    ({"notify_channel": "pigeon"}, "notify_channel"),
    ({"phone": "+77019999999"}, "phone"),  # the registry's phone is not the citizen's to change here
])
def test_bad_input_is_422_and_changes_nothing(citizen, body, field):
    r = citizen.api.patch("/citizen/me", body)
    assert r.status_code == 422 and r["Content-Type"].startswith("application/problem+json")
    assert field in [e["field"].split(".")[-1] for e in r.json()["errors"]]
    person = Person.objects.get(pk=citizen.person.pk)
    assert (person.email, person.notify_channel, person.phone) == ("", "sms", citizen.person.phone)


def test_removing_the_address_while_email_is_the_channel_is_refused(citizen):
    citizen.api.patch("/citizen/me", {"email": "erlan@example.kz", "notify_channel": "email"})
    r = citizen.api.patch("/citizen/me", {"email": ""})
    assert r.status_code == 422
    assert Person.objects.get(pk=citizen.person.pk).email == "erlan@example.kz"
    r = citizen.api.patch("/citizen/me", {"email": "", "notify_channel": "sms"})
    assert r.status_code == 200 and r.json()["email"] == ""


def test_only_citizens_may_call_it(fund, clinic, anonymous):
    assert anonymous.get("/citizen/me").status_code == 401
    assert anonymous.patch("/citizen/me", {"notify_channel": "push"}).status_code == 401
    assert fund.api.patch("/citizen/me", {"notify_channel": "push"}).status_code == 403
    assert clinic.api.get("/citizen/me").status_code == 403
