import os
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from qalqan.api.models import IdempotencyRecord
from qalqan.api.tasks import purge_idempotency_records

BROKER = os.environ.get("CELERY_BROKER_URL", "")


def _old_and_new_records():
    old = IdempotencyRecord.objects.create(caller="org:1", key="old", fingerprint="x")
    IdempotencyRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    IdempotencyRecord.objects.create(caller="org:1", key="new", fingerprint="y")


@pytest.mark.django_db
def test_tasks_run_eagerly_without_a_broker(settings):
    _old_and_new_records()
    assert purge_idempotency_records.delay().get() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not BROKER, reason="test_real_worker_runs_a_task: no CELERY_BROKER_URL given (CI sets one)")
def test_real_worker_runs_a_task():
    from celery.contrib.testing.worker import start_worker

    from qalqan.celery import app

    _old_and_new_records()
    app.conf.update(broker_url=BROKER, task_always_eager=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            purge_idempotency_records.delay()
            deadline = time.monotonic() + 30
            while IdempotencyRecord.objects.filter(key="old").exists() and time.monotonic() < deadline:
                time.sleep(0.1)
    finally:
        app.conf.update(task_always_eager=True)
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.broker
@pytest.mark.skipif(not BROKER.startswith(("redis://", "rediss://")),
                    reason="test_redis_channel_publishes_through_one_client: no redis:// CELERY_BROKER_URL given")
def test_redis_channel_publishes_through_one_client():
    import uuid

    from kombu import Connection

    name = f"qalqan-test-{uuid.uuid4().hex[:12]}"
    with Connection(BROKER, transport="qalqan.celery_redis:Transport") as connection:
        channel = connection.default_channel
        client = channel._create_client()
        assert channel._create_client() is client and channel._create_client(asynchronous=True) is not client
        queue = connection.SimpleQueue(name)
        try:
            for n in range(3):
                queue.put({"n": n})
            received = []
            for _ in range(3):
                message = queue.get(timeout=5)
                received.append(message.payload["n"])
                message.ack()
            assert received == [0, 1, 2] and channel._create_client() is client
        finally:
            queue.clear()
            queue.close()
            channel.client.delete(name)
