"""Every django-fsm transition leaves a StateChange row in the same transaction.

Transition methods take keyword arguments `by` (the actor) and `reason`; the signal hands them here.
"""
from django.contrib.contenttypes.models import ContentType
from django.dispatch import receiver
from django.utils import timezone
from django_fsm.signals import post_transition

from qalqan.core.sql import execute_prepared

from .models import StateChange

# One prepared statement per transition (a card-paid application makes six; the ORM's INSERT, compiled each time,
# cost more client CPU than the round trip).
_STATE_CHANGE_INSERT = (
    f"INSERT INTO {StateChange._meta.db_table} (content_type_id, object_id, transition, from_state, to_state, by, "
    "reason, at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)")


@receiver(post_transition)
def record_state_change(sender, instance, name, source, target, **kwargs):
    if instance.pk is None:
        return  # the creating service records the first state when it saves
    method_kwargs = kwargs.get("method_kwargs") or {}
    execute_prepared(_STATE_CHANGE_INSERT, [
        ContentType.objects.get_for_model(instance).pk, instance.pk, name, str(source), str(target),
        str(method_kwargs.get("by") or "system")[:128], str(method_kwargs.get("reason") or ""), timezone.now()])
