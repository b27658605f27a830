import pytest
from django_fsm import TransitionNotAllowed

from qalqan.ledger.services import balance_of
from qalqan.payments.models import Payment, WebhookEvent
from qalqan.payments.providers.stripe import stripe_client
from qalqan.payments.services import payment_create, payment_refund, payment_settle, payment_start
from qalqan.payments.signals import payment_succeeded
from tests.concurrency import in_threads


@pytest.fixture
def effects():
    """Every payment_succeeded signal seen, as payment ids."""
    seen = []

    def receiver(sender, payment, **kwargs):
        seen.append(payment.pk)

    payment_succeeded.connect(receiver, dispatch_uid="test-effects")
    yield seen
    payment_succeeded.disconnect(dispatch_uid="test-effects")


def make_payment(person, amount=500_000, subject_id=1):
    return payment_create(person=person, subject="test", subject_id=subject_id, amount_tiyn=amount)


def intent_object(payment, **overrides):
    return {"id": payment.provider_ref, "object": "payment_intent", "amount": payment.amount_tiyn,
            "currency": "kzt", "status": "succeeded", **overrides}


# --- the state machine -------------------------------------------------------------------------------

def test_transitions_allowed(citizen):
    p = make_payment(citizen.person)
    assert p.status == "created"
    p.start(provider="stripe", provider_ref="pi_1")
    p.fail(reason="declined")
    p.start(provider="stripe", provider_ref="pi_2")  # a failed payment may be tried again
    p.succeed(at=None)
    p.refund(amount_tiyn=100)
    assert p.status == "refunded" and p.refunded_tiyn == 100


@pytest.mark.parametrize("state, method, kwargs", [
    ("created", "succeed", {"at": None}),
    ("created", "fail", {}),
    ("created", "refund", {"amount_tiyn": 1}),
    ("succeeded", "start", {"provider": "stripe", "provider_ref": "x"}),
    ("succeeded", "fail", {}),
    ("failed", "succeed", {"at": None}),
    ("refunded", "refund", {"amount_tiyn": 1}),
    ("refunded", "start", {"provider": "stripe", "provider_ref": "x"}),
])
def test_transitions_refused(citizen, state, method, kwargs):
    p = make_payment(citizen.person)
    Payment.objects.filter(pk=p.pk).update(status=state)
    p = Payment.objects.get(pk=p.pk)
    with pytest.raises(TransitionNotAllowed):
        getattr(p, method)(**kwargs)


# --- pension savings (sandbox) -----------------------------------------------------------------------

def test_pension_sandbox_pays_at_once(citizen, effects):
    p = make_payment(citizen.person)
    r = citizen.api.post(f"/citizen/payments/{p.pk}/pension")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "succeeded" and r.json()["sandbox"] is True
    assert effects == [p.pk]
    again = citizen.api.post(f"/citizen/payments/{p.pk}/pension")
    assert again.status_code == 409 and effects == [p.pk]


def test_another_citizens_payment_is_404(citizen, other_citizen, effects):
    p = make_payment(citizen.person)
    assert other_citizen.api.post(f"/citizen/payments/{p.pk}/pension").status_code == 404
    assert other_citizen.api.post(f"/citizen/payments/{p.pk}/stripe", {}).status_code == 404
    assert citizen.api.post("/citizen/payments/999999/pension").status_code == 404
    p = Payment.objects.get(pk=p.pk)
    assert p.status == "created" and effects == []


# --- Stripe through localstripe, webhooks signed -----------------------------------------------------

