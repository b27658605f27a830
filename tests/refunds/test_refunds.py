import threading
from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from qalqan.audit.models import StateChange
from qalqan.ledger.services import balance_of
from qalqan.people.contributions import contributions_intake
from qalqan.people.models import Contribution, Refund
from qalqan.people.refunds import RefundInvalid, RefundRefused, refund_approve, refund_reject, refund_request
from tests.contributions.factories import payment

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


def paid(person, **kwargs) -> Contribution:
    row = payment(person.iin, **kwargs)
    assert contributions_intake(rows=[row], today=TODAY).errors == []
    return Contribution.objects.get(reference=row["reference"])


def audit(refund) -> list[tuple[str, str, str]]:
    rows = StateChange.objects.filter(content_type=ContentType.objects.get_for_model(Refund), object_id=refund.pk)
    return [(r.from_state, r.to_state, r.by) for r in rows]


def test_citizen_asks_fund_approves_and_the_bank_pays(citizen, fund, rates, assert_trial_balance_zero,
                                                      django_capture_on_commit_callbacks):
    contribution = paid(citizen.person, amount_tiyn=6_000_00)
    response = citizen.api.post("/citizen/refunds", {"contribution": contribution.pk, "reason": "duplicate",
                                                     "comment": "paid twice"})
    assert response.status_code == 201
    refund_id = response.json()["id"]
    assert response.json()["amount_tiyn"] == 6_000_00 and response.json()["status"] == "requested"

    with django_capture_on_commit_callbacks(execute=True):
        response = fund.api.post(f"/fund/refunds/{refund_id}/approve", {"reason": "bank statement checked"})
    assert response.status_code == 200
    refund = Refund.objects.get(pk=refund_id)
    assert refund.status == "paid" and refund.payout_reference.startswith("bank-sandbox-")
    assert balance_of("pool:osms") == 0
    assert balance_of("refunds:payable") == 0
    assert balance_of("clearing:bank") == 6_000_00
    assert audit(refund) == [("", "requested", f"citizen:{citizen.person.pk}"), ("requested", "approved", "fund"),
                             ("approved", "paid", "bank")]
    assert_trial_balance_zero()
    assert citizen.api.get("/citizen/refunds").json()["items"][0]["status"] == "paid"


def test_overpayment_refund_defaults_to_the_excess(fund, make_person, rates, assert_trial_balance_zero):
    person = make_person()
    contribution = paid(person, amount_tiyn=20_000_00)  # the employee cap is 17 000 ₸
    response = fund.api.post("/fund/refunds", {"reference": contribution.reference, "reason": "overpayment"})
    assert response.status_code == 201
    assert response.json()["amount_tiyn"] == 3_000_00 and response.json()["requester"] == "payer"
    refund_approve(refund_id=response.json()["id"], by="fund", today=TODAY)
    assert balance_of("pool:osms") == 17_000_00
    assert balance_of("refunds:payable") == 3_000_00
    assert_trial_balance_zero()


def test_no_overpayment_no_overpayment_refund(make_person, rates):
    contribution = paid(make_person(), amount_tiyn=6_000_00)
    with pytest.raises(RefundInvalid):
        refund_request(contribution_id=contribution.pk, reason="overpayment", requester="payer", requested_by="f")


def test_never_above_the_amount_and_never_twice(make_person, rates):
    contribution = paid(make_person(), amount_tiyn=6_000_00)
    with pytest.raises(RefundInvalid):
        refund_request(contribution_id=contribution.pk, reason="duplicate", requester="payer", requested_by="f",
                       amount_tiyn=6_000_01)
    first = refund_request(contribution_id=contribution.pk, reason="duplicate", requester="payer", requested_by="f")
    with pytest.raises(RefundRefused):
        refund_request(contribution_id=contribution.pk, reason="wrong_person", requester="payer", requested_by="f")
    refund_reject(refund_id=first.pk, by="fund", reason="not a duplicate")
    second = refund_request(contribution_id=contribution.pk, reason="wrong_person", requester="payer",
                            requested_by="f")
    assert second.status == "requested"


