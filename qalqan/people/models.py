from django.conf import settings
from django.contrib.postgres.indexes import BrinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition

from qalqan.core.dated import DatedQuerySet, DatedRow
from qalqan.core.masking import mask_iin, mask_name


class Sex(models.TextChoices):
    MALE = "M"
    FEMALE = "F"


class NotifyChannel(models.TextChoices):
    """How a person wants to be told things (qalqan/notify falls back to SMS when the channel has no address)."""

    SMS = "sms", "SMS"
    EMAIL = "email", "e-mail"
    PUSH = "push", "web push"


class Person(models.Model):
    """A resident, keyed by ИИН. Birth date and sex always agree with the ИИН (checked on the way in)."""

    iin = models.CharField("ИИН", max_length=12, unique=True)
    last_name = models.CharField(max_length=128)
    first_name = models.CharField(max_length=128)
    middle_name = models.CharField(max_length=128, blank=True)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    phone = models.CharField(max_length=16, blank=True, help_text="E.164, e.g. +77011234567")
    region = models.CharField(max_length=32, blank=True)
    # database defaults too: the registry's set-based INSERTs (people_upsert, benches) do not name these columns
    email = models.EmailField(blank=True, default="", db_default="")
    notify_channel = models.CharField(max_length=8, choices=NotifyChannel.choices, default=NotifyChannel.SMS,
                                      db_default=NotifyChannel.SMS)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(iin__regex=r"^\d{12}$"), name="person_iin_12_digits"),
            models.CheckConstraint(condition=Q(notify_channel__in=NotifyChannel.values),
                                   name="person_notify_channel_known"),
        ]

    def __str__(self):
        return f"{mask_iin(self.iin)} {self.masked_name}"

    @property
    def masked_iin(self) -> str:
        return mask_iin(self.iin)

    @property
    def masked_name(self) -> str:
        return mask_name(self.last_name, self.first_name, self.middle_name)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)


class CategoryMembership(models.Model):
    """A person belongs to a benefit category over [valid_from, valid_to)."""

    # Checked once per statement by triggers (migration 0009), not per row: a registry load opens thousands at once.
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships", db_constraint=False)
    category = models.SlugField(max_length=32, db_index=False,  # the (category, valid_from) index serves look-ups
                                help_text="a code of refdata.BenefitCategory")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "category"], condition=Q(valid_to__isnull=True), name="membership_one_open"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="membership_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["category", "valid_from"])]

    def __str__(self):
        return f"{self.category} {self.valid_from}–{self.valid_to or ''}"


# ---------------------------------------------------------------------------------------------------------------
# Contribution rates: dated reference tables (loaded by migration 0002 from qalqan/people/rates_catalogue.py)
# ---------------------------------------------------------------------------------------------------------------

class PayerKind(models.TextChoices):
    """Who pays a contribution. `self_employed` is an individual entrepreneur (ИП)."""

    EMPLOYER = "employer"
    EMPLOYEE = "employee"
    SELF_EMPLOYED = "self_employed", "individual entrepreneur (ИП)"
    SELF_PAYER = "self_payer"
    STATE = "state"
    MIO = "mio", "local executive body (МИО)"
    PLATFORM = "platform", "platform self-employed"


class MinimumWage(DatedRow):
    """МЗП: the minimum monthly wage for a period."""

    amount_tiyn = models.BigIntegerField()
    source = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["valid_from"], name="minimum_wage_from_uniq")]
        ordering = ["valid_from"]

    def __str__(self):
        return f"МЗП {self.amount_tiyn // 100} ₸ from {self.valid_from}"


class AverageWage(DatedRow):
    """The average monthly wage that the state's contribution is based on (the figure of two years before)."""

    amount_tiyn = models.BigIntegerField()
    reference_year = models.PositiveSmallIntegerField(help_text="the year the average was measured in")
    source = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["valid_from"], name="average_wage_from_uniq")]
        ordering = ["valid_from"]


