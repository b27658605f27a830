"""Every django-fsm transition leaves a StateChange row in the same transaction.

Transition methods take keyword arguments `by` (the actor) and `reason`; the signal hands them here.
"""
from django.contrib.contenttypes.models import ContentType
from django.dispatch import receiver
from django_fsm.signals import post_transition

from .models import StateChange


@receiver(post_transition)
def record_state_change(sender, instance, name, source, target, **kwargs):
    if instance.pk is None:
        return  # the creating service records the first state when it saves
    method_kwargs = kwargs.get("method_kwargs") or {}
    StateChange.objects.create(
        content_type=ContentType.objects.get_for_model(instance),
        object_id=instance.pk,
        transition=name,
        from_state=str(source),
        to_state=str(target),
        by=str(method_kwargs.get("by") or "system")[:128],
        reason=str(method_kwargs.get("reason") or ""),
    )
