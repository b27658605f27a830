"""The insurer's adjudication: approve in full or in part (never beyond the limit), deny, scoping, races."""
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from claims.models import InsuredEvent
from policies.models import PolicyBenefit
from qalqan.audit.selectors import history_of

from .conftest import event_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed(clinic, citizen, covered):
    def make(event_id="E-1", **kwargs) -> int:
        body = clinic.api.post("/clinic/events", event_body(citizen.person, event_id=event_id, **kwargs)).json()
        assert citizen.api.post(f"/citizen/events/{body['id']}/confirm").status_code == 200
        return body["id"]

    return make


def test_the_insurer_queue_filters_by_status(insurer, other_insurer, confirmed, clinic, citizen):
    event_id = confirmed()
    waiting = clinic.api.post("/clinic/events", event_body(citizen.person, event_id="w")).json()["id"]
    invalid = clinic.api.post("/clinic/events", event_body(citizen.person, event_id="i", icd10="?")).json()["id"]
    assert [e["id"] for e in insurer.api.get("/insurer/claims", {"status": "under_review"}).json()["items"]] == [
        event_id]
    everything = {e["id"] for e in insurer.api.get("/insurer/claims").json()["items"]}
    assert everything == {event_id, waiting} and invalid not in everything
    assert other_insurer.api.get("/insurer/claims").json()["items"] == []
    assert insurer.api.get("/insurer/claims", {"status": "nonsense"}).status_code == 422


def test_approve_in_full_uses_the_limit_and_draws_on_the_instrument(insurer, confirmed, covered):
    event_id = confirmed()
    r = insurer.api.post(f"/insurer/claims/{event_id}/approve")
    assert r.status_code == 200 and r.json()["status"] == "approved" and r.json()["approved_tiyn"] == 500_000
    assert PolicyBenefit.objects.get(policy=covered, benefit="kdu").used_tiyn == 500_000
    drawn = covered.instrument.events.get(kind="drawn")
    assert drawn.amount_tiyn == 500_000 and drawn.data["event"] == event_id
    assert [c.to_state for c in history_of(InsuredEvent.objects.get(pk=event_id))][-1] == "approved"


def test_approve_a_chosen_smaller_amount_is_partial(insurer, confirmed):
    event_id = confirmed()
    r = insurer.api.post(f"/insurer/claims/{event_id}/approve", {"approved_tiyn": 200_000})
    assert r.json()["status"] == "partially_approved" and r.json()["approved_tiyn"] == 200_000
    assert insurer.api.post(f"/insurer/claims/{confirmed('b')}/approve", {"approved_tiyn": 600_000}).status_code == 422


def test_approval_is_cut_down_to_the_remaining_limit(insurer, confirmed, covered):
    PolicyBenefit.objects.filter(policy=covered, benefit="kdu").update(used_tiyn=50_000_000 - 300_000)
    r = insurer.api.post(f"/insurer/claims/{confirmed()}/approve")
    assert r.json()["status"] == "partially_approved" and r.json()["approved_tiyn"] == 300_000
    refused = insurer.api.post(f"/insurer/claims/{confirmed('b')}/approve")
    assert refused.status_code == 409
    assert PolicyBenefit.objects.get(policy=covered, benefit="kdu").used_tiyn == 50_000_000


def test_deny_with_a_reason_code_and_approving_a_denied_event_is_409(insurer, confirmed):
    event_id = confirmed()
    r = insurer.api.post(f"/insurer/claims/{event_id}/deny", {"reason_code": "not_medically_necessary",
                                                              "comment": "no indication"})
    assert r.status_code == 200 and r.json()["status"] == "denied"
    assert r.json()["reasons"] == [{"code": "not_medically_necessary", "message": "no indication"}]
    again = insurer.api.post(f"/insurer/claims/{event_id}/approve")
    assert again.status_code == 409 and again.json()["state"] == "denied"
    assert insurer.api.post(f"/insurer/claims/{event_id}/deny", {"reason_code": "x"}).status_code == 409
    assert insurer.api.post(f"/insurer/claims/{confirmed('b')}/deny", {}).status_code == 422


