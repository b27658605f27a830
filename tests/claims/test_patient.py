"""The patient's word: confirm, dispute, silence past the deadline, and the commissioners' review."""
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from claims.models import ClinicFlag, InsuredEvent
from claims.services import events_confirm_silent
from claims.tasks import claims_confirm_silent
from qalqan.orgs.models import StaffMembership

from .conftest import event_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(clinic, citizen, covered):
    return clinic.api.post("/clinic/events", event_body(citizen.person)).json()["id"]


def test_the_citizen_sees_services_billed_in_their_name(citizen, other_citizen, reported):
    items = citizen.api.get("/citizen/events").json()["items"]
    assert [e["id"] for e in items] == [reported]
    assert other_citizen.api.get("/citizen/events").json()["items"] == []


def test_confirming_sends_the_event_to_adjudication(citizen, reported):
    r = citizen.api.post(f"/citizen/events/{reported}/confirm", {"comment": "yes, I was there"})
    assert r.status_code == 200 and r.json()["status"] == "under_review"
    event = InsuredEvent.objects.get(pk=reported)
    assert event.confirmed_by_patient and event.patient_comment == "yes, I was there"
    again = citizen.api.post(f"/citizen/events/{reported}/confirm")
    assert again.status_code == 409


def test_disputing_sends_the_event_to_the_commissioners(citizen, reported, fund):
    r = citizen.api.post(f"/citizen/events/{reported}/dispute", {"comment": "never visited"})
    assert r.status_code == 200 and r.json()["status"] == "disputed"
    assert [e["id"] for e in fund.api.get("/fund/disputes").json()["items"]] == [reported]
    assert citizen.api.post(f"/citizen/events/{reported}/confirm").status_code == 409


def test_another_citizens_event_is_404(other_citizen, reported):
    assert other_citizen.api.post(f"/citizen/events/{reported}/confirm").status_code == 404
    assert other_citizen.api.post(f"/citizen/events/{reported}/dispute").status_code == 404
    assert InsuredEvent.objects.get(pk=reported).status == "awaiting_patient"


def test_an_upheld_dispute_denies_the_event_and_marks_the_clinic(citizen, reported, fund, clinic):
    citizen.api.post(f"/citizen/events/{reported}/dispute", {"comment": "never visited"})
    r = fund.api.post(f"/fund/disputes/{reported}/uphold", {"comment": "no record of the visit"})
    assert r.status_code == 200 and r.json()["status"] == "denied"
    assert r.json()["reasons"][-1]["code"] == "dispute_upheld"
    flag = ClinicFlag.objects.get(kind="dispute_upheld")
    assert flag.clinic == clinic.organisation and flag.event_id == reported
    assert fund.api.get("/fund/claim-flags", {"kind": "dispute_upheld"}).json()["items"][0]["event"] == reported
    assert fund.api.post(f"/fund/disputes/{reported}/uphold").status_code == 409
    assert fund.api.post(f"/fund/disputes/{reported}/reject").status_code == 409


def test_a_rejected_dispute_goes_back_to_adjudication(citizen, reported, fund, insurer):
    citizen.api.post(f"/citizen/events/{reported}/dispute")
    r = fund.api.post(f"/fund/disputes/{reported}/reject", {"comment": "the visit is recorded"})
    assert r.status_code == 200 and r.json()["status"] == "under_review"
    assert insurer.api.post(f"/insurer/claims/{reported}/approve").json()["status"] == "approved"


def test_only_the_fund_reviews_disputes_and_only_disputed_events(citizen, reported, insurer, fund):
    assert insurer.api.get("/fund/disputes").status_code == 403
    assert fund.api.post(f"/fund/disputes/{reported}/uphold").status_code == 409  # not disputed
    assert fund.api.post("/fund/disputes/999999/uphold").status_code == 404


def test_fund_staff_need_the_commissioner_role(fund, citizen, reported):
    from claims.selectors import is_commissioner
    from qalqan.orgs.principal import principal_for_user

    user = get_user_model().objects.create_user("clerk", password="x" * 12)
    membership = StaffMembership.objects.create(user=user, organisation=fund.organisation, role="operator")
    assert not is_commissioner(principal_for_user(user))
    membership.role = "commissioner"
    membership.save()
    user.refresh_from_db()
    assert is_commissioner(principal_for_user(user))


def test_silence_past_the_deadline_counts_as_confirmation(reported, citizen, clinic):
    later = clinic.api.post("/clinic/events", event_body(citizen.person, event_id="later")).json()["id"]
    InsuredEvent.objects.filter(pk=reported).update(patient_deadline=timezone.now() - timedelta(minutes=1))
    assert claims_confirm_silent.delay().get() == 1
    event = InsuredEvent.objects.get(pk=reported)
    assert event.status == "under_review" and not event.confirmed_by_patient
    assert InsuredEvent.objects.get(pk=later).status == "awaiting_patient"
    assert events_confirm_silent() == 0  # idempotent


def test_silence_is_swept_by_a_registered_beat_task(settings):
    from qalqan.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["claims-confirm-silent"]
    assert entry["task"] == "claims.confirm_silent" and entry["task"] in app.tasks
    assert settings.CLAIMS_PATIENT_DEADLINE_DAYS > 0


def test_the_patient_deadline_is_configurable(clinic, citizen, covered, settings):
    settings.CLAIMS_PATIENT_DEADLINE_DAYS = 3
    event_id = clinic.api.post("/clinic/events", event_body(citizen.person, event_id="d3")).json()["id"]
    deadline = InsuredEvent.objects.get(pk=event_id).patient_deadline
    assert timedelta(days=2, hours=23) < deadline - timezone.now() <= timedelta(days=3)


def test_the_product_rule_auto_approves_low_risk_confirmed_events(clinic, citizen, insurer, make_policy):
    policy = make_policy(citizen.person, insurer.organisation, product_code="auto",
                         rule={"auto_approve": True, "max_amount_tiyn": 500_000, "requires_patient_confirmation": True})
    small = clinic.api.post("/clinic/events", event_body(citizen.person, event_id="s")).json()["id"]
    big = clinic.api.post("/clinic/events", event_body(citizen.person, event_id="b", service_code="KDU-004",
                                                       amount_tiyn=650_000)).json()["id"]
    silent = clinic.api.post("/clinic/events", event_body(citizen.person, event_id="q")).json()["id"]
    assert citizen.api.post(f"/citizen/events/{small}/confirm").json()["status"] == "approved"
    assert citizen.api.post(f"/citizen/events/{big}/confirm").json()["status"] == "under_review"
    InsuredEvent.objects.filter(pk=silent).update(patient_deadline=timezone.now() - timedelta(minutes=1))
    events_confirm_silent()
    assert InsuredEvent.objects.get(pk=silent).status == "under_review"  # silence is not the patient's word
    assert policy.benefits.get(benefit="kdu").used_tiyn == 500_000
    assert policy.instrument.events.filter(kind="drawn").count() == 1


def test_a_flagged_event_is_never_auto_approved(clinic, other_clinic, citizen, insurer, make_policy):
    make_policy(citizen.person, insurer.organisation, product_code="auto",
                rule={"auto_approve": True, "max_amount_tiyn": 10_000_000, "requires_patient_confirmation": False})
    clinic.api.post("/clinic/events", event_body(citizen.person))
    flagged = other_clinic.api.post("/clinic/events", event_body(citizen.person)).json()
    assert flagged["flags"] == ["possible_double_billing"]
    assert citizen.api.post(f"/citizen/events/{flagged['id']}/confirm").json()["status"] == "under_review"
