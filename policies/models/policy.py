"""A policy: the contract behind an instrument. issued → awaiting_payment → active ⇄ suspended →
expired | cancelled; active → transferred when the holder moves to another insurer (a new Policy row
then holds the same instrument at the new insurer; this one keeps the history). A renewal is another Policy
row (another term) of the same instrument and number; the terms of one number never overlap."""
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.db import models
from django.db.models import Q
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition


class Policy(models.Model):
    class Status(models.TextChoices):
        ISSUED = "issued", pgettext_lazy("policy status", "Issued")
        AWAITING_PAYMENT = "awaiting_payment", pgettext_lazy("policy status", "Awaiting payment")
        ACTIVE = "active", pgettext_lazy("policy status", "Active")
        SUSPENDED = "suspended", pgettext_lazy("policy status", "Suspended")
        EXPIRED = "expired", pgettext_lazy("policy status", "Expired")
        CANCELLED = "cancelled", pgettext_lazy("policy status", "Cancelled")
        TRANSFERRED = "transferred", pgettext_lazy("policy status", "Moved to another insurer")

    LIVE = (Status.ISSUED, Status.AWAITING_PAYMENT, Status.ACTIVE, Status.SUSPENDED)

    number = models.CharField(max_length=12, help_text="the instrument's number")
    instrument = models.ForeignKey("policies.Instrument", on_delete=models.PROTECT, related_name="policies")
    application = models.OneToOneField("policies.Application", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="policy")
    previous = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="next",
                                    help_text="the policy this one continues after an insurer switch")
    holder = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="policies")
    insurer = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="policies")
    version = models.ForeignKey("insurers.ProductVersion", on_delete=models.PROTECT, related_name="policies")
    kind = models.CharField(max_length=8, help_text="osms | osms_dms (the product's kind)")
    start_date = models.DateField()
    end_date = models.DateField(help_text="exclusive: the first day not covered")
    price_tiyn = models.BigIntegerField()
    subsidy_tiyn = models.BigIntegerField(help_text="what the fund pays for the term")
    premium_tiyn = models.BigIntegerField(help_text="what the citizen pays (price − subsidy, never below zero)")
    topups_tiyn = models.BigIntegerField(default=0)
    payment_deadline = models.DateField(null=True, blank=True)
    status = FSMField(default=Status.ISSUED, choices=Status.choices, protected=True)
    # set only on policies activated before the monthly subsidy run became the fund's sole payer, whose whole-term
    # subsidy was then posted at activation: the run skips them, and cancelling returns the unearned part
    subsidy_posted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True, help_text="cancelled / expired / transferred on")

    class Meta:
        ordering = ["id"]
        constraints = [
            # one current row per number and day: terms (renewals) follow each other; a transferred row is
            # history (its successor covers the rest of the term), a cancelled one covers nothing
            ExclusionConstraint(
                name="policy_terms_of_number_do_not_overlap",
                expressions=[("number", RangeOperators.EQUAL),
                             (models.Func(models.F("start_date"), models.F("end_date"), models.Value("[)"),
                                          function="daterange", output_field=DateRangeField()),
                              RangeOperators.OVERLAPS)],
                condition=~Q(status__in=["transferred", "cancelled"])),
            models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="policy_term_ordered"),
            models.CheckConstraint(condition=Q(subsidy_tiyn__gte=0) & Q(premium_tiyn__gte=0) & Q(topups_tiyn__gte=0),
                                   name="policy_money_not_negative"),
        ]
        indexes = [models.Index(fields=["holder", "kind", "status"]), models.Index(fields=["status", "end_date"]),
                   models.Index(fields=["insurer", "updated_at"])]

    def __str__(self):
        return f"{self.number} ({self.status})"

    @property
    def face_value_tiyn(self) -> int:
        return self.subsidy_tiyn + self.premium_tiyn + self.topups_tiyn

    @transition(field=status, source=Status.ISSUED, target=Status.AWAITING_PAYMENT)
    def await_payment(self, *, deadline, by: str = "system", reason: str = ""):
        self.payment_deadline = deadline

    @transition(field=status, source=[Status.ISSUED, Status.AWAITING_PAYMENT], target=Status.ACTIVE)
    def activate(self, *, at, by: str = "system", reason: str = ""):
        self.activated_at = at

    @transition(field=status, source=Status.ACTIVE, target=Status.SUSPENDED)
    def suspend(self, *, by: str = "system", reason: str = ""):
        pass

    @transition(field=status, source=Status.SUSPENDED, target=Status.ACTIVE)
    def resume(self, *, by: str = "system", reason: str = ""):
        pass

    @transition(field=status, source=[Status.ACTIVE, Status.SUSPENDED], target=Status.EXPIRED)
    def expire(self, *, on, by: str = "system", reason: str = ""):
        self.ended_on = on

    @transition(field=status, source=[Status.ISSUED, Status.AWAITING_PAYMENT, Status.ACTIVE, Status.SUSPENDED],
                target=Status.CANCELLED)
    def cancel(self, *, on, by: str = "system", reason: str = ""):
        self.ended_on = on

    @transition(field=status, source=Status.ACTIVE, target=Status.TRANSFERRED)
    def transfer(self, *, on, by: str = "system", reason: str = ""):
        self.ended_on = on


class PolicyBenefit(models.Model):
    """A benefit of one policy with its limit and what claims have used of it."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="benefits")
    benefit = models.SlugField(max_length=32)
    limit_tiyn = models.BigIntegerField()
    used_tiyn = models.BigIntegerField(default=0)
    waiting_until = models.DateField(null=True, blank=True, help_text="not covered before this day")

    class Meta:
        ordering = ["policy_id", "benefit"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "benefit"], name="policy_benefit_once"),
            models.CheckConstraint(condition=Q(used_tiyn__gte=0) & Q(used_tiyn__lte=models.F("limit_tiyn")),
                                   name="policy_benefit_used_within_limit"),
        ]

    @property
    def remaining_tiyn(self) -> int:
        return self.limit_tiyn - self.used_tiyn


class TopUp(models.Model):
    """An extra premium that raises a policy's limits: requested → paid → applied | cancelled."""

    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("top-up status", "Awaiting payment")
        PAID = "paid", pgettext_lazy("top-up status", "Paid")
        APPLIED = "applied", pgettext_lazy("top-up status", "Applied to the limits")
        CANCELLED = "cancelled", pgettext_lazy("top-up status", "Cancelled")

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="topups")
    amount_tiyn = models.BigIntegerField()
    limit_raise_tiyn = models.BigIntegerField(help_text="total limit added (amount × the product's multiplier)")
    status = FSMField(default=Status.REQUESTED, choices=Status.choices, protected=True)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(amount_tiyn__gt=0), name="topup_amount_positive")]

    def __str__(self):
        return f"top-up {self.pk} of {self.policy.number} ({self.status})"

    @transition(field=status, source=Status.REQUESTED, target=Status.PAID)
    def pay(self, *, by: str = "system", reason: str = ""):
        pass

    @transition(field=status, source=Status.PAID, target=Status.APPLIED)
    def apply(self, *, at, by: str = "system", reason: str = ""):
        self.applied_at = at

    @transition(field=status, source=[Status.REQUESTED, Status.PAID], target=Status.CANCELLED)
    def cancel(self, *, by: str = "system", reason: str = ""):
        pass
