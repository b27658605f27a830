"""The clinic's eligibility look-up answered in front of Django (qalqan/api/hotpath.py): the same answer as
the API view for a clinic's live token; everything else (no token, revoked, another kind of caller, a token
whose use is still to be recorded, a bad ИИН) answered by the view."""
from datetime import timedelta

import pytest
from django.utils import timezone

from qalqan.orgs.models import ApiToken
from tests.hotpath import wsgi_call

pytestmark = pytest.mark.django_db


def look_up(iin, token):
    return wsgi_call(f"/api/v1/clinic/eligibility/{iin}", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_clinic_with_a_recently_used_token_is_answered_without_django_as_the_view_answers(
        clinic, citizen, covered, django_requests):
    view = clinic.api.get(f"/clinic/eligibility/{citizen.person.iin}")  # records the token's use
    covered.benefits.filter(benefit="kdu").update(used_tiyn=1_000_000,
                                                  waiting_until=timezone.localdate() + timedelta(days=30))
    view = clinic.api.get(f"/clinic/eligibility/{citizen.person.iin}")
    django_requests.clear()

    hot = look_up(citizen.person.iin, clinic.token)

    assert (hot["status"], django_requests) == (200, [])
    assert hot["body"] == view.content
    [policy] = view.json()["policies"]
    kdu = next(b for b in policy["benefits"] if b["code"] == "kdu")
    assert kdu["remaining_tiyn"] == 49_000_000
    assert kdu["waiting_until"] == (timezone.localdate() + timedelta(days=30)).isoformat()
    assert hot["headers"]["Content-Type"] == "application/json"


def test_the_first_use_of_a_token_goes_to_django_which_records_it(clinic, citizen, covered, django_requests):
    assert ApiToken.objects.get(organisation=clinic.organisation).last_used_at is None
    assert look_up(citizen.person.iin, clinic.token)["status"] == 200
    assert django_requests == [1]
    assert ApiToken.objects.get(organisation=clinic.organisation).last_used_at is not None
    assert look_up(citizen.person.iin, clinic.token)["status"] == 200
    assert django_requests == [1]


def test_a_stale_last_use_goes_to_django_again(clinic, citizen, covered, django_requests, settings):
    look_up(citizen.person.iin, clinic.token)
    ApiToken.objects.filter(organisation=clinic.organisation).update(
        last_used_at=timezone.now() - timedelta(seconds=settings.API_TOKEN_TOUCH_SECONDS + 5))
    look_up(citizen.person.iin, clinic.token)
    assert django_requests == [1, 1]


def test_everything_but_a_plain_success_is_answered_by_the_view(clinic, insurer, citizen, covered,
                                                               django_requests):
    look_up(citizen.person.iin, clinic.token)
    look_up(citizen.person.iin, insurer.token)  # records the insurer token's use too
    django_requests.clear()

    assert look_up("900101300008", clinic.token)["status"] == 422
    assert look_up(citizen.person.iin, insurer.token)["status"] == 403
    assert wsgi_call(f"/api/v1/clinic/eligibility/{citizen.person.iin}")["status"] == 401
    assert look_up(citizen.person.iin, "qq_not-a-token")["status"] == 401
    ApiToken.objects.filter(organisation=clinic.organisation).update(revoked_at=timezone.now())
    revoked = look_up(citizen.person.iin, clinic.token)
    assert revoked["status"] == 401
    assert revoked["headers"]["Content-Type"] == "application/problem+json"
    assert len(django_requests) == 5


def test_another_persons_policies_are_not_mixed_in(clinic, citizen, covered, make_person, django_requests):
    look_up(citizen.person.iin, clinic.token)
    nobody = make_person()
    body = look_up(nobody.iin, clinic.token)["body"]
    assert body == b'{"iin": "' + nobody.iin[:6].encode() + b'******", "insured": false, "policies": []}'
