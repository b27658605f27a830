"""Payment reads; the one place that scopes payments to their payer (another citizen's payment is 404)."""
from qalqan.core.sql import fetch_one_prepared

from .models import Payment


def payments_for(principal):
    if principal is None or principal.kind != "citizen":
        return Payment.objects.none()
    return Payment.objects.filter(person_id=principal.person_id)


def payment_for_subject(*, subject: str, subject_id: int) -> Payment | None:
    return Payment.objects.filter(subject=subject, subject_id=subject_id).first()


_PAYMENT_ID_SQL = f"SELECT id FROM {Payment._meta.db_table} WHERE subject = %s AND subject_id = %s"


def payment_id_for_subject(*, subject: str, subject_id: int) -> int | None:
    """The id of a subject's payment, in one prepared statement (every application's answer names it)."""
    row = fetch_one_prepared(_PAYMENT_ID_SQL, [subject, subject_id])
    return row[0] if row else None
