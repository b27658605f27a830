"""Messages committed one at a time are queued for delivery in one task per moment, and only after their commit."""
import threading
import time

import pytest
from celery import current_app
from django.db import transaction

import qalqan.notify.gathering as gathering
import qalqan.notify.tasks as tasks


@pytest.fixture
def queued(monkeypatch):
    """Tasks run by a broker (not eagerly) and a gatherer of its own; what would be queued is recorded."""
    monkeypatch.setattr(gathering, "_gatherer", gathering._Gatherer())
    calls, arrived = [], threading.Event()

    def delay(ids):
        calls.append(list(ids))
        arrived.set()

    monkeypatch.setattr(tasks.notifications_deliver_many, "delay", delay)
    current_app.conf.update(task_always_eager=False)
    try:
        yield calls, arrived
    finally:
        current_app.conf.update(task_always_eager=True)


def _commit(ids, *, rollback=False):
    with transaction.atomic():
        gathering.notifications_deliver_gathered_after_commit(ids)
        transaction.set_rollback(rollback)


@pytest.mark.django_db(transaction=True)
def test_the_ids_of_commits_within_a_moment_go_in_one_task_and_a_rollback_queues_nothing(queued):
    calls, arrived = queued
    _commit([1])
    _commit([2, 3])
    _commit([99], rollback=True)
    assert calls == []  # nothing before the moment is over
    assert arrived.wait(5)
    time.sleep(gathering.GATHER_SECONDS * 2)
    assert calls == [[1, 2, 3]]

    arrived.clear()
    _commit(list(range(10, 10 + gathering.DELIVERY_CHUNK + 1)))  # a later moment: a task of its own, in chunks
    assert arrived.wait(5)
    time.sleep(gathering.GATHER_SECONDS * 2)
    assert [len(c) for c in calls] == [3, gathering.DELIVERY_CHUNK, 1]


@pytest.mark.django_db(transaction=True)
def test_a_broker_that_fails_loses_no_later_ids(queued, monkeypatch):
    calls, arrived = queued
    real_delay = tasks.notifications_deliver_many.delay
    failures = []

    def fail_once(ids):
        if not failures:
            failures.append(ids)
            raise ConnectionError("broker down")
        real_delay(ids)

    monkeypatch.setattr(tasks.notifications_deliver_many, "delay", fail_once)
    _commit([1])
    time.sleep(gathering.GATHER_SECONDS * 3)  # the failed ones stay pending: the relay sends them later
    _commit([2])
    assert arrived.wait(5)
    assert failures == [[1]] and calls == [[2]]


def test_with_eager_tasks_each_commit_delivers_at_once(citizen, django_capture_on_commit_callbacks):
    from qalqan.notify.models import Notification
    from qalqan.notify.services import notify_send

    with django_capture_on_commit_callbacks(execute=True):
        message = notify_send(person_id=citizen.person.pk, kind="login_code", context={"code": "1"})
    Notification.objects.filter(pk=message.pk).update(status="pending", attempts=0)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        gathering.notifications_deliver_gathered_after_commit([message.pk])
    assert len(callbacks) == 1
    message.refresh_from_db()
    assert message.status == "sent"
