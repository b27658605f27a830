import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from qalqan.orgs.models import StaffMembership
from qalqan.orgs.principal import principal_for_user

pytestmark = pytest.mark.django_db


def staff(org, role="operator"):
    user = get_user_model().objects.create_user(username=f"u-{org.code}", password="s3cret-pass!")
    StaffMembership.objects.create(user=user, organisation=org, role=role)
    return user


def test_staff_sign_in_and_land_as_their_organisation(insurer):
    user = staff(insurer.organisation)
    client = Client()
    page = client.get("/accounts/login/")
    assert page.status_code == 200 and b'name="csrfmiddlewaretoken"' in page.content

    response = client.post("/accounts/login/", {"username": user.username, "password": "s3cret-pass!"})

    assert response.status_code == 302 and response["Location"] == "/accounts/home/"
    assert client.get("/accounts/home/").status_code == 302
    principal = principal_for_user(user)
    assert (principal.kind, principal.organisation, principal.role) == ("insurer", insurer.organisation, "operator")


def test_wrong_password_is_refused(clinic):
    user = staff(clinic.organisation)
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": "wrong"})
    assert response.status_code == 200 and b'role="alert"' in response.content
    assert "_auth_user_id" not in client.session


def test_csrf_is_enforced_on_the_sign_in_form(clinic):
    user = staff(clinic.organisation)
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": user.username, "password": "s3cret-pass!"})
    assert response.status_code == 403


def test_a_citizen_user_is_a_citizen_principal(make_person):
    person = make_person()
    person.user = get_user_model().objects.create_user(username=person.iin)
    person.save()
    principal = principal_for_user(person.user)
    assert principal.kind == "citizen" and principal.person == person
