"""Subsidy sources (a dated table fund staff keep), runs (one per period) and their lines and totals.

A line is one policy's subsidy for one month (kind `normal`) or a correction of the previous run's month
(kind `adjustment`, signed). Lines are written set-based by SQL (qalqan/fund/subsidy/calculation.py), never
edited after the run is paid; foreign keys on lines carry no database constraint so a national run
(≈ 12 million rows) inserts without a per-row check (the run's INSERT … SELECT only ever reads real rows).
"""
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import BigIntegerRangeField, RangeOperators
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition

from qalqan.core.dated import DatedRow


class SubsidySource(DatedRow):
    """Which budget pays the subsidy of a person whose basis is `basis` (a category payer or contributions).

    `account_pattern` is a ledger account code; `{region}` is replaced by the person's region. When a person
    has several bases in a month, the lowest `priority` wins.
    """

    class Basis(models.TextChoices):
        REPUBLICAN_BUDGET = "republican_budget"
        MIO = "mio"
        CONTRIBUTIONS = "contributions"

    class AccountKind(models.TextChoices):
        BUDGET_SOURCE = "budget_source"
        CONTRIBUTIONS_POOL = "contributions_pool"

    basis = models.CharField(max_length=24, choices=Basis.choices)
    account_pattern = models.CharField(max_length=100, help_text="e.g. budget:mio:{region}")
    account_kind = models.CharField(max_length=24, choices=AccountKind.choices)
    priority = models.PositiveSmallIntegerField(help_text="lower wins when a person has several bases")
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["valid_from", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["basis", "valid_from"], name="subsidy_source_basis_from_uniq"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                                   name="subsidy_source_period_ordered"),
        ]

    def __str__(self):
        return f"{self.basis} → {self.account_pattern} from {self.valid_from}"


class SubsidyRun(models.Model):
    """draft → calculated → approved → disbursed. One per period; a killed calculation resumes."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("subsidy run status", "Calculating")
        CALCULATED = "calculated", pgettext_lazy("subsidy run status", "Calculated")
        APPROVED = "approved", pgettext_lazy("subsidy run status", "Approved")
        DISBURSED = "disbursed", pgettext_lazy("subsidy run status", "Disbursed")

    period = models.DateField(unique=True, help_text="the first day of the month paid for")
    status = FSMField(default=Status.DRAFT, choices=Status.choices, protected=True)
    # progress of the calculation: the policy ids (first_policy_id, max_policy_id] are calculated in ranges, each
    # committed with its SubsidyCalculatedRange row (several workers at once; a restart does the ranges left)
    first_policy_id = models.BigIntegerField(default=0)
    max_policy_id = models.BigIntegerField(default=0)
    chunk_policies = models.PositiveIntegerField(default=100_000, help_text="policy ids per range")
    chunks_done = models.PositiveIntegerField(default=0)
    policies = models.BigIntegerField(default=0, help_text="policies with a normal line")
    adjustments = models.BigIntegerField(default=0)
    total_tiyn = models.BigIntegerField(default=0)
    error = models.TextField(blank=True, help_text="the last failure of a task working on this run")
    created_by = models.CharField(max_length=128, default="system")
    created_at = models.DateTimeField(auto_now_add=True)
    calculation_started_at = models.DateTimeField(null=True, blank=True)
    calculated_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    disbursed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period"]
        constraints = [models.CheckConstraint(condition=Q(period__day=1), name="subsidy_run_period_first_day")]

    def __str__(self):
        return f"subsidy run {self.period:%Y-%m} ({self.status})"

    @property
    def chunks_total(self) -> int:
        """The ranges the calculation takes in all (its policy ids in ranges of chunk_policies)."""
        return max(self.chunks_done, -(-(self.max_policy_id - self.first_policy_id) // max(1, self.chunk_policies)))

    @property
    def progress_percent(self) -> int:
        if self.status != self.Status.DRAFT:
            return 100
        total = self.chunks_total
        return min(99, self.chunks_done * 100 // total) if total else 0

    @property
    def instruments_recorded(self) -> int:
        """Funded events written so far: the sum over the committed funding ranges (the workers do not count on
        the run's row, which they would take turns to lock for every range)."""
        return self.funded_ranges.aggregate(events=Coalesce(Sum("events"), 0))["events"]

    @transition(field=status, source=Status.DRAFT, target=Status.CALCULATED)
    def calculate(self, *, at, by: str = "system", reason: str = ""):
        self.calculated_at = at

    @transition(field=status, source=Status.CALCULATED, target=Status.APPROVED)
    def approve(self, *, at, by: str = "system", reason: str = ""):
        self.approved_at = at

    @transition(field=status, source=Status.APPROVED, target=Status.DISBURSED)
    def disburse(self, *, at, by: str = "system", reason: str = ""):
        self.disbursed_at = at


class SubsidyLine(models.Model):
    """One policy's subsidy in a run. Never updated after the run is disbursed (a later run adjusts)."""

    class Kind(models.TextChoices):
        NORMAL = "normal", pgettext_lazy("subsidy line kind", "Monthly payment")
        ADJUSTMENT = "adjustment", pgettext_lazy("subsidy line kind", "Adjustment")

    # no single-column indexes either: lines are only read by run (the unique key and insurer_run serve every
    # read), and every index is maintained for each of the ≈ 12 million rows the national run inserts
    run = models.ForeignKey(SubsidyRun, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                            related_name="lines")
    policy = models.ForeignKey("policies.Policy", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                               related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                               related_name="+")
    insurer = models.ForeignKey("orgs.Organisation", on_delete=models.DO_NOTHING, db_constraint=False,
                                db_index=False, related_name="+")
    instrument_id = models.BigIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NORMAL)
    for_period = models.DateField(help_text="the month this line pays (an adjustment: the previous run's)")
    source_code = models.CharField(max_length=64, help_text="the ledger account that pays")
    days = models.PositiveSmallIntegerField(help_text="days of the month the policy was in force")
    amount_tiyn = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "policy", "kind"], name="subsidy_line_once_per_run"),
            models.CheckConstraint(condition=Q(kind="adjustment") | Q(amount_tiyn__gt=0),
                                   name="subsidy_line_normal_positive"),
            models.CheckConstraint(condition=~Q(amount_tiyn=0), name="subsidy_line_not_zero"),
        ]
        # insurer first: the unique key must be the only index that starts with the run, else a range of the run's
        # policies read before the run's statistics exist may be served by (run, …) and filter the whole run
        indexes = [models.Index(fields=["insurer", "run", "id"], name="subsidy_line_insurer_run")]

    def __str__(self):
        return f"{self.kind} {self.policy_id} {self.amount_tiyn}"


