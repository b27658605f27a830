"""Clinic API: one event, batches, de-duplication, invalid events kept with reasons, scoping, eligibility."""
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from claims.models import ClinicFlag, InsuredEvent
from qalqan.audit.selectors import history_of
from qalqan.notify.models import Notification
from qalqan.people.models import Person

from .conftest import event_body

pytestmark = pytest.mark.django_db


def test_a_valid_event_awaits_the_patient_who_is_notified(clinic, citizen, covered):
    r = clinic.api.post("/clinic/events", event_body(citizen.person))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "awaiting_patient" and body["policy"] == covered.number
    assert body["insurer"] == covered.insurer.code and body["iin"].endswith("******")
    event = InsuredEvent.objects.get(pk=body["id"])
    assert event.person == citizen.person and event.patient_deadline > timezone.now()
    [change] = history_of(event)
    assert (change.from_state, change.to_state, change.by) == ("received", "awaiting_patient", clinic.organisation.code)
    notice = Notification.objects.get(person=citizen.person, kind="claim_reported")
    assert notice.context["event"] == event.pk and f"/citizen/events/{event.pk}/" in notice.context["link"]
    assert notice.context["link"] in notice.body and clinic.organisation.name in notice.body
    assert citizen.person.iin not in notice.body


def test_the_patient_is_notified_only_after_the_commit(clinic, citizen, covered, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        r = clinic.api.post("/clinic/events", event_body(citizen.person))
    notice = Notification.objects.get(kind="claim_reported")
    assert r.status_code == 201 and notice.status == "pending"  # written with the event, not yet sent
    for callback in callbacks:
        callback()
    notice.refresh_from_db()
    assert notice.status == "sent" and notice.sent_at is not None


def test_an_amount_above_the_tariff_is_accepted_only_when_the_product_allows(clinic, citizen, insurer, make_policy,
                                                                             other_citizen):
    make_policy(citizen.person, insurer.organisation, product_code="strict", rule={"allow_above_tariff": False})
    make_policy(other_citizen.person, insurer.organisation, product_code="loose", rule={"allow_above_tariff": True})
    strict = clinic.api.post("/clinic/events", event_body(citizen.person, event_id="s", amount_tiyn=500_001)).json()
    assert [x["code"] for x in strict["reasons"]] == ["amount_above_tariff"] and strict["status"] == "invalid"
    loose = clinic.api.post("/clinic/events", event_body(other_citizen.person, event_id="l", amount_tiyn=900_000))
    assert loose.json()["status"] == "awaiting_patient" and loose.json()["reasons"] == []


def test_the_filing_window_is_configurable(clinic, citizen, covered, settings):
    old = timezone.localdate() - timedelta(days=20)
    settings.CLAIMS_FILING_WINDOW_DAYS = 30
    assert clinic.api.post("/clinic/events", event_body(citizen.person, event_id="a", service_date=old)).json()[
        "status"] == "awaiting_patient"
    settings.CLAIMS_FILING_WINDOW_DAYS = 14
    late = clinic.api.post("/clinic/events", event_body(citizen.person, event_id="b", service_date=old)).json()
    assert late["status"] == "invalid" and [x["code"] for x in late["reasons"]] == ["service_date_too_old"]
    future = clinic.api.post("/clinic/events", event_body(citizen.person, event_id="c",
                                                          service_date=timezone.localdate() + timedelta(days=1)))
    assert [x["code"] for x in future.json()["reasons"]] == ["service_date_in_future"]


def test_a_repeated_event_id_answers_the_first_event_unchanged(clinic, citizen, covered):
    first = clinic.api.post("/clinic/events", event_body(citizen.person)).json()
    again = clinic.api.post("/clinic/events", event_body(citizen.person, amount_tiyn=1))
    assert again.status_code == 200
    assert again.json()["id"] == first["id"] and again.json()["amount_tiyn"] == 500_000
    assert InsuredEvent.objects.count() == 1


def test_event_ids_and_iins_with_quotes_commas_and_braces_are_taken_as_they_are(clinic, citizen, covered):
    odd = ['a,b', 'say "hi"', '{x}', 'back\\slash', 'NULL', ' ']
    first = clinic.api.post("/clinic/events/batch", [event_body(citizen.person, event_id=e) for e in odd]).json()
    again = clinic.api.post("/clinic/events/batch", [event_body(citizen.person, event_id=e) for e in odd]).json()
    assert [r["id"] for r in again["results"]] == [r["id"] for r in first["results"]]
    assert sorted(InsuredEvent.objects.values_list("event_id", flat=True)) == sorted(odd)
    stranger = clinic.api.post("/clinic/events", event_body('1",{2}', event_id="odd-iin")).json()
    assert [x["code"] for x in stranger["reasons"]] == ["invalid_iin"]


def test_another_clinic_may_use_the_same_event_id(clinic, other_clinic, citizen, covered):
    a = clinic.api.post("/clinic/events", event_body(citizen.person)).json()
    b = other_clinic.api.post("/clinic/events", event_body(citizen.person))
    assert b.status_code == 201 and b.json()["id"] != a["id"]
    assert b.json()["flags"] == ["possible_double_billing"]
    assert ClinicFlag.objects.filter(clinic=other_clinic.organisation, kind="possible_double_billing").count() == 1


def test_an_invalid_event_is_stored_with_its_reasons_and_visible_to_the_clinic(clinic, citizen, covered):
    r = clinic.api.post("/clinic/events", event_body(citizen.person, icd10="nope", amount_tiyn=-1))
    assert r.status_code == 201
    body = r.json()
    assert body["status"] == "invalid"
    assert {x["code"] for x in body["reasons"]} == {"invalid_icd10", "amount_not_positive"}
    assert clinic.api.get(f"/clinic/events/{body['id']}").json()["status"] == "invalid"
    listed = clinic.api.get("/clinic/events", {"status": "invalid"}).json()["items"]
    assert [e["id"] for e in listed] == [body["id"]]
    assert not Notification.objects.filter(kind="claim_reported").exists()


def test_an_unknown_person_and_an_uninsured_person_are_invalid(clinic, make_person, tariffs):
    stranger = clinic.api.post("/clinic/events", event_body("000101500001", event_id="a")).json()
    assert [x["code"] for x in stranger["reasons"]] == ["unknown_person"]
    uninsured = make_person()
    body = clinic.api.post("/clinic/events", event_body(uninsured, event_id="b")).json()
    assert [x["code"] for x in body["reasons"]] == ["no_live_policy"]


@pytest.mark.parametrize("change", [{"event_id": ""}, {"service_date": "yesterday"}, {"amount_tiyn": "lots"},
                                    {"iin": "1234567890123"}, {"benefit": None}])
def test_a_malformed_body_is_422_and_nothing_is_stored(clinic, citizen, covered, change):
    r = clinic.api.post("/clinic/events", {**event_body(citizen.person), **change})
    assert r.status_code == 422 and r["Content-Type"] == "application/problem+json"
    assert not InsuredEvent.objects.exists()


def test_only_clinics_report_and_another_clinics_event_is_404(clinic, other_clinic, insurer, citizen, covered):
    assert insurer.api.post("/clinic/events", event_body(citizen.person)).status_code == 403
    event_id = clinic.api.post("/clinic/events", event_body(citizen.person)).json()["id"]
    assert other_clinic.api.get(f"/clinic/events/{event_id}").status_code == 404
    assert other_clinic.api.get("/clinic/events").json()["items"] == []
    assert clinic.api.get("/clinic/events/999999").status_code == 404


def test_a_batch_judges_each_item_alone(clinic, citizen, covered):
    items = [event_body(citizen.person, event_id="b1"),
             event_body(citizen.person, event_id="b2", icd10="bad"),
             {"event_id": "b3"},
             event_body(citizen.person, event_id="b1"),
             event_body(citizen.person, event_id="b4", service_code="KDU-002", amount_tiyn=120_000)]
    r = clinic.api.post("/clinic/events/batch", items)
    assert r.status_code == 200, r.content
    results = r.json()["results"]
    assert [x["index"] for x in results] == [0, 1, 2, 3, 4]
    assert results[0]["status"] == "awaiting_patient" and "errors" not in results[0] or not results[0]["errors"]
    assert results[1]["status"] == "invalid" and results[1]["errors"][0]["field"] == "invalid_icd10"
    assert results[2].get("id") is None and results[2]["errors"]
    assert results[3]["id"] == results[0]["id"]
    assert results[4]["status"] == "awaiting_patient"
    assert InsuredEvent.objects.count() == 3
    assert Notification.objects.filter(kind="claim_reported", status="pending").count() == 2


def test_batch_notices_take_each_patients_channel(clinic, citizen, other_citizen, insurer, covered, make_policy):
    make_policy(other_citizen.person, insurer.organisation)
    Person.objects.filter(pk=citizen.person.pk).update(notify_channel="email", email="p@example.kz")
    Person.objects.filter(pk=other_citizen.person.pk).update(notify_channel="email", email="")
    r = clinic.api.post("/clinic/events/batch", [event_body(citizen.person, event_id="c1"),
                                                 event_body(other_citizen.person, event_id="c2")])
    assert r.status_code == 200, r.content
    channels = dict(Notification.objects.filter(kind="claim_reported").values_list("person_id", "channel"))
    assert channels == {citizen.person.pk: "email", other_citizen.person.pk: "sms"}  # no address: SMS


def test_a_batch_of_1001_is_422(clinic, citizen, covered):
    items = [event_body(citizen.person, event_id=f"x{i}") for i in range(1001)]
    r = clinic.api.post("/clinic/events/batch", items)
    assert r.status_code == 422
    assert not InsuredEvent.objects.exists()


def test_a_batch_runs_in_a_fixed_number_of_queries(clinic, citizen, covered, django_assert_max_num_queries):
    items = [event_body(citizen.person, event_id=f"q{i}", service_code="KDU-002", amount_tiyn=100_000)
             for i in range(200)]
    with django_assert_max_num_queries(30):
        r = clinic.api.post("/clinic/events/batch", items)
    assert len([x for x in r.json()["results"] if x["status"] == "awaiting_patient"]) == 200


def test_eligibility_shows_policies_and_remaining_limits(clinic, citizen, covered, make_person):
    r = clinic.api.get(f"/clinic/eligibility/{citizen.person.iin}")
    assert r.status_code == 200
    body = r.json()
    assert body["insured"] is True
    [policy] = body["policies"]
    assert policy["number"] == covered.number and policy["insurer"] == covered.insurer.code
    assert {b["code"]: b["remaining_tiyn"] for b in policy["benefits"]} == {"inpatient": 300_000_000,
                                                                             "kdu": 50_000_000}
    nobody = clinic.api.get(f"/clinic/eligibility/{make_person().iin}").json()
    assert nobody["insured"] is False and nobody["policies"] == []
    assert clinic.api.get("/clinic/eligibility/900101300008").status_code == 422


@pytest.mark.django_db(transaction=True)
def test_the_same_event_id_twice_at_once_makes_one_event(refdata, clinic, citizen, make_policy, insurer):
    make_policy(citizen.person, insurer.organisation)
    barrier = threading.Barrier(2)
    answers = []

    def post():
        try:
            barrier.wait()
            answers.append(clinic.api.post("/clinic/events", event_body(citizen.person, event_id="same")))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(a.status_code for a in answers) == [200, 201]
    assert len({a.json()["id"] for a in answers}) == 1
    assert InsuredEvent.objects.filter(event_id="same").count() == 1


def test_an_idempotency_key_replays_the_first_answer(clinic, citizen, covered):
    body = event_body(citizen.person, event_id="K-1")
    first = clinic.api.post("/clinic/events", body, headers={"Idempotency-Key": "mis-k1"})
    replay = clinic.api.post("/clinic/events", body, headers={"Idempotency-Key": "mis-k1"})
    assert first.status_code == replay.status_code == 201 and replay.json() == first.json()
    other = clinic.api.post("/clinic/events", {**body, "event_id": "K-2"}, headers={"Idempotency-Key": "mis-k1"})
    assert other.status_code == 409
    assert list(InsuredEvent.objects.values_list("event_id", flat=True)) == ["K-1"]
