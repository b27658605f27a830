"""The push feed: outbox written with every policy change, signed delivery, retries, dead letters."""
import json
import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from policies.models import Policy
from qalqan.feed import services
from qalqan.feed.models import OutboxMessage
from qalqan.feed.signing import verify


@pytest.fixture
def endpoint(fund, insurer, receiver):
    response = fund.api.post("/fund/insurer-endpoints", {"insurer": insurer.organisation.code, "url": receiver.url})
    assert response.status_code == 201, response.content
    return response.json()


def test_each_policy_change_writes_one_message_in_its_transaction(new_policy):
    policy = new_policy()
    created = OutboxMessage.objects.get()
    assert created.event_type == "policy.created" and created.insurer_id == policy.insurer_id
    assert created.payload["number"] == policy.number and created.payload["status"] == "active"
    policy = Policy.objects.get(pk=policy.pk)
    policy.suspend(by="test")
    policy.save()
    suspended = OutboxMessage.objects.latest("id")
    assert suspended.event_type == "policy.suspend"
    assert suspended.payload["status"] == "suspended"
    assert suspended.payload["transitions"] == [{"name": "suspend", "from": "active", "to": "suspended"}]
    assert OutboxMessage.objects.count() == 2


def test_a_rolled_back_change_leaves_no_message_and_sends_nothing(new_policy, endpoint, receiver):
    policy = new_policy()
    services.outbox_relay(max_seconds=5)
    sent = len(receiver.requests)
    before = OutboxMessage.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        locked = Policy.objects.get(pk=policy.pk)
        locked.suspend()
        locked.save()
        raise RuntimeError("the service failed after the transition")
    assert OutboxMessage.objects.count() == before
    services.outbox_relay(max_seconds=5)
    assert len(receiver.requests) == sent


def test_delivery_is_signed_per_standard_webhooks(new_policy, endpoint, receiver):
    new_policy()
    result = services.outbox_relay(max_seconds=5)
    assert result.delivered == 1
    message = OutboxMessage.objects.get()
    assert message.delivered_at is not None and message.attempts == 1 and message.last_status == 200
    request = receiver.requests[0]
    headers = request["headers"]
    assert headers["webhook-id"] == str(message.event_id)
    assert verify(secret=endpoint["secret"], msg_id=headers["webhook-id"], timestamp=int(headers["webhook-timestamp"]),
                  body=request["body"], header=headers["webhook-signature"])
    assert not verify(secret=endpoint["secret"], msg_id=headers["webhook-id"],
                      timestamp=int(headers["webhook-timestamp"]), body=request["body"] + b" ",
                      header=headers["webhook-signature"])
    body = json.loads(request["body"])
    assert body["type"] == "policy.created" and body["data"]["number"] == message.payload["number"]
    # delivered messages are not sent again
    assert services.outbox_relay(max_seconds=5).attempted == 0


def test_rotation_signs_with_both_secrets_until_the_old_one_expires(fund, new_policy, endpoint, receiver):
    old = endpoint["secret"]
    rotated = fund.api.post(f"/fund/insurer-endpoints/{endpoint['id']}/rotate").json()
    new = rotated["secret"]
    assert new != old and len(rotated["secrets"]) == 2
    new_policy()
    services.outbox_relay(max_seconds=5)
    request = receiver.requests[-1]
    headers = request["headers"]
    assert len(headers["webhook-signature"].split()) == 2
    for secret in (old, new):
        assert verify(secret=secret, msg_id=headers["webhook-id"], timestamp=int(headers["webhook-timestamp"]),
                      body=request["body"], header=headers["webhook-signature"])
    # after the overlap only the new secret signs
    from qalqan.feed.models import EndpointSecret
    EndpointSecret.objects.filter(expires_at__isnull=False).update(expires_at=timezone.now() - timedelta(seconds=1))
    new_policy()
    services.outbox_relay(max_seconds=5)
    headers, body = receiver.requests[-1]["headers"], receiver.requests[-1]["body"]
    assert len(headers["webhook-signature"].split()) == 1
    assert verify(secret=new, msg_id=headers["webhook-id"], timestamp=int(headers["webhook-timestamp"]), body=body,
                  header=headers["webhook-signature"])
    assert not verify(secret=old, msg_id=headers["webhook-id"], timestamp=int(headers["webhook-timestamp"]),
                      body=body, header=headers["webhook-signature"])


