"""The interface every payment provider implements."""
from abc import ABC, abstractmethod
from dataclasses import dataclass


class ProviderError(Exception):
    """The provider refused or could not be reached; nothing was charged."""


@dataclass(frozen=True)
class Intent:
    ref: str  # the provider's id of this attempt
    client_secret: str = ""  # for a browser to confirm (Stripe.js); empty when nothing is left to confirm
    status: str = ""  # the provider's own status word
    settled: bool = False  # the provider says it is paid now (sandbox); Stripe waits for its webhook


class PaymentProvider(ABC):
    name: str = ""
    label: str = ""
    sandbox: bool = False

    @abstractmethod
    def create_intent(self, *, payment, payment_method: str | None = None) -> Intent:
        """Start charging `payment.amount_tiyn` in `payment.currency`; idempotent per payment attempt."""

    @abstractmethod
    def retrieve_intent(self, *, ref: str) -> Intent:
        """The current state of an attempt."""

    @abstractmethod
    def refund(self, *, payment, amount_tiyn: int) -> str:
        """Give `amount_tiyn` back; returns the provider's refund id."""
