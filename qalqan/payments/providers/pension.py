"""SANDBOX: paying from pension savings (ЕНПФ) above the sufficiency threshold.

No such public service exists yet (DOMAIN.md). This sandbox stands behind the same provider interface
and approves every request at once, so the flow can be built and tested; it moves no real money.
Replace it with a real client when ЕНПФ offers one.
"""
import hashlib

from .base import Intent, PaymentProvider


class PensionSandboxProvider(PaymentProvider):
    name = "pension"
    label = "pension savings (SANDBOX — no real money moves)"
    sandbox = True

    def create_intent(self, *, payment, payment_method: str | None = None) -> Intent:
        digest = hashlib.sha256(f"pension:{payment.pk}:{payment.amount_tiyn}".encode()).hexdigest()[:24]
        return Intent(ref=f"pension_sandbox_{digest}", status="succeeded", settled=True)

    def retrieve_intent(self, *, ref: str) -> Intent:
        return Intent(ref=ref, status="succeeded", settled=True)

    def refund(self, *, payment, amount_tiyn: int) -> str:
        return f"pension_sandbox_refund_{payment.pk}_{amount_tiyn}"
