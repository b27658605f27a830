from celery import shared_task

from .services import notification_deliver_now, notifications_relay


@shared_task(name="notify.deliver", autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def notification_deliver(notification_id: int) -> None:
    notification_deliver_now(notification_id=notification_id)


@shared_task(name="notify.relay")
def notification_relay() -> int:
    return notifications_relay()
