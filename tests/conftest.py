"""Fixtures every app's tests share: reference data, organisations with tokens, people, API callers."""
import itertools
import json
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client

from qalqan.core.kzid import synthetic_iin
from qalqan.orgs.services import organisation_create, token_issue
from qalqan.people.models import Person
from qalqan.people.services import people_upsert
from qalqan.refdata.services import refdata_sync

_serials = itertools.count(1)


class ApiClient:
    """A Django test client speaking JSON to /api/v1 with a bearer token."""

    def __init__(self, token: str | None = None):
        self.client = Client()
        self.token = token

    def _headers(self, headers: dict | None) -> dict:
        result = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}
        for name, value in (headers or {}).items():
            result["HTTP_" + name.upper().replace("-", "_")] = value
        return result

    def get(self, path: str, params: dict | None = None, headers: dict | None = None):
        return self.client.get(_url(path), params or {}, **self._headers(headers))

    def post(self, path: str, body=None, headers: dict | None = None, raw: bytes | str | None = None,
             content_type: str = "application/json"):
        data = raw if raw is not None else ("" if body is None else json.dumps(body))
        return self.client.post(_url(path), data=data, content_type=content_type, **self._headers(headers))

    def patch(self, path: str, body=None, headers: dict | None = None):
        data = "" if body is None else json.dumps(body)
        return self.client.patch(_url(path), data=data, content_type="application/json", **self._headers(headers))

    def delete(self, path: str, headers: dict | None = None):
        return self.client.delete(_url(path), **self._headers(headers))


def _url(path: str) -> str:
    """'/fund/people' → '/api/v1/fund/people'; a full '/api/…' path is left alone."""
    return path if path.startswith("/api/") else "/api/v1/" + path.lstrip("/")


@dataclass
class Caller:
    token: str
    api: ApiClient
    organisation: object = None
    person: object = None


@pytest.fixture
def refdata(db):
    """Reference tables (loaded by migration; reloaded here for transaction=True tests that flush)."""
    refdata_sync()


@pytest.fixture
def make_org(db):
    def make(kind: str, code: str | None = None, name: str | None = None) -> Caller:
        code = code or f"{kind}-{next(_serials)}"
        org = organisation_create(kind=kind, code=code, name=name or code.title())
        token = token_issue(organisation=org)
        return Caller(token=token, api=ApiClient(token), organisation=org)

    return make


@pytest.fixture
def fund(make_org) -> Caller:
    return make_org("fund", "fund")


@pytest.fixture
def insurer(make_org) -> Caller:
    return make_org("insurer", "insurer-a")


@pytest.fixture
def other_insurer(make_org) -> Caller:
    return make_org("insurer", "insurer-b")


@pytest.fixture
def clinic(make_org) -> Caller:
    return make_org("clinic", "clinic-a")


@pytest.fixture
def other_clinic(make_org) -> Caller:
    return make_org("clinic", "clinic-b")


def person_row(*, birth_date: date = date(1990, 1, 1), sex: str = "M", categories=(), region: str = "astana",
               serial: int | None = None, **extra) -> dict:
    """A valid registry row with a fresh synthetic ИИН."""
    iin = None
    while iin is None:
        iin = synthetic_iin(birth_date, sex, serial if serial is not None else next(_serials))
        serial = None
    return {"iin": iin, "last_name": "Сейітов" if sex == "M" else "Сейітова", "first_name": "Ерлан",
            "middle_name": "", "birth_date": birth_date.isoformat(), "sex": sex, "phone": "+77011234567",
            "region": region, "categories": list(categories), **extra}


def person_rows(count: int, **kwargs) -> list[dict]:
    """`count` valid registry rows with distinct ИИН."""
    rows: dict[str, dict] = {}
    fixed_birth = kwargs.pop("birth_date", None)  # one birth date allows at most ~9 900 distinct ИИН
    day = 0
    while len(rows) < count:
        day += 1
        birth = fixed_birth or date(1950, 1, 1) + timedelta(days=day % 25_000)
        row = person_row(birth_date=birth, **kwargs)
        rows.setdefault(row["iin"], row)
    return list(rows.values())


@pytest.fixture
def make_person(refdata):
    def make(*, today: date | None = None, **kwargs) -> Person:
        row = person_row(**kwargs)
        result = people_upsert(rows=[row], today=today)
        assert not result.errors, result.errors
        return Person.objects.get(iin=row["iin"])

    return make


@pytest.fixture
def make_citizen(make_person):
    def make(**kwargs) -> Caller:
        person = make_person(**kwargs)
        token = token_issue(person=person)
        return Caller(token=token, api=ApiClient(token), person=person)

    return make


@pytest.fixture
def citizen(make_citizen) -> Caller:
    return make_citizen(categories=["employee"])


@pytest.fixture
def other_citizen(make_citizen) -> Caller:
    return make_citizen(birth_date=date(1985, 5, 5), sex="F", categories=["employee"])


@pytest.fixture
def anonymous() -> ApiClient:
    return ApiClient()


# --- Stripe: one localstripe server per test session (per xdist worker), on loopback ------------------

def stripe_signature(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """A Stripe-Signature header over `payload`, as Stripe (and localstripe) compute it."""
    import hashlib
    import hmac
    import time

    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


@pytest.fixture(scope="session")
def localstripe_server(tmp_path_factory):
    from qalqan.payments.localstripe_server import local_stripe

    state = tmp_path_factory.mktemp("localstripe") / "state.pickle"
    with local_stripe(app_url="http://127.0.0.1:9", state_file=state, set_env=False) as server:
        yield server


@pytest.fixture
def stripe_local(localstripe_server, settings):
    """Point the app's Stripe settings at the session's localstripe server."""
    settings.STRIPE_API_BASE = localstripe_server.base
    settings.STRIPE_API_KEY = "sk_test_qalqan_tests"
    settings.STRIPE_WEBHOOK_SECRET = localstripe_server.webhook_secret
    return localstripe_server


@pytest.fixture
def send_stripe_event(settings):
    """Post a signed Stripe event to the webhook endpoint: send_stripe_event(type, object, event_id=None)."""
    import uuid

    def send(event_type: str, obj: dict, *, event_id: str | None = None, secret: str | None = None,
             client: ApiClient | None = None):
        event = {"id": event_id or f"evt_{uuid.uuid4().hex[:24]}", "object": "event", "type": event_type,
                 "api_version": "2017-08-15", "created": 1, "data": {"object": obj}}
        payload = json.dumps(event).encode()
        header = stripe_signature(payload, secret or settings.STRIPE_WEBHOOK_SECRET)
        return (client or ApiClient()).post("/webhooks/stripe", raw=payload, headers={"Stripe-Signature": header})

    return send


@pytest.fixture
def assert_trial_balance_zero(db):
    """Call it after a money flow: the trial balance is zero and every cached balance equals its postings."""
    from qalqan.ledger.services import ledger_problems, trial_balance

    def check() -> None:
        assert trial_balance()["total_tiyn"] == 0
        assert ledger_problems() == []

    return check


@pytest.fixture
def django_requests():
    """How many requests reached Django's request machinery. As Django's test client does, the test's
    connection (inside the test transaction) is not closed at the end of each request."""
    seen = []

    def count(**kwargs):
        seen.append(1)

    request_started.connect(count)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield seen
    request_started.disconnect(count)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