def test_500_is_retried_with_exponential_backoff_then_dead_then_redelivered(
        settings, insurer, new_policy, endpoint, receiver):
    settings.FEED_MAX_ATTEMPTS = 3
    settings.FEED_BACKOFF_BASE_SECONDS = 10
    receiver.status = 500
    new_policy()
    message = OutboxMessage.objects.get()
    waits = []
    for attempt in (1, 2):
        started = timezone.now()
        assert services.outbox_relay_batch().failed == 1
        message.refresh_from_db()
        assert message.attempts == attempt and message.last_status == 500 and "HTTP 500" in message.last_error
        waits.append((message.next_attempt_at - started).total_seconds())
        assert services.outbox_relay_batch().attempted == 0  # not due yet
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert 10 <= waits[0] < 12 and 20 <= waits[1] < 22
    assert services.outbox_relay_batch().dead == 1
    message.refresh_from_db()
    assert message.state == "dead" and message.attempts == 3

    dead = insurer.api.get("/insurer/feed/dead-letters").json()["items"]
    assert [m["id"] for m in dead] == [message.pk]
    assert services.outbox_relay_batch().attempted == 0  # dead letters are not retried on their own
    receiver.status = 200
    response = insurer.api.post(f"/insurer/feed/dead-letters/{message.pk}/redeliver")
    assert response.status_code == 200 and response.json()["state"] == "pending"
    assert services.outbox_relay_batch().delivered == 1
    message.refresh_from_db()
    assert message.state == "delivered"
    assert insurer.api.get("/insurer/feed/dead-letters").json()["items"] == []
    # only a dead message can be re-delivered
    assert insurer.api.post(f"/insurer/feed/dead-letters/{message.pk}/redeliver").status_code == 409
    assert len(set(receiver.ids())) == 1  # one event id throughout: the insurer de-duplicates by it


def test_redelivery_is_scoped_and_fund_sees_all(settings, fund, other_insurer, new_policy, endpoint, receiver):
    settings.FEED_MAX_ATTEMPTS = 1
    receiver.status = 503
    new_policy()
    services.outbox_relay_batch()
    message = OutboxMessage.objects.get()
    assert message.state == "dead"
    assert other_insurer.api.post(f"/insurer/feed/dead-letters/{message.pk}/redeliver").status_code == 404
    assert other_insurer.api.get("/insurer/feed/dead-letters").json()["items"] == []
    assert [m["id"] for m in fund.api.get("/insurer/feed/dead-letters").json()["items"]] == [message.pk]
    assert fund.api.post(f"/insurer/feed/dead-letters/{message.pk}/redeliver").status_code == 200


def test_timeout_counts_as_a_failed_attempt(settings, new_policy, endpoint, receiver):
    settings.FEED_TIMEOUT_SECONDS = 0.3
    receiver.delay = 1.0
    new_policy()
    result = services.outbox_relay_batch()
    assert result.failed == 1
    message = OutboxMessage.objects.get()
    assert message.last_status is None and "timeout" in message.last_error and message.attempts == 1


def test_slow_200_within_the_timeout_is_delivered(settings, new_policy, endpoint, receiver):
    settings.FEED_TIMEOUT_SECONDS = 3
    receiver.delay = 0.4
    new_policy()
    assert services.outbox_relay_batch().delivered == 1


def test_no_endpoint_keeps_messages_waiting(new_policy):
    new_policy()
    assert services.outbox_relay_batch().attempted == 0
    assert OutboxMessage.objects.get().state == "pending"


@pytest.mark.django_db(transaction=True)
def test_two_relays_at_once_never_send_a_message_twice(refdata, make_org, make_person, receiver):
    from tests.fund.subsidy_factories import basic_version, make_policy

    org = make_org("insurer", "insurer-race").organisation
    services.endpoint_register(insurer_code=org.code, url=receiver.url)
    version = basic_version(org)
    for _ in range(12):
        make_policy(holder=make_person(categories=["pensioner"]), insurer=org, version=version)
    receiver.delay = 0.05
    barrier = threading.Barrier(2)
    results = []

    def relay():
        barrier.wait()
        try:
            results.append(services.outbox_relay_batch(limit=8))
        finally:
            connection.close()

    threads = [threading.Thread(target=relay) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.delivered for r in results) == 12
    assert len(receiver.ids()) == len(set(receiver.ids())) == 12
    assert OutboxMessage.objects.filter(delivered_at__isnull=False).count() == 12



@pytest.fixture
def relay_runs(settings, monkeypatch):
    """The relay runs queued after commits (FEED_RELAY_ON_COMMIT on from now; set it after the fixtures' own
    policies: the test's transaction never commits, so a run they queued would stand for the whole test)."""
    from qalqan.feed import tasks

    settings.FEED_RELAY_ON_COMMIT = True
    queued = []
    monkeypatch.setattr(tasks.outbox_relay, "delay", lambda: queued.append(1))
    return queued


def test_one_relay_run_is_queued_per_transaction_however_many_messages_it_writes(
        new_policy, request, django_capture_on_commit_callbacks):
    policy = new_policy()
    queued = request.getfixturevalue("relay_runs")
    before = OutboxMessage.objects.count()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        locked = Policy.objects.get(pk=policy.pk)
        locked.suspend(by="test")
        locked.save()
        locked.resume(by="test")
        locked.save()
    assert OutboxMessage.objects.count() == before + 2
    assert queued == [1]


def test_a_relay_run_queued_in_a_rolled_back_savepoint_is_queued_again_by_the_next_message(
        new_policy, request, django_capture_on_commit_callbacks):
    policy = new_policy()
    queued = request.getfixturevalue("relay_runs")
    before = OutboxMessage.objects.count()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():  # its message and its relay run roll back
            locked = Policy.objects.get(pk=policy.pk)
            locked.suspend(by="test")
            locked.save()
            raise RuntimeError("the savepoint rolls back")
        locked = Policy.objects.get(pk=policy.pk)
        locked.suspend(by="test")
        locked.save()
    assert OutboxMessage.objects.count() == before + 1
    assert queued == [1]
