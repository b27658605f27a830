"""Claims API (shared/API.md): clinics report events and see payouts, citizens confirm or dispute, insurers
adjudicate and settle, the fund's commissioners review disputes. Handlers parse, call one service, render."""
from datetime import date, datetime

from django.http import HttpResponse
from django.utils import timezone
from ninja import Body, Field, Router, Schema, Status
from pydantic import ValidationError as PydanticError
from pydantic import create_model

from qalqan.api.auth import citizen_auth, clinic_auth, fund_auth, insurer_auth
from qalqan.api.errors import Forbidden, NotFound, Unprocessable
from qalqan.api.main import api
from qalqan.api.pagination import paginate
from qalqan.audit.selectors import history_of
from qalqan.core.kzid import is_valid_iin
from qalqan.core.masking import mask_iin
from qalqan.orgs.models import Organisation

from .checks import EventItem
from .eligibility import eligibility_body
from .intake import Stored, events_receive
from .models import InsuredEvent, Settlement
from .pdf import remittance_pdf
from .selectors import (EventFilters, claim_rules_for, disputes_for, event_of, events_filtered, events_for, flags_for, is_commissioner,
                        remaining_limits, remittance, rule_product_of, settlement_of, settlements_for)
from .services import (claim_approve, claim_rule_set, claim_deny, claims_approve_many, claims_deny_many, dispute_reject,
                       dispute_uphold, event_confirm, event_dispute)
from .settlement import settlements_run

router = Router(tags=["claims"])
MAX_BATCH = 1000
BIG = 2**62


class EventIn(Schema):
    event_id: str = Field(..., min_length=1, max_length=64)
    iin: str = Field(..., min_length=1, max_length=12)
    service_code: str = Field(..., min_length=1, max_length=16)
    icd10: str = Field(..., min_length=1, max_length=8)
    service_date: date
    amount_tiyn: int = Field(..., ge=-BIG, le=BIG)
    benefit: str = Field(..., min_length=1, max_length=32)


# EventIn's fields on a plain pydantic model for the items of a batch: the same rules and messages, without
# ninja's attribute getter around every value (a third of a batch's validation time)
BatchItemIn = create_model("BatchItemIn", **{name: (f.annotation, f) for name, f in EventIn.model_fields.items()})


class Reason(Schema):
    code: str
    message: str


class EventOut(Schema):
    id: int
    event_id: str
    status: str
    iin: str
    service_code: str
    icd10: str
    service_date: date
    amount_tiyn: int
    approved_tiyn: int
    benefit: str
    clinic: str
    insurer: str | None
    policy: str | None
    reasons: list[Reason]
    flags: list[str]
    patient_deadline: datetime | None
    received_at: datetime
    decided_at: datetime | None
    settlement: int | None


class Change(Schema):
    at: datetime
    transition: str
    from_state: str
    to_state: str
    by: str
    reason: str


class Limit(Schema):
    benefit: str
    limit_tiyn: int
    used_tiyn: int
    remaining_tiyn: int


class ClaimOut(EventOut):
    """The insurer's view of one event: with its history and the policy's remaining limits."""

    history: list[Change]
    limits: list[Limit]


class EventList(Schema):
    items: list[EventOut]
    next_cursor: str | None = None


class BatchResult(Schema):
    index: int
    id: int | None = None
    status: str | None = None
    errors: list[dict] | None = None


class BatchOut(Schema):
    results: list[BatchResult]


class BenefitLeft(Schema):
    code: str
    remaining_tiyn: int
    limit_tiyn: int
    waiting_until: date | None


class PolicyLeft(Schema):
    number: str
    insurer: str
    benefits: list[BenefitLeft]


class EligibilityOut(Schema):
    iin: str
    insured: bool
    policies: list[PolicyLeft]


class CommentIn(Schema):
    comment: str = Field("", max_length=2000)


class ApproveIn(Schema):
    approved_tiyn: int | None = Field(None, ge=1, le=BIG)