class ContributionRule(DatedRow):
    """Rate and base of one payer kind's monthly contribution over [valid_from, valid_to)."""

    class Base(models.TextChoices):
        INCOME = "income", "the income, capped at cap_mzp × МЗП"
        MINIMUM_WAGE = "minimum_wage", "base_mzp × МЗП"
        AVERAGE_WAGE = "average_wage", "the average monthly wage"

    kind = models.CharField(max_length=16, choices=PayerKind.choices)
    rate_percent = models.DecimalField(max_digits=5, decimal_places=2)
    base = models.CharField(max_length=16, choices=Base.choices)
    base_mzp = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True,
                                   help_text="for base=minimum_wage: the multiple of МЗП")
    cap_mzp = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True,
                                  help_text="for base=income: the income cap in МЗП (empty = no cap)")
    source = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "valid_from"], name="contribution_rule_kind_from_uniq")]
        ordering = ["kind", "valid_from"]

    def __str__(self):
        return f"{self.kind} {self.rate_percent}% ({self.base}) from {self.valid_from}"


class InsuranceRule(DatedRow):
    """The parameters of the insurance-status rules (DOMAIN.md "Insurance status") over a period."""

    required_months = models.PositiveSmallIntegerField(default=12, help_text="months without debt, or prepaid")
    grace_months = models.PositiveSmallIntegerField(default=3, help_text="status kept after payments stop")
    long_grace_months = models.PositiveSmallIntegerField(default=3, help_text="grace after a long streak")
    long_streak_months = models.PositiveSmallIntegerField(default=60, help_text="months in a row for the long grace")
    temporary_months = models.PositiveSmallIntegerField(default=1, help_text="length of a temporary status")
    source = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["valid_from"], name="insurance_rule_from_uniq")]
        ordering = ["valid_from"]


# ---------------------------------------------------------------------------------------------------------------
# Contributions, status, refunds
# ---------------------------------------------------------------------------------------------------------------
class Contribution(models.Model):
    """One payment for one person (by ИИН) for `months` months from `period`. Money is in the ledger:
    `transfer` brought it in (payer:<kind> → pool:osms, or → suspense:contributions while the ИИН is unknown),
    `match_transfer` moved it from suspense to the pool when the person appeared."""

    # An opaque identifier: compared byte by byte (the "C" collation), not by the language's sorting rules,
    # which cost a strcoll() per comparison in its unique index on every insert.
    reference = models.CharField(max_length=64, unique=True, db_collation="C",
                                 help_text="the payer's reference; de-duplicates")
    iin = models.CharField("ИИН", max_length=12)
    # The three references are checked by statement-level triggers (migration 0007), not per-row foreign keys.
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="contributions", db_index=False,  # (person, period) serves it
                               db_constraint=False)
    payer_bin = models.CharField("БИН", max_length=12, blank=True)
    kind = models.CharField(max_length=16, choices=PayerKind.choices)
    period = models.DateField(help_text="the first day of the first month paid for")
    months = models.PositiveSmallIntegerField(default=1)
    amount_tiyn = models.BigIntegerField()
    overpayment = models.BooleanField(default=False, help_text="above the cap of the kind's rule for the period")
    in_suspense = models.BooleanField(default=False, help_text="the ИИН was unknown; money held in suspense")
    # A batch's rows are stored together and name its few transfers, in insert order: a BRIN index (below) finds a
    # transfer's rows at a fraction of a btree's cost per insert (a btree held 10 000 entries for 6 values per batch).
    transfer = models.ForeignKey("ledger.Transfer", on_delete=models.PROTECT, related_name="+", db_constraint=False,
                                 db_index=False)
    match_transfer = models.ForeignKey("ledger.Transfer", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", db_index=False, db_constraint=False)  # partial index below
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount_tiyn__gt=0), name="contribution_amount_positive"),
            models.CheckConstraint(condition=Q(period__day=1), name="contribution_period_first_day"),
            models.CheckConstraint(condition=Q(months__gte=1) & Q(months__lte=12), name="contribution_months_1_12"),
            models.CheckConstraint(condition=Q(in_suspense=True) | Q(person__isnull=False),
                                   name="contribution_person_unless_suspense"),
        ]
        indexes = [
            models.Index(fields=["person", "period"]),
            models.Index(fields=["iin"], condition=Q(in_suspense=True), name="contribution_suspense_iin"),
            models.Index(fields=["match_transfer"], condition=Q(match_transfer__isnull=False),
                         name="contribution_match_transfer"),
            BrinIndex(fields=["transfer"], name="contribution_transfer_brin"),
        ]

    def __str__(self):
        return f"{self.reference} {self.kind} {self.period:%Y-%m} {self.amount_tiyn}"


