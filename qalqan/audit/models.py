from django.contrib.contenttypes.models import ContentType
from django.db import models

from .triggers import append_only


class StateChange(models.Model):
    """One row per state transition of any lifecycle: who, when, from, to, why. Append-only."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.BigIntegerField()
    transition = models.CharField(max_length=64)
    from_state = models.CharField(max_length=32)
    to_state = models.CharField(max_length=32)
    by = models.CharField(max_length=128, blank=True, help_text="the actor: user, organisation code, or 'system'")
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]
        ordering = ["at", "id"]
        triggers = [append_only()]

    def __str__(self):
        return f"{self.content_type.model}#{self.object_id} {self.from_state}→{self.to_state}"
