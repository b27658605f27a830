"""The policy instrument registry: each policy is an instrument (like a security) with a hash-chained history."""
from django.db import models
from django.db.models import Q

from qalqan.audit.triggers import append_only

GENESIS_HASH = "0" * 64


class Instrument(models.Model):
    """An electronic policy as a depository tracks a security: number, holder, custodian (insurer), face value.

    `status` is a projection of the event chain; only policies.instruments services change it.
    Validity is [valid_from, valid_to): valid_to is the first day it no longer covers.
    """

    class Status(models.TextChoices):
        ISSUED = "issued"
        ACTIVE = "active"
        SUSPENDED = "suspended"
        EXPIRED = "expired"
        CANCELLED = "cancelled"

    number = models.CharField(max_length=12, unique=True, help_text="KZQ + 8 base-36 characters + ISIN check digit")
    holder = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="instruments")
    custodian = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="instruments",
                                  help_text="the insurer that holds the instrument now")
    face_value_tiyn = models.BigIntegerField()
    valid_from = models.DateField()
    valid_to = models.DateField(help_text="exclusive")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ISSUED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(number__regex=r"^KZQ[0-9A-Z]{8}[0-9]$"), name="instrument_number_shape"),
            models.CheckConstraint(condition=Q(face_value_tiyn__gte=0), name="instrument_face_value_not_negative"),
            models.CheckConstraint(condition=Q(valid_to__gt=models.F("valid_from")), name="instrument_period_ordered"),
        ]
        indexes = [models.Index(fields=["custodian", "status"])]

    def __str__(self):
        return self.number


class InstrumentEvent(models.Model):
    """One link of an instrument's history. Append-only; `hash` = sha256(the previous link's hash in hex — the
    genesis hash for the first — + the canonical JSON of the event), stored as its 32 bytes."""

    class Kind(models.TextChoices):
        ISSUED = "issued"
        FUNDED = "funded"
        DATA_DELIVERED = "data_delivered"
        CUSTODIAN_CHANGED = "custodian_changed"
        DRAWN = "drawn"
        SUSPENDED = "suspended"
        REINSTATED = "reinstated"
        EXPIRED = "expired"
        CANCELLED = "cancelled"
        RENEWED = "renewed"

    # Keyed and indexed by (instrument, seq) alone: every read is an instrument's chain in order, and the monthly
    # subsidy run appends ≈ 12 million links, each paying for every index (a surrogate id with an index of its own
    # made a link ≈ 40 % dearer to insert). The hash is not indexed: nothing looks an event up by it, and a chain
    # cannot fork ((instrument, seq) is the key; instruments_verify checks each link).
    # The instrument is checked once per statement by triggers (migration 0005), not by a foreign key per row.
    pk = models.CompositePrimaryKey("instrument", "seq")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="events", db_index=False,
                                   db_constraint=False)
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=24, choices=Kind.choices)
    amount_tiyn = models.BigIntegerField(default=0)
    data = models.JSONField(default=dict, blank=True)
    # The previous link's hash is not stored again in each link (it was ≈ a third of a funded event's row): the
    # chain is read in seq order, and a link whose predecessor changed no longer matches its own hash.
    hash = models.BinaryField(max_length=32)
    at = models.DateTimeField()

    class Meta:
        ordering = ["instrument_id", "seq"]
        constraints = [models.CheckConstraint(condition=Q(seq__gte=1), name="instrument_event_seq_positive")]
        triggers = [append_only()]

    def __str__(self):
        return f"{self.instrument_id}#{self.seq} {self.kind}"

    @property
    def hash_hex(self) -> str:
        return bytes(self.hash).hex()
