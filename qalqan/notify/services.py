import json
import time
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from qalqan.core.sql import execute_prepared
from qalqan.people.models import Person

from .backends import get_backend
from .channels import channel_of, channel_still_reaching
from .messages import render
from .models import Notification


@transaction.atomic(savepoint=False)
def notify_send(*, person_id: int, kind: str, context: dict, person: Person | None = None) -> Notification:
    """Write the message to the outbox now, on the person's channel (qalqan/notify/channels.py); a Celery
    task delivers it after the transaction commits. `person`: the person's row when the caller has it already
    (read in this transaction), else it is read here."""
    if person is None or person.pk != person_id:
        person = Person.objects.only("notify_channel", "email").get(pk=person_id)
    notification = Notification(person_id=person_id, kind=kind, context=context, body=render(kind, context),
                                channel=channel_of(person, kind), created_at=timezone.now())
    ((notification.pk,),) = execute_prepared(_NOTIFICATION_INSERT, [
        person_id, kind, json.dumps(context), notification.channel, notification.body, notification.status,
        notification.created_at])
    notification._state.adding, notification._state.db = False, connection.alias
    notifications_deliver_after_commit([notification.pk])
    return notification


# One prepared statement per message (an application writes two; the ORM's INSERT cost more client CPU).
_NOTIFICATION_INSERT = (
    f"INSERT INTO {Notification._meta.db_table} (person_id, kind, context, channel, body, status, attempts, "
    "created_at, sent_at) VALUES (%s, %s, %s::jsonb, %s, %s, %s, 0, %s, NULL) RETURNING id")


def notifications_deliver_after_commit(notification_ids: list[int]) -> None:
    """Queue the delivery of these outbox messages once the current transaction commits (one task each)."""
    transaction.on_commit(lambda: _enqueue(notification_ids))


def _enqueue(notification_ids: list[int]) -> None:
    from .tasks import notification_deliver

    for notification_id in notification_ids:
        notification_deliver.delay(notification_id)


DELIVERY_CHUNK = 200


def notifications_deliver_batch_after_commit(notification_ids: list[int]) -> None:
    """For a batch (a clinic's 1 000 events): one task per DELIVERY_CHUNK messages after the commit, so that
    delivery keeps pace with intake on as many workers as there are, not with the relay's sweep."""
    from .tasks import notifications_deliver_many

    chunks = [notification_ids[i:i + DELIVERY_CHUNK] for i in range(0, len(notification_ids), DELIVERY_CHUNK)]
    transaction.on_commit(lambda: [notifications_deliver_many.delay(chunk) for chunk in chunks])


def notifications_deliver_many(notification_ids: list[int]) -> int:
    """Deliver each message in its own transaction; one that fails is recorded as failed (the relay tries it
    again) and does not hold up the others. Returns how many were sent."""
    sent = 0
    for pk in notification_ids:
        try:
            sent += notification_deliver_now(notification_id=pk).status == Notification.Status.SENT
        except Exception:
            continue
    return sent


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


RELAY_GRACE = timedelta(minutes=5)  # a pending message younger than this has its delivery task still queued
RELAY_CHUNK = 500


def notifications_relay(*, budget_seconds: float = 50.0) -> int:
    """Re-send what failed, and what is pending past RELAY_GRACE (its task was lost), in chunks until none is
    left or the budget (under the beat's minute) is spent. Returns how many were tried."""
    started, tried, after = time.monotonic(), 0, 0
    stale = Q(status="pending", created_at__lt=timezone.now() - RELAY_GRACE) | Q(status="failed")
    while time.monotonic() - started < budget_seconds:
        ids = list(Notification.objects.filter(stale, attempts__lt=5, pk__gt=after).order_by("pk")
                   .values_list("pk", flat=True)[:RELAY_CHUNK])
        if not ids:
            break
        notifications_deliver_many(ids)
        tried, after = tried + len(ids), ids[-1]
    return tried
