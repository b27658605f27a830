"""API for contributions, insurance status and refunds (shared/API.md): fund, citizen and public paths."""
from datetime import date
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from ninja import Router, Schema, Status

from qalqan.api.auth import citizen_auth, fund_auth
from qalqan.api.errors import Conflict, NotFound, Unprocessable
from qalqan.api.pagination import paginate
from qalqan.core.kzid import InvalidNumber, parse_iin
from qalqan.core.masking import mask_iin

from .contributions import MAX_ROWS, TooManyRows, contributions_intake
from .insurance_selectors import contribution_months, contributions_for, refunds_for
from .models import Contribution, PayerKind, Person, Refund
from .rates import NoRule, contribution_calculate
from .refunds import (
    RefundInvalid,
    RefundRefused,
    refund_approve,
    refund_reject,
    refund_request,
)
from .status import StatusRefused, temporary_status_grant
from .status_lookup import status_body
from .throttling import PublicRateThrottle

router = Router(tags=["contributions and status"])


# ----------------------------------------------------------------------------------------------- schemas
class RowError(Schema):
    index: int
    field: str
    message: str
    status: int = 422


class IntakeOut(Schema):
    created: int
    updated: int
    duplicates: int
    suspense: int
    overpayments: int
    errors: list[RowError]


class ContributionIn(Schema):
    iin: str
    payer_bin: str | None = None
    kind: str
    period: str
    months: int = 1
    amount_tiyn: int
    reference: str


class ContributionOut(Schema):
    id: int
    reference: str
    iin: str
    kind: str
    period: str
    months: int
    amount_tiyn: int
    overpayment: bool
    in_suspense: bool
    received_at: str


class ContributionPage(Schema):
    items: list[ContributionOut]
    next_cursor: str | None


class StatusOut(Schema):
    iin: str
    insured: bool
    basis: str | None
    insured_until: date | None


class CalculatorOut(Schema):
    kind: str
    period: str
    rate_percent: str
    base: str
    base_tiyn: int
    cap_income_tiyn: int | None
    income_tiyn: int | None
    amount_tiyn: int
    max_tiyn: int | None
    minimum_wage_tiyn: int
    effective_percent: str | None


class MonthOut(Schema):
    period: str
    paid_tiyn: int
    kinds: list[str]
    by_category: bool
    covered: bool
    debt_tiyn: int


class CitizenContributionsOut(Schema):
    insured: bool
    basis: str | None
    insured_until: date | None
    debt_tiyn: int
    debt_months: list[str]
    months: list[MonthOut]
    items: list[ContributionOut]


class CitizenRefundIn(Schema):
    contribution: int
    reason: str
    comment: str = ""


class FundRefundIn(Schema):
    contribution: int | None = None
    reference: str | None = None
    reason: str
    comment: str = ""
    amount_tiyn: int | None = None


class RefundOut(Schema):
    id: int
    contribution: int
    reference: str
    amount_tiyn: int
    reason: str
    comment: str
    requester: str
    status: str
    decision_reason: str
    payout_reference: str
    created_at: str


class RefundPage(Schema):
    items: list[RefundOut]
    next_cursor: str | None


class DecisionIn(Schema):
    reason: str = ""


class TemporaryIn(Schema):
    reason: str


class TemporaryOut(Schema):
    iin: str
    valid_from: date
    valid_to: date


def _contribution_out(c: Contribution) -> dict:
    return {"id": c.pk, "reference": c.reference, "iin": c.iin, "kind": c.kind, "period": f"{c.period:%Y-%m}",
            "months": c.months, "amount_tiyn": c.amount_tiyn, "overpayment": c.overpayment,
            "in_suspense": c.in_suspense, "received_at": c.received_at.isoformat()}


def _refund_out(r: Refund) -> dict:
    return {"id": r.pk, "contribution": r.contribution_id, "reference": r.contribution.reference,
            "amount_tiyn": r.amount_tiyn, "reason": r.reason, "comment": r.comment, "requester": r.requester,
            "status": r.status, "decision_reason": r.decision_reason, "payout_reference": r.payout_reference,
            "created_at": r.created_at.isoformat()}


