"""Settlement: one transfer per clinic, events paid, shortfall keeps it closed, two runs at once pay once."""
import threading

import pytest
from django.db import connection

from claims.models import InsuredEvent, Settlement
from qalqan.ledger.services import balance_of

from .conftest import event_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(clinic, citizen, insurer, covered):
    def make(event_id, caller=None, amount=500_000) -> int:
        caller = caller or clinic
        body = caller.api.post("/clinic/events", event_body(citizen.person, event_id=event_id, amount_tiyn=amount,
                                                            service_code="KDU-006")).json()
        citizen.api.post(f"/citizen/events/{body['id']}/confirm")
        assert insurer.api.post(f"/insurer/claims/{body['id']}/approve").status_code == 200
        return body["id"]

    return make


def test_a_settlement_pays_every_approved_event_of_a_clinic_in_one_transfer(
        insurer, clinic, other_clinic, approved, fund_insurer, assert_trial_balance_zero):
    fund_insurer(insurer.organisation, 10_000_000)
    ids = [approved("a", amount=500_000), approved("b", amount=700_000)]
    other = approved("c", caller=other_clinic, amount=100_000)
    r = insurer.api.post("/insurer/settlements", {"clinic": clinic.organisation.code})
    assert r.status_code == 201, r.content
    [summary] = r.json()["settlements"]
    assert summary["status"] == "paid" and summary["total_tiyn"] == 1_200_000 and summary["events_count"] == 2
    settlement = Settlement.objects.get(pk=summary["id"])
    assert settlement.transfer.postings.count() == 2
    assert set(InsuredEvent.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"paid"}
    assert InsuredEvent.objects.get(pk=other).status == "approved"
    assert balance_of(f"clinic:{clinic.organisation.code}:receivable") == 1_200_000
    assert balance_of(f"insurer:{insurer.organisation.code}:premium") == 8_800_000
    assert_trial_balance_zero()
    statement = clinic.api.get(f"/clinic/payouts/{settlement.pk}").json()
    assert [e["id"] for e in statement["events"]] == ids and statement["total_tiyn"] == 1_200_000
    assert clinic.api.get("/clinic/payouts").json()["items"][0]["id"] == settlement.pk
    assert insurer.api.get(f"/insurer/settlements/{settlement.pk}").json()["clinic"] == clinic.organisation.code
    # nothing left for that clinic: a second run pays nothing
    assert insurer.api.post("/insurer/settlements", {"clinic": clinic.organisation.code}).json()["settlements"] == []


def test_settling_without_a_clinic_pays_each_clinic_separately(insurer, clinic, other_clinic, approved, fund_insurer,
                                                              assert_trial_balance_zero):
    fund_insurer(insurer.organisation, 10_000_000)
    approved("a")
    approved("b", caller=other_clinic)
    r = insurer.api.post("/insurer/settlements", {})
    assert sorted(s["clinic"] for s in r.json()["settlements"]) == ["clinic-a", "clinic-b"]
    assert r.json()["paid_tiyn"] == 1_000_000
    assert_trial_balance_zero()


def test_an_insurer_without_the_money_leaves_the_settlement_closed_for_the_fund_to_see(
        insurer, clinic, approved, fund_insurer, fund, assert_trial_balance_zero):
    fund_insurer(insurer.organisation, 300_000)
    event_id = approved("a")
    r = insurer.api.post("/insurer/settlements", {})
    [summary] = r.json()["settlements"]
    assert summary["status"] == "closed" and summary["shortfall_tiyn"] == 200_000
    assert r.json()["unpaid_tiyn"] == 500_000
    assert InsuredEvent.objects.get(pk=event_id).status == "approved"
    assert balance_of(f"insurer:{insurer.organisation.code}:premium") == 300_000
    closed = fund.api.get("/fund/settlements", {"status": "closed"}).json()["items"]
    assert [s["id"] for s in closed] == [summary["id"]] and closed[0]["shortfall_tiyn"] == 200_000
    assert_trial_balance_zero()
    # the money arrives; the next run pays the same settlement
    fund_insurer(insurer.organisation, 1_000_000)
    again = insurer.api.post("/insurer/settlements", {}).json()["settlements"]
    assert [(s["id"], s["status"]) for s in again] == [(summary["id"], "paid")]
    assert InsuredEvent.objects.get(pk=event_id).status == "paid"
    assert_trial_balance_zero()


def test_settlements_are_scoped(insurer, other_insurer, clinic, other_clinic, approved, fund_insurer):
    fund_insurer(insurer.organisation, 10_000_000)
    approved("a")
    settlement_id = insurer.api.post("/insurer/settlements", {}).json()["settlements"][0]["id"]
    assert other_insurer.api.get(f"/insurer/settlements/{settlement_id}").status_code == 404
    assert other_clinic.api.get(f"/clinic/payouts/{settlement_id}").status_code == 404
    assert other_clinic.api.get(f"/clinic/payouts/{settlement_id}/pdf").status_code == 404
    assert other_insurer.api.post("/insurer/settlements", {}).json()["settlements"] == []
    assert insurer.api.post("/insurer/settlements", {"clinic": "nope"}).status_code == 422


def test_the_remittance_statement_is_a_pdf(insurer, clinic, approved, fund_insurer):
    fund_insurer(insurer.organisation, 10_000_000)
    approved("a")
    settlement_id = insurer.api.post("/insurer/settlements", {}).json()["settlements"][0]["id"]
    for response in (clinic.api.get(f"/clinic/payouts/{settlement_id}/pdf"),
                     insurer.api.get(f"/insurer/settlements/{settlement_id}/pdf")):
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    from io import BytesIO

    from pypdf import PdfReader
    text = PdfReader(BytesIO(response.content)).pages[0].extract_text()
    assert "KDU-006" in text and "5" in text


@pytest.mark.django_db(transaction=True)
def test_settlement_run_twice_at_once_pays_once(refdata, tariffs, insurer, clinic, citizen, make_policy,
                                                 fund_insurer, assert_trial_balance_zero):
    make_policy(citizen.person, insurer.organisation)
    fund_insurer(insurer.organisation, 10_000_000)
    for n in range(3):
        body = clinic.api.post("/clinic/events", event_body(citizen.person, event_id=f"s{n}")).json()
        citizen.api.post(f"/citizen/events/{body['id']}/confirm")
        insurer.api.post(f"/insurer/claims/{body['id']}/approve")
    barrier = threading.Barrier(2)
    answers = []

    def settle():
        try:
            barrier.wait()
            answers.append(insurer.api.post("/insurer/settlements", {}).json())
        finally:
            connection.close()

    threads = [threading.Thread(target=settle) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(len(a["settlements"]) for a in answers) == [0, 1]
    assert Settlement.objects.count() == 1
    assert balance_of(f"clinic:{clinic.organisation.code}:receivable") == 1_500_000
    assert_trial_balance_zero()
