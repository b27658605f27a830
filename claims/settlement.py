"""Settlement: an insurer pays a clinic for every approved, unpaid event in ONE ledger transfer
(insurer:<code>:premium → clinic:<code>:receivable). open → closed → paid; without the money the
settlement stays closed with the shortfall recorded (the fund sees it) and the next run tries again.

Locks: the insurer's organisation row first (two runs of one insurer queue up: one payout), then its events,
then the ledger accounts (inside transfer_post).
"""
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from qalqan.ledger.models import Account
from qalqan.ledger.services import InsufficientFunds, account_ensure, balance_of, transfer_post
from qalqan.orgs.models import Organisation

from .locks import lock_insurer
from .models import InsuredEvent, Settlement

REASON = "claims.settlement"


def premium_account(insurer: Organisation) -> Account:
    return account_ensure(code=f"insurer:{insurer.code}:premium", kind=Account.Kind.INSURER_PREMIUM,
                          name=insurer.name, owner=insurer)


def receivable_account(clinic: Organisation) -> Account:
    return account_ensure(code=f"clinic:{clinic.code}:receivable", kind=Account.Kind.CLINIC_RECEIVABLE,
                          name=clinic.name, owner=clinic)


@transaction.atomic
def settlements_run(*, insurer_id: int, clinic_id: int | None = None, by: str = "system",
                    now: datetime | None = None) -> list[Settlement]:
    """Settle every approved, unpaid event of this insurer (of one clinic when given): one settlement and one
    transfer per clinic. Settlements left closed by an earlier shortfall are tried again first."""
    now = now or timezone.now()
    insurer = lock_insurer(insurer_id)
    touched: list[Settlement] = []
    retry = Settlement.objects.select_for_update().filter(insurer=insurer, status=Settlement.Status.CLOSED)
    if clinic_id is not None:
        retry = retry.filter(clinic_id=clinic_id)
    for settlement in retry.select_related("clinic").order_by("id"):
        _pay(settlement, insurer=insurer, by=by, now=now)
        touched.append(settlement)
    unpaid = InsuredEvent.objects.filter(insurer=insurer, status__in=InsuredEvent.APPROVED_STATUSES,
                                         settlement__isnull=True)
    if clinic_id is not None:
        unpaid = unpaid.filter(clinic_id=clinic_id)
    locked = list(unpaid.select_for_update().order_by("id").values_list("id", "clinic_id"))
    by_clinic: dict[int, list[int]] = {}
    for event_id, event_clinic in locked:
        by_clinic.setdefault(event_clinic, []).append(event_id)
    for event_clinic, ids in sorted(by_clinic.items()):
        settlement = Settlement.objects.create(insurer=insurer, clinic_id=event_clinic)
        InsuredEvent.objects.filter(pk__in=ids).update(settlement=settlement)
        totals = settlement.events.aggregate(total=Sum("approved_tiyn"), count=Count("id"))
        settlement.total_tiyn, settlement.events_count = totals["total"] or 0, totals["count"]
        settlement.close(at=now, by=by, reason=f"{len(ids)} events")
        settlement.save()
        _pay(settlement, insurer=insurer, by=by, now=now)
        touched.append(settlement)
    return touched


def _pay(settlement: Settlement, *, insurer: Organisation, by: str, now: datetime) -> None:
    """One transfer for the whole settlement; on a shortfall the settlement stays closed."""
    source, target = premium_account(insurer), receivable_account(settlement.clinic)
    try:
        with transaction.atomic():
            transfer = transfer_post(key=f"settlement:{settlement.pk}", reason=REASON, ref=settlement,
                                     lines=[(source, -settlement.total_tiyn), (target, settlement.total_tiyn)],
                                     posted_on=timezone.localdate(now))
    except InsufficientFunds:
        settlement.shortfall_tiyn = settlement.total_tiyn - max(balance_of(source), 0)
        settlement.save(update_fields=["shortfall_tiyn"])
        return
    settlement.pay(transfer=transfer, at=now, by=by, reason=f"transfer {transfer.pk}")
    settlement.save()
    for event in settlement.events.select_for_update().order_by("id"):
        event.mark_paid(by=by, reason=f"settlement {settlement.pk}")
        event.save(update_fields=["status"])
