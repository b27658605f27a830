"""End to end over HTTP: registry → application → card payment through localstripe with its signed webhook
→ active policy → top-up → PDF (number and masked name in its text) → public verification by number → the
fund's monthly subsidy run pays the insurer the month."""
import io
import time

import pytest
import requests
from django.utils import timezone
from pypdf import PdfReader

from qalqan.fund.subsidy.catalogue import sources_sync
from qalqan.fund.subsidy.models import SubsidySource
from qalqan.orgs.services import organisation_create, token_issue
from qalqan.people.models import Person

from ..conftest import person_row


def wait_for(check, timeout=20.0, every=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("timed out waiting")


class Http:
    def __init__(self, base: str, token: str | None = None):
        self.base, self.session = base.rstrip("/") + "/api/v1", requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def get(self, path, **kw):
        return self.session.get(self.base + path, timeout=30, **kw)

    def post(self, path, body=None, **kw):
        return self.session.post(self.base + path, json=body, timeout=30, **kw)


@pytest.mark.django_db(transaction=True)
def test_policy_flow_over_http(live_server, refdata, stripe_local):
    from insurers.services import pricing_tables_sync

    pricing_tables_sync()
    stripe_local.point_webhooks_at(live_server.url)
    fund = Http(live_server.url, token_issue(organisation=organisation_create(kind="fund", code="fund", name="Fund")))
    insurer_org = organisation_create(kind="insurer", code="insurer-e2e", name="E2E Сақтандыру")
    insurer = Http(live_server.url, token_issue(organisation=insurer_org))

    # 1. the registry: a person with a privileged category (the state pays: insured)
    row = person_row(categories=["disabled"], region="astana")
    r = fund.post("/fund/people", [row])
    assert r.status_code == 200 and r.json()["created"] == 1, r.text
    person = Person.objects.get(iin=row["iin"])
    citizen = Http(live_server.url, token_issue(person=person))
    assert wait_for(lambda: citizen.get(f"/status/{row['iin']}").json().get("insured"))

    # 2. an insurer's extended product
    r = insurer.post("/insurer/products", {
        "code": "gold", "name": "Gold", "kind": "osms_dms", "annual_premium_tiyn": 15_000_000,
        "benefits": [{"code": "dental", "limit_tiyn": 20_000_000}, {"code": "inpatient", "limit_tiyn": 500_000_000}]})
    assert r.status_code == 201, r.text

    # 3. the application: subsidised, the rest due
    r = citizen.post("/citizen/applications", {"product": "gold", "insurer": "insurer-e2e"})
    assert r.status_code == 201, r.text
    application = r.json()
    assert application["status"] == "approved" and application["subsidy_tiyn"] > 0
    assert application["premium_due_tiyn"] == 15_000_000 - application["subsidy_tiyn"]
    number, payment_id = application["policy"], application["payment"]

    # 4. card payment through localstripe; the signed webhook activates the policy
    r = citizen.post(f"/citizen/payments/{payment_id}/stripe", {"payment_method": "pm_card_visa"})
    assert r.status_code == 200, r.text
    assert r.json()["payment_intent"].startswith("pi_")
    assert citizen.get(f"/citizen/policies/{number}").json()["status"] == "awaiting_payment"
    policy = wait_for(lambda: (lambda p: p if p["status"] == "active" else None)(
        citizen.get(f"/citizen/policies/{number}").json()))
    assert policy["face_value_tiyn"] == 15_000_000 and policy["payment_status"] == "succeeded"

    # 5. a top-up, paid by card the same way
    r = citizen.post(f"/citizen/policies/{number}/topups", {"amount_tiyn": 1_000_000})
    assert r.status_code == 201, r.text
    r = citizen.post(f"/citizen/payments/{r.json()['payment']}/stripe", {"payment_method": "pm_card_visa"})
    assert r.status_code == 200, r.text
    policy = wait_for(lambda: (lambda p: p if p["topups_tiyn"] == 1_000_000 else None)(
        citizen.get(f"/citizen/policies/{number}").json()))
    assert policy["face_value_tiyn"] == 16_000_000
    assert sum(b["limit_tiyn"] for b in policy["benefits"]) == 521_000_000

    # 6. the PDF
    r = citizen.get(f"/citizen/policies/{number}/pdf")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/pdf"
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages).split())
    assert number in text and person.masked_name in text

    # 7. public verification by number
    r = requests.get(f"{live_server.url}/api/v1/policies/verify/{number}", timeout=10)
    assert r.status_code == 200
    assert r.json()["status"] == "active" and r.json()["holder"] == person.masked_name

    # the money adds up: the insurer holds what the citizen paid; the fund's subsidy comes with the monthly run
    balance = fund.get("/fund/ledger/trial-balance").json()
    assert balance["total_tiyn"] == 0
    accounts = {a["code"]: a["balance_tiyn"] for a in balance["accounts"]}
    citizen_paid = 16_000_000 - application["subsidy_tiyn"]
    assert accounts["insurer:insurer-e2e:premium"] == citizen_paid

    # 8. the fund's monthly subsidy run pays the month to the insurer, once
    sources_sync(SubsidySource)  # the flush of a transaction=True test removed the migrated rows
    month = f"{timezone.localdate():%Y-%m}"
    r = fund.post("/fund/subsidy-runs", {"period": month})
    assert r.status_code == 202, r.text
    run_id = r.json()["id"]
    run = wait_for(lambda: (lambda b: b if b["status"] == "calculated" else None)(
        fund.get(f"/fund/subsidy-runs/{run_id}").json()))
    assert run["policies"] == 1 and run["by_insurer"][0]["insurer"] == "insurer-e2e" and run["total_tiyn"] > 0
    assert fund.post(f"/fund/subsidy-runs/{run_id}/approve").json()["status"] == "approved"
    assert fund.post(f"/fund/subsidy-runs/{run_id}/disburse").json()["status"] == "disbursed"
    assert fund.post(f"/fund/subsidy-runs/{run_id}/disburse").status_code == 409
    assert fund.post("/fund/subsidy-runs", {"period": month}).status_code == 409
    balance = fund.get("/fund/ledger/trial-balance").json()
    assert balance["total_tiyn"] == 0
    accounts = {a["code"]: a["balance_tiyn"] for a in balance["accounts"]}
    assert accounts["insurer:insurer-e2e:premium"] == citizen_paid + run["total_tiyn"]
