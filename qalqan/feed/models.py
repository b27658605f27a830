"""The push side of the insurer feed: endpoints with rotatable secrets and a transactional outbox.

An OutboxMessage is written in the same transaction as the policy change it describes (see receivers.py), so
a rolled-back change leaves no message and a committed one always has its message. The relay (services.py)
delivers due messages signed per Standard Webhooks and records each attempt here.
"""
import uuid

from django.db import models
from django.db.models import Q


class InsurerEndpoint(models.Model):
    """Where an insurer receives its webhooks (one per insurer), managed by fund staff."""

    insurer = models.OneToOneField("orgs.Organisation", on_delete=models.PROTECT, related_name="feed_endpoint")
    url = models.URLField(max_length=500)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.insurer.code} → {self.url}"


class EndpointSecret(models.Model):
    """A signing secret (`whsec_` + base64 key). During a rotation two are valid: the old one until
    `expires_at`, the new one open-ended; every valid one signs each delivery."""

    endpoint = models.ForeignKey(InsurerEndpoint, on_delete=models.CASCADE, related_name="secrets")
    secret = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"secret {self.pk} of {self.endpoint_id}"


class OutboxMessage(models.Model):
    insurer = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    event_type = models.CharField(max_length=64)
    event_id = models.UUIDField(default=uuid.uuid4, unique=True, help_text="webhook-id: the insurer de-duplicates")
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    dead_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True, help_text="the last HTTP status")

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["next_attempt_at", "id"], name="outbox_due",
                         condition=Q(delivered_at__isnull=True, dead_at__isnull=True)),
            models.Index(fields=["insurer", "id"], name="outbox_dead", condition=Q(dead_at__isnull=False)),
        ]
        constraints = [models.CheckConstraint(condition=Q(delivered_at__isnull=True) | Q(dead_at__isnull=True),
                                              name="outbox_delivered_or_dead")]

    def __str__(self):
        return f"{self.event_type} {self.event_id}"

    @property
    def state(self) -> str:
        if self.delivered_at:
            return "delivered"
        return "dead" if self.dead_at else "pending"
