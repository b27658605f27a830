from celery import shared_task

from .services import events_confirm_silent


@shared_task(name="claims.confirm_silent")
def claims_confirm_silent() -> int:
    """Events whose patient did not answer by the deadline count as confirmed (idempotent)."""
    return events_confirm_silent()
