from ninja import Router, Schema

from qalqan.api.auth import citizen_auth
from qalqan.api.errors import BadRequest, NotFound

from .models import Payment
from .services import BadSignature, Started, payment_start, stripe_webhook_receive

router = Router(tags=["payments"])


class StripeStartIn(Schema):
    payment_method: str | None = None


class StripeStartOut(Schema):
    payment: int
    status: str
    payment_intent: str
    client_secret: str
    publishable_key: str


class PaymentOut(Schema):
    id: int
    status: str
    amount_tiyn: int
    provider: str
    sandbox: bool


class WebhookOut(Schema):
    received: bool
    outcome: str


def _start_own(request, payment_id: int, provider: str, payment_method: str | None = None) -> Started:
    """Start paying one of the caller's own payments (payment_start locks it by id and payer: another
    citizen's payment or an unknown id is 404, with no separate look-up first)."""
    try:
        return payment_start(payment_id=payment_id, person_id=request.principal.person_id, provider=provider,
                             payment_method=payment_method, by=request.principal.actor)
    except Payment.DoesNotExist:
        raise NotFound() from None


@router.post("/citizen/payments/{payment_id}/stripe", auth=citizen_auth, response=StripeStartOut,
             summary="Pay by card: a Stripe PaymentIntent in KZT (tiyn). With `payment_method` (a card or pm_ id "
                     "from Stripe.js) it is confirmed at once; the payment succeeds when Stripe's signed webhook says so")
def pay_by_card(request, payment_id: int, payload: StripeStartIn | None = None):
    from django.conf import settings

    started = _start_own(request, payment_id, "stripe", payload.payment_method if payload else None)
    return {"payment": started.payment.pk, "status": started.payment.status, "payment_intent": started.intent.ref,
            "client_secret": started.intent.client_secret, "publishable_key": settings.STRIPE_PUBLISHABLE_KEY}


@router.post("/citizen/payments/{payment_id}/pension", auth=citizen_auth, response=PaymentOut,
             summary="Pay from pension savings — a SANDBOX provider until a real ЕНПФ service exists")
def pay_from_pension(request, payment_id: int):
    started = _start_own(request, payment_id, "pension")
    payment = started.payment
    return {"id": payment.pk, "status": payment.status, "amount_tiyn": payment.amount_tiyn,
            "provider": payment.provider, "sandbox": True}


@router.post("/webhooks/stripe", response=WebhookOut, auth=None,
             summary="Stripe's signed events. Bad signature → 400, nothing changes; a replayed event id → 200 and "
                     "nothing more; an event for an intent we do not know → 200, logged, nothing done")
def stripe_webhook(request):
    try:
        outcome = stripe_webhook_receive(payload=request.body,
                                         signature=request.headers.get("Stripe-Signature", ""))
    except BadSignature as exc:
        raise BadRequest(f"the Stripe signature does not verify: {exc}") from None
    return {"received": True, "outcome": outcome}
