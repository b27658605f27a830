"""A citizen's application for a product: draft → submitted → approved | rejected (with reasons).

A renewal is an application that carries `renews` (the term it continues): approved, it issues the next term
on the same instrument and number (policies.services.policy_renew)."""
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, transition


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft"
        SUBMITTED = "submitted"
        APPROVED = "approved"
        REJECTED = "rejected"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="applications")
    product = models.ForeignKey("insurers.Product", on_delete=models.PROTECT, related_name="applications")
    version = models.ForeignKey("insurers.ProductVersion", on_delete=models.PROTECT, related_name="applications")
    renews = models.ForeignKey("policies.Policy", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="renewal_applications",
                               help_text="the policy term this application renews (the next term keeps its number)")
    start_date = models.DateField()
    end_date = models.DateField(help_text="exclusive")
    status = FSMField(default=Status.DRAFT, choices=Status.choices, protected=True)
    insured = models.BooleanField(default=False, help_text="the person's ОСМС status when the quote was made")
    price_tiyn = models.BigIntegerField(default=0)
    subsidy_tiyn = models.BigIntegerField(default=0)
    premium_due_tiyn = models.BigIntegerField(default=0)
    reasons = models.JSONField(default=list, blank=True, help_text="why it was rejected: [{code, message}]")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(subsidy_tiyn__gte=0) & Q(premium_due_tiyn__gte=0)
                                   & Q(price_tiyn__gte=0), name="application_money_not_negative"),
            models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="application_term_ordered"),
        ]

    def __str__(self):
        return f"application {self.pk} ({self.status})"

    @transition(field=status, source=Status.DRAFT, target=Status.SUBMITTED)
    def submit(self, *, by: str = "system", reason: str = ""):
        pass

    @transition(field=status, source=Status.SUBMITTED, target=Status.APPROVED)
    def approve(self, *, at, by: str = "system", reason: str = ""):
        self.decided_at = at

    @transition(field=status, source=Status.SUBMITTED, target=Status.REJECTED)
    def reject(self, *, at, reasons: list[dict], by: str = "system", reason: str = ""):
        self.decided_at, self.reasons = at, reasons
