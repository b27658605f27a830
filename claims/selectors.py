"""Who sees which events and settlements: the one place that scopes claims objects to a caller.

A clinic sees what it reported; an insurer the events charged to its policies (once valid); a citizen the
events billed in their name (once valid); the fund's commissioners the disputed and flagged ones.
"""
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from qalqan.orgs.principal import Principal

from .models import ClaimRule, ClinicFlag, InsuredEvent, Settlement

Status = InsuredEvent.Status
INSURER_HIDDEN = (Status.RECEIVED, Status.INVALID)


def events_for(principal: Principal) -> QuerySet[InsuredEvent]:
    events = InsuredEvent.objects.all()
    if principal.kind == "clinic":
        return events.filter(clinic_id=principal.org_id)
    if principal.kind == "insurer":
        return events.filter(insurer_id=principal.org_id).exclude(status__in=INSURER_HIDDEN)
    if principal.kind == "citizen":
        return events.filter(person_id=principal.person_id).exclude(status__in=INSURER_HIDDEN)
    if principal.kind == "fund":
        return events
    return events.none()


@dataclass(frozen=True)
class EventFilters:
    """The queue's filters (each optional): status, clinic code, flagged or not, benefit, service dates."""

    status: str = ""
    clinic: str = ""
    flagged: bool | None = None
    benefit: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def problems(self) -> list[tuple[str, str]]:
        wrong = []
        if self.status and self.status not in Status.values:
            wrong.append(("status", f"status is one of {', '.join(Status.values)}"))
        if self.date_from and self.date_to and self.date_from > self.date_to:
            wrong.append(("date_from", "date_from is after date_to"))
        return wrong


def events_filtered(events: QuerySet[InsuredEvent], filters: EventFilters) -> QuerySet[InsuredEvent]:
    if filters.status:
        events = events.filter(status=filters.status)
    if filters.clinic:
        events = events.filter(clinic__code=filters.clinic)
    if filters.flagged is True:
        events = events.exclude(flags=[])
    elif filters.flagged is False:
        events = events.filter(flags=[])
    if filters.benefit:
        events = events.filter(benefit=filters.benefit)
    if filters.date_from:
        events = events.filter(service_date__gte=filters.date_from)
    if filters.date_to:
        events = events.filter(service_date__lte=filters.date_to)
    return events


def event_of(principal: Principal, event_id: int) -> InsuredEvent | None:
    return events_for(principal).select_related("clinic", "insurer", "policy", "settlement").filter(
        pk=event_id).first()


def settlements_for(principal: Principal) -> QuerySet[Settlement]:
    settlements = Settlement.objects.select_related("insurer", "clinic")
    if principal.kind == "clinic":
        return settlements.filter(clinic_id=principal.org_id)
    if principal.kind == "insurer":
        return settlements.filter(insurer_id=principal.org_id)
    if principal.kind == "fund":
        return settlements
    return settlements.none()


def settlement_of(principal: Principal, settlement_id: int) -> Settlement | None:
    return settlements_for(principal).filter(pk=settlement_id).first()


def disputes_for(principal: Principal) -> QuerySet[InsuredEvent]:
    """The commissioners' queue: disputed events (fund only)."""
    if principal.kind != "fund":
        return InsuredEvent.objects.none()
    return InsuredEvent.objects.filter(status=Status.DISPUTED).select_related("clinic", "insurer")


def flags_for(principal: Principal) -> QuerySet[ClinicFlag]:
    if principal.kind != "fund":
        return ClinicFlag.objects.none()
    return ClinicFlag.objects.select_related("clinic", "event")


def is_commissioner(principal: Principal) -> bool:
    """Fund staff signed in with the commissioner role, or the fund's own systems (an organisation token)."""
    return principal.kind == "fund" and principal.role in ("commissioner", "")


def claim_rules_for(principal: Principal) -> list[dict]:
    """The insurer's products, each with its claim rule (the defaults where none is set yet)."""
    from insurers.models import Product

    if principal.kind != "insurer":
        return []
    products = Product.objects.filter(insurer_id=principal.org_id).order_by("code")
    rules = {r.product_id: r for r in ClaimRule.objects.filter(product__in=products)}
    return [{"product": p, "rule": rules.get(p.pk) or ClaimRule(product=p)} for p in products]


def rule_product_of(principal: Principal, code: str):
    """One of the caller's products by code, or None (another insurer's product is not found)."""
    from insurers.models import Product

    if principal.kind != "insurer":
        return None
    return Product.objects.filter(insurer_id=principal.org_id, code=code).first()


def remaining_limits(event: InsuredEvent) -> list[dict]:
    """The limits of the event's policy, benefit by benefit: limit, used, remaining."""
    if not event.policy_id:
        return []
    return [{"benefit": b.benefit, "limit_tiyn": b.limit_tiyn, "used_tiyn": b.used_tiyn,
             "remaining_tiyn": b.remaining_tiyn} for b in event.policy.benefits.order_by("benefit")]


def remittance(settlement: Settlement) -> dict:
    """The remittance statement: the settlement and every event it pays."""
    events = settlement.events.order_by("id").values("id", "event_id", "iin", "service_code", "service_date",
                                                     "amount_tiyn", "approved_tiyn", "status")
    return {
        "id": settlement.pk, "status": settlement.status, "insurer": settlement.insurer.code,
        "insurer_name": settlement.insurer.name, "clinic": settlement.clinic.code,
        "clinic_name": settlement.clinic.name, "total_tiyn": settlement.total_tiyn,
        "events_count": settlement.events_count, "shortfall_tiyn": settlement.shortfall_tiyn,
        "transfer": settlement.transfer_id, "created_at": settlement.created_at, "closed_at": settlement.closed_at,
        "paid_at": settlement.paid_at,
        "events": [{**e, "iin": _mask(e["iin"])} for e in events],
    }


def _mask(iin: str) -> str:
    from qalqan.core.masking import mask_iin

    return mask_iin(iin)
