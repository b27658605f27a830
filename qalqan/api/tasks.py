from celery import shared_task

from .idempotency import idempotency_records_purge


@shared_task(name="api.purge_idempotency_records")
def purge_idempotency_records() -> int:
    """Drop Idempotency-Key records older than their 24-hour replay window."""
    return idempotency_records_purge()