def test_an_event_still_awaiting_the_patient_cannot_be_decided(insurer, clinic, citizen, covered):
    event_id = clinic.api.post("/clinic/events", event_body(citizen.person)).json()["id"]
    assert insurer.api.post(f"/insurer/claims/{event_id}/approve").status_code == 409
    assert InsuredEvent.objects.get(pk=event_id).status == "awaiting_patient"


def test_another_insurers_claim_is_404(other_insurer, clinic, confirmed):
    event_id = confirmed()
    assert other_insurer.api.get(f"/insurer/claims/{event_id}").status_code == 404
    assert other_insurer.api.post(f"/insurer/claims/{event_id}/approve").status_code == 404
    assert other_insurer.api.post(f"/insurer/claims/{event_id}/deny", {"reason_code": "x"}).status_code == 404
    assert clinic.api.post(f"/insurer/claims/{event_id}/approve").status_code == 403
    assert InsuredEvent.objects.get(pk=event_id).status == "under_review"


def test_bulk_approve_reports_what_it_could_not_do(insurer, confirmed, clinic, citizen):
    ok = [confirmed("a"), confirmed("b")]
    waiting = clinic.api.post("/clinic/events", event_body(citizen.person, event_id="w")).json()["id"]
    r = insurer.api.post("/insurer/claims/bulk-approve", {"ids": [*ok, waiting, 999999]})
    assert r.status_code == 200
    assert r.json()["approved"] == ok
    assert {x["id"] for x in r.json()["refused"]} == {waiting, 999999}


@pytest.mark.django_db(transaction=True)
def test_two_approvals_racing_on_the_last_limit_never_exceed_it(refdata, tariffs, clinic, citizen, insurer,
                                                                 make_policy):
    policy = make_policy(citizen.person, insurer.organisation, benefits={"inpatient": 10_000_000})
    ids = []
    for n in range(2):
        body = clinic.api.post("/clinic/events", event_body(citizen.person, event_id=f"r{n}", service_code="INP-001",
                                                            benefit="inpatient", amount_tiyn=10_000_000)).json()
        citizen.api.post(f"/citizen/events/{body['id']}/confirm")
        ids.append(body["id"])
    barrier = threading.Barrier(2)
    codes = []

    def approve(event_id):
        try:
            barrier.wait()
            codes.append(insurer.api.post(f"/insurer/claims/{event_id}/approve").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 409]
    approved = sum(InsuredEvent.objects.filter(pk__in=ids).values_list("approved_tiyn", flat=True))
    assert approved == 10_000_000  # 100 000 ₸ in total, not 200 000 ₸
    assert PolicyBenefit.objects.get(policy=policy, benefit="inpatient").used_tiyn == 10_000_000


def test_the_queue_filters_by_clinic_flags_benefit_and_date(insurer, clinic, other_clinic, citizen, covered):
    today = timezone.localdate()
    plain = clinic.api.post("/clinic/events", event_body(citizen.person, event_id="p")).json()["id"]
    flagged = other_clinic.api.post("/clinic/events", event_body(citizen.person, event_id="f")).json()["id"]
    inpatient = clinic.api.post("/clinic/events", event_body(
        citizen.person, event_id="i", service_code="INP-001", benefit="inpatient", amount_tiyn=10_000_000,
        service_date=today - timedelta(days=10))).json()["id"]

    def ids(**params):
        r = insurer.api.get("/insurer/claims", params)
        assert r.status_code == 200, r.content
        return {e["id"] for e in r.json()["items"]}

    assert ids() == {plain, flagged, inpatient}
    assert ids(clinic=other_clinic.organisation.code) == {flagged}
    assert ids(flagged="true") == {flagged} and ids(flagged="false") == {plain, inpatient}
    assert ids(benefit="inpatient") == {inpatient}
    assert ids(date_to=(today - timedelta(days=5)).isoformat()) == {inpatient}
    assert ids(date_from=(today - timedelta(days=5)).isoformat(), clinic=clinic.organisation.code) == {plain}
    wrong = insurer.api.get("/insurer/claims", {"date_from": today.isoformat(),
                                                "date_to": (today - timedelta(days=1)).isoformat()})
    assert wrong.status_code == 422 and wrong["Content-Type"] == "application/problem+json"
    assert insurer.api.get("/insurer/claims", {"date_from": "soon"}).status_code == 422


