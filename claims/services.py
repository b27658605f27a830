"""Operations on insured events after intake: the patient's word, commissioners, adjudication.

Every service is atomic and locks in the standard order (claims/locks.py): policy → benefit → event.
"""
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from policies.instruments import instrument_record
from qalqan.api.errors import Conflict, Unprocessable

from .locks import lock_event_chain, lock_policy_benefit
from .models import ClaimRule, ClinicFlag, InsuredEvent

Status = InsuredEvent.Status


# --- the patient -------------------------------------------------------------------------------------------

@transaction.atomic
def event_confirm(*, event_id: int, by: str, comment: str = "", by_patient: bool = True,
                  now: datetime | None = None) -> InsuredEvent:
    """The patient confirms (or silence past the deadline does); the event goes to adjudication or is
    approved at once by the product's rule."""
    policy, event = lock_event_chain(event_id)
    event.confirm(by_patient=by_patient, comment=comment, by=by,
                  reason="confirmed by the patient" if by_patient else "no answer by the deadline")
    event.save()
    _after_confirmation(event, policy=policy, now=now or timezone.now())
    return event


@transaction.atomic
def event_dispute(*, event_id: int, by: str, comment: str = "") -> InsuredEvent:
    _policy, event = lock_event_chain(event_id)
    event.dispute(comment=comment, by=by, reason=comment or "disputed by the patient")
    event.save()
    return event


def events_confirm_silent(*, now: datetime | None = None, chunk: int = 500) -> int:
    """Confirm every event whose patient did not answer by the deadline (beat task; safe to run twice)."""
    now = now or timezone.now()
    done = 0
    while True:
        ids = list(InsuredEvent.objects.filter(status=Status.AWAITING_PATIENT, patient_deadline__lt=now)
                   .order_by("id").values_list("id", flat=True)[:chunk])
        for event_id in ids:
            with transaction.atomic():
                policy, event = lock_event_chain(event_id)
                if event.status != Status.AWAITING_PATIENT:  # answered meanwhile
                    continue
                event.confirm(by_patient=False, by="system", reason="no answer by the deadline")
                event.save()
                _after_confirmation(event, policy=policy, now=now)
                done += 1
        if len(ids) < chunk:
            return done


def _after_confirmation(event: InsuredEvent, *, policy, now: datetime) -> None:
    """Auto-approve by the product's rule when it allows; otherwise the event waits for the insurer."""
    rule = ClaimRule.objects.filter(product_id=policy.version.product_id).first() if policy else None
    if rule and rule.auto_approve and not event.flags and event.amount_tiyn <= rule.max_amount_tiyn \
            and (event.confirmed_by_patient or not rule.requires_patient_confirmation):
        benefit = lock_policy_benefit(policy.pk, event.benefit)
        if benefit is not None and benefit.remaining_tiyn >= event.amount_tiyn:
            _approve(event, policy=policy, benefit=benefit, amount=event.amount_tiyn, by="rule",
                     reason=f"auto-approved by the rule of product {policy.version.product.code}", now=now)
            return
    event.review(by="system", reason="to adjudication")
    event.save()


# --- the commissioner ----------------------------------------------------------------------------------------

@transaction.atomic
def dispute_uphold(*, event_id: int, by: str, comment: str = "", now: datetime | None = None) -> InsuredEvent:
    """The commissioner agrees with the patient: the event is denied and the clinic's record marked."""
    _policy, event = lock_event_chain(event_id)
    if event.status != Status.DISPUTED:
        raise Conflict(f"Not allowed: uphold from state {event.status!r}.", state=event.status)
    event.deny(code="dispute_upheld", message=comment or "the patient's dispute was upheld by a commissioner",
               at=now or timezone.now(), by=by, reason=comment or "dispute upheld")
    event.save()
    ClinicFlag.objects.create(clinic=event.clinic, event=event, kind=ClinicFlag.Kind.DISPUTE_UPHELD, by=by,
                              comment=comment)
    return event


@transaction.atomic
def dispute_reject(*, event_id: int, by: str, comment: str = "") -> InsuredEvent:
    """The commissioner finds the service was rendered: back to the insurer's adjudication."""
    _policy, event = lock_event_chain(event_id)
    if event.status != Status.DISPUTED:
        raise Conflict(f"Not allowed: reject from state {event.status!r}.", state=event.status)
    event.review(by=by, reason=comment or "dispute rejected by a commissioner")
    event.save()
    return event


# --- the insurer ---------------------------------------------------------------------------------------------

