"""Payment operations: create, start with a provider, settle from a provider's word, refund.

Lock order (as everywhere): the payment row first, then whatever its subject locks (policy, top-up),
then ledger accounts (the ledger sorts them by id).
"""
import json
import logging
from dataclasses import dataclass

import stripe
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from qalqan.api.errors import ApiProblem, Conflict
from qalqan.core.sql import execute_prepared, fetch_one_prepared
from qalqan.ledger.services import account_ensure, transfer_post

from .models import Payment, WebhookEvent
from .providers import ProviderError, provider_for
from .providers.base import Intent
from .signals import payment_failed, payment_succeeded

logger = logging.getLogger(__name__)


class PaymentRefused(ApiProblem):
    status, slug = 402, "payment-refused"


class BadSignature(Exception):
    pass


def clearing_account_code(provider: str) -> str:
    return f"clearing:{provider}"


def clearing_account(provider: str):
    return account_ensure(code=clearing_account_code(provider), kind="payment_clearing",
                          name=f"Payment clearing ({provider})", may_go_negative=True)


def refunds_account():
    return account_ensure(code="refunds:payable", kind="refunds_payable", name="Citizen refunds payable")


# A new subject's payment in one prepared statement (no look-up, no savepoint); an existing one is left as it is.
_PAYMENT_INSERT = (
    f"INSERT INTO {Payment._meta.db_table} (person_id, subject, subject_id, amount_tiyn, currency, status, provider, "
    "provider_ref, failure_reason, refunded_tiyn, created_at, updated_at, succeeded_at) "
    "VALUES (%s, %s, %s, %s, %s, %s, '', NULL, '', 0, %s, %s, NULL) "
    "ON CONFLICT ON CONSTRAINT payment_one_per_subject DO NOTHING RETURNING id")


def payment_create(*, person, subject: str, subject_id: int, amount_tiyn: int) -> Payment:
    """The payment for one subject (idempotent: the same subject gets the same payment, even when two
    transactions create it at once: the second waits for the first and returns its payment)."""
    now = timezone.now()
    payment = Payment(person=person, subject=subject, subject_id=subject_id, amount_tiyn=amount_tiyn,
                      created_at=now, updated_at=now)
    rows = execute_prepared(_PAYMENT_INSERT, [person.pk, subject, subject_id, amount_tiyn, payment.currency,
                                              payment.status, now, now])
    if not rows:
        return Payment.objects.get(subject=subject, subject_id=subject_id)
    payment.pk = rows[0][0]
    payment._state.adding, payment._state.db = False, connection.alias
    return payment


_PAYMENT_COLUMNS = [f.attname for f in Payment._meta.concrete_fields]
_PAYMENT_SELECT = (f"SELECT {', '.join(f.column for f in Payment._meta.concrete_fields)} "
                   f"FROM {Payment._meta.db_table} WHERE ")
_LOCK_OWN_PAYMENT = _PAYMENT_SELECT + "id = %s AND person_id = %s FOR UPDATE"
_LOCK_PROVIDER_PAYMENT = _PAYMENT_SELECT + "provider = %s AND provider_ref = %s FOR UPDATE"


def _payment_locked(sql: str, params: list) -> Payment | None:
    """A payment row locked FOR UPDATE by one prepared statement (each payment and each webhook locks one)."""
    row = fetch_one_prepared(sql, params)
    return Payment.from_db(connection.alias, _PAYMENT_COLUMNS, row) if row else None


@dataclass(frozen=True)
class Started:
    payment: Payment
    intent: Intent


@transaction.atomic
def payment_start(*, payment_id: int, person_id: int, provider: str, payment_method: str | None = None,
                  by: str = "system") -> Started:
    """Start paying with a provider. Two tabs at once: the row lock makes the second wait and get the
    same intent back, so one charge at most. The provider call happens under the row lock (short)."""
    payment = _payment_locked(_LOCK_OWN_PAYMENT, [payment_id, person_id])
    if payment is None:
        raise Payment.DoesNotExist("Payment matching query does not exist.")
    backend = provider_for(provider)
    if payment.status == Payment.Status.PROCESSING:
        if payment.provider != provider:
            raise Conflict(f"a {payment.provider} payment is already in progress for this payment",
                           state=payment.status)
        return Started(payment=payment, intent=backend.retrieve_intent(ref=payment.provider_ref))
    if payment.status not in (Payment.Status.CREATED, Payment.Status.FAILED):
        raise Conflict(f"this payment is already {payment.status}", state=payment.status)
    try:
        intent = backend.create_intent(payment=payment, payment_method=payment_method)
    except ProviderError as exc:
        raise PaymentRefused(f"the provider refused the payment: {exc}") from None
    payment.start(provider=provider, provider_ref=intent.ref, by=by)
    payment.updated_at = timezone.now()
    execute_prepared(_PAYMENT_STARTED_UPDATE, [payment.status, payment.provider, payment.provider_ref,
                                               payment.failure_reason, payment.updated_at, payment.pk])
    if intent.settled:
        _succeed(payment, by=provider)
    return Started(payment=payment, intent=intent)


def _succeed(payment: Payment, *, by: str) -> None:
    payment.succeed(at=timezone.now(), by=by)
    payment.updated_at = timezone.now()
    execute_prepared(_PAYMENT_SUCCEEDED_UPDATE, [payment.status, payment.succeeded_at, payment.updated_at, payment.pk])
    payment_succeeded.send(sender=Payment, payment=payment)


# The two updates of every card payment (started, then succeeded by the webhook), each one prepared statement: the
# ORM's save(update_fields=…) cost more client CPU than the round trip. Payment has no save signals.
_PAYMENT_STARTED_UPDATE = (f"UPDATE {Payment._meta.db_table} SET status = %s, provider = %s, provider_ref = %s, "
                           "failure_reason = %s, updated_at = %s WHERE id = %s")