def test_the_claim_detail_has_its_history_and_the_remaining_limits(insurer, confirmed, covered):
    PolicyBenefit.objects.filter(policy=covered, benefit="kdu").update(used_tiyn=1_000_000)
    event_id = confirmed()
    body = insurer.api.get(f"/insurer/claims/{event_id}").json()
    assert [(c["from_state"], c["to_state"]) for c in body["history"]] == [
        ("received", "awaiting_patient"), ("awaiting_patient", "confirmed"), ("confirmed", "under_review")]
    limits = {b["benefit"]: b for b in body["limits"]}
    assert limits["kdu"] == {"benefit": "kdu", "limit_tiyn": 50_000_000, "used_tiyn": 1_000_000,
                             "remaining_tiyn": 49_000_000}
    assert limits["inpatient"]["remaining_tiyn"] == 300_000_000
    insurer.api.post(f"/insurer/claims/{event_id}/approve")
    after = insurer.api.get(f"/insurer/claims/{event_id}").json()
    assert after["history"][-1]["to_state"] == "approved"
    assert {b["benefit"]: b["remaining_tiyn"] for b in after["limits"]}["kdu"] == 48_500_000


def test_bulk_deny_with_one_reason_code(insurer, other_insurer, confirmed, clinic, citizen):
    ok = [confirmed("a"), confirmed("b")]
    waiting = clinic.api.post("/clinic/events", event_body(citizen.person, event_id="w")).json()["id"]
    assert other_insurer.api.post("/insurer/claims/bulk-deny", {"ids": ok, "reason_code": "x"}).json()[
        "denied"] == []
    r = insurer.api.post("/insurer/claims/bulk-deny", {"ids": [*ok, waiting, 999999], "reason_code": "duplicate",
                                                       "comment": "billed twice"})
    assert r.status_code == 200, r.content
    assert r.json()["denied"] == ok and {x["id"] for x in r.json()["refused"]} == {waiting, 999999}
    for event in InsuredEvent.objects.filter(pk__in=ok):
        assert event.status == "denied" and event.reasons[-1] == {"code": "duplicate", "message": "billed twice"}
    assert InsuredEvent.objects.get(pk=waiting).status == "awaiting_patient"
    assert insurer.api.post("/insurer/claims/bulk-deny", {"ids": ok, "reason_code": "Bad Code"}).status_code == 422
    assert insurer.api.post("/insurer/claims/bulk-deny", {"ids": [], "reason_code": "x"}).status_code == 422


def test_the_insurer_sets_a_products_rule(insurer, other_insurer, clinic, citizen, make_policy):
    make_policy(citizen.person, insurer.organisation, product_code="basic")
    assert [r["product"] for r in insurer.api.get("/insurer/claim-rules").json()] == ["basic"]
    assert other_insurer.api.get("/insurer/claim-rules").json() == []
    rule = {"auto_approve": True, "max_amount_tiyn": 600_000, "requires_patient_confirmation": True,
            "allow_above_tariff": True}
    assert other_insurer.api.post("/insurer/claim-rules/basic", rule).status_code == 404
    assert insurer.api.post("/insurer/claim-rules/basic", {**rule, "max_amount_tiyn": -1}).status_code == 422
    r = insurer.api.post("/insurer/claim-rules/basic", rule)
    assert r.status_code == 200 and r.json()["updated_by"] == insurer.organisation.code
    # the rule now lets an above-tariff amount in and approves it as soon as the patient confirms
    body = clinic.api.post("/clinic/events", event_body(citizen.person, amount_tiyn=550_000)).json()
    assert body["status"] == "awaiting_patient"
    assert citizen.api.post(f"/citizen/events/{body['id']}/confirm").json()["status"] == "approved"
    insurer.api.post("/insurer/claim-rules/basic", {**rule, "auto_approve": False})
    second = clinic.api.post("/clinic/events", event_body(citizen.person, event_id="2")).json()["id"]
    assert citizen.api.post(f"/citizen/events/{second}/confirm").json()["status"] == "under_review"
