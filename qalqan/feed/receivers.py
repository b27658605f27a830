"""Every change of a policy writes one outbox message in the same transaction.

post_transition (django-fsm) fires before the service saves: it only notes the transition on the instance.
post_save then writes one message: "policy.<transition>" after a transition, else "policy.created" or
"policy.updated". A rolled-back transaction rolls the message back with the policy row.
"""
from django.db.models.signals import post_save
from django.dispatch import receiver
from django_fsm.signals import post_transition

from policies.models import Policy

from . import services


@receiver(post_transition, sender=Policy, dispatch_uid="feed_policy_transition")
def note_policy_transition(sender, instance, name, source, target, **kwargs):
    instance._feed_transitions = [*getattr(instance, "_feed_transitions", []), (name, source, target)]


@receiver(post_save, sender=Policy, dispatch_uid="feed_policy_saved")
def policy_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    transitions = getattr(instance, "_feed_transitions", [])
    instance._feed_transitions = []
    services.outbox_policy_changed(policy=instance, created=created, transitions=transitions)
