from celery import shared_task

from .services import notification_deliver_now, notifications_relay
from .services import notifications_deliver_many as deliver_many


@shared_task(name="notify.deliver", autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def notification_deliver(notification_id: int) -> None:
    notification_deliver_now(notification_id=notification_id)


@shared_task(name="notify.deliver_many")
def notifications_deliver_many(notification_ids: list[int]) -> int:
    return deliver_many(notification_ids)


@shared_task(name="notify.relay")
def notification_relay() -> int:
    return notifications_relay()
