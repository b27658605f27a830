"""Refunds of erroneous contributions: requested → approved | rejected, approved → paid.

Locks are always taken contribution → refund → ledger accounts. One contribution has at most one refund
that is not rejected (a conditional unique constraint backs the check), and no refund exceeds the payment.
Approval moves the money pool:osms (or suspense:contributions) → refunds:payable; the payout, through the
bank provider after commit, moves it refunds:payable → clearing:bank and marks the refund paid.
"""
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from qalqan.audit.models import StateChange
from qalqan.ledger.services import account_ensure, transfer_post

from .contributions import POOL, SUSPENSE
from .models import Contribution, Refund
from .payouts import payout_provider
from .rates import NoRule, RateBook
from .status import status_recompute_on_commit

PAYABLE = "refunds:payable"
BANK = "clearing:bank"


class RefundRefused(Exception):
    """The refund cannot be made as asked (the message says why); the API answers 409."""


class RefundInvalid(ValueError):
    """The request is well-formed but not acceptable (the API answers 422)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _lock_contribution(contribution_id: int, person_id: int | None = None) -> Contribution:
    queryset = Contribution.objects.select_for_update()
    if person_id is not None:
        queryset = queryset.filter(person_id=person_id)
    return queryset.get(pk=contribution_id)


def overpaid_tiyn(contribution: Contribution) -> int:
    """How much of the payment lies above its kind's cap for the period (0 when none)."""
    try:
        cap = RateBook().max_due(contribution.kind, contribution.period)
    except NoRule:
        return 0
    return 0 if cap is None else max(0, contribution.amount_tiyn - cap * contribution.months)


@transaction.atomic
def refund_request(*, contribution_id: int, reason: str, requester: str, requested_by: str, comment: str = "",
                   amount_tiyn: int | None = None, person_id: int | None = None) -> Refund:
    """Ask for a refund. `person_id` scopes a citizen to their own payments (another's is DoesNotExist)."""
    if reason not in Refund.Reason.values:
        raise RefundInvalid("reason", f"reason must be one of {', '.join(Refund.Reason.values)}")
    contribution = _lock_contribution(contribution_id, person_id)
    if Refund.objects.filter(contribution=contribution).exclude(status=Refund.Status.REJECTED).exists():
        raise RefundRefused("this payment already has a refund requested, approved or paid")
    if amount_tiyn is None:
        amount_tiyn = overpaid_tiyn(contribution) if reason == Refund.Reason.OVERPAYMENT else contribution.amount_tiyn
        if amount_tiyn == 0:
            raise RefundInvalid("reason", "this payment is not above its cap: there is no overpayment to refund")
    if type(amount_tiyn) is not int or amount_tiyn <= 0:
        raise RefundInvalid("amount_tiyn", "amount_tiyn must be a positive whole number of tiyn")
    if amount_tiyn > contribution.amount_tiyn:
        raise RefundInvalid("amount_tiyn", "a refund cannot exceed the payment")
    try:
        with transaction.atomic():
            refund = Refund.objects.create(contribution=contribution, amount_tiyn=amount_tiyn, reason=reason,
                                           comment=comment, requester=requester, requested_by=requested_by)
    except IntegrityError:
        raise RefundRefused("this payment already has a refund requested, approved or paid") from None
    StateChange.objects.create(content_type=ContentType.objects.get_for_model(Refund), object_id=refund.pk,
                               transition="request", from_state="", to_state=refund.status,
                               by=requested_by[:128], reason=comment)
    return refund


def _lock_refund(refund_id: int) -> tuple[Contribution, Refund]:
    contribution_id = Refund.objects.values_list("contribution_id", flat=True).get(pk=refund_id)
    contribution = _lock_contribution(contribution_id)
    return contribution, Refund.objects.select_for_update().get(pk=refund_id)


@transaction.atomic
def refund_approve(*, refund_id: int, by: str, reason: str = "", today: date | None = None) -> Refund:
    """Approve: the money leaves the pool (or suspense) for refunds payable; the payout follows after commit."""
    contribution, refund = _lock_refund(refund_id)
    refund.approve(by=by, reason=reason)
    source = SUSPENSE if contribution.in_suspense else POOL
    account_ensure(code=PAYABLE, kind="refunds_payable", name="Refunds of erroneous contributions")
    refund.approve_transfer = transfer_post(
        key=f"refund:{refund.pk}:approve", lines=[(source, -refund.amount_tiyn), (PAYABLE, refund.amount_tiyn)],
        reason="refund.approve", ref=refund, posted_on=today or timezone.localdate())
    refund.save()
    if contribution.person_id:
        status_recompute_on_commit([contribution.person_id])
    from .tasks import refund_payout

    transaction.on_commit(lambda: refund_payout.delay(refund.pk))
    return refund


@transaction.atomic
def refund_reject(*, refund_id: int, by: str, reason: str) -> Refund:
    if not reason.strip():
        raise RefundInvalid("reason", "say why the refund is rejected")
    _, refund = _lock_refund(refund_id)
    refund.reject(by=by, reason=reason)
    refund.save()
    return refund


def refunds_awaiting_payout(*, min_age: timedelta = timedelta(minutes=10)) -> list[int]:
    """Approved refunds whose payout has not gone through (the bank refused or was down), approved at least
    `min_age` ago so that a payout still in flight is left alone."""
    return list(Refund.objects.filter(status=Refund.Status.APPROVED, updated_at__lte=timezone.now() - min_age)
                .order_by("id").values_list("pk", flat=True))


def refund_pay(*, refund_id: int) -> Refund:
    """Pay an approved refund out through the bank provider (outside any transaction), then book it paid.
    Safe to run twice: the provider is idempotent by reference and a paid refund is left alone. A refusal of
    the bank (PayoutFailed) leaves the refund approved, its money in refunds:payable, to be sent again."""
    refund = Refund.objects.select_related("contribution").get(pk=refund_id)
    if refund.status != Refund.Status.APPROVED:
        return refund
    recipient = refund.contribution.iin if refund.requester == Refund.Requester.CITIZEN else (
        refund.contribution.payer_bin or refund.contribution.iin)
    payout = payout_provider().pay(reference=f"refund-{refund.pk}", amount_tiyn=refund.amount_tiyn,
                                   recipient=recipient)
    return refund_mark_paid(refund_id=refund.pk, payout_reference=payout.provider_reference)


@transaction.atomic
def refund_mark_paid(*, refund_id: int, payout_reference: str, today: date | None = None) -> Refund:
    _, refund = _lock_refund(refund_id)
    if refund.status == Refund.Status.PAID:
        return refund
    refund.mark_paid(by="bank", reason=f"payout {payout_reference}")
    account_ensure(code=BANK, kind="payment_clearing", name="Bank transfers out", may_go_negative=True)
    refund.pay_transfer = transfer_post(
        key=f"refund:{refund.pk}:pay", lines=[(PAYABLE, -refund.amount_tiyn), (BANK, refund.amount_tiyn)],
        reason="refund.pay", ref=refund, posted_on=today or timezone.localdate())
    refund.payout_reference = payout_reference
    refund.save()
    return refund
