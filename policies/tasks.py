from celery import shared_task

from qalqan.payments.services import payment_refund

from .services import policies_daily


@shared_task(name="policies.daily")
def policies_daily_task() -> dict:
    """Cancel the unpaid past their deadline, expire the ended, follow insurance status, warn of expiry."""
    return policies_daily()


@shared_task(name="policies.payment_refund", autoretry_for=(Exception,), retry_backoff=True, max_retries=8)
def payment_refund_task(payment_id: int, amount_tiyn: int) -> None:
    payment_refund(payment_id=payment_id, amount_tiyn=amount_tiyn)
