"""Insured events reported by clinics, their adjudication, and the settlements that pay clinics.

InsuredEvent: received → validated | invalid; validated → awaiting_patient → confirmed | disputed (silence
past the deadline counts as confirmed); confirmed → under_review → approved | partially_approved | denied;
disputed → under_review (a commissioner rejects the dispute) | denied (upholds it); approved → paid.
Settlement (one insurer → one clinic payout): open → closed → paid.
"""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from qalqan.core.dated import DatedRow
from qalqan.refdata.models import Translated

ICD10_PATTERN = r"^[A-TV-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$"


class ServiceTariff(Translated, DatedRow):
    """A billable service: its code, the benefit it falls under, and its tariff (a dated reference row)."""

    code = models.CharField(max_length=16)
    benefit = models.SlugField(max_length=32)
    tariff_tiyn = models.BigIntegerField()

    class Meta:
        ordering = ["code", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="service_tariff_code_from_uniq"),
            models.CheckConstraint(condition=Q(tariff_tiyn__gt=0), name="service_tariff_positive"),
        ]


class ClaimRule(models.Model):
    """Per product: when an event may be approved without a person looking at it, and tariff tolerance."""

    product = models.OneToOneField("insurers.Product", on_delete=models.CASCADE, related_name="claim_rule")
    auto_approve = models.BooleanField(default=True)
    max_amount_tiyn = models.BigIntegerField(default=0, help_text="auto-approve events up to this amount")
    requires_patient_confirmation = models.BooleanField(
        default=True, help_text="only events the patient confirmed (not silence) are auto-approved")
    allow_above_tariff = models.BooleanField(default=False, help_text="accept amounts above the service tariff")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=128, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(max_amount_tiyn__gte=0), name="claim_rule_max_not_negative")]

    def __str__(self):
        return f"rule of {self.product}"


