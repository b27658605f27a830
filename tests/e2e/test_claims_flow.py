"""End to end over HTTP: a clinic reports a service → the patient confirms → the insurer approves → the insurer
settles → the clinic sees the payout (JSON and PDF) → the ledger's trial balance is zero."""
from datetime import timedelta

import pytest
from django.utils import timezone

from qalqan.orgs.services import organisation_create, token_issue
from tests.claims.conftest import fund_insurer, make_policy, tariffs  # noqa: F401 (fixtures)

from .test_policy_flow import Http


@pytest.mark.django_db(transaction=True)
def test_claims_flow_over_http(live_server, refdata, tariffs, make_policy, fund_insurer, make_person,  # noqa: F811
                               assert_trial_balance_zero):
    fund = Http(live_server.url, token_issue(organisation=organisation_create(kind="fund", code="fund", name="Fund")))
    insurer_org = organisation_create(kind="insurer", code="insurer-e2e", name="E2E Сақтандыру")
    clinic_org = organisation_create(kind="clinic", code="clinic-e2e", name="E2E Емхана")
    insurer, clinic = Http(live_server.url, token_issue(organisation=insurer_org)), Http(
        live_server.url, token_issue(organisation=clinic_org))
    person = make_person(categories=["disabled"])
    citizen = Http(live_server.url, token_issue(person=person))
    policy = make_policy(person, insurer_org, benefits={"kdu": 50_000_000, "inpatient": 300_000_000})
    fund_insurer(insurer_org, 100_000_000)

    # 1. at the point of care: eligible, with limits left
    r = clinic.get(f"/clinic/eligibility/{person.iin}")
    assert r.status_code == 200 and r.json()["insured"] is True
    assert r.json()["policies"][0]["number"] == policy.number

    # 2. the clinic's MIS reports two services (one in a batch), the patient is notified
    day = (timezone.localdate() - timedelta(days=2)).isoformat()
    event = {"event_id": "MIS-1", "iin": person.iin, "service_code": "KDU-005", "icd10": "M54.5",
             "service_date": day, "amount_tiyn": 1_800_000, "benefit": "kdu"}
    r = clinic.post("/clinic/events", event, headers={"Idempotency-Key": "mis-1"})
    assert r.status_code == 201, r.text
    first = r.json()["id"]
    r = clinic.post("/clinic/events/batch", [{**event, "event_id": "MIS-2", "service_code": "INP-001",
                                              "benefit": "inpatient", "amount_tiyn": 25_000_000, "icd10": "K80.2"}])
    second = r.json()["results"][0]["id"]
    assert r.json()["results"][0]["status"] == "awaiting_patient"

    # 3. the patient confirms both
    billed = {e["id"] for e in citizen.get("/citizen/events").json()["items"]}
    assert billed == {first, second}
    for event_id in (first, second):
        assert citizen.post(f"/citizen/events/{event_id}/confirm", {}).json()["status"] == "under_review"

    # 4. the insurer approves one in full, one partially
    assert insurer.post(f"/insurer/claims/{first}/approve", {}).json()["status"] == "approved"
    r = insurer.post(f"/insurer/claims/{second}/approve", {"approved_tiyn": 20_000_000})
    assert r.json()["status"] == "partially_approved"

    # 5. the settlement: one transfer to the clinic
    r = insurer.post("/insurer/settlements", {"clinic": "clinic-e2e"})
    assert r.status_code == 201, r.text
    [settlement] = r.json()["settlements"]
    assert settlement["status"] == "paid" and settlement["total_tiyn"] == 21_800_000

    # 6. the clinic sees its payout and the events paid
    payouts = clinic.get("/clinic/payouts").json()["items"]
    assert [p["id"] for p in payouts] == [settlement["id"]]
    statement = clinic.get(f"/clinic/payouts/{settlement['id']}").json()
    assert [(e["id"], e["approved_tiyn"]) for e in statement["events"]] == [(first, 1_800_000),
                                                                            (second, 20_000_000)]
    assert clinic.get(f"/clinic/events/{first}").json()["status"] == "paid"
    pdf = clinic.get(f"/clinic/payouts/{settlement['id']}/pdf")
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    # 7. every tenge accounted for
    balance = fund.get("/fund/ledger/trial-balance").json()
    assert balance["total_tiyn"] == 0
    codes = {a["code"]: a["balance_tiyn"] for a in balance["accounts"]}
    assert codes["clinic:clinic-e2e:receivable"] == 21_800_000
    assert codes["insurer:insurer-e2e:premium"] == 100_000_000 - 21_800_000
    assert_trial_balance_zero()
