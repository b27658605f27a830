"""Which channel carries a message to a person: the one they prefer when it can reach them, SMS otherwise.

The sign-in code always goes by SMS to the phone in the registry (a code sent to an address the citizen set
after signing in would let whoever changed it sign in)."""
from qalqan.people.models import NotifyChannel, Person

SMS_ONLY_KINDS = frozenset({"login_code"})


def channel_for(*, kind: str, preference: str, email: str) -> str:
    if kind in SMS_ONLY_KINDS:
        return NotifyChannel.SMS
    if preference == NotifyChannel.EMAIL:
        return NotifyChannel.EMAIL if email else NotifyChannel.SMS
    if preference == NotifyChannel.PUSH:  # the push relay holds the browser subscriptions by person
        return NotifyChannel.PUSH
    return NotifyChannel.SMS


def channel_of(person: Person, kind: str) -> str:
    return channel_for(kind=kind, preference=person.notify_channel, email=person.email)


def channels_for(*, person_ids, kind: str) -> dict[int, str]:
    """The channel for each person of a batch, in one query."""
    return {pk: channel_for(kind=kind, preference=preference, email=email)
            for pk, preference, email in Person.objects.filter(pk__in=set(person_ids))
            .values_list("pk", "notify_channel", "email")}


def channel_still_reaching(person: Person, channel: str) -> str:
    """At delivery: the recorded channel if it still reaches the person (an e-mail removed since, or a row
    written before channels existed, goes by SMS instead)."""
    if channel not in NotifyChannel.values or (channel == NotifyChannel.EMAIL and not person.email):
        return NotifyChannel.SMS
    return channel
