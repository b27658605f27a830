from django.db import transaction
from django.utils import timezone

from qalqan.people.models import Person

from .backends import get_backend
from .channels import channel_of, channel_still_reaching
from .messages import render
from .models import Notification


@transaction.atomic
def notify_send(*, person_id: int, kind: str, context: dict) -> Notification:
    """Write the message to the outbox now, on the person's channel (qalqan/notify/channels.py); a Celery
    task delivers it after the transaction commits."""
    person = Person.objects.only("notify_channel", "email").get(pk=person_id)
    notification = Notification.objects.create(person_id=person_id, kind=kind, context=context,
                                               body=render(kind, context), channel=channel_of(person, kind))
    notifications_deliver_after_commit([notification.pk])
    return notification


def notifications_deliver_after_commit(notification_ids: list[int]) -> None:
    """Queue the delivery of these outbox messages once the current transaction commits (one task each)."""
    transaction.on_commit(lambda: _enqueue(notification_ids))


def _enqueue(notification_ids: list[int]) -> None:
    from .tasks import notification_deliver

    for notification_id in notification_ids:
        notification_deliver.delay(notification_id)


def notification_deliver_now(*, notification_id: int) -> Notification:
    """Deliver one pending message (safe to run twice: a sent message is not sent again)."""
    failure = None
    with transaction.atomic():
        notification = Notification.objects.select_for_update(of=("self",)).select_related("person").get(pk=notification_id)
        if notification.status == Notification.Status.SENT:
            return notification
        notification.attempts += 1
        notification.channel = channel_still_reaching(notification.person, notification.channel)
        try:
            get_backend(notification.channel).send(person=notification.person, body=notification.body,
                                                   notification=notification)
        except Exception as exc:  # recorded, then raised after the commit so Celery retries
            failure = exc
            notification.status = Notification.Status.FAILED
            notification.save(update_fields=["status", "attempts", "channel"])
        else:
            notification.status, notification.sent_at = Notification.Status.SENT, timezone.now()
            notification.save(update_fields=["status", "attempts", "channel", "sent_at"])
    if failure is not None:
        raise failure
    return notification


def notifications_relay() -> int:
    """Re-send whatever is still pending or failed (beat task)."""
    ids = list(Notification.objects.filter(status__in=["pending", "failed"], attempts__lt=5)
               .values_list("pk", flat=True)[:500])
    for pk in ids:
        try:
            notification_deliver_now(notification_id=pk)
        except Exception:
            continue
    return len(ids)
