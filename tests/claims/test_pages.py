"""Pages: clinic form and batch upload, insurer queue/detail/decisions/settlements/dashboard, commissioners'
queue, the citizen's list; each scoped to the signed-in user's organisation (another's object is 404)."""
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from claims.models import ClaimRule, InsuredEvent, Settlement
from qalqan.orgs.models import StaffMembership

from .conftest import event_body

pytestmark = pytest.mark.django_db


def staff(org, role="operator") -> Client:
    user = get_user_model().objects.create_user(f"{org.code}-{role}", password="correct-horse-battery")
    StaffMembership.objects.create(user=user, organisation=org, role=role)
    client = Client()
    client.force_login(user)
    return client


def en(name: str, *args) -> str:
    """The English page (pages default to Kazakh); for assertions on visible words."""
    with translation.override("en"):
        return reverse(name, args=args)


def test_claims_home_is_the_clinic_page():
    assert reverse("claims:home").endswith("/clinic/")


def test_the_clinic_reports_by_form_and_by_file(clinic, citizen, covered):
    page = staff(clinic.organisation)
    assert page.get(reverse("claims:home")).status_code == 200
    body = event_body(citizen.person, event_id="F-1")
    form = {f"one-{k}": v for k, v in body.items() if k != "amount_tiyn"} | {"one-amount": "5000.00"}
    r = page.post(reverse("claims:home"), form)
    event = InsuredEvent.objects.get(event_id="F-1")
    assert r.status_code == 302 and event.amount_tiyn == 500_000 and event.status == "awaiting_patient"
    assert page.get(reverse("claims:event", args=[event.pk])).status_code == 200

    csv_text = "event_id,iin,service_code,icd10,service_date,amount_tiyn,benefit\n" + "\n".join(
        f"C-{n},{citizen.person.iin},KDU-002,D50.0,{body['service_date']},100000,kdu" for n in range(3)) + "\nbad,row"
    r = page.post(reverse("claims:home"), {"batch-file": SimpleUploadedFile("events.csv", csv_text.encode())})
    assert r.status_code == 302
    assert InsuredEvent.objects.filter(event_id__startswith="C-").count() == 3
    items = [event_body(citizen.person, event_id="J-1")]
    page.post(reverse("claims:home"), {"batch-file": SimpleUploadedFile("events.json", json.dumps(items).encode())})
    assert InsuredEvent.objects.filter(event_id="J-1").exists()
    listing = page.get(reverse("claims:home"), {"status": "awaiting_patient"}).content.decode()
    assert "J-1" in listing and "C-2" in listing


def test_pages_are_scoped_to_the_users_organisation(clinic, other_clinic, insurer, other_insurer, citizen, covered):
    event_id = clinic.api.post("/clinic/events", event_body(citizen.person)).json()["id"]
    assert staff(other_clinic.organisation).get(reverse("claims:event", args=[event_id])).status_code == 404
    assert staff(other_insurer.organisation).get(reverse("claims-insurer:event", args=[event_id])).status_code == 404
    assert staff(insurer.organisation).get(reverse("claims:home")).status_code == 404
    assert staff(clinic.organisation).get(reverse("claims-insurer:queue")).status_code == 404