class SubsidyTotal(models.Model):
    """The run's money by source account and insurer (what the ledger transfers are made of)."""

    run = models.ForeignKey(SubsidyRun, on_delete=models.CASCADE, related_name="totals")
    source_code = models.CharField(max_length=64)
    insurer = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    policies = models.BigIntegerField()
    amount_tiyn = models.BigIntegerField()

    class Meta:
        ordering = ["run", "source_code", "insurer"]
        constraints = [models.UniqueConstraint(fields=["run", "source_code", "insurer"],
                                               name="subsidy_total_once")]


def _ranges_do_not_overlap(name: str) -> ExclusionConstraint:
    return ExclusionConstraint(
        name=name,
        expressions=[("run", RangeOperators.EQUAL),
                     (models.Func(models.F("after_policy_id"), models.F("up_to_policy_id"), models.Value("(]"),
                                  function="int8range", output_field=BigIntegerRangeField()),
                      RangeOperators.OVERLAPS)])


class SubsidyCalculatedRange(models.Model):
    """The policies with ids in (after_policy_id, up_to_policy_id] whose lines a run has written: committed in the
    same transaction as those lines, so a killed worker's range is redone and a written one never again (two
    ranges of a run never overlap, enforced by the database)."""

    run = models.ForeignKey(SubsidyRun, on_delete=models.CASCADE, related_name="calculated_ranges")
    after_policy_id = models.BigIntegerField()
    up_to_policy_id = models.BigIntegerField()
    lines = models.PositiveIntegerField(help_text="lines written for the range")
    totals = models.JSONField(default=list, help_text="[source_code, insurer_id, lines, amount_tiyn] of its lines")
    calculated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            _ranges_do_not_overlap("subsidy_calculated_ranges_do_not_overlap"),
            models.CheckConstraint(condition=Q(up_to_policy_id__gt=models.F("after_policy_id")),
                                   name="subsidy_calculated_range_ordered"),
        ]


class SubsidyFundedRange(models.Model):
    """The lines of a disbursed run with policy ids in (after_policy_id, up_to_policy_id] whose `funded` events
    are written: committed in the same transaction as those events, so a killed worker's range is redone and a
    written one never again (two ranges of a run never overlap, enforced by the database)."""

    run = models.ForeignKey(SubsidyRun, on_delete=models.CASCADE, related_name="funded_ranges")
    after_policy_id = models.BigIntegerField()
    up_to_policy_id = models.BigIntegerField()
    events = models.PositiveIntegerField(help_text="funded events written for the range")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            _ranges_do_not_overlap("subsidy_funded_ranges_do_not_overlap"),
            models.CheckConstraint(condition=Q(up_to_policy_id__gt=models.F("after_policy_id")),
                                   name="subsidy_funded_range_ordered"),
        ]
