"""Payment outcomes → the policy flow. Connected when the policies models load (models/__init__.py)."""
from django.dispatch import receiver

from qalqan.payments.signals import payment_succeeded

HANDLED_SUBJECTS = ("policy", "topup")


@receiver(payment_succeeded, dispatch_uid="policies.on_payment_succeeded")
def on_payment_succeeded(sender, payment, **kwargs):
    if payment.subject not in HANDLED_SUBJECTS:
        return
    from .services import policy_paid, topup_paid

    (policy_paid if payment.subject == "policy" else topup_paid)(payment=payment)
