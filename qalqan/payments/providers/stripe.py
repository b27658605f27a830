"""Card payments through Stripe (the real `stripe` library; locally it points at localstripe).

KZT is a two-decimal currency for Stripe, so `amount` is in tiyn exactly as we keep it.
localstripe cannot confirm with a payment method passed to confirm(): the method is attached when
the PaymentIntent is created and it is confirmed in the same call (confirm=True).
"""
from functools import lru_cache

import requests
import stripe
from django.conf import settings

from .base import Intent, PaymentProvider, ProviderError


def stripe_client() -> stripe.StripeClient:
    """One client per key and API address in the process: its HTTP client keeps a session (and the connection
    to Stripe alive) per thread, instead of a new client, session and TLS connection for every payment."""
    return _client(settings.STRIPE_API_KEY, settings.STRIPE_API_BASE)


@lru_cache(maxsize=8)
def _client(api_key: str, api_base: str) -> stripe.StripeClient:
    return stripe.StripeClient(api_key, base_addresses={"api": api_base}, max_network_retries=2,
                               http_client=_RequestsClient(proxies=requests.utils.get_environ_proxies(api_base)))


class _RequestsClient(stripe.RequestsClient):
    """Stripe's requests-based HTTP client (a session per thread, as the library's own), whose sessions take the
    environment's proxy settings for the API address once, when the client is made, instead of on every call:
    a requests session that trusts the environment reads and lowercases every environment variable to find
    proxies and looks for a ~/.netrc on each request (a quarter of a card payment's client CPU). The CA bundle is
    Stripe's own either way (the library passes its path), and a ~/.netrc entry would only have replaced Stripe's
    bearer token."""

    def __init__(self, *, proxies: dict[str, str]):
        super().__init__()
        self._proxies = dict(proxies)

    def _request_internal(self, *args, **kwargs):
        if getattr(self._thread_local, "session", None) is None:
            session = requests.Session()
            session.trust_env = False
            session.proxies.update(self._proxies)
            self._thread_local.session = session
        return super()._request_internal(*args, **kwargs)


class StripeProvider(PaymentProvider):
    name = "stripe"
    label = "card (Stripe)"

    def __init__(self, client: stripe.StripeClient | None = None):
        self.client = client or stripe_client()

    def create_intent(self, *, payment, payment_method: str | None = None) -> Intent:
        params = {
            "amount": payment.amount_tiyn,
            "currency": payment.currency,
            "metadata": {"payment": str(payment.pk), "subject": f"{payment.subject}:{payment.subject_id}"},
        }
        if payment_method:
            params.update(payment_method=payment_method, confirm=True)
        else:
            params["payment_method_types"] = ["card"]
        try:  # the plain JSON answer: the three fields read here, without building a StripeObject tree of it
            intent = self.client.raw_request(
                "post", "/v1/payment_intents", **params,
                idempotency_key=f"qalqan-payment-{payment.pk}-{payment_method or 'open'}").data
        except stripe.StripeError as exc:
            raise ProviderError(getattr(exc, "user_message", None) or str(exc)) from exc
        return Intent(ref=intent["id"], client_secret=intent.get("client_secret") or "", status=intent["status"])

    def retrieve_intent(self, *, ref: str) -> Intent:
        try:
            intent = self.client.v1.payment_intents.retrieve(ref)
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc
        return Intent(ref=intent.id, client_secret=intent.client_secret or "", status=intent.status)

    def refund(self, *, payment, amount_tiyn: int) -> str:
        try:
            refund = self.client.v1.refunds.create(
                params={"payment_intent": payment.provider_ref, "amount": amount_tiyn},
                options={"idempotency_key": f"qalqan-refund-{payment.pk}-{amount_tiyn}"})
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc
        return refund.id