def test_card_payment_succeeds_only_on_the_signed_webhook(citizen, stripe_local, send_stripe_event, effects):
    p = make_payment(citizen.person)
    r = citizen.api.post(f"/citizen/payments/{p.pk}/stripe", {"payment_method": "pm_card_visa"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["payment_intent"].startswith("pi_") and body["client_secret"]
    p = Payment.objects.get(pk=p.pk)
    assert p.status == "processing" and effects == []
    intent = stripe_client().v1.payment_intents.retrieve(body["payment_intent"])
    assert intent.amount == p.amount_tiyn and intent.currency == "kzt" and intent.status == "succeeded"
    r = send_stripe_event("payment_intent.succeeded", intent_object(p))
    assert r.status_code == 200 and r.json()["outcome"] == "succeeded"
    p = Payment.objects.get(pk=p.pk)
    assert p.status == "succeeded" and effects == [p.pk]


def test_stripe_sessions_take_the_environments_proxies_once(citizen, stripe_local, monkeypatch):
    import requests

    from qalqan.payments.providers.stripe import _client

    p = make_payment(citizen.person)
    assert citizen.api.post(f"/citizen/payments/{p.pk}/stripe", {"payment_method": "pm_card_visa"}).status_code == 200
    session = stripe_client()._requestor._client._thread_local.session
    assert session.trust_env is False
    assert session.proxies == requests.utils.get_environ_proxies(stripe_local.base)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    proxied = _client.__wrapped__("sk_test_proxied", "https://api.stripe.invalid")._requestor._client
    assert proxied._proxies == {"https": "http://proxy.invalid:3128"}
    monkeypatch.setenv("NO_PROXY", "api.stripe.invalid")
    assert _client.__wrapped__("sk_test_proxied", "https://api.stripe.invalid")._requestor._client._proxies == {}


def test_bad_signature_is_400_and_changes_nothing(citizen, stripe_local, send_stripe_event, effects):
    p = make_payment(citizen.person)
    citizen.api.post(f"/citizen/payments/{p.pk}/stripe", {"payment_method": "pm_card_visa"})
    p = Payment.objects.get(pk=p.pk)
    r = send_stripe_event("payment_intent.succeeded", intent_object(p), secret="whsec_wrong")
    assert r.status_code == 400 and r["Content-Type"] == "application/problem+json"
    unsigned = citizen.api.post("/webhooks/stripe", {"id": "evt_x", "type": "payment_intent.succeeded"})
    assert unsigned.status_code == 400
    p = Payment.objects.get(pk=p.pk)
    assert p.status == "processing" and not WebhookEvent.objects.exists() and effects == []


def test_replayed_event_is_200_and_one_effect(citizen, stripe_local, send_stripe_event, effects):
    p = make_payment(citizen.person)
    citizen.api.post(f"/citizen/payments/{p.pk}/stripe", {"payment_method": "pm_card_visa"})
    p = Payment.objects.get(pk=p.pk)
    first = send_stripe_event("payment_intent.succeeded", intent_object(p), event_id="evt_same")
    replay = send_stripe_event("payment_intent.succeeded", intent_object(p), event_id="evt_same")
    other = send_stripe_event("payment_intent.succeeded", intent_object(p), event_id="evt_other")
    assert [first.json()["outcome"], replay.json()["outcome"], other.json()["outcome"]] == \
        ["succeeded", "replay", "already_succeeded"]
    assert effects == [p.pk] and WebhookEvent.objects.count() == 2


def test_unknown_intent_is_200_and_nothing_done(citizen, stripe_local, send_stripe_event, effects):
    r = send_stripe_event("payment_intent.succeeded", {"id": "pi_not_ours", "amount": 1, "currency": "kzt"})
    assert r.status_code == 200 and r.json()["outcome"] == "unknown_intent"
    assert effects == []


def test_amount_mismatch_changes_nothing(citizen, stripe_local, send_stripe_event, effects):
    p = make_payment(citizen.person)
    citizen.api.post(f"/citizen/payments/{p.pk}/stripe", {"payment_method": "pm_card_visa"})
    p = Payment.objects.get(pk=p.pk)
    r = send_stripe_event("payment_intent.succeeded", intent_object(p, amount=1))
    assert r.json()["outcome"] == "amount_mismatch"
    p = Payment.objects.get(pk=p.pk)
    assert p.status == "processing" and effects == []


def test_unhandled_event_type_is_stored_and_ignored(citizen, stripe_local, send_stripe_event):
    r = send_stripe_event("customer.created", {"id": "cus_1"})
    assert r.status_code == 200 and r.json()["outcome"] == "ignored"


def test_failed_card_then_retry(citizen, stripe_local, send_stripe_event, effects):
    p = make_payment(citizen.person)
    citizen.api.post(f"/citizen/payments/{p.pk}/stripe", {"payment_method": "pm_card_visa_chargeDeclined"})
    p = Payment.objects.get(pk=p.pk)
    r = send_stripe_event("payment_intent.payment_failed",
                          intent_object(p, status="requires_payment_method",
                                        last_payment_error={"message": "Your card was declined."}))
    assert r.json()["outcome"] == "failed"
    p = Payment.objects.get(pk=p.pk)
    assert p.status == "failed" and "declined" in p.failure_reason
    r = citizen.api.post(f"/citizen/payments/{p.pk}/stripe", {"payment_method": "pm_card_visa"})
    assert r.status_code == 200
    p = Payment.objects.get(pk=p.pk)
    assert p.status == "processing" and p.provider_ref == r.json()["payment_intent"]


def test_second_tab_gets_the_same_intent(citizen, stripe_local):
    p = make_payment(citizen.person)
    first = citizen.api.post(f"/citizen/payments/{p.pk}/stripe", {"payment_method": "pm_card_visa"}).json()
    second = citizen.api.post(f"/citizen/payments/{p.pk}/stripe", {"payment_method": "pm_card_visa"}).json()
    assert first["payment_intent"] == second["payment_intent"]
    assert citizen.api.post(f"/citizen/payments/{p.pk}/pension").status_code == 409


def test_refund_through_stripe_posts_to_the_ledger(citizen, stripe_local, send_stripe_event,
                                                   assert_trial_balance_zero):
    from qalqan.ledger.services import transfer_post
    from qalqan.payments.services import clearing_account, refunds_account

    p = make_payment(citizen.person)
    citizen.api.post(f"/citizen/payments/{p.pk}/stripe", {"payment_method": "pm_card_visa"})
    p = Payment.objects.get(pk=p.pk)
    send_stripe_event("payment_intent.succeeded", intent_object(p))
    transfer_post(key="test-owed", lines=[(clearing_account("stripe"), -30_000), (refunds_account(), 30_000)],
                  reason="test.refund_owed")
    payment_refund(payment_id=p.pk, amount_tiyn=30_000)
    payment_refund(payment_id=p.pk, amount_tiyn=30_000)  # twice: once
    p = Payment.objects.get(pk=p.pk)
    assert p.status == "refunded" and p.refunded_tiyn == 30_000
    assert balance_of("refunds:payable") == 0
    assert_trial_balance_zero()


# --- races with real threads -------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_webhooks_one_effect(refdata, make_citizen, stripe_local, send_stripe_event, effects):
    citizen = make_citizen(categories=["employee"])
    p = make_payment(citizen.person)
    citizen.api.post(f"/citizen/payments/{p.pk}/stripe", {"payment_method": "pm_card_visa"})
    p = Payment.objects.get(pk=p.pk)
    obj = intent_object(p)
    same_id, _ = in_threads(4, lambda: send_stripe_event("payment_intent.succeeded", obj, event_id="evt_dup")
                             .json()["outcome"])
    other_ids, _ = in_threads(4, lambda: send_stripe_event("payment_intent.succeeded", obj).json()["outcome"])
    assert sorted(same_id) == ["replay", "replay", "replay", "succeeded"]
    assert other_ids == ["already_succeeded"] * 4
    assert effects == [p.pk]


@pytest.mark.django_db(transaction=True)
def test_two_tabs_paying_at_once_make_one_intent(refdata, make_citizen, stripe_local):
    citizen = make_citizen(categories=["employee"])
    p = make_payment(citizen.person)
    results, errors = in_threads(3, lambda: payment_start(payment_id=p.pk, person_id=citizen.person.pk,
                                                           provider="stripe", payment_method="pm_card_visa")
                                  .intent.ref)
    assert not errors and len(set(results)) == 1


@pytest.mark.django_db(transaction=True)
def test_two_pension_payments_at_once_one_effect(refdata, make_citizen, effects):
    citizen = make_citizen(categories=["employee"])
    p = make_payment(citizen.person)
    results, errors = in_threads(3, lambda: payment_start(payment_id=p.pk, person_id=citizen.person.pk,
                                                           provider="pension").payment.status)
    assert len(results) == 1 and len(errors) == 2 and effects == [p.pk]


def test_settle_unknown_provider_ref_returns_unknown(db):
    assert payment_settle(provider="stripe", ref="pi_nope", succeeded=True) == "unknown_intent"
