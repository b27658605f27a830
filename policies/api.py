"""Citizen API for applications, policies, top-ups and the policy PDF (shared/API.md)."""
from datetime import date, timedelta

from django.http import HttpResponse
from ninja import Field, Router, Schema, Status

from qalqan.api.auth import citizen_auth
from qalqan.api.errors import NotFound
from qalqan.payments.selectors import payment_for_subject, payment_id_for_subject

from .models import Application, Policy
from .pdf import policy_pdf
from .selectors import applications_for, policies_for, policy_of
from .services import (
    POLICY_SUBJECT,
    TOPUP_SUBJECT,
    application_submit,
    policy_cancel,
    policy_renew,
    policy_switch_insurer,
    topup_request,
)

router = Router(tags=["citizen: policies"])


class ApplicationIn(Schema):
    product: str = Field(..., min_length=1, max_length=64)
    insurer: str | None = Field(None, max_length=64)
    start_date: date | None = None


class RenewalIn(Schema):
    product: str = Field(..., min_length=1, max_length=64)
    insurer: str | None = Field(None, max_length=64)


class Reason(Schema):
    code: str
    message: str


class ApplicationOut(Schema):
    id: int
    status: str
    product: str
    insurer: str
    start_date: date
    end_date: date
    insured: bool
    price_tiyn: int
    subsidy_tiyn: int
    premium_due_tiyn: int
    reasons: list[Reason]
    policy: str | None
    payment: int | None
    renews: str | None = Field(None, description="the number of the policy this application renews")


class BenefitOut(Schema):
    code: str
    limit_tiyn: int
    used_tiyn: int
    remaining_tiyn: int
    waiting_until: date | None


class PolicyOut(Schema):
    number: str
    status: str
    kind: str
    insurer: str
    insurer_name: str
    product: str
    valid_from: date
    valid_until: date
    face_value_tiyn: int
    subsidy_tiyn: int
    premium_tiyn: int
    topups_tiyn: int
    payment_deadline: date | None
    payment: int | None
    payment_status: str | None
    benefits: list[BenefitOut]


class PolicyList(Schema):
    items: list[PolicyOut]
    next_cursor: str | None = None


class TopUpIn(Schema):
    amount_tiyn: int


class TopUpOut(Schema):
    id: int
    status: str
    amount_tiyn: int
    limit_raise_tiyn: int
    payment: int | None


class CancelOut(Schema):
    number: str
    status: str
    refund_tiyn: int


class SwitchIn(Schema):
    insurer: str
    product: str


def application_out(application: Application) -> dict:
    policy = getattr(application, "policy", None) if application.status == Application.Status.APPROVED else None
    payment_id = None
    if policy is not None:  # just issued: its payment is at hand (policies.services.policy_issue)
        issued = getattr(policy, "issue_payment", None)
        payment_id = issued.pk if issued else payment_id_for_subject(subject=POLICY_SUBJECT, subject_id=policy.pk)
    return {
        "id": application.pk, "status": application.status, "product": application.product.code,
        "insurer": application.product.insurer.code, "start_date": application.start_date,
        "end_date": application.end_date, "insured": application.insured, "price_tiyn": application.price_tiyn,
        "subsidy_tiyn": application.subsidy_tiyn, "premium_due_tiyn": application.premium_due_tiyn,
        "reasons": application.reasons, "policy": policy.number if policy else None,
        "payment": payment_id,
        "renews": application.renews.number if application.renews_id else None,
    }


def policy_out(policy: Policy) -> dict:
    first = policy
    while first.previous_id:  # after insurer switches the premium was paid for the first policy of the chain
        first = first.previous
    payment = payment_for_subject(subject=POLICY_SUBJECT, subject_id=first.pk)
    return {
        "number": policy.number, "status": policy.status, "kind": policy.kind, "insurer": policy.insurer.code,
        "insurer_name": policy.insurer.name, "product": policy.version.product.code, "valid_from": policy.start_date,
        "valid_until": policy.end_date - timedelta(days=1), "face_value_tiyn": policy.face_value_tiyn,
        "subsidy_tiyn": policy.subsidy_tiyn, "premium_tiyn": policy.premium_tiyn, "topups_tiyn": policy.topups_tiyn,
        "payment_deadline": policy.payment_deadline, "payment": payment.pk if payment else None,
        "payment_status": payment.status if payment else None,
        "benefits": [{"code": b.benefit, "limit_tiyn": b.limit_tiyn, "used_tiyn": b.used_tiyn,
                      "remaining_tiyn": b.remaining_tiyn, "waiting_until": b.waiting_until}
                     for b in policy.benefits.all()],
    }