class DenyIn(Schema):
    reason_code: str = Field(..., min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$")
    comment: str = Field("", max_length=2000)


class BulkApproveIn(Schema):
    ids: list[int] = Field(..., min_length=1, max_length=MAX_BATCH)


class BulkApproveOut(Schema):
    approved: list[int]
    refused: list[dict]


class BulkDenyIn(DenyIn):
    ids: list[int] = Field(..., min_length=1, max_length=MAX_BATCH)


class BulkDenyOut(Schema):
    denied: list[int]
    refused: list[dict]


class RuleIn(Schema):
    auto_approve: bool
    max_amount_tiyn: int = Field(..., ge=0, le=BIG)
    requires_patient_confirmation: bool
    allow_above_tariff: bool


class RuleOut(RuleIn):
    product: str
    updated_by: str
    updated_at: datetime | None


def rule_out(product, rule) -> dict:
    return {"product": product.code, "auto_approve": rule.auto_approve, "max_amount_tiyn": rule.max_amount_tiyn,
            "requires_patient_confirmation": rule.requires_patient_confirmation,
            "allow_above_tariff": rule.allow_above_tariff, "updated_by": rule.updated_by,
            "updated_at": rule.updated_at}


class SettleIn(Schema):
    clinic: str | None = Field(None, max_length=64)


class RemittanceLine(Schema):
    id: int
    event_id: str
    iin: str
    service_code: str
    service_date: date
    amount_tiyn: int
    approved_tiyn: int
    status: str


class SettlementOut(Schema):
    id: int
    status: str
    insurer: str
    insurer_name: str
    clinic: str
    clinic_name: str
    total_tiyn: int
    events_count: int
    shortfall_tiyn: int
    transfer: int | None
    created_at: datetime
    closed_at: datetime | None
    paid_at: datetime | None
    events: list[RemittanceLine]


class SettlementSummary(Schema):
    id: int
    status: str
    insurer: str
    clinic: str
    total_tiyn: int
    events_count: int
    shortfall_tiyn: int
    transfer: int | None
    created_at: datetime
    paid_at: datetime | None


class SettlementList(Schema):
    items: list[SettlementSummary]
    next_cursor: str | None = None


class SettleOut(Schema):
    settlements: list[SettlementSummary]
    paid_tiyn: int
    unpaid_tiyn: int


class FlagOut(Schema):
    id: int
    kind: str
    clinic: str
    event: int
    by: str
    comment: str
    created_at: datetime


class FlagList(Schema):
    items: list[FlagOut]
    next_cursor: str | None = None


def event_out(event: InsuredEvent) -> dict:
    return {
        "id": event.pk, "event_id": event.event_id, "status": event.status, "iin": mask_iin(event.iin),
        "service_code": event.service_code, "icd10": event.icd10, "service_date": event.service_date,
        "amount_tiyn": event.amount_tiyn, "approved_tiyn": event.approved_tiyn, "benefit": event.benefit,
        "clinic": event.clinic.code, "insurer": event.insurer.code if event.insurer_id else None,
        "policy": event.policy.number if event.policy_id else None, "reasons": event.reasons, "flags": event.flags,
        "patient_deadline": event.patient_deadline, "received_at": event.received_at,
        "decided_at": event.decided_at, "settlement": event.settlement_id,
    }


def stored_event_out(stored: Stored, clinic: Organisation) -> dict:
    """`event_out` of an event intake has just stored (as the row reads back)."""
    item, policy = stored.item, stored.verdict.policy
    return {
        "id": stored.pk, "event_id": item.event_id, "status": stored.status, "iin": mask_iin(item.iin),
        "service_code": item.service_code, "icd10": item.icd10, "service_date": item.service_date,
        "amount_tiyn": item.amount_tiyn, "approved_tiyn": 0, "benefit": item.benefit, "clinic": clinic.code,
        "insurer": policy.insurer_code if policy else None, "policy": policy.number if policy else None,
        "reasons": stored.verdict.reasons, "flags": stored.verdict.flags, "patient_deadline": stored.deadline,
        "received_at": stored.received_at, "decided_at": None, "settlement": None,
    }


def settlement_summary(settlement: Settlement) -> dict:
    return {"id": settlement.pk, "status": settlement.status, "insurer": settlement.insurer.code,
            "clinic": settlement.clinic.code, "total_tiyn": settlement.total_tiyn,
            "events_count": settlement.events_count, "shortfall_tiyn": settlement.shortfall_tiyn,
            "transfer": settlement.transfer_id, "created_at": settlement.created_at, "paid_at": settlement.paid_at}


def _item(data: EventIn) -> EventItem:
    return EventItem(event_id=data.event_id, iin=data.iin, service_code=data.service_code, icd10=data.icd10.upper(),
                     service_date=data.service_date, amount_tiyn=data.amount_tiyn, benefit=data.benefit)


def _event_list(queryset, *, limit, cursor, status=None, **filters) -> dict:
    wanted = EventFilters(status=status or "", **{k: v for k, v in filters.items() if v not in (None, "")})
    for field, message in wanted.problems():
        raise Unprocessable.for_field(field, message)
    queryset = events_filtered(queryset, wanted)
    return paginate(queryset.select_related("clinic", "insurer", "policy"), limit=limit, cursor=cursor,
                    serialize=event_out)


def _event_or_404(principal, event_id: int) -> InsuredEvent:
    event = event_of(principal, event_id)
    if event is None:
        raise NotFound()
    return event


def _settlement_or_404(principal, settlement_id: int) -> Settlement:
    settlement = settlement_of(principal, settlement_id)
    if settlement is None:
        raise NotFound()
    return settlement


def _pdf(settlement: Settlement) -> HttpResponse:
    response = HttpResponse(remittance_pdf(remittance(settlement)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="remittance-{settlement.pk}.pdf"'
    return response


# --- clinic --------------------------------------------------------------------------------------------------

@router.post("/clinic/events", auth=clinic_auth, response={200: EventOut, 201: EventOut},
             summary="Report one insured event (a repeated event_id answers 200 with the first event)")
def clinic_event_create(request, payload: EventIn):
    clinic = request.principal.organisation
    [received] = events_receive(clinic=clinic, items=[_item(payload)], deliver_now=True)
    if received.created:  # answered from what intake stored, without reading it back; rendered as EventOut
        # renders it, without validating against it a body stored_event_out builds to its shape
        return api.create_response(request, stored_event_out(received.stored, clinic), status=201)
    return Status(200, event_out(event_of(request.principal, received.id)))


@router.post("/clinic/events/batch", auth=clinic_auth, response=BatchOut,
             summary="Report up to 1 000 events; each item is judged alone")
def clinic_event_batch(request, items: list[dict] = Body(...)):
    if len(items) > MAX_BATCH:
        raise Unprocessable.for_field("body", f"a batch holds at most {MAX_BATCH} events, not {len(items)}")
    results: list[dict] = [{"index": i, "id": None, "status": None, "errors": None} for i in range(len(items))]
    parsed: list[tuple[int, EventItem]] = []
    for index, raw in enumerate(items):
        try:
            parsed.append((index, _item(BatchItemIn.model_validate(raw))))
        except PydanticError as exc:
            results[index]["errors"] = [{"field": ".".join(str(p) for p in e["loc"]) or "item", "message": e["msg"]}
                                        for e in exc.errors()]
    if parsed:
        received = events_receive(clinic=request.principal.organisation, items=[item for _, item in parsed])
        for (index, _item_), answer in zip(parsed, received):
            results[index].update(id=answer.id, status=answer.status)
            if answer.reasons:
                results[index]["errors"] = [{"field": r["code"], "message": r["message"]} for r in answer.reasons]
    # rendered as BatchOut renders, without validating a thousand results built just above against it (a fifth
    # of a batch's CPU)
    return api.create_response(request, {"results": results}, status=200)


@router.get("/clinic/events", auth=clinic_auth, response=EventList, summary="This clinic's events")
def clinic_event_list(request, status: str | None = None, limit: int | None = None, cursor: str | None = None):
    return _event_list(events_for(request.principal), status=status, limit=limit, cursor=cursor)


@router.get("/clinic/events/{int:event_id}", auth=clinic_auth, response=EventOut)
def clinic_event_detail(request, event_id: int):
    return event_out(_event_or_404(request.principal, event_id))


@router.get("/clinic/eligibility/{iin}", auth=clinic_auth, response=EligibilityOut,
            summary="Insured? Which policies, and the limit left per benefit, at the point of care")
def clinic_eligibility(request, iin: str):
    if not is_valid_iin(iin):
        raise Unprocessable.for_field("iin", "the ИИН is not valid (12 digits with a correct control digit)")
    # The hot point-of-care path: the body is already JSON, so skip the schema round trip.
    return HttpResponse(eligibility_body(iin, timezone.localdate()), content_type="application/json")


@router.get("/clinic/payouts", auth=clinic_auth, response=SettlementList, summary="Settlements paying this clinic")
def clinic_payouts(request, status: str | None = None, limit: int | None = None, cursor: str | None = None):
    settlements = settlements_for(request.principal)
    if status:
        settlements = settlements.filter(status=status)
    return paginate(settlements, limit=limit, cursor=cursor, serialize=settlement_summary)


@router.get("/clinic/payouts/{int:settlement_id}", auth=clinic_auth, response=SettlementOut,
            summary="A remittance statement (JSON)")
def clinic_payout_detail(request, settlement_id: int):
    return remittance(_settlement_or_404(request.principal, settlement_id))


@router.get("/clinic/payouts/{int:settlement_id}/pdf", auth=clinic_auth, response={200: None},
            summary="A remittance statement (application/pdf)")
def clinic_payout_pdf(request, settlement_id: int):
    return _pdf(_settlement_or_404(request.principal, settlement_id))


# --- citizen -------------------------------------------------------------------------------------------------

@router.get("/citizen/events", auth=citizen_auth, response=EventList, summary="Services billed in my name")
def citizen_event_list(request, status: str | None = None, limit: int | None = None, cursor: str | None = None):
    return _event_list(events_for(request.principal), status=status, limit=limit, cursor=cursor)


@router.post("/citizen/events/{int:event_id}/confirm", auth=citizen_auth, response=EventOut)
def citizen_event_confirm(request, event_id: int, payload: CommentIn | None = None):
    event = _event_or_404(request.principal, event_id)
    event_confirm(event_id=event.pk, by=request.principal.actor, comment=payload.comment if payload else "")
    return event_out(event_of(request.principal, event.pk))


@router.post("/citizen/events/{int:event_id}/dispute", auth=citizen_auth, response=EventOut)
def citizen_event_dispute(request, event_id: int, payload: CommentIn | None = None):
    event = _event_or_404(request.principal, event_id)
    event_dispute(event_id=event.pk, by=request.principal.actor, comment=payload.comment if payload else "")
    return event_out(event_of(request.principal, event.pk))


# --- insurer -------------------------------------------------------------------------------------------------

@router.get("/insurer/claims", auth=insurer_auth, response=EventList,
            summary="Insured events against this insurer's policies")
def insurer_claim_list(request, status: str | None = None, clinic: str | None = None, flagged: bool | None = None,
                       benefit: str | None = None, date_from: date | None = None, date_to: date | None = None,
                       limit: int | None = None, cursor: str | None = None):
    return _event_list(events_for(request.principal), status=status, clinic=clinic, flagged=flagged,
                       benefit=benefit, date_from=date_from, date_to=date_to, limit=limit, cursor=cursor)


@router.get("/insurer/claims/{int:event_id}", auth=insurer_auth, response=ClaimOut,
            summary="One event with its history and the policy's remaining limits")
def insurer_claim_detail(request, event_id: int):
    event = _event_or_404(request.principal, event_id)
    history = [{"at": c.at, "transition": c.transition, "from_state": c.from_state, "to_state": c.to_state,
                "by": c.by, "reason": c.reason} for c in history_of(event)]
    return {**event_out(event), "history": history, "limits": remaining_limits(event)}


@router.post("/insurer/claims/bulk-approve", auth=insurer_auth, response=BulkApproveOut,
             summary="Approve many events (each alone; refusals are listed)")
def insurer_claims_bulk_approve(request, payload: BulkApproveIn):
    ids = list(events_for(request.principal).filter(pk__in=payload.ids).values_list("id", flat=True))
    result = claims_approve_many(event_ids=sorted(ids), by=request.principal.actor)
    result["refused"] += [{"id": i, "detail": "No such object."} for i in payload.ids if i not in set(ids)]
    return result


@router.post("/insurer/claims/bulk-deny", auth=insurer_auth, response=BulkDenyOut,
             summary="Deny many events with one reason code (each alone; refusals are listed)")
def insurer_claims_bulk_deny(request, payload: BulkDenyIn):
    ids = list(events_for(request.principal).filter(pk__in=payload.ids).values_list("id", flat=True))
    result = claims_deny_many(event_ids=sorted(ids), by=request.principal.actor, reason_code=payload.reason_code,
                              comment=payload.comment)
    result["refused"] += [{"id": i, "detail": "No such object."} for i in payload.ids if i not in set(ids)]
    return result


@router.post("/insurer/claims/{int:event_id}/approve", auth=insurer_auth, response=EventOut,
             summary="Approve (default: all that the policy's limit still allows)")
def insurer_claim_approve(request, event_id: int, payload: ApproveIn | None = None):
    event = _event_or_404(request.principal, event_id)
    claim_approve(event_id=event.pk, by=request.principal.actor,
                  approved_tiyn=payload.approved_tiyn if payload else None)
    return event_out(event_of(request.principal, event.pk))


@router.post("/insurer/claims/{int:event_id}/deny", auth=insurer_auth, response=EventOut)
def insurer_claim_deny(request, event_id: int, payload: DenyIn):
    event = _event_or_404(request.principal, event_id)
    claim_deny(event_id=event.pk, by=request.principal.actor, reason_code=payload.reason_code,
               comment=payload.comment)
    return event_out(event_of(request.principal, event.pk))


@router.get("/insurer/claim-rules", auth=insurer_auth, response=list[RuleOut],
            summary="Per product: when events are approved without a person, and whether above-tariff amounts pass")
def insurer_rule_list(request):
    return [rule_out(row["product"], row["rule"]) for row in claim_rules_for(request.principal)]


@router.post("/insurer/claim-rules/{product}", auth=insurer_auth, response=RuleOut,
            summary="Set one product's claim rule")
def insurer_rule_set(request, product: str, payload: RuleIn):
    found = rule_product_of(request.principal, product)
    if found is None:
        raise NotFound()
    rule = claim_rule_set(product_id=found.pk, by=request.principal.actor, **payload.dict())
    return rule_out(found, rule)


@router.post("/insurer/settlements", auth=insurer_auth, response={201: SettleOut},
             summary="Pay every approved, unpaid claim (of one clinic): one settlement and transfer per clinic")
def insurer_settle(request, payload: SettleIn | None = None):
    clinic_id = None
    if payload and payload.clinic:
        clinic_id = Organisation.objects.filter(kind="clinic", code=payload.clinic).values_list("id", flat=True).first()
        if clinic_id is None:
            raise Unprocessable.for_field("clinic", "no clinic with this code")
    settlements = settlements_run(insurer_id=request.principal.org_id, clinic_id=clinic_id,
                                  by=request.principal.actor)
    return Status(201, {
        "settlements": [settlement_summary(s) for s in settlements],
        "paid_tiyn": sum(s.total_tiyn for s in settlements if s.status == Settlement.Status.PAID),
        "unpaid_tiyn": sum(s.total_tiyn for s in settlements if s.status != Settlement.Status.PAID),
    })


@router.get("/insurer/settlements", auth=insurer_auth, response=SettlementList)
def insurer_settlement_list(request, status: str | None = None, limit: int | None = None, cursor: str | None = None):
    settlements = settlements_for(request.principal)
    if status:
        settlements = settlements.filter(status=status)
    return paginate(settlements, limit=limit, cursor=cursor, serialize=settlement_summary)


@router.get("/insurer/settlements/{int:settlement_id}", auth=insurer_auth, response=SettlementOut,
            summary="A remittance statement (JSON)")
def insurer_settlement_detail(request, settlement_id: int):
    return remittance(_settlement_or_404(request.principal, settlement_id))


@router.get("/insurer/settlements/{int:settlement_id}/pdf", auth=insurer_auth, response={200: None},
            summary="A remittance statement (application/pdf)")
def insurer_settlement_pdf(request, settlement_id: int):
    return _pdf(_settlement_or_404(request.principal, settlement_id))


# --- fund: commissioners ------------------------------------------------------------------------------------

def _commissioner(request):
    if not is_commissioner(request.principal):
        raise Forbidden("Only insurance commissioners review disputes.")
    return request.principal


@router.get("/fund/disputes", auth=fund_auth, response=EventList, summary="Disputed events for commissioners")
def fund_dispute_list(request, limit: int | None = None, cursor: str | None = None):
    return paginate(disputes_for(_commissioner(request)), limit=limit, cursor=cursor, serialize=event_out)


@router.post("/fund/disputes/{int:event_id}/uphold", auth=fund_auth, response=EventOut,
             summary="Uphold the patient's dispute: the event is denied, the clinic's record marked")
def fund_dispute_uphold(request, event_id: int, payload: CommentIn | None = None):
    principal = _commissioner(request)
    event = _event_or_404(principal, event_id)
    dispute_uphold(event_id=event.pk, by=principal.actor, comment=payload.comment if payload else "")
    return event_out(event_of(principal, event.pk))


@router.post("/fund/disputes/{int:event_id}/reject", auth=fund_auth, response=EventOut,
             summary="Reject the dispute: the event goes back to the insurer's adjudication")
def fund_dispute_reject(request, event_id: int, payload: CommentIn | None = None):
    principal = _commissioner(request)
    event = _event_or_404(principal, event_id)
    dispute_reject(event_id=event.pk, by=principal.actor, comment=payload.comment if payload else "")
    return event_out(event_of(principal, event.pk))


@router.get("/fund/settlements", auth=fund_auth, response=SettlementList,
            summary="Settlements of every insurer (status=closed shows the unpaid ones and their shortfall)")
def fund_settlement_list(request, status: str | None = None, limit: int | None = None, cursor: str | None = None):
    settlements = settlements_for(request.principal)
    if status:
        settlements = settlements.filter(status=status)
    return paginate(settlements, limit=limit, cursor=cursor, serialize=settlement_summary)


@router.get("/fund/claim-flags", auth=fund_auth, response=FlagList,
            summary="Marks on clinics' records: upheld disputes and possible double billing")
def fund_flag_list(request, kind: str | None = None, limit: int | None = None, cursor: str | None = None):
    flags = flags_for(request.principal)
    if kind:
        flags = flags.filter(kind=kind)
    return paginate(flags, limit=limit, cursor=cursor, serialize=lambda f: {
        "id": f.pk, "kind": f.kind, "clinic": f.clinic.code, "event": f.event_id, "by": f.by, "comment": f.comment,
        "created_at": f.created_at})
