"""The public status look-up answered in front of Django (qalqan/api/hotpath.py): the same answers as the API
view, and everything but a plain success left to the view."""
from datetime import date

import pytest
from django.core.cache import cache
from django.db import OperationalError

from qalqan.people.status import status_recompute
from tests.hotpath import wsgi_call as call

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()


def test_a_valid_iin_is_answered_without_django_and_as_the_view_answers(anonymous, make_person, rates,
                                                                        django_requests):
    person = make_person(birth_date=date(1950, 1, 1), categories=["pensioner"], today=TODAY)
    status_recompute(person_ids=[person.pk], today=TODAY)

    hot = call(f"/api/v1/status/{person.iin}")
    assert django_requests == []
    view = anonymous.get(f"/status/{person.iin}")

    assert hot["status"] == view.status_code == 200
    assert hot["body"] == view.content
    assert view.json() == {"iin": person.iin[:6] + "******", "insured": True, "basis": "pensioner",
                           "insured_until": None}
    for header in ("Content-Type", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"):
        assert hot["headers"][header] == view[header]
    assert int(hot["headers"]["Content-Length"]) == len(hot["body"])


def test_an_unknown_valid_iin_is_uninsured_on_the_hot_path(rates, django_requests):
    hot = call("/api/v1/status/900101300007")
    assert (hot["status"], django_requests) == (200, [])
    assert hot["body"] == b'{"iin": "900101******", "insured": false, "basis": null, "insured_until": null}'


@pytest.mark.parametrize("iin", ["900101300008", "90010130000", "abcdefghijkl"])
def test_a_malformed_iin_goes_to_the_view_for_its_problem_answer(rates, django_requests, iin):
    answer = call(f"/api/v1/status/{iin}")
    assert answer["status"] == 422
    assert answer["headers"]["Content-Type"] == "application/problem+json"
    assert django_requests == [1]


def test_the_rate_limit_is_shared_with_the_view(rates, settings, django_requests):
    settings.API_RATE_PUBLIC = "3/m"
    codes = [call("/api/v1/status/900101300007")["status"] for _ in range(3)]
    limited = call("/api/v1/status/900101300007")
    assert codes == [200, 200, 200] and django_requests == [1]
    assert limited["status"] == 429 and "Retry-After" in limited["headers"]
    assert call("/api/v1/status/900101300007", REMOTE_ADDR="10.0.0.9")["status"] == 200


def test_other_methods_and_hosts_and_paths_go_to_django(rates, django_requests):
    assert call("/api/v1/status/900101300007", method="POST")["status"] == 405
    assert call("/api/v1/status/900101300007", HTTP_HOST="evil.example")["status"] == 400
    assert call("/api/v1/status/900101300007/more")["status"] == 404
    assert len(django_requests) == 3


def test_behind_a_proxy_the_forwarded_host_is_the_one_checked(rates, settings, django_requests):
    settings.USE_X_FORWARDED_HOST = True
    refused = call("/api/v1/status/900101300007", HTTP_HOST="testserver", HTTP_X_FORWARDED_HOST="evil.example")
    assert refused["status"] == 400 and django_requests == [1]
    served = call("/api/v1/status/900101300007", HTTP_HOST="internal.invalid", HTTP_X_FORWARDED_HOST="testserver")
    assert served["status"] == 200 and django_requests == [1]


def test_plain_http_goes_to_django_where_https_is_required(rates, settings, django_requests):
    """Django's SecurityMiddleware redirects it (the middleware reads the setting once, at start-up, so the
    redirect itself is not visible in this test)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    call("/api/v1/status/900101300007")
    assert django_requests == [1]
    secure = call("/api/v1/status/900101300007", **{"wsgi.url_scheme": "https"})
    assert secure["status"] == 200 and django_requests == [1]
    assert secure["headers"]["Strict-Transport-Security"] == "max-age=3600"


@pytest.mark.django_db(transaction=True)  # the hot path closes the broken connection; Django opens a new one
def test_a_database_error_falls_back_to_the_view(rates, monkeypatch, django_requests):
    from qalqan.people import status_lookup

    real = status_lookup.status_by_iin
    failures = []

    def fails_once(iin):
        if not failures:
            failures.append(iin)
            raise OperationalError("server closed the connection unexpectedly")
        return real(iin)

    monkeypatch.setattr(status_lookup, "status_by_iin", fails_once)
    answer = call("/api/v1/status/900101300007")
    assert answer["status"] == 200 and failures == ["900101300007"] and django_requests == [1]
