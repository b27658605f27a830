"""The person's own contact preferences: how notifications reach them (SMS, e-mail, web push) and their
e-mail address. The phone is the registry's (the sign-in code goes there) and is not changed here."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import NotifyChannel, Person


class PreferenceRejected(ValueError):
    """`errors`: [{"field", "message"}]; nothing is stored."""

    def __init__(self, errors: list[dict]):
        super().__init__("; ".join(str(e["message"]) for e in errors))
        self.errors = errors


@transaction.atomic
def person_preferences_set(*, person_id: int, notify_channel: str | None = None,
                           email: str | None = None) -> Person:
    """Change the channel and/or the e-mail (None leaves a field as it is; an empty e-mail removes it).
    E-mail as the channel needs an address."""
    person = Person.objects.select_for_update().get(pk=person_id)
    channel = person.notify_channel if notify_channel is None else notify_channel
    address = person.email if email is None else email.strip()
    errors = []
    if channel not in NotifyChannel.values:
        errors.append({"field": "notify_channel", "message": _("Choose SMS, e-mail or web push.")})
    if address and not _is_email(address):
        errors.append({"field": "email", "message": _("Enter a valid e-mail address.")})
    if channel == NotifyChannel.EMAIL and not address:
        errors.append({"field": "email", "message": _("Give an e-mail address to get messages by e-mail.")})
    if errors:
        raise PreferenceRejected(errors)
    person.notify_channel, person.email = channel, address
    person.save(update_fields=["notify_channel", "email", "updated_at"])
    return person


def _is_email(address: str) -> bool:
    if len(address) > Person._meta.get_field("email").max_length:
        return False
    try:
        validate_email(address)
    except DjangoValidationError:
        return False
    return True
