"""Double-entry money in integer tiyn. Only qalqan.ledger.services writes these tables.

What the database itself guarantees (see the triggers below and migration 0002):
- postings and transfers are never updated or deleted (append-only);
- every transfer has ≥ 2 postings summing to zero, checked at commit (deferred constraint triggers);
- no posting is dated in a locked or closed accounting period;
- an account that may not go negative never has a negative cached balance (CheckConstraint).
"""
import pgtrigger
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, transition

from qalqan.audit.triggers import append_only


class Account(models.Model):
    class Kind(models.TextChoices):
        BUDGET_SOURCE = "budget_source"
        CONTRIBUTIONS_POOL = "contributions_pool"
        FUND_CLEARING = "fund_clearing"
        INSURER_PREMIUM = "insurer_premium"
        CLINIC_RECEIVABLE = "clinic_receivable"
        PAYMENT_CLEARING = "payment_clearing"
        REFUNDS_PAYABLE = "refunds_payable"
        SUSPENSE = "suspense"
        PAYER_CLEARING = "payer_clearing"

    code = models.CharField(max_length=128, unique=True, help_text="e.g. insurer:<org code>:premium")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    name = models.CharField(max_length=255, blank=True)
    owner_organisation = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="ledger_accounts")
    owner_person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="ledger_accounts")
    currency = models.CharField(max_length=3, default="KZT")
    may_go_negative = models.BooleanField(default=False)
    balance_tiyn = models.BigIntegerField(default=0, help_text="cached: the sum of this account's postings")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(may_go_negative=True) | Q(balance_tiyn__gte=0),
                                   name="account_balance_not_negative"),
            models.CheckConstraint(condition=Q(owner_organisation__isnull=True) | Q(owner_person__isnull=True),
                                   name="account_one_owner"),
            models.CheckConstraint(condition=Q(currency="KZT"), name="account_currency_kzt"),
        ]

    def __str__(self):
        return self.code

    @property
    def owner(self):
        return self.owner_organisation or self.owner_person


class Transfer(models.Model):
    """A movement of money: ≥ 2 postings summing to zero. Immutable; corrected by a reversing transfer."""

    key = models.CharField(max_length=200, unique=True, help_text="idempotency key")
    reason = models.CharField(max_length=64, help_text="a reason code, e.g. subsidy.disburse")
    ref_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT,
                                 db_index=False)  # (ref_type, ref_id) below serves it
    ref_id = models.BigIntegerField(null=True, blank=True)
    ref = GenericForeignKey("ref_type", "ref_id")
    created_at = models.DateTimeField(auto_now_add=True)
    posted_on = models.DateField()
    reverses = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversals",
                                 db_index=False)  # the partial index below: most transfers reverse nothing

    class Meta:
        indexes = [
            models.Index(fields=["ref_type", "ref_id"]),
            models.Index(fields=["reverses"], condition=Q(reverses__isnull=False), name="ledger_transfer_reverses"),
        ]
        triggers = [append_only()]  # the balance check at commit: migration 0008

    def __str__(self):
        return f"{self.key} ({self.reason})"


class Posting(models.Model):
    """One line of a transfer: a signed amount on one account (positive = into its balance)."""

    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="postings",
                                db_index=False)  # (account, posted_on, id) below serves it
    amount_tiyn = models.BigIntegerField()
    posted_on = models.DateField()

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(amount_tiyn=0), name="posting_amount_not_zero")]
        indexes = [models.Index(fields=["account", "posted_on", "id"])]
        triggers = [append_only()]  # the balance check at commit and the period check: migration 0008

    def __str__(self):
        return f"{self.account_id} {self.amount_tiyn:+d}"


class AccountingPeriod(models.Model):
    """A month of the books: open → locked (no postings; may reopen) → closed (final). No row = open."""

    class Status(models.TextChoices):
        OPEN = "open"
        LOCKED = "locked"
        CLOSED = "closed"

    month = models.DateField(unique=True, help_text="the first day of the month")
    status = FSMField(default=Status.OPEN, choices=Status.choices, protected=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["month"]
        constraints = [models.CheckConstraint(condition=Q(month__day=1), name="period_month_first_day")]
        triggers = [
            pgtrigger.Protect(name="closed_is_final", operation=pgtrigger.Update | pgtrigger.Delete,
                              condition=pgtrigger.Q(old__status="closed")),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} ({self.status})"

    @transition(field=status, source=Status.OPEN, target=Status.LOCKED)
    def lock(self, *, by: str = "system", reason: str = ""):
        """No more postings dated in this month; corrections go to the open period."""

    @transition(field=status, source=Status.LOCKED, target=Status.OPEN)
    def unlock(self, *, by: str = "system", reason: str = ""):
        """Reopen a locked month (before it is closed)."""

    @transition(field=status, source=Status.LOCKED, target=Status.CLOSED)
    def close(self, *, by: str = "system", reason: str = ""):
        """Final: the month's books never change again."""