@transaction.atomic
def claim_approve(*, event_id: int, by: str, approved_tiyn: int | None = None,
                  now: datetime | None = None) -> InsuredEvent:
    """Approve in full, or partially down to what the benefit's limit still allows (never beyond it)."""
    policy, event = lock_event_chain(event_id)
    if event.status not in (Status.CONFIRMED, Status.UNDER_REVIEW):
        raise Conflict(f"Not allowed: approve from state {event.status!r}.", state=event.status)
    if approved_tiyn is not None and not 0 < approved_tiyn <= event.amount_tiyn:
        raise Unprocessable.for_field("approved_tiyn", "approved_tiyn must be above zero and at most the amount")
    benefit = lock_policy_benefit(policy.pk, event.benefit) if policy else None
    if benefit is None:
        raise Conflict("The event's policy does not cover its benefit.", state=event.status)
    wanted = event.amount_tiyn if approved_tiyn is None else approved_tiyn
    amount = min(wanted, benefit.remaining_tiyn)
    if amount <= 0:
        raise Conflict("The policy's limit for this benefit is used up; deny the event instead.",
                       state=event.status, remaining_tiyn=benefit.remaining_tiyn)
    reason = "" if amount == wanted else f"limited to the remaining {amount} tiyn"
    _approve(event, policy=policy, benefit=benefit, amount=amount, by=by, reason=reason, now=now or timezone.now())
    return event


def _approve(event: InsuredEvent, *, policy, benefit, amount: int, by: str, reason: str, now: datetime) -> None:
    """The caller holds the policy, benefit and event locks."""
    if event.status == Status.CONFIRMED:
        event.review(by=by, reason="to adjudication")
    if amount < event.amount_tiyn:
        event.approve_partially(approved_tiyn=amount, at=now, by=by, reason=reason)
    else:
        event.approve(approved_tiyn=amount, at=now, by=by, reason=reason)
    event.save()
    benefit.used_tiyn += amount
    benefit.save(update_fields=["used_tiyn"])
    instrument_record(instrument_id=policy.instrument_id, kind="drawn", amount_tiyn=amount,
                      data={"event": event.pk, "clinic": event.clinic.code, "benefit": event.benefit,
                            "service_code": event.service_code})


@transaction.atomic
def claim_deny(*, event_id: int, by: str, reason_code: str, comment: str = "",
               now: datetime | None = None) -> InsuredEvent:
    _policy, event = lock_event_chain(event_id)
    if event.status not in (Status.CONFIRMED, Status.UNDER_REVIEW):
        raise Conflict(f"Not allowed: deny from state {event.status!r}.", state=event.status)
    event.deny(code=reason_code, message=comment or reason_code, at=now or timezone.now(), by=by,
               reason=comment or reason_code)
    event.save()
    return event


def claims_approve_many(*, event_ids: list[int], by: str) -> dict:
    """Bulk approval: each event in its own transaction; what could not be approved is reported, not raised."""
    approved, refused = [], []
    for event_id in event_ids:
        try:
            claim_approve(event_id=event_id, by=by)
            approved.append(event_id)
        except (Conflict, Unprocessable, InsuredEvent.DoesNotExist) as exc:
            refused.append({"id": event_id, "detail": getattr(exc, "detail", str(exc))})
    return {"approved": approved, "refused": refused}


def claims_deny_many(*, event_ids: list[int], by: str, reason_code: str, comment: str = "") -> dict:
    """Bulk denial with one reason code: each event in its own transaction; refusals are reported, not raised."""
    denied, refused = [], []
    for event_id in event_ids:
        try:
            claim_deny(event_id=event_id, by=by, reason_code=reason_code, comment=comment)
            denied.append(event_id)
        except (Conflict, InsuredEvent.DoesNotExist) as exc:
            refused.append({"id": event_id, "detail": getattr(exc, "detail", str(exc))})
    return {"denied": denied, "refused": refused}


# --- the insurer's rules ---------------------------------------------------------------------------------------

@transaction.atomic
def claim_rule_set(*, product_id: int, by: str, auto_approve: bool, max_amount_tiyn: int,
                   requires_patient_confirmation: bool, allow_above_tariff: bool) -> ClaimRule:
    """Set a product's auto-approval rule and tariff tolerance (applies to events decided from now on)."""
    if max_amount_tiyn < 0:
        raise Unprocessable.for_field("max_amount_tiyn", "max_amount_tiyn must not be negative")
    rule, _created = ClaimRule.objects.select_for_update().update_or_create(
        product_id=product_id, defaults={
            "auto_approve": auto_approve, "max_amount_tiyn": max_amount_tiyn,
            "requires_patient_confirmation": requires_patient_confirmation,
            "allow_above_tariff": allow_above_tariff, "updated_by": by})
    return rule
