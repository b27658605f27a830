"""Delivery backends. settings.NOTIFY_BACKEND names one; the default writes to the log (the demo reads
codes from the outbox table or the console). SMS, e-mail and web push are real classes that need
their gateway settings before they are switched on."""
import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("qalqan.notify")


class Backend:
    channel = "console"

    def send(self, *, person, body: str, notification) -> None:
        raise NotImplementedError


class ConsoleBackend(Backend):
    """Demo and tests: the message is in the outbox row and the log."""

    channel = "console"

    def send(self, *, person, body: str, notification) -> None:
        logger.info("notify %s to person %s (%s): %s", notification.kind, person.pk, person.phone or "-", body)


class SmsBackend(Backend):
    """An SMS gateway over HTTP (settings.SMS_GATEWAY_URL, SMS_GATEWAY_TOKEN)."""

    channel = "sms"

    def send(self, *, person, body: str, notification) -> None:
        import requests

        response = requests.post(settings.SMS_GATEWAY_URL, timeout=10,
                                 headers={"Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}"},
                                 json={"to": person.phone, "text": body, "reference": str(notification.pk)})
        response.raise_for_status()


class EmailBackend(Backend):
    channel = "email"

    def send(self, *, person, body: str, notification) -> None:
        from django.core.mail import send_mail

        address = getattr(person, "email", "")
        if address:
            send_mail("Qalqan", body, None, [address])


class WebPushBackend(Backend):
    """Web push through a push relay (settings.WEBPUSH_RELAY_URL) that holds the browser subscriptions."""

    channel = "push"

    def send(self, *, person, body: str, notification) -> None:
        import requests

        response = requests.post(settings.WEBPUSH_RELAY_URL, timeout=10,
                                 json={"person": person.pk, "body": body, "reference": str(notification.pk)})
        response.raise_for_status()


def get_backend() -> Backend:
    return import_string(getattr(settings, "NOTIFY_BACKEND", "qalqan.notify.backends.ConsoleBackend"))()
