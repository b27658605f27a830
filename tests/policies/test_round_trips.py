"""How many statements each request of a card-paid application sends (a guard for the applications' rate: issue
#5). The bounds are what the requests need today plus a little room; a change that adds round trips to the
flow should raise them knowingly."""
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policies.models import Policy
from policies.money import premium_account
from qalqan.payments.models import Payment
from qalqan.payments.services import clearing_account


def _statements(send) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as captured:
        response = send()
    return response, len(captured.captured_queries)


def test_a_card_paid_application_takes_few_round_trips(insured_citizen, insurer, products, stripe_local,
                                                       send_stripe_event, assert_trial_balance_zero):
    citizen = insured_citizen
    premium_account(insurer.organisation), clearing_account("stripe")  # open, as on a live system
    applied, apply_statements = _statements(lambda: citizen.api.post("/citizen/applications", {"product": "gold"}))
    assert applied.status_code == 201, applied.content
    payment = Payment.objects.get(pk=applied.json()["payment"])
    paid, pay_statements = _statements(
        lambda: citizen.api.post(f"/citizen/payments/{payment.pk}/stripe", {"payment_method": "pm_card_visa"}))
    assert paid.status_code == 200, paid.content
    intent = {"id": paid.json()["payment_intent"], "object": "payment_intent", "amount": payment.amount_tiyn,
              "currency": "kzt", "status": "succeeded"}
    hook, hook_statements = _statements(lambda: send_stripe_event("payment_intent.succeeded", intent))
    assert hook.status_code == 200 and hook.json()["outcome"] == "succeeded"
    assert Policy.objects.get(number=applied.json()["policy"]).status == "active"
    assert_trial_balance_zero()
    # now 29, 7 and 20; before issue #5 35, 7 and 37 (the ledger accounts looked up through savepoints on every
    # payment, the instrument locked twice, the renewal checked three times)
    assert apply_statements <= 30 and pay_statements <= 7 and hook_statements <= 20, \
        (apply_statements, pay_statements, hook_statements)