def test_the_insurer_decides_settles_and_sees_the_loss_ratio(insurer, clinic, citizen, covered, fund_insurer,
                                                             assert_trial_balance_zero):
    fund_insurer(insurer.organisation, 10_000_000)
    ids = []
    for n in range(3):
        event_id = clinic.api.post("/clinic/events", event_body(citizen.person, event_id=f"p{n}")).json()["id"]
        citizen.api.post(f"/citizen/events/{event_id}/confirm")
        ids.append(event_id)
    page = staff(insurer.organisation)
    queue = page.get(reverse("claims-insurer:queue"), {"status": "under_review"})
    assert queue.status_code == 200 and f">{ids[0]}<" in queue.content.decode()
    detail = page.get(en("claims-insurer:event", ids[0])).content.decode()
    assert "Awaiting the patient" in detail and 'data-remaining="kdu"' in detail  # history and limits
    page.post(reverse("claims-insurer:event", args=[ids[0]]), {"approve": "1", "approve-approved": "2000.00"})
    assert InsuredEvent.objects.get(pk=ids[0]).status == "partially_approved"
    page.post(reverse("claims-insurer:event", args=[ids[1]]), {"deny": "1", "deny-reason_code": "duplicate"})
    assert InsuredEvent.objects.get(pk=ids[1]).status == "denied"
    r = page.post(reverse("claims-insurer:event", args=[ids[1]]), {"approve": "1"})
    assert r.status_code == 302 and InsuredEvent.objects.get(pk=ids[1]).status == "denied"
    page.post(reverse("claims-insurer:queue"), {"ids": [str(ids[2])]})
    assert InsuredEvent.objects.get(pk=ids[2]).status == "approved"
    page.post(reverse("claims-insurer:settlements"))
    settlement = Settlement.objects.get()
    assert settlement.status == "paid" and settlement.total_tiyn == 700_000
    assert_trial_balance_zero()
    assert page.get(reverse("claims-insurer:settlement", args=[settlement.pk])).status_code == 200
    pdf = page.get(reverse("claims-insurer:settlement-pdf", args=[settlement.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert staff(clinic.organisation).get(reverse("claims:payout", args=[settlement.pk])).status_code == 200
    dashboard = page.get(reverse("claims-insurer:dashboard"))
    assert dashboard.status_code == 200 and "basic" in dashboard.content.decode()


def test_commissioners_decide_disputes_and_others_cannot(fund, clinic, citizen, covered):
    event_id = clinic.api.post("/clinic/events", event_body(citizen.person)).json()["id"]
    citizen.api.post(f"/citizen/events/{event_id}/dispute", {"comment": "never there"})
    clerk = staff(fund.organisation, role="operator")
    assert clerk.get(reverse("claims-fund:disputes")).status_code == 404
    commissioner = staff(fund.organisation, role="commissioner")
    page = commissioner.get(reverse("claims-fund:disputes")).content.decode()
    assert "never there" in page
    commissioner.post(reverse("claims-fund:decide", args=[event_id, "uphold"]), {"comment": "no record"})
    assert InsuredEvent.objects.get(pk=event_id).status == "denied"
    assert "no record" in commissioner.get(reverse("claims-fund:disputes")).content.decode()


def test_the_citizen_confirms_on_the_portal(citizen, other_citizen, clinic, covered):
    event_id = clinic.api.post("/clinic/events", event_body(citizen.person)).json()["id"]
    user = get_user_model().objects.create_user("citizen-user", password="correct-horse-battery")
    person = citizen.person
    person.user = user
    person.save()
    page = Client()
    page.force_login(user)
    assert page.get(reverse("claims-citizen:events")).status_code == 200
    page.post(reverse("claims-citizen:event", args=[event_id]), {"confirm": "1"})
    assert InsuredEvent.objects.get(pk=event_id).status == "under_review"


def test_the_insurer_queue_filters_and_denies_in_bulk(insurer, other_insurer, clinic, other_clinic, citizen, covered):
    mine = clinic.api.post("/clinic/events", event_body(citizen.person, event_id="m")).json()["id"]
    flagged = other_clinic.api.post("/clinic/events", event_body(citizen.person, event_id="f")).json()["id"]
    for event_id in (mine, flagged):
        citizen.api.post(f"/citizen/events/{event_id}/confirm")
    page = staff(insurer.organisation)
    shown = page.get(en("claims-insurer:queue"), {"flagged": "yes"}).content.decode()
    assert f">{flagged}<" in shown and f">{mine}<" not in shown
    assert "Possible double billing" in shown  # the flag by its name, not its code
    by_clinic = page.get(reverse("claims-insurer:queue"), {"clinic": clinic.organisation.code}).content.decode()
    assert f">{mine}<" in by_clinic and f">{flagged}<" not in by_clinic
    # another insurer's staff cannot deny these through their own queue
    staff(other_insurer.organisation).post(reverse("claims-insurer:queue"),
                                           {"ids": [str(flagged)], "deny": "1", "bulk-reason_code": "duplicate"})
    assert InsuredEvent.objects.get(pk=flagged).status == "under_review"
    page.post(reverse("claims-insurer:queue"), {"ids": [str(flagged)], "deny": "1", "bulk-reason_code": "Not OK"})
    assert InsuredEvent.objects.get(pk=flagged).status == "under_review"  # a bad reason code denies nothing
    page.post(reverse("claims-insurer:queue"), {"ids": [str(flagged)], "deny": "1", "bulk-reason_code": "duplicate"})
    event = InsuredEvent.objects.get(pk=flagged)
    assert event.status == "denied" and event.reasons[-1]["code"] == "duplicate"
    assert InsuredEvent.objects.get(pk=mine).status == "under_review"


def test_the_event_page_shows_the_remaining_limit(insurer, clinic, citizen, covered):
    covered.benefits.filter(benefit="kdu").update(used_tiyn=12_345_600)
    event_id = clinic.api.post("/clinic/events", event_body(citizen.person)).json()["id"]
    citizen.api.post(f"/citizen/events/{event_id}/confirm")
    html = staff(insurer.organisation).get(en("claims-insurer:event", event_id)).content.decode()
    remaining = html.split('data-remaining="kdu">')[1].split("<")[0]
    assert "".join(c for c in remaining if c.isdigit()) == "37654400"  # 500 000 − 123 456 ₸, in tiyn digits
    assert "Awaiting the patient" in html and "Under review" in html  # history by state names


def test_the_insurer_sets_rules_per_product_on_a_page(insurer, other_insurer, citizen, make_policy):
    policy = make_policy(citizen.person, insurer.organisation, product_code="basic")
    page = staff(insurer.organisation)
    assert "basic" in page.get(reverse("claims-insurer:rules")).content.decode()
    form = {"product": "basic", "basic-auto_approve": "on", "basic-max_amount": "7500.00",
            "basic-requires_patient_confirmation": "on"}
    assert staff(other_insurer.organisation).post(reverse("claims-insurer:rules"), form).status_code == 404
    assert page.post(reverse("claims-insurer:rules"), {**form, "basic-max_amount": "-1"}).status_code == 200
    assert not ClaimRule.objects.exists()
    assert page.post(reverse("claims-insurer:rules"), form).status_code == 302
    rule = ClaimRule.objects.get(product=policy.version.product)
    assert (rule.auto_approve, rule.max_amount_tiyn, rule.requires_patient_confirmation, rule.allow_above_tariff) == (
        True, 750_000, True, False)
    assert rule.updated_by == f"{insurer.organisation.code}-operator"


def test_the_fund_page_shows_double_billing_and_unpaid_settlements(fund, insurer, clinic, other_clinic, citizen,
                                                                   covered, fund_insurer):
    clinic.api.post("/clinic/events", event_body(citizen.person, event_id="x"))
    flagged = other_clinic.api.post("/clinic/events", event_body(citizen.person, event_id="y")).json()["id"]
    fund_insurer(insurer.organisation, 100_000)
    citizen.api.post(f"/citizen/events/{flagged}/confirm")
    insurer.api.post(f"/insurer/claims/{flagged}/approve")
    [settlement] = insurer.api.post("/insurer/settlements", {}).json()["settlements"]
    assert settlement["status"] == "closed" and settlement["shortfall_tiyn"] == 400_000
    html = staff(fund.organisation, role="commissioner").get(en("claims-fund:disputes")).content.decode()
    double_billing = html.split("Possible double billing")[1].split("<h2>")[0]
    assert other_clinic.organisation.name in double_billing and str(flagged) in double_billing
    unpaid = html.split("Settlements insurers could not pay")[1]
    assert insurer.organisation.name in unpaid and "4" in unpaid and "000" in unpaid


def test_the_pages_speak_kazakh_and_russian(clinic, insurer, citizen, covered):
    event_id = clinic.api.post("/clinic/events", event_body(citizen.person, icd10="bad")).json()["id"]
    page = staff(clinic.organisation)
    kk = page.get(reverse("claims:home")).content.decode()  # Kazakh by default
    assert "Бір оқиғаны жіберу" in kk and "Жарамсыз" in kk and "АХЖ-10 кодының пішімі дұрыс емес" in kk
    with translation.override("ru"):
        ru = page.get(reverse("claims:event", args=[event_id])).content.decode()
    assert "Недействительно" in ru and "Код МКБ-10 имеет неверный формат" in ru and "История" in ru
    with translation.override("ru"):
        queue = staff(insurer.organisation).get(reverse("claims-insurer:queue")).content.decode()
    assert "Отклонить выбранные" in queue and "Дата услуги с" in queue
