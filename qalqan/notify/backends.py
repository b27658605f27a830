"""Delivery backends, one per channel: settings.NOTIFY_BACKENDS = {"sms": dotted path, "email": …, "push": …}.
By default SMS and push write to the log (the demo reads codes from the outbox table or the console) and
e-mail goes through Django's mail (the console mail backend outside production). The SMS gateway and the
push relay are real classes that need their settings before they are switched on."""
import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("qalqan.notify")


class Backend:
    def send(self, *, person, body: str, notification) -> None:
        raise NotImplementedError


class ConsoleBackend(Backend):
    """Demo and tests: the message is in the outbox row and the log (no address: that is personal data)."""

    def send(self, *, person, body: str, notification) -> None:
        logger.info("notify %s by %s to person %s: %s", notification.kind, notification.channel, person.pk, body)


class SmsBackend(Backend):
    """An SMS gateway over HTTP (settings.SMS_GATEWAY_URL, SMS_GATEWAY_TOKEN)."""

    def send(self, *, person, body: str, notification) -> None:
        import requests

        response = requests.post(settings.SMS_GATEWAY_URL, timeout=10,
                                 headers={"Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}"},
                                 json={"to": person.phone, "text": body, "reference": str(notification.pk)})
        response.raise_for_status()


class NoAddress(Exception):
    """The person has no address for this channel (the outbox row is marked failed, the relay tries again)."""


class EmailBackend(Backend):
    """Django's mail (settings.EMAIL_BACKEND: SMTP in production, the console in development and tests)."""

    def send(self, *, person, body: str, notification) -> None:
        from django.core.mail import send_mail

        if not person.email:
            raise NoAddress(f"person {person.pk} has no e-mail address")
        send_mail("Qalqan", body, None, [person.email])


class WebPushBackend(Backend):
    """Web push through a push relay (settings.WEBPUSH_RELAY_URL) that holds the browser subscriptions."""

    def send(self, *, person, body: str, notification) -> None:
        import requests

        response = requests.post(settings.WEBPUSH_RELAY_URL, timeout=10,
                                 json={"person": person.pk, "body": body, "reference": str(notification.pk)})
        response.raise_for_status()


DEFAULT_BACKENDS = {"sms": "qalqan.notify.backends.ConsoleBackend",
                    "email": "qalqan.notify.backends.EmailBackend",
                    "push": "qalqan.notify.backends.ConsoleBackend"}


def get_backend(channel: str) -> Backend:
    """The backend that delivers `channel` (an unknown channel is a programming error: KeyError)."""
    configured = {**DEFAULT_BACKENDS, **getattr(settings, "NOTIFY_BACKENDS", {})}
    return import_string(configured[channel])()
