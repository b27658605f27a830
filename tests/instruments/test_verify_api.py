from datetime import date

import pytest
from django.core.cache import cache

from policies.instruments import instrument_issue, instrument_record
from policies.numbers import number_for_serial


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def instrument(make_person, insurer):
    person = make_person()
    instrument = instrument_issue(holder=person, custodian=insurer.organisation, face_value_tiyn=1_000,
                                  valid_from=date(2026, 1, 1), valid_to=date(2027, 1, 1))
    instrument_record(instrument_id=instrument.pk, kind="funded", amount_tiyn=1_000)
    return instrument


def test_verify_a_known_number(instrument, anonymous):
    response = anonymous.get(f"/policies/verify/{instrument.number}")
    assert response.status_code == 200
    body = response.json()
    assert body == {"number": instrument.number, "status": "active", "insurer": instrument.custodian.name,
                    "insurer_code": "insurer-a", "holder": "Ерлан С.", "valid_from": "2026-01-01",
                    "valid_until": "2026-12-31"}
    assert instrument.holder.iin not in response.content.decode()
    assert instrument.holder.last_name not in response.content.decode()


def test_verify_an_unknown_but_well_formed_number(instrument, anonymous):
    unknown = number_for_serial(36**8 - 2)
    response = anonymous.get(f"/policies/verify/{unknown}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("number", ["KZQ000000018", "KZQ0000001", "hello", "kzq000000017", "KZQ00000001%20"])
def test_verify_a_malformed_number(db, anonymous, number):
    response = anonymous.get(f"/policies/verify/{number}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "number"


def test_verify_is_rate_limited_per_client_address(instrument, anonymous, settings):
    settings.API_RATE_PUBLIC = "3/m"
    path = f"/policies/verify/{instrument.number}"
    assert [anonymous.get(path).status_code for _ in range(3)] == [200, 200, 200]
    refused = anonymous.get(path)
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    other_address = anonymous.client.get(f"/api/v1{path}", REMOTE_ADDR="10.1.2.3")
    assert other_address.status_code == 200
