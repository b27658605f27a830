"""Delivery of messages committed one at a time at a high rate (a clinic's single insured events): after each
commit the web process hands the message ids to a gatherer, which queues one notify.deliver_many task for all the
ids handed over within GATHER_SECONDS, instead of a Celery task per message. Queueing a task costs Celery and
kombu 0.6–1 ms of the web process's CPU, as much as the rest of a single event's intake.

A message whose task is never queued (the process ends within the window, or the broker is down) stays pending
and the relay sends it after RELAY_GRACE (qalqan/notify/services.py), as for any lost task. With tasks run eagerly
(tests, a laptop without a broker) each commit delivers at once, as notifications_deliver_after_commit does.
"""
import logging
import os
import threading
import time

from celery import current_app
from django.db import transaction

from .services import DELIVERY_CHUNK, notifications_deliver_after_commit

logger = logging.getLogger(__name__)

GATHER_SECONDS = 0.05


def notifications_deliver_gathered_after_commit(notification_ids: list[int]) -> None:
    """Have these outbox messages delivered shortly after the current transaction commits, in one task with the
    other messages this process commits meanwhile."""
    if current_app.conf.task_always_eager:
        notifications_deliver_after_commit(notification_ids)
    else:
        transaction.on_commit(lambda: _gatherer.add(notification_ids))


def _queue(notification_ids: list[int]) -> None:
    from .tasks import notifications_deliver_many

    for start in range(0, len(notification_ids), DELIVERY_CHUNK):
        notifications_deliver_many.delay(notification_ids[start:start + DELIVERY_CHUNK])


class _Gatherer:
    """Ids handed over by request threads; one thread per process queues them every GATHER_SECONDS while any
    come in (it sleeps otherwise)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._ids: list[int] = []
        self._waiting = threading.Event()
        self._pid: int | None = None

    def add(self, notification_ids: list[int]) -> None:
        with self._lock:
            self._ids.extend(notification_ids)
            if self._pid != os.getpid():  # the first ids of this process (a forked worker starts its own thread)
                self._pid = os.getpid()
                threading.Thread(target=self._run, name="notify-gathering", daemon=True).start()
        self._waiting.set()

    def _run(self) -> None:
        while True:
            self._waiting.wait()
            time.sleep(GATHER_SECONDS)
            with self._lock:
                gathered, self._ids = self._ids, []
                self._waiting.clear()
            if not gathered:
                continue
            try:
                _queue(gathered)
            except Exception:  # the broker is down: the relay sends them after RELAY_GRACE
                logger.exception("could not queue the delivery of %d messages", len(gathered))


_gatherer = _Gatherer()
