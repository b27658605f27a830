"""The notification outbox: a row per message, written in the business transaction, delivered after commit."""
from django.db import models


class Notification(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        SENT = "sent"
        FAILED = "failed"

    # no index of their own, which every message written (one per insured event at intake) would maintain for
    # nothing: person leads the (person, kind) index below, and no query looks messages up by kind alone
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="notifications",
                               db_index=False)
    kind = models.SlugField(max_length=64, help_text="e.g. policy_issued, policy_paid, login_code", db_index=False)
    context = models.JSONField(default=dict)
    channel = models.CharField(max_length=16, default="sms")
    body = models.TextField(blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "id"]), models.Index(fields=["person", "kind"])]

    def __str__(self):
        return f"{self.kind} → person {self.person_id} ({self.status})"