def _own_policy(request, number: str) -> Policy:
    policy = policy_of(request.principal, number)
    if policy is None:
        raise NotFound()
    return policy


@router.post("/citizen/applications", auth=citizen_auth, response={201: ApplicationOut},
             summary="Apply for a product: checked at once and approved (the policy is issued) or rejected with "
                     "reasons; shows the subsidy and the premium due")
def apply(request, payload: ApplicationIn):
    application = application_submit(person_id=request.principal.person_id, product_code=payload.product,
                                     insurer_code=payload.insurer, start_date=payload.start_date,
                                     by=request.principal.actor)
    return Status(201, application_out(application))


@router.get("/citizen/applications", auth=citizen_auth, response=list[ApplicationOut], summary="My applications")
def my_applications(request):
    return [application_out(a) for a in applications_for(request.principal).select_related("product__insurer")
            .order_by("-id")[:100]]


@router.get("/citizen/applications/{application_id}", auth=citizen_auth, response=ApplicationOut)
def my_application(request, application_id: int):
    application = applications_for(request.principal).filter(pk=application_id).first()
    if application is None:
        raise NotFound()
    return application_out(application)


@router.get("/citizen/policies", auth=citizen_auth, response=PolicyList,
            summary="My policies, with limits used and remaining")
def my_policies(request):
    return {"items": [policy_out(p) for p in policies_for(request.principal).order_by("-id")], "next_cursor": None}


@router.get("/citizen/policies/{number}", auth=citizen_auth, response=PolicyOut)
def my_policy(request, number: str):
    return policy_out(_own_policy(request, number))


@router.get("/citizen/policies/{number}/pdf", auth=citizen_auth,
            response={200: None}, summary="The policy document (application/pdf)",
            openapi_extra={"responses": {"200": {"description": "PDF",
                                                 "content": {"application/pdf": {"schema": {"type": "string",
                                                                                            "format": "binary"}}}}}})
def my_policy_pdf(request, number: str):
    policy = _own_policy(request, number)
    response = HttpResponse(policy_pdf(policy), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{policy.number}.pdf"'
    return response


@router.post("/citizen/policies/{number}/topups", auth=citizen_auth, response={201: TopUpOut},
             summary="Raise a policy's limits with an extra premium (× the product's multiplier); pay the payment")
def top_up(request, number: str, payload: TopUpIn):
    topup = topup_request(policy_id=_own_policy(request, number).pk, amount_tiyn=payload.amount_tiyn,
                          by=request.principal.actor)
    payment = payment_for_subject(subject=TOPUP_SUBJECT, subject_id=topup.pk)
    return Status(201, {"id": topup.pk, "status": topup.status, "amount_tiyn": topup.amount_tiyn,
                        "limit_raise_tiyn": topup.limit_raise_tiyn, "payment": payment.pk if payment else None})


@router.post("/citizen/policies/{number}/renewals", auth=citizen_auth, response={201: ApplicationOut},
             summary="Renew a policy for the next term (from 30 days before its end until 15 days after), with the "
                     "same or another insurer's product of the same kind: an application that keeps the number")
def renew(request, number: str, payload: RenewalIn):
    application = policy_renew(policy_id=_own_policy(request, number).pk, product_code=payload.product,
                               insurer_code=payload.insurer, by=request.principal.actor)
    return Status(201, application_out(application))


@router.post("/citizen/policies/{number}/cancel", auth=citizen_auth, response=CancelOut,
             summary="Cancel a policy; what I paid is refunded pro rata to the days left")
def cancel(request, number: str):
    result = policy_cancel(policy_id=_own_policy(request, number).pk, by=request.principal.actor,
                           reason="cancelled by the holder")
    return {"number": result.policy.number, "status": result.policy.status, "refund_tiyn": result.refund_tiyn}


@router.post("/citizen/policies/{number}/switch", auth=citizen_auth, response=PolicyOut,
             summary="Move a policy to another insurer's product of the same kind (the instrument moves with its "
                     "unearned value)")
def switch(request, number: str, payload: SwitchIn):
    successor = policy_switch_insurer(policy_id=_own_policy(request, number).pk, insurer_code=payload.insurer,
                                      product_code=payload.product, by=request.principal.actor)
    return policy_out(policies_for(request.principal).get(pk=successor.pk))