class Settlement(models.Model):
    """One payout batch from an insurer to a clinic: one ledger transfer for all its events."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed, not paid")
        PAID = "paid", _("Paid")

    insurer = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="settlements_paid")
    clinic = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="settlements_received")
    status = FSMField(default=Status.OPEN, choices=Status.choices, protected=True)
    total_tiyn = models.BigIntegerField(default=0)
    events_count = models.PositiveIntegerField(default=0)
    shortfall_tiyn = models.BigIntegerField(default=0, help_text="what the insurer's account lacked at the last try")
    transfer = models.ForeignKey("ledger.Transfer", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="settlements")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(total_tiyn__gte=0) & Q(shortfall_tiyn__gte=0),
                                   name="settlement_money_not_negative"),
            models.CheckConstraint(condition=~Q(status="paid") | Q(transfer__isnull=False),
                                   name="settlement_paid_has_transfer"),
        ]
        indexes = [models.Index(fields=["insurer", "status"]), models.Index(fields=["clinic", "status"])]

    def __str__(self):
        return f"settlement {self.pk} {self.insurer_id}→{self.clinic_id} ({self.status})"

    @transition(field=status, source=Status.OPEN, target=Status.CLOSED)
    def close(self, *, at, by: str = "system", reason: str = ""):
        self.closed_at = at

    @transition(field=status, source=Status.CLOSED, target=Status.PAID)
    def pay(self, *, transfer, at, by: str = "system", reason: str = ""):
        self.transfer, self.paid_at, self.shortfall_tiyn = transfer, at, 0


class InsuredEvent(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        VALIDATED = "validated", _("Validated")
        INVALID = "invalid", _("Invalid")
        AWAITING_PATIENT = "awaiting_patient", _("Awaiting the patient")
        CONFIRMED = "confirmed", _("Confirmed")
        DISPUTED = "disputed", _("Disputed")
        UNDER_REVIEW = "under_review", _("Under review")
        APPROVED = "approved", _("Approved")
        PARTIALLY_APPROVED = "partially_approved", _("Partially approved")
        DENIED = "denied", _("Denied")
        PAID = "paid", _("Paid")

    APPROVED_STATUSES = (Status.APPROVED, Status.PARTIALLY_APPROVED)

    # clinic, person and insurer lead composite indexes below (Meta): no single-column index of their own, which
    # every intake would maintain for nothing
    clinic = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="events_reported",
                               db_index=False)
    event_id = models.CharField(max_length=64, help_text="the clinic's own id of the event")
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="insured_events", db_index=False)
    iin = models.CharField("ИИН", max_length=12)
    policy = models.ForeignKey("policies.Policy", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="insured_events")
    insurer = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="events_insured", help_text="the policy's insurer (for scoping)",
                                db_index=False)
    service_code = models.CharField(max_length=16)
    icd10 = models.CharField(max_length=8)
    service_date = models.DateField()
    amount_tiyn = models.BigIntegerField()
    benefit = models.CharField(max_length=32)
    status = FSMField(default=Status.RECEIVED, choices=Status.choices, protected=True)
    reasons = models.JSONField(default=list, blank=True, help_text="[{code, message}] why it is invalid or denied")
    flags = models.JSONField(default=list, blank=True, help_text="e.g. possible_double_billing")
    approved_tiyn = models.BigIntegerField(default=0)
    patient_deadline = models.DateTimeField(null=True, blank=True)
    patient_comment = models.TextField(blank=True)
    confirmed_by_patient = models.BooleanField(default=False)
    settlement = models.ForeignKey(Settlement, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="events")
    received_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "event_id"], name="event_id_once_per_clinic"),
            models.CheckConstraint(condition=Q(approved_tiyn__gte=0) & Q(approved_tiyn__lte=models.F("amount_tiyn"))
                                   | Q(approved_tiyn=0), name="event_approved_within_amount"),
        ]
        indexes = [
            models.Index(fields=["insurer", "status", "id"]),
            models.Index(fields=["clinic", "status", "id"]),
            models.Index(fields=["person", "service_date"]),
            models.Index(fields=["status", "patient_deadline"], condition=Q(status="awaiting_patient"),
                         name="event_awaiting_deadline"),
        ]

    def __str__(self):
        return f"event {self.pk} ({self.clinic_id}/{self.event_id}, {self.status})"

    @property
    def is_flagged(self) -> bool:
        return bool(self.flags)

    @transition(field=status, source=Status.VALIDATED, target=Status.AWAITING_PATIENT)
    def ask_patient(self, *, deadline, by: str = "system", reason: str = ""):
        self.patient_deadline = deadline

    @transition(field=status, source=Status.AWAITING_PATIENT, target=Status.CONFIRMED)
    def confirm(self, *, by_patient: bool, comment: str = "", by: str = "system", reason: str = ""):
        self.confirmed_by_patient = by_patient
        self.patient_comment = comment

    @transition(field=status, source=Status.AWAITING_PATIENT, target=Status.DISPUTED)
    def dispute(self, *, comment: str = "", by: str = "system", reason: str = ""):
        self.patient_comment = comment

    @transition(field=status, source=[Status.CONFIRMED, Status.DISPUTED], target=Status.UNDER_REVIEW)
    def review(self, *, by: str = "system", reason: str = ""):
        pass

    @transition(field=status, source=[Status.CONFIRMED, Status.UNDER_REVIEW], target=Status.APPROVED)
    def approve(self, *, approved_tiyn: int, at, by: str = "system", reason: str = ""):
        self.approved_tiyn, self.decided_at = approved_tiyn, at

    @transition(field=status, source=[Status.CONFIRMED, Status.UNDER_REVIEW], target=Status.PARTIALLY_APPROVED)
    def approve_partially(self, *, approved_tiyn: int, at, by: str = "system", reason: str = ""):
        self.approved_tiyn, self.decided_at = approved_tiyn, at

    @transition(field=status, source=[Status.CONFIRMED, Status.UNDER_REVIEW, Status.DISPUTED], target=Status.DENIED)
    def deny(self, *, code: str, message: str, at, by: str = "system", reason: str = ""):
        self.reasons = [*self.reasons, {"code": code, "message": message}]
        self.approved_tiyn, self.decided_at = 0, at

    @transition(field=status, source=[Status.APPROVED, Status.PARTIALLY_APPROVED], target=Status.PAID)
    def mark_paid(self, *, by: str = "system", reason: str = ""):
        pass


class ClinicFlag(models.Model):
    """A mark on a clinic's record: an upheld patient dispute, or a possible double billing."""

    class Kind(models.TextChoices):
        DISPUTE_UPHELD = "dispute_upheld", _("Upheld patient dispute")
        POSSIBLE_DOUBLE_BILLING = "possible_double_billing", _("Possible double billing")

    clinic = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="claim_flags")
    event = models.ForeignKey(InsuredEvent, on_delete=models.PROTECT, related_name="clinic_flags")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    by = models.CharField(max_length=128, blank=True)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["event", "kind"], name="clinic_flag_once_per_event")]
