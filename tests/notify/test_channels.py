"""The person's preferred channel picks the backend; a channel that cannot reach them falls back to SMS; the
sign-in code always goes by SMS; nothing leaves before the commit."""
import pytest
from django.core import mail
from django.db import transaction

from qalqan.notify.backends import ConsoleBackend
from qalqan.notify.channels import channel_for, channels_for
from qalqan.notify.models import Notification
from qalqan.notify.services import notification_deliver_now, notify_send
from qalqan.people.models import Person

delivered: list[tuple[str, int, str]] = []


class RecordingSms(ConsoleBackend):
    def send(self, *, person, body, notification):
        delivered.append(("sms", person.pk, body))


class RecordingPush(ConsoleBackend):
    def send(self, *, person, body, notification):
        delivered.append(("push", person.pk, body))


@pytest.fixture(autouse=True)
def recording_backends(settings):
    """SMS and push recorded here; e-mail through the real EmailBackend into Django's test mailbox."""
    delivered.clear()
    settings.NOTIFY_BACKENDS = {"sms": "tests.notify.test_channels.RecordingSms",
                                "email": "qalqan.notify.backends.EmailBackend",
                                "push": "tests.notify.test_channels.RecordingPush"}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def prefer(person: Person, channel: str, email: str = "") -> Person:
    Person.objects.filter(pk=person.pk).update(notify_channel=channel, email=email)
    person.refresh_from_db()
    return person


PAID = {"number": "KZQ7", "valid_until": "2027-01-01"}


def send_and_deliver(person, kind="policy_paid", context=PAID) -> Notification:
    notification = notify_send(person_id=person.pk, kind=kind, context=context)
    notification_deliver_now(notification_id=notification.pk)
    notification.refresh_from_db()
    return notification


def test_sms_is_the_default_channel(citizen):
    n = send_and_deliver(citizen.person)
    assert citizen.person.notify_channel == "sms"
    assert n.channel == "sms" and n.status == "sent"
    assert delivered == [("sms", citizen.person.pk, n.body)] and mail.outbox == []


def test_email_preference_sends_an_email_to_the_persons_address(citizen):
    person = prefer(citizen.person, "email", "erlan@example.kz")
    n = send_and_deliver(person)
    assert n.channel == "email" and n.status == "sent"
    assert delivered == []
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["erlan@example.kz"] and "KZQ7" in mail.outbox[0].body


def test_push_preference_goes_to_the_push_backend(citizen):
    person = prefer(citizen.person, "push")
    n = send_and_deliver(person)
    assert n.channel == "push" and delivered == [("push", person.pk, n.body)] and mail.outbox == []


def test_email_preference_without_an_address_falls_back_to_sms_and_says_so(citizen):
    person = prefer(citizen.person, "email", "")
    n = send_and_deliver(person)
    assert n.channel == "sms" and n.status == "sent"
    assert delivered == [("sms", person.pk, n.body)] and mail.outbox == []


def test_an_address_removed_before_delivery_falls_back_to_sms_at_delivery(citizen):
    person = prefer(citizen.person, "email", "erlan@example.kz")
    n = notify_send(person_id=person.pk, kind="policy_paid", context=PAID)
    assert n.channel == "email"
    prefer(person, "email", "")
    notification_deliver_now(notification_id=n.pk)
    n.refresh_from_db()
    assert n.channel == "sms" and n.status == "sent" and mail.outbox == [] and len(delivered) == 1


def test_the_sign_in_code_always_goes_by_sms_to_the_registered_phone(citizen):
    for channel, email in (("email", "erlan@example.kz"), ("push", "")):
        person = prefer(citizen.person, channel, email)
        n = send_and_deliver(person, kind="login_code", context={"code": "654321"})
        assert n.channel == "sms"
    assert [d[0] for d in delivered] == ["sms", "sms"] and mail.outbox == []


def test_nothing_is_sent_before_the_commit(citizen, django_capture_on_commit_callbacks):
    person = prefer(citizen.person, "email", "erlan@example.kz")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        n = notify_send(person_id=person.pk, kind="policy_paid", context=PAID)
    assert mail.outbox == [] and Notification.objects.get(pk=n.pk).status == "pending"
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1 and Notification.objects.get(pk=n.pk).status == "sent"


def test_a_rolled_back_transaction_sends_nothing(citizen, django_capture_on_commit_callbacks):
    person = prefer(citizen.person, "push")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                notify_send(person_id=person.pk, kind="policy_paid", context=PAID)
                raise RuntimeError("the business operation failed")
    assert callbacks == [] and delivered == [] and not Notification.objects.exists()


def test_channel_rules_and_batch_lookup(citizen, other_citizen):
    assert channel_for(kind="policy_paid", preference="email", email="a@b.kz") == "email"
    assert channel_for(kind="policy_paid", preference="email", email="") == "sms"
    assert channel_for(kind="policy_paid", preference="push", email="") == "push"
    assert channel_for(kind="login_code", preference="push", email="") == "sms"
    prefer(citizen.person, "email", "a@b.kz")
    assert channels_for(person_ids=[citizen.person.pk, other_citizen.person.pk], kind="claim_reported") == {
        citizen.person.pk: "email", other_citizen.person.pk: "sms"}