_PAYMENT_SUCCEEDED_UPDATE = (f"UPDATE {Payment._meta.db_table} SET status = %s, succeeded_at = %s, updated_at = %s "
                             "WHERE id = %s")


@transaction.atomic
def payment_settle(*, provider: str, ref: str, succeeded: bool, amount_tiyn: int | None = None,
                   currency: str | None = None, reason: str = "") -> str:
    """Apply a provider's final word on an attempt. Returns what happened (for the webhook log)."""
    return _settle(provider=provider, ref=ref, succeeded=succeeded, amount_tiyn=amount_tiyn, currency=currency,
                   reason=reason)


def _settle(*, provider: str, ref: str, succeeded: bool, amount_tiyn: int | None = None,
            currency: str | None = None, reason: str = "") -> str:
    """payment_settle inside the caller's transaction (the webhook's: no savepoint of its own)."""
    payment = _payment_locked(_LOCK_PROVIDER_PAYMENT, [provider, ref])
    if payment is None:
        logger.warning("%s event for an unknown intent %s: nothing done", provider, ref)
        return "unknown_intent"
    if payment.status != Payment.Status.PROCESSING:
        return f"already_{payment.status}"
    if succeeded:
        if amount_tiyn != payment.amount_tiyn or (currency or "").lower() != payment.currency:
            logger.error("payment %s: provider says %s %s, we expect %s %s; nothing done",
                         payment.pk, amount_tiyn, currency, payment.amount_tiyn, payment.currency)
            return "amount_mismatch"
        _succeed(payment, by=provider)
        return "succeeded"
    payment.fail(by=provider, reason=reason or "declined")
    payment.save()
    payment_failed.send(sender=Payment, payment=payment)
    return "failed"


# --- Stripe webhooks ---------------------------------------------------------------------------------

def _on_intent_succeeded(obj: dict) -> str:
    return _settle(provider="stripe", ref=obj["id"], succeeded=True, amount_tiyn=obj.get("amount"),
                   currency=obj.get("currency"))


def _on_intent_failed(obj: dict) -> str:
    error = obj.get("last_payment_error") or {}
    return _settle(provider="stripe", ref=obj["id"], succeeded=False,
                   reason=error.get("message") or error.get("code") or "payment failed")


STRIPE_HANDLERS = {
    "payment_intent.succeeded": _on_intent_succeeded,
    "payment_intent.payment_failed": _on_intent_failed,
}


def stripe_event_verify(*, payload: bytes, signature: str) -> dict:
    """The event, if Stripe's signature over the raw body is good; BadSignature otherwise. The check is the
    library's (stripe.Webhook.construct_event does the same and then builds a StripeObject tree, which cost more
    CPU than the rest of the verification; the handlers read the plain dict)."""
    try:
        stripe.WebhookSignature.verify_header(payload, signature, settings.STRIPE_WEBHOOK_SECRET,
                                              stripe.Webhook.DEFAULT_TOLERANCE)
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise BadSignature(str(exc)) from None
    if not isinstance(event, dict):
        raise BadSignature("the event is not a JSON object")
    return event


# One statement stores an event once: a replay (even one racing the first) inserts nothing and returns no row. Prepared,
# with the event's JSON bound on the server (not quoted into the SQL text by the client).
_WEBHOOK_EVENT_INSERT = (
    f"INSERT INTO {WebhookEvent._meta.db_table} (provider, event_id, type, payload, outcome, received_at) "
    "VALUES (%s, %s, %s, %s::jsonb, '', %s) ON CONFLICT (provider, event_id) DO NOTHING RETURNING id")


@transaction.atomic
def stripe_webhook_receive(*, payload: bytes, signature: str) -> str:
    """Verify, store once by event id, dispatch through STRIPE_HANDLERS. A replay (same event id, even
    concurrently: the second insert waits for the first transaction, then finds its row) does nothing.
    Unknown types are stored and ignored."""
    event = stripe_event_verify(payload=payload, signature=signature)
    event_type = event.get("type", "")
    rows = execute_prepared(_WEBHOOK_EVENT_INSERT, ["stripe", event["id"], event_type,
                                                    json.dumps(event, ensure_ascii=False), timezone.now()])
    if not rows:
        return "replay"
    row = rows[0]
    handler = STRIPE_HANDLERS.get(event_type)
    obj = (event.get("data") or {}).get("object") or {}
    outcome = handler(obj) if handler else "ignored"
    execute_prepared(_WEBHOOK_OUTCOME_UPDATE, [outcome, row[0]])
    return outcome


_WEBHOOK_OUTCOME_UPDATE = f"UPDATE {WebhookEvent._meta.db_table} SET outcome = %s WHERE id = %s"


# --- Refunds -----------------------------------------------------------------------------------------

def payment_refund(*, payment_id: int, amount_tiyn: int) -> Payment:
    """Give back `amount_tiyn` (already moved to refunds:payable by the caller's service) through the
    provider, then clear refunds:payable → the provider's clearing account. Safe to run twice."""
    payment = Payment.objects.get(pk=payment_id)
    if payment.status == Payment.Status.REFUNDED or amount_tiyn <= 0:
        return payment
    provider_for(payment.provider).refund(payment=payment, amount_tiyn=amount_tiyn)
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status == Payment.Status.REFUNDED:
            return payment
        payment.refund(amount_tiyn=amount_tiyn, by=payment.provider)
        payment.save()
        transfer_post(key=f"payment-refund-{payment.pk}",
                      lines=[(refunds_account(), -amount_tiyn), (clearing_account(payment.provider), amount_tiyn)],
                      reason="payment.refund", ref=payment)
    return payment
