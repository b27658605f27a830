from datetime import date

import pytest

from qalqan.people.contributions import contributions_intake
from qalqan.people.models import Contribution, Refund
from qalqan.people.refunds import refund_request
from tests.contributions.factories import payment
from tests.fund.test_dashboard import staff_client

pytestmark = pytest.mark.django_db


def queued(person) -> Refund:
    row = payment(person.iin)
    contributions_intake(rows=[row], today=date(2026, 11, 23))
    contribution = Contribution.objects.get(reference=row["reference"])
    return refund_request(contribution_id=contribution.pk, reason="duplicate", requester="payer", requested_by="f")


def test_fund_staff_decide_from_the_queue_page(fund, make_person, rates, django_capture_on_commit_callbacks):
    first, second = queued(make_person()), queued(make_person())
    client = staff_client(fund.organisation)
    page = client.get("/en/fund/refunds/")
    assert page.status_code == 200 and list(page.context["refunds"]) == [second, first]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/en/fund/refunds/", {"refund": first.pk, "decision": "approve",
                                                 "reason": "ok"}).status_code == 302
    assert client.post("/en/fund/refunds/", {"refund": second.pk, "decision": "reject", "reason": ""}).status_code == 302
    assert Refund.objects.get(pk=second.pk).status == "requested"  # a rejection needs a reason
    client.post("/en/fund/refunds/", {"refund": second.pk, "decision": "reject", "reason": "correct payment"})
    assert [Refund.objects.get(pk=r.pk).status for r in (first, second)] == ["paid", "rejected"]
    again = client.post("/en/fund/refunds/", {"refund": second.pk, "decision": "approve", "reason": "x"}, follow=True)
    assert Refund.objects.get(pk=second.pk).status == "rejected"
    assert "already been decided" in again.content.decode()


def test_only_fund_staff_see_the_queue(insurer, rates):
    from django.test import Client

    assert staff_client(insurer.organisation).get("/en/fund/refunds/").status_code == 403
    assert Client().get("/en/fund/refunds/").status_code == 302


def test_fund_staff_record_a_payers_request_from_the_queue_page(fund, make_person, rates):
    row = payment(make_person().iin, amount_tiyn=20_000_00)  # the employee cap is 17 000 ₸
    contributions_intake(rows=[row], today=date(2026, 11, 23))
    client = staff_client(fund.organisation)

    response = client.post("/en/fund/refunds/", {"action": "request", "reference": row["reference"],
                                                  "reason": "overpayment", "comment": "letter 7"}, follow=True)

    refund = Refund.objects.get()
    assert (refund.requester, refund.reason, refund.amount_tiyn, refund.status) == (
        "payer", "overpayment", 3_000_00, "requested")
    assert refund.requested_by == "fund:u-fund"
    assert list(response.context["refunds"]) == [refund]


@pytest.mark.parametrize(("form", "message"), [
    ({"reference": "no-such-payment", "reason": "duplicate"}, "No payment has this reference"),
    ({"reason": "duplicate", "amount": "7000"}, "cannot exceed the payment"),
    ({"reason": "duplicate", "amount": "-1"}, "positive"),
    ({"reason": "whim"}, "reason must be one of"),
])
def test_a_bad_payer_request_on_the_page_is_explained_and_not_stored(fund, make_person, rates, form, message):
    row = payment(make_person().iin, amount_tiyn=6_000_00)
    contributions_intake(rows=[row], today=date(2026, 11, 23))
    response = staff_client(fund.organisation).post(
        "/en/fund/refunds/", {"action": "request", "reference": row["reference"], **form}, follow=True)
    assert message in response.content.decode()
    assert not Refund.objects.exists()