class InsuranceStatus(models.Model):
    """The materialised insurance status of a person, recomputed when its facts change (never on look-up)."""

    CONTRIBUTIONS = "contributions"
    TEMPORARY = "temporary"

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="insurance_status",
                                  primary_key=True)
    insured = models.BooleanField(default=False)
    basis = models.CharField(max_length=32, null=True, blank=True,
                             help_text='a category code, "contributions", "temporary", or empty')
    insured_until = models.DateField(null=True, blank=True, help_text="last insured day; empty = open-ended")
    debt_months = models.PositiveSmallIntegerField(default=0, help_text="unpaid months of the last 12")
    computed_at = models.DateTimeField()
    computed_for = models.DateField(help_text="the day the status was computed for")

    class Meta:
        indexes = [models.Index(fields=["insured", "basis"])]
        constraints = [
            models.CheckConstraint(condition=Q(insured=True) | Q(basis__isnull=True), name="status_basis_if_insured"),
        ]


class TemporaryStatusGrant(models.Model):
    """A one-month temporary status granted by fund staff on documents, over [valid_from, valid_to)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="temporary_grants")
    valid_from = models.DateField()
    valid_to = models.DateField()
    granted_by = models.CharField(max_length=128)
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(valid_to__gt=models.F("valid_from")),
                                              name="grant_period_ordered")]


class Refund(models.Model):
    """A refund of an erroneous contribution: requested → approved | rejected, approved → paid."""

    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("refund status", "Requested")
        APPROVED = "approved", pgettext_lazy("refund status", "Approved")
        REJECTED = "rejected", pgettext_lazy("refund status", "Rejected")
        PAID = "paid", pgettext_lazy("refund status", "Paid out")

    class Reason(models.TextChoices):
        WRONG_PERSON = "wrong_person", pgettext_lazy("refund reason", "Paid for the wrong person")
        OVERPAYMENT = "overpayment", pgettext_lazy("refund reason", "Overpayment")
        DUPLICATE = "duplicate", pgettext_lazy("refund reason", "Duplicate payment")

    class Requester(models.TextChoices):
        CITIZEN = "citizen"
        PAYER = "payer"

    contribution = models.ForeignKey(Contribution, on_delete=models.PROTECT, related_name="refunds")
    amount_tiyn = models.BigIntegerField()
    reason = models.CharField(max_length=16, choices=Reason.choices)
    comment = models.TextField(blank=True)
    requester = models.CharField(max_length=8, choices=Requester.choices)
    requested_by = models.CharField(max_length=128)
    status = FSMField(default=Status.REQUESTED, choices=Status.choices, protected=True)
    decided_by = models.CharField(max_length=128, blank=True)
    decision_reason = models.TextField(blank=True)
    approve_transfer = models.ForeignKey("ledger.Transfer", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+")
    pay_transfer = models.ForeignKey("ledger.Transfer", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    payout_reference = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_tiyn__gt=0), name="refund_amount_positive"),
            models.UniqueConstraint(fields=["contribution"], condition=~Q(status="rejected"),
                                    name="refund_one_active_per_contribution"),
        ]
        indexes = [models.Index(fields=["status", "id"])]

    def __str__(self):
        return f"refund #{self.pk} of {self.contribution_id} ({self.status})"

    @transition(field=status, source=Status.REQUESTED, target=Status.APPROVED)
    def approve(self, *, by: str = "system", reason: str = ""):
        self.decided_by, self.decision_reason = by, reason

    @transition(field=status, source=Status.REQUESTED, target=Status.REJECTED)
    def reject(self, *, by: str = "system", reason: str = ""):
        self.decided_by, self.decision_reason = by, reason

    @transition(field=status, source=Status.APPROVED, target=Status.PAID)
    def mark_paid(self, *, by: str = "system", reason: str = ""):
        """The bank-transfer provider has paid the refund out."""