def _valid_iin(iin: str) -> str:
    try:
        parse_iin(iin)
    except InvalidNumber as exc:
        raise Unprocessable.for_field("iin", str(exc)) from None
    return iin


# ----------------------------------------------------------------------------------------------- fund
@router.post(
    "/fund/contributions", auth=fund_auth, response=IntakeOut,
    summary=f"Load up to {MAX_ROWS} contribution payments",
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "array", "maxItems": MAX_ROWS, "items": ContributionIn.model_json_schema()}}}}},
)
def post_contributions(request, rows: list[Any]):
    """Valid rows are kept even when others fail; each failed row is listed with its index, field and status.
    `reference` de-duplicates: the same reference with the same payment counts as a duplicate; with another
    payment it is an error (status 409). A one-row call whose row fails answers with that status itself
    (409, or 422 with every field that failed) and stores nothing."""
    try:
        result = contributions_intake(rows=rows)
    except TooManyRows as exc:
        raise Unprocessable.for_field("body", str(exc)) from None
    if len(rows) == 1 and result.errors:
        errors = [{"field": e["field"], "message": e["message"]} for e in result.errors]
        if any(e["status"] == 409 for e in result.errors):
            raise Conflict(result.errors[0]["message"], errors=errors)
        raise Unprocessable("the payment was not stored", errors=errors)
    return result.as_dict()


@router.get("/fund/contributions", auth=fund_auth, response=ContributionPage, summary="Contributions, page by page")
def list_contributions(request, iin: str | None = None, in_suspense: bool | None = None, limit: int = 100,
                       cursor: str | None = None):
    queryset = contributions_for(request.principal)
    if iin:
        queryset = queryset.filter(iin=_valid_iin(iin))
    if in_suspense is not None:
        queryset = queryset.filter(in_suspense=in_suspense)
    return paginate(queryset, limit=limit, cursor=cursor, serialize=_contribution_out)


@router.post("/fund/status/{iin}/temporary", auth=fund_auth, response={201: TemporaryOut},
             summary="Grant a one-month temporary status on documents")
def post_temporary_status(request, iin: str, body: TemporaryIn):
    person = Person.objects.filter(iin=_valid_iin(iin)).first()
    if person is None:
        raise NotFound()
    if not body.reason.strip():
        raise Unprocessable.for_field("reason", "name the documents the temporary status rests on")
    try:
        grant = temporary_status_grant(person_id=person.pk, by=request.principal.actor, reason=body.reason)
    except StatusRefused as exc:
        raise Conflict(str(exc)) from None
    return Status(201, {"iin": mask_iin(iin), "valid_from": grant.valid_from, "valid_to": grant.valid_to})


@router.post("/fund/refunds", auth=fund_auth, response={201: RefundOut},
             summary="Record a payer's request to refund an erroneous payment")
def post_fund_refund(request, body: FundRefundIn):
    queryset = contributions_for(request.principal)
    if body.contribution is not None:
        contribution = queryset.filter(pk=body.contribution).first()
    elif body.reference:
        contribution = queryset.filter(reference=body.reference).first()
    else:
        raise Unprocessable.for_field("contribution", "give the contribution id or its reference")
    if contribution is None:
        raise NotFound()
    refund = _request(contribution_id=contribution.pk, reason=body.reason, comment=body.comment,
                      amount_tiyn=body.amount_tiyn, requester=Refund.Requester.PAYER,
                      requested_by=request.principal.actor)
    return Status(201, _refund_out(refund))


@router.get("/fund/refunds", auth=fund_auth, response=RefundPage, summary="Refund requests (filter by status)")
def list_fund_refunds(request, status: str | None = None, limit: int = 100, cursor: str | None = None):
    queryset = refunds_for(request.principal)
    if status:
        queryset = queryset.filter(status=status)
    return paginate(queryset, limit=limit, cursor=cursor, serialize=_refund_out)


@router.get("/fund/refunds/{refund_id}", auth=fund_auth, response=RefundOut, summary="One refund")
def get_fund_refund(request, refund_id: int):
    return _refund_out(refunds_for(request.principal).get(pk=refund_id))


