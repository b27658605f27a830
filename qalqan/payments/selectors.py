"""Payment reads; the one place that scopes payments to their payer (another citizen's payment is 404)."""
from .models import Payment


def payments_for(principal):
    if principal is None or principal.kind != "citizen":
        return Payment.objects.none()
    return Payment.objects.filter(person_id=principal.person_id)


def payment_for_subject(*, subject: str, subject_id: int) -> Payment | None:
    return Payment.objects.filter(subject=subject, subject_id=subject_id).first()
