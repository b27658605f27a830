"""Paying refunds out: a bank-transfer provider behind a small interface.

No real bank integration exists yet, so the default is a sandbox that records payouts in memory and
answers like a bank would. A real provider implements `PayoutProvider` and is listed in PROVIDERS.
Providers are called outside any database transaction and must be idempotent by `reference`.
"""
import hashlib
import logging
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings

from qalqan.core.masking import mask_iins_in_text

logger = logging.getLogger(__name__)


class PayoutFailed(Exception):
    pass


@dataclass(frozen=True)
class Payout:
    reference: str
    provider_reference: str
    amount_tiyn: int


class PayoutProvider(Protocol):
    code: str

    def pay(self, *, reference: str, amount_tiyn: int, recipient: str) -> Payout:
        """Send `amount_tiyn` to `recipient` (ИИН or БИН); the same reference twice pays once."""


class BankSandboxProvider:
    """Pays every well-formed request at once; the same reference returns the first payout."""

    code = "bank"

    def __init__(self):
        self.sent: dict[str, Payout] = {}

    def pay(self, *, reference: str, amount_tiyn: int, recipient: str) -> Payout:
        if amount_tiyn <= 0 or not (len(recipient) == 12 and recipient.isdigit()):
            raise PayoutFailed("the bank refuses: a positive amount and a 12-digit ИИН/БИН are required")
        if reference not in self.sent:
            digest = hashlib.sha256(f"{reference}:{amount_tiyn}:{recipient}".encode()).hexdigest()[:16]
            self.sent[reference] = Payout(reference, f"bank-sandbox-{digest}", amount_tiyn)
            logger.info("sandbox payout %s of %s tiyn to %s", reference, amount_tiyn, mask_iins_in_text(recipient))
        return self.sent[reference]


PROVIDERS = {"bank_sandbox": BankSandboxProvider()}


def payout_provider() -> PayoutProvider:
    return PROVIDERS[getattr(settings, "REFUND_PAYOUT_PROVIDER", "bank_sandbox")]
