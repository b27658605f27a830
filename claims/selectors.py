"""Who sees which events and settlements: the one place that scopes claims objects to a caller.

A clinic sees what it reported; an insurer the events charged to its policies (once valid); a citizen the
events billed in their name (once valid); the fund's commissioners the disputed and flagged ones.
"""
from django.db.models import QuerySet

from qalqan.orgs.principal import Principal

from .models import ClinicFlag, InsuredEvent, Settlement

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
