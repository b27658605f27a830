"""Intake of insured events from clinics: de-duplication by the clinic's event_id, format-logical control,
storage (valid and invalid alike), and the patient's notification — set-based for batches.

One batch costs a fixed number of queries whatever its size: existing ids, persons, policies, benefits,
rules, tariffs, already-billed services, one INSERT of the events, one of their audit rows, one of the
notifications (outbox) and one of the clinic flags.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from qalqan.audit.models import StateChange
from qalqan.core.money import format_tiyn
from qalqan.notify.backends import get_backend
from qalqan.notify.messages import render
from qalqan.notify.models import Notification
from qalqan.notify.services import notify_send
from qalqan.orgs.models import Organisation

from .checks import POSSIBLE_DOUBLE_BILLING, EventItem, event_problems
from .coverage import facts_for
from .models import ClinicFlag, InsuredEvent

Status = InsuredEvent.Status
NOTIFICATION_KIND = "claim_reported"


@dataclass(frozen=True)
class Received:
    id: int
    status: str
    created: bool
    reasons: list


def filing_window_days() -> int:
    return int(getattr(settings, "CLAIMS_FILING_WINDOW_DAYS", 90))


def patient_deadline_days() -> int:
    return int(getattr(settings, "CLAIMS_PATIENT_DEADLINE_DAYS", 10))


def events_receive(*, clinic: Organisation, items: list[EventItem], now: datetime | None = None,
                   deliver_now: bool = False) -> list[Received]:
    """Store each item once per (clinic, event_id) and answer, in order, what became of it.

    A repeated event_id (earlier, in the same batch, or concurrently) answers the first event, unchanged.
    `deliver_now` sends the patient's notification right after commit (single events); otherwise the
    notifications wait in the outbox for the relay (batches).
    """
    now = now or timezone.now()
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _receive(clinic=clinic, items=items, now=now, deliver_now=deliver_now)
        except IntegrityError as exc:  # a concurrent request stored one of these event_ids first: answer with it
            if "event_id_once_per_clinic" not in str(exc) or attempt == 2:
                raise
    raise AssertionError("unreachable")


def _receive(*, clinic, items, now, deliver_now) -> list[Received]:
    today = timezone.localdate(now)
    existing = {eid: (pk, status, reasons) for eid, pk, status, reasons in InsuredEvent.objects.filter(
        clinic=clinic, event_id__in={i.event_id for i in items}).values_list("event_id", "id", "status", "reasons")}
    fresh: dict[str, EventItem] = {}
    for item in items:
        if item.event_id not in existing:
            fresh.setdefault(item.event_id, item)
    created: list[InsuredEvent] = []
    if fresh:
        facts = facts_for(iins=[i.iin for i in fresh.values()], days=[i.service_date for i in fresh.values()])
        deadline = now + timedelta(days=patient_deadline_days())
        window = filing_window_days()
        for item in fresh.values():
            verdict = event_problems(item, facts, clinic_id=clinic.pk, today=today, filing_window_days=window)
            policy = verdict.policy
            created.append(InsuredEvent(
                clinic=clinic, event_id=item.event_id, iin=item.iin, person_id=verdict.person_id,
                policy_id=policy.id if policy else None, insurer_id=policy.insurer_id if policy else None,
                service_code=item.service_code, icd10=item.icd10, service_date=item.service_date,
                amount_tiyn=item.amount_tiyn, benefit=item.benefit,
                status=Status.INVALID if verdict.reasons else Status.AWAITING_PATIENT,
                reasons=verdict.reasons, flags=verdict.flags,
                patient_deadline=None if verdict.reasons else deadline,
            ))
        with transaction.atomic():  # a savepoint: a concurrent duplicate rolls back only this insert
            InsuredEvent.objects.bulk_create(created)
        _record_intake(created, clinic=clinic, deliver_now=deliver_now)
        for event in created:
            existing[event.event_id] = (event.pk, event.status, event.reasons)
    new_ids = {e.pk for e in created}
    answers = []
    for item in items:
        pk, status, reasons = existing[item.event_id]
        answers.append(Received(id=pk, status=status, created=pk in new_ids, reasons=reasons))
        new_ids.discard(pk)  # a repeat inside the batch answers the first, as not created
    return answers


def _record_intake(events: list[InsuredEvent], *, clinic: Organisation, deliver_now: bool) -> None:
    """Audit rows for received → validated → awaiting_patient | invalid, the patients' notices, clinic flags."""
    content_type = ContentType.objects.get_for_model(InsuredEvent)
    changes, flags, notices = [], [], []
    for event in events:
        def change(transition, source, target):
            return StateChange(content_type=content_type, object_id=event.pk, transition=transition,
                               from_state=source, to_state=target, by=clinic.code)
        if event.status == Status.INVALID:
            changes.append(change("invalidate", Status.RECEIVED, Status.INVALID))
            continue
        changes += [change("validate", Status.RECEIVED, Status.VALIDATED),
                    change("ask_patient", Status.VALIDATED, Status.AWAITING_PATIENT)]
        if POSSIBLE_DOUBLE_BILLING in event.flags:
            flags.append(ClinicFlag(clinic=clinic, event=event, kind=ClinicFlag.Kind.POSSIBLE_DOUBLE_BILLING,
                                    by="system"))
        notices.append(event)
    StateChange.objects.bulk_create(changes)
    if flags:
        ClinicFlag.objects.bulk_create(flags)
    if not notices:
        return
    if deliver_now:
        for event in notices:
            notify_send(person_id=event.person_id, kind=NOTIFICATION_KIND, context=notice_context(event, clinic))
    else:
        channel = get_backend().channel
        rows = []
        for event in notices:
            context = notice_context(event, clinic)
            rows.append(Notification(person_id=event.person_id, kind=NOTIFICATION_KIND, context=context,
                                     body=render(NOTIFICATION_KIND, context), channel=channel))
        Notification.objects.bulk_create(rows)


def notice_context(event: InsuredEvent, clinic: Organisation) -> dict:
    base = getattr(settings, "PUBLIC_BASE_URL", "").rstrip("/")
    return {"event": event.pk, "clinic": clinic.name, "service": event.service_code,
            "date": event.service_date.isoformat(), "amount": format_tiyn(event.amount_tiyn),
            "deadline": timezone.localdate(event.patient_deadline).isoformat(),
            "link": f"{base}/kk/citizen/events/{event.pk}/"}
