import pytest

from qalqan.notify.backends import ConsoleBackend, EmailBackend, SmsBackend, get_backend
from qalqan.notify.models import Notification
from qalqan.notify.services import notification_deliver_now, notifications_relay, notify_send


def test_send_writes_the_outbox_and_delivers_after_commit(citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        n = notify_send(person_id=citizen.person.pk, kind="policy_issued", context={"number": "KZQ1", "due": "5 ₸"})
    assert Notification.objects.get(pk=n.pk).status == "pending"  # nothing leaves before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    n.refresh_from_db()
    assert n.status == "sent" and n.attempts == 1 and "KZQ1" in n.body


def test_delivering_twice_sends_once(citizen):
    n = notify_send(person_id=citizen.person.pk, kind="login_code", context={"code": "123456"})
    notification_deliver_now(notification_id=n.pk)
    notification_deliver_now(notification_id=n.pk)
    n.refresh_from_db()
    assert n.status == "sent" and n.attempts == 1


def test_message_is_in_kazakh_by_default_and_falls_back_for_unknown_kinds(citizen):
    n = notify_send(person_id=citizen.person.pk, kind="something_new", context={"a": 1})
    assert n.body.startswith("something_new")


def test_backend_is_chosen_per_channel_by_setting(settings):
    assert isinstance(get_backend("sms"), ConsoleBackend)
    assert isinstance(get_backend("push"), ConsoleBackend)
    assert isinstance(get_backend("email"), EmailBackend)
    settings.NOTIFY_BACKENDS = {**settings.NOTIFY_BACKENDS, "sms": "qalqan.notify.backends.SmsBackend"}
    assert isinstance(get_backend("sms"), SmsBackend)


class Broken(ConsoleBackend):
    def send(self, **kwargs):
        raise ConnectionError("gateway down")


def test_a_failed_delivery_is_retried_by_the_relay(citizen, settings):
    n = notify_send(person_id=citizen.person.pk, kind="policy_paid", context={"number": "X", "valid_until": "Y"})
    settings.NOTIFY_BACKENDS = {**settings.NOTIFY_BACKENDS, "sms": "tests.notify.test_notify.Broken"}
    with pytest.raises(ConnectionError):
        notification_deliver_now(notification_id=n.pk)
    n.refresh_from_db()
    assert n.status == "failed"
    settings.NOTIFY_BACKENDS = {**settings.NOTIFY_BACKENDS, "sms": "qalqan.notify.backends.ConsoleBackend"}
    assert notifications_relay() == 1
    n.refresh_from_db()
    assert n.status == "sent" and n.attempts == 2


def test_a_batch_is_delivered_by_one_task_per_chunk_after_commit(citizen, other_citizen, monkeypatch,
                                                                 django_capture_on_commit_callbacks):
    from qalqan.notify import services

    monkeypatch.setattr(services, "DELIVERY_CHUNK", 2)
    people = [citizen.person, other_citizen.person, citizen.person]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ids = [Notification.objects.create(person=p, kind="login_code", body="code", channel="sms").pk for p in people]
        services.notifications_deliver_batch_after_commit(ids)
    assert set(Notification.objects.values_list("status", flat=True)) == {"pending"}  # nothing before the commit
    assert len(callbacks) == 1
    callbacks[0]()  # eager Celery in tests: the two chunk tasks run here
    assert list(Notification.objects.order_by("pk").values_list("status", "attempts")) == [("sent", 1)] * 3


def test_the_relay_drains_its_backlog_in_chunks_and_leaves_fresh_messages_to_their_tasks(citizen, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from qalqan.notify import services

    monkeypatch.setattr(services, "RELAY_CHUNK", 2)
    old = [Notification.objects.create(person=citizen.person, kind="login_code", body="c", channel="sms")
           for _ in range(5)]
    Notification.objects.filter(pk__in=[n.pk for n in old]).update(created_at=timezone.now() - timedelta(hours=1))
    fresh = Notification.objects.create(person=citizen.person, kind="login_code", body="c", channel="sms")

    assert notifications_relay() == 5
    assert set(Notification.objects.filter(pk__in=[n.pk for n in old]).values_list("status", flat=True)) == {"sent"}
    fresh.refresh_from_db()
    assert fresh.status == "pending"
