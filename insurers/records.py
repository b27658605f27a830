"""Each insurer's claim-payment record for the marketplace: how many insured events it decided, what share it
approved, how many it paid and how fast (received → the settlement paid). None until it has decided a claim."""
from dataclasses import dataclass

from django.db.models import Avg, Count, F, Q


@dataclass(frozen=True)
class ClaimRecord:
    decided: int  # approved, partially approved, denied or paid
    approved: int  # of those, approved in full or in part (paid ones included)
    paid: int
    avg_days_to_pay: float | None  # from the clinic's report to the insurer's payout

    @property
    def approved_pct(self) -> int:
        """Whole per cent, rounded half up (integers only)."""
        return (self.approved * 200 + self.decided) // (self.decided * 2)


def claim_records(insurer_ids) -> dict[int, ClaimRecord]:
    """insurer id → its record, for the insurers that have decided at least one claim (one query)."""
    from claims.models import InsuredEvent

    status = InsuredEvent.Status
    approved = [status.APPROVED, status.PARTIALLY_APPROVED, status.PAID]
    rows = (InsuredEvent.objects.filter(insurer_id__in=list(insurer_ids), status__in=[*approved, status.DENIED])
            .values("insurer_id")
            .annotate(decided=Count("id"), approved=Count("id", filter=Q(status__in=approved)),
                      paid=Count("id", filter=Q(status=status.PAID)),
                      to_pay=Avg(F("settlement__paid_at") - F("received_at"), filter=Q(status=status.PAID))))
    return {row["insurer_id"]: ClaimRecord(
        decided=row["decided"], approved=row["approved"], paid=row["paid"],
        avg_days_to_pay=round(row["to_pay"].total_seconds() / 86400, 1) if row["to_pay"] is not None else None)
        for row in rows}
