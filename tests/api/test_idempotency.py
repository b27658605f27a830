import threading

import pytest
from django.db import connection

from qalqan.api.models import IdempotencyRecord
from qalqan.people.models import Person
from tests.conftest import ApiClient, person_row, person_rows

pytestmark = pytest.mark.django_db


def test_same_key_same_body_replays_the_first_answer(fund, refdata):
    row = person_row()
    first = fund.api.post("/fund/people", [row], headers={"Idempotency-Key": "k1"})
    row_changed = {**row, "last_name": "Басқа"}
    fund.api.post("/fund/people", [row_changed])  # a later change without a key
    replay = fund.api.post("/fund/people", [row], headers={"Idempotency-Key": "k1"})

    assert first.status_code == replay.status_code == 200
    assert replay.json() == first.json() == {"created": 1, "updated": 0, "errors": []}
    assert replay["Idempotent-Replayed"] == "true"
    assert Person.objects.get().last_name == "Басқа"  # the replay did nothing


def test_same_key_other_body_is_409(fund, refdata):
    fund.api.post("/fund/people", [person_row()], headers={"Idempotency-Key": "k2"})
    response = fund.api.post("/fund/people", [person_row()], headers={"Idempotency-Key": "k2"})
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert Person.objects.count() == 1


def test_keys_are_per_caller(fund, make_org, refdata):
    other_fund = make_org("fund", "fund-2")
    fund.api.post("/fund/people", [person_row()], headers={"Idempotency-Key": "shared"})
    response = other_fund.api.post("/fund/people", [person_row()], headers={"Idempotency-Key": "shared"})
    assert response.status_code == 200 and response.json()["created"] == 1
    assert Person.objects.count() == 2


def test_a_failed_request_is_not_remembered(fund, refdata, monkeypatch):
    monkeypatch.setattr("qalqan.people.api.people_upsert", lambda **kw: 1 / 0)
    assert fund.api.post("/fund/people", [person_row()], headers={"Idempotency-Key": "k3"}).status_code == 500
    assert not IdempotencyRecord.objects.filter(key="k3").exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_have_one_effect(fund, refdata):
    rows = person_rows(200)
    answers, barrier = [], threading.Barrier(6)

    def call():
        barrier.wait()
        try:
            answers.append(ApiClient(fund.token).post("/fund/people", rows, headers={"Idempotency-Key": "race"}))
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert [a.status_code for a in answers] == [200] * 6
    assert sorted(a.json()["created"] for a in answers) == [200] * 6  # all see the first answer
    assert sum(1 for a in answers if a.get("Idempotent-Replayed")) == 5
    assert Person.objects.count() == 200