def test_reject_needs_a_reason_and_moves_no_money(fund, make_person, rates, assert_trial_balance_zero):
    contribution = paid(make_person())
    refund = refund_request(contribution_id=contribution.pk, reason="duplicate", requester="payer", requested_by="f")
    assert fund.api.post(f"/fund/refunds/{refund.pk}/reject", {"reason": ""}).status_code == 422
    response = fund.api.post(f"/fund/refunds/{refund.pk}/reject", {"reason": "the payment is correct"})
    assert response.json()["status"] == "rejected"
    assert balance_of("pool:osms") == contribution.amount_tiyn
    assert audit(refund)[-1] == ("requested", "rejected", "fund")
    assert_trial_balance_zero()


@pytest.mark.parametrize(("first", "then"), [("approve", "approve"), ("approve", "reject"), ("reject", "approve"),
                                             ("reject", "reject")])
def test_a_decided_refund_cannot_be_decided_again(fund, make_person, rates, first, then):
    contribution = paid(make_person())
    refund = refund_request(contribution_id=contribution.pk, reason="duplicate", requester="payer", requested_by="f")
    assert fund.api.post(f"/fund/refunds/{refund.pk}/{first}", {"reason": "r"}).status_code == 200
    response = fund.api.post(f"/fund/refunds/{refund.pk}/{then}", {"reason": "r"})
    assert response.status_code == 409
    assert response.json()["state"] in ("approved", "paid", "rejected")


def test_a_refund_of_money_in_suspense_comes_out_of_suspense(make_person, rates, assert_trial_balance_zero):
    row = payment("900101300007")
    contributions_intake(rows=[row], today=TODAY)
    contribution = Contribution.objects.get(reference=row["reference"])
    refund = refund_request(contribution_id=contribution.pk, reason="wrong_person", requester="payer",
                            requested_by="f")
    refund_approve(refund_id=refund.pk, by="fund", today=TODAY)
    assert balance_of("suspense:contributions") == 0
    assert_trial_balance_zero()


def test_another_citizens_payment_is_404(citizen, other_citizen, rates):
    contribution = paid(other_citizen.person)
    response = citizen.api.post("/citizen/refunds", {"contribution": contribution.pk, "reason": "duplicate"})
    assert response.status_code == 404
    assert not Refund.objects.exists()
    refund = refund_request(contribution_id=contribution.pk, reason="duplicate", requester="citizen",
                            requested_by="x", person_id=other_citizen.person.pk)
    assert citizen.api.get("/citizen/refunds").json()["items"] == []
    assert other_citizen.api.get("/citizen/refunds").json()["items"][0]["id"] == refund.pk


def test_bad_refund_requests(citizen, fund, insurer, rates):
    contribution = paid(citizen.person)
    assert citizen.api.post("/citizen/refunds", {"contribution": contribution.pk, "reason": "whim"}).status_code == 422
    assert citizen.api.post("/citizen/refunds", {"contribution": 10**9, "reason": "duplicate"}).status_code == 404
    assert fund.api.post("/fund/refunds", {"reason": "duplicate"}).status_code == 422
    assert fund.api.post("/fund/refunds/999999/approve", {}).status_code == 404
    assert insurer.api.get("/fund/refunds").status_code == 403
    assert citizen.api.post("/fund/refunds/1/approve", {}).status_code == 403
    assert not Refund.objects.exists()


def test_fund_lists_the_queue(fund, make_person, rates):
    contribution = paid(make_person())
    refund = refund_request(contribution_id=contribution.pk, reason="duplicate", requester="payer", requested_by="f")
    body = fund.api.get("/fund/refunds", {"status": "requested"}).json()
    assert [r["id"] for r in body["items"]] == [refund.pk]
    assert fund.api.get(f"/fund/refunds/{refund.pk}").json()["reference"] == contribution.reference


