"""Premium payments and the provider webhooks that settle them.

A Payment is what a citizen owes for one thing (a policy's premium, a top-up): `subject` names it
("policy" / "topup") with `subject_id`; the owning app listens to `payment_succeeded` (signals.py),
sent inside the transaction that marks the payment succeeded, so its effect happens exactly once.
"""
from django.db import models
from django.db.models import Q
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition


class Payment(models.Model):
    class Status(models.TextChoices):
        CREATED = "created", pgettext_lazy("payment status", "Not paid yet")
        PROCESSING = "processing", pgettext_lazy("payment status", "Processing")
        SUCCEEDED = "succeeded", pgettext_lazy("payment status", "Paid")
        FAILED = "failed", pgettext_lazy("payment status", "Failed")
        REFUNDED = "refunded", pgettext_lazy("payment status", "Refunded")

    class Provider(models.TextChoices):
        STRIPE = "stripe", "card (Stripe)"
        PENSION = "pension", "pension savings (sandbox)"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="payments")
    subject = models.CharField(max_length=16, help_text="what is paid for: policy | topup")
    subject_id = models.BigIntegerField()
    amount_tiyn = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="kzt")
    status = FSMField(default=Status.CREATED, choices=Status.choices, protected=True)
    provider = models.CharField(max_length=16, choices=Provider.choices, blank=True)
    provider_ref = models.CharField(max_length=255, null=True, blank=True, unique=True,
                                    help_text="the provider's id of the attempt, e.g. a Stripe PaymentIntent id")
    failure_reason = models.CharField(max_length=255, blank=True)
    refunded_tiyn = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_tiyn__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=Q(refunded_tiyn__gte=0) & Q(refunded_tiyn__lte=models.F("amount_tiyn")),
                                   name="payment_refund_within_amount"),
            models.UniqueConstraint(fields=["subject", "subject_id"], name="payment_one_per_subject"),
        ]
        indexes = [models.Index(fields=["person", "status"])]

    def __str__(self):
        return f"payment {self.pk} {self.subject}:{self.subject_id} {self.amount_tiyn} {self.status}"

    @transition(field=status, source=[Status.CREATED, Status.FAILED], target=Status.PROCESSING)
    def start(self, *, provider: str, provider_ref: str, by: str = "system", reason: str = ""):
        self.provider, self.provider_ref, self.failure_reason = provider, provider_ref, ""

    @transition(field=status, source=Status.PROCESSING, target=Status.SUCCEEDED)
    def succeed(self, *, at, by: str = "system", reason: str = ""):
        self.succeeded_at = at

    @transition(field=status, source=Status.PROCESSING, target=Status.FAILED)
    def fail(self, *, by: str = "system", reason: str = ""):
        self.failure_reason = reason[:255]

    @transition(field=status, source=Status.SUCCEEDED, target=Status.REFUNDED)
    def refund(self, *, amount_tiyn: int, by: str = "system", reason: str = ""):
        self.refunded_tiyn = amount_tiyn


class WebhookEvent(models.Model):
    """Each provider event stored once by its id; a replay finds the row and does nothing."""

    provider = models.CharField(max_length=16)
    event_id = models.CharField(max_length=255)
    type = models.CharField(max_length=128)
    payload = models.JSONField()
    outcome = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="webhook_event_once")]

    def __str__(self):
        return f"{self.provider} {self.event_id} {self.type} → {self.outcome}"