@router.post("/fund/refunds/{refund_id}/approve", auth=fund_auth, response=RefundOut, summary="Approve a refund")
def approve_refund(request, refund_id: int, body: DecisionIn | None = None):
    refunds_for(request.principal).get(pk=refund_id)
    refund = refund_approve(refund_id=refund_id, by=request.principal.actor, reason=(body.reason if body else ""))
    return _refund_out(refund)


@router.post("/fund/refunds/{refund_id}/reject", auth=fund_auth, response=RefundOut, summary="Reject a refund")
def reject_refund(request, refund_id: int, body: DecisionIn):
    refunds_for(request.principal).get(pk=refund_id)
    try:
        refund = refund_reject(refund_id=refund_id, by=request.principal.actor, reason=body.reason)
    except RefundInvalid as exc:
        raise Unprocessable.for_field(exc.field, str(exc)) from None
    return _refund_out(refund)


def _request(**kwargs) -> Refund:
    try:
        return refund_request(**kwargs)
    except RefundInvalid as exc:
        raise Unprocessable.for_field(exc.field, str(exc)) from None
    except RefundRefused as exc:
        raise Conflict(str(exc)) from None


# ----------------------------------------------------------------------------------------------- citizen
@router.get("/citizen/contributions", auth=citizen_auth, response=CitizenContributionsOut,
            summary="My contributions month by month, my status and my debt")
def citizen_contributions(request):
    from .insurance_selectors import status_of

    person = request.principal.person
    overview = contribution_months(person_id=person.pk, today=timezone.localdate())
    status = status_of(person)
    items = [_contribution_out(c) for c in contributions_for(request.principal).order_by("-period", "-id")[:500]]
    return {
        "insured": bool(status and status.insured), "basis": status.basis if status else None,
        "insured_until": status.insured_until if status else None, "debt_tiyn": overview["debt_tiyn"],
        "debt_months": [f"{m:%Y-%m}" for m in overview["debt_months"]],
        "months": [{**m, "period": f"{m['period']:%Y-%m}"} for m in overview["months"]], "items": items,
    }


@router.post("/citizen/refunds", auth=citizen_auth, response={201: RefundOut},
             summary="Ask for a refund of an erroneous payment credited to me")
def post_citizen_refund(request, body: CitizenRefundIn):
    contribution = contributions_for(request.principal).filter(pk=body.contribution).first()
    if contribution is None:
        raise NotFound()
    refund = _request(contribution_id=contribution.pk, reason=body.reason, comment=body.comment,
                      requester=Refund.Requester.CITIZEN, requested_by=request.principal.actor,
                      person_id=request.principal.person_id)
    return Status(201, _refund_out(refund))


@router.get("/citizen/refunds", auth=citizen_auth, response=RefundPage, summary="My refund requests")
def list_citizen_refunds(request, limit: int = 100, cursor: str | None = None):
    return paginate(refunds_for(request.principal), limit=limit, cursor=cursor, serialize=_refund_out)


# ----------------------------------------------------------------------------------------------- public
@router.get("/status/{iin}", response=StatusOut, throttle=[PublicRateThrottle()],
            summary="Am I insured? (public; rate limited per client address)")
def public_status(request, iin: str):
    _valid_iin(iin)
    # The hot public path: the body is already JSON, so skip the schema round trip.
    return HttpResponse(status_body(iin), content_type="application/json")


@router.get("/contributions/calculator", response=CalculatorOut, throttle=[PublicRateThrottle()],
            summary="The contribution due for one month (public)")
def calculator(request, kind: str, period: str, income_tiyn: int | None = None):
    if kind not in PayerKind.values:
        raise Unprocessable.for_field("kind", f"unknown payer kind {kind!r}")
    try:
        year, month = (int(p) for p in period.split("-"))
        day = date(year, month, 1)
    except ValueError:
        raise Unprocessable.for_field("period", "period must be YYYY-MM") from None
    if income_tiyn is not None and income_tiyn < 0:
        raise Unprocessable.for_field("income_tiyn", "income_tiyn cannot be negative")
    try:
        return contribution_calculate(kind=kind, period=day, income_tiyn=income_tiyn).as_dict()
    except NoRule as exc:
        raise Unprocessable.for_field("period", str(exc)) from None