def _race(functions) -> list:
    barrier = threading.Barrier(len(functions))
    outcomes = [None] * len(functions)

    def run(i, fn):
        try:
            barrier.wait()
            outcomes[i] = fn()
        except Exception as exc:  # noqa: BLE001 - the outcome is the point
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_make_one_refund(make_person, rates):
    contribution = paid(make_person())
    ask = lambda: refund_request(contribution_id=contribution.pk, reason="duplicate", requester="payer",  # noqa
                                 requested_by="f")
    outcomes = _race([ask, ask, ask])
    assert sum(isinstance(o, Refund) for o in outcomes) == 1
    assert all(isinstance(o, (Refund, RefundRefused)) for o in outcomes)
    assert Refund.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_move_the_money_once(make_person, rates, assert_trial_balance_zero):
    from django_fsm import TransitionNotAllowed

    contribution = paid(make_person(), amount_tiyn=6_000_00)
    refund = refund_request(contribution_id=contribution.pk, reason="duplicate", requester="payer", requested_by="f")
    approve = lambda: refund_approve(refund_id=refund.pk, by="fund", today=TODAY)  # noqa: E731
    outcomes = _race([approve, approve])
    assert sum(isinstance(o, Refund) for o in outcomes) == 1
    assert sum(isinstance(o, TransitionNotAllowed) for o in outcomes) == 1
    assert Refund.objects.get().status == "paid"
    assert balance_of("clearing:bank") == 6_000_00
    assert balance_of("pool:osms") == 0
    assert_trial_balance_zero()


class RefusingBank:
    code = "bank"

    def pay(self, *, reference, amount_tiyn, recipient):
        from qalqan.people.payouts import PayoutFailed

        raise PayoutFailed("the bank is closed")


def test_a_refused_payout_leaves_the_refund_approved_and_the_hourly_retry_pays_it_once(
        fund, make_person, rates, settings, monkeypatch, assert_trial_balance_zero, django_capture_on_commit_callbacks):
    from qalqan.people import payouts
    from qalqan.people.tasks import refund_payouts_retry

    monkeypatch.setitem(payouts.PROVIDERS, "refusing", RefusingBank())
    settings.REFUND_PAYOUT_PROVIDER = "refusing"
    contribution = paid(make_person(), amount_tiyn=6_000_00)
    refund = refund_request(contribution_id=contribution.pk, reason="duplicate", requester="payer", requested_by="f")
    with django_capture_on_commit_callbacks(execute=True):
        response = fund.api.post(f"/fund/refunds/{refund.pk}/approve", {"reason": "checked"})
    assert response.status_code == 200
    refund = Refund.objects.get(pk=refund.pk)
    assert refund.status == "approved" and refund.pay_transfer is None
    assert balance_of("refunds:payable") == 6_000_00
    assert refund_payouts_retry.delay(0).get() == 1  # still refused: stays approved
    assert Refund.objects.get().status == "approved"
    assert_trial_balance_zero()

    settings.REFUND_PAYOUT_PROVIDER = "bank_sandbox"
    assert refund_payouts_retry.delay(600).get() == 0  # approved moments ago: a payout may be in flight
    assert refund_payouts_retry.delay(0).get() == 1
    refund = Refund.objects.get(pk=refund.pk)
    assert refund.status == "paid" and refund.payout_reference.startswith("bank-sandbox-")
    assert refund_payouts_retry.delay(0).get() == 0
    assert balance_of("refunds:payable") == 0 and balance_of("clearing:bank") == 6_000_00
    assert [a[1] for a in audit(refund)] == ["requested", "approved", "paid"]
    assert_trial_balance_zero()
    assert "people-refund-payouts-retry" in settings.CELERY_BEAT_SCHEDULE


def test_an_approved_refund_recomputes_the_persons_status(make_person, rates, django_capture_on_commit_callbacks):
    from qalqan.people.models import InsuranceStatus
    from qalqan.people.status import status_recompute
    from tests.contributions.factories import months_back

    person = make_person(today=TODAY)
    for period in months_back(TODAY, 12):
        paid(person, period=period)
    status_recompute(person_ids=[person.pk], today=TODAY)
    assert InsuranceStatus.objects.get(person=person).debt_months == 0
    first = Contribution.objects.filter(person=person).order_by("period").first()
    refund = refund_request(contribution_id=first.pk, reason="wrong_person", requester="payer", requested_by="f")
    with django_capture_on_commit_callbacks(execute=True):
        refund_approve(refund_id=refund.pk, by="fund", today=TODAY)
    assert InsuranceStatus.objects.get(person=person).debt_months >= 1
