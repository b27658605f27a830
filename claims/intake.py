"""Intake of insured events from clinics: de-duplication by the clinic's event_id, format-logical control,
storage (valid and invalid alike), and the patient's notification — set-based for batches.

One batch costs a fixed number of queries whatever its size: existing ids, the advisory locks on its
(person, service date) keys (one statement, claims/locks.py), persons with their policies and benefits (one),
already-billed services, one INSERT of the events (one JSON recordset, no model instances), one of their audit
rows, one of the notifications (outbox) and one of the clinic flags. The statements are prepared once per
connection and bind their parameters on the server (qalqan/core/sql.py): an array or a JSON document each.
"""
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from qalqan.audit.models import StateChange
from qalqan.core.money import format_tiyn
from qalqan.core.sql import execute_prepared, fetch_all_prepared
from qalqan.notify.channels import channel_for
from qalqan.notify.messages import render_many
from qalqan.notify.models import Notification
from qalqan.notify.services import notifications_deliver_after_commit, notifications_deliver_batch_after_commit
from qalqan.orgs.models import Organisation

from .checks import POSSIBLE_DOUBLE_BILLING, EventItem, Verdict, event_problems
from .coverage import facts_for
from .locks import lock_billing_days
from .models import ClinicFlag, InsuredEvent

Status = InsuredEvent.Status
NOTIFICATION_KIND = "claim_reported"


@dataclass(frozen=True)
class Received:
    id: int
    status: str
    created: bool
    reasons: list
    stored: "Stored | None" = None  # what was stored, for an event created by this call


def filing_window_days() -> int:
    return int(getattr(settings, "CLAIMS_FILING_WINDOW_DAYS", 90))


def patient_deadline_days() -> int:
    return int(getattr(settings, "CLAIMS_PATIENT_DEADLINE_DAYS", 10))


def events_receive(*, clinic: Organisation, items: list[EventItem], now: datetime | None = None,
                   deliver_now: bool = False) -> list[Received]:
    """Store each item once per (clinic, event_id) and answer, in order, what became of it.

    A repeated event_id (earlier, in the same batch, or concurrently) answers the first event, unchanged.
    `deliver_now` queues the patient's notification as a task of its own right after commit (single events);
    otherwise one task per chunk of the batch's notifications is queued after commit.
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


_EXISTING = f"SELECT event_id, id, status, reasons FROM {InsuredEvent._meta.db_table} " \
            "WHERE clinic_id = %s AND event_id = ANY(%s)"


def _receive(*, clinic, items, now, deliver_now) -> list[Received]:
    today = timezone.localdate(now)
    existing = {eid: (pk, status, json.loads(reasons)) for eid, pk, status, reasons in fetch_all_prepared(
        _EXISTING, [clinic.pk, sorted({i.event_id for i in items})])}
    fresh: dict[str, EventItem] = {}
    for item in items:
        if item.event_id not in existing:
            fresh.setdefault(item.event_id, item)
    created: list[Stored] = []
    if fresh:
        # the later of two concurrent intakes of one person's day waits here for the earlier's commit, then its
        # double-billing check (facts_for, a fresh snapshot) sees the earlier's event
        lock_billing_days((i.iin, i.service_date) for i in fresh.values())
        facts = facts_for(billing_days=[(i.iin, i.service_date) for i in fresh.values()])
        deadline = now + timedelta(days=patient_deadline_days())
        window = filing_window_days()
        for item in fresh.values():
            verdict = event_problems(item, facts, clinic_id=clinic.pk, today=today, filing_window_days=window)
            created.append(Stored(item=item, verdict=verdict,
                                  status=Status.INVALID if verdict.reasons else Status.AWAITING_PATIENT,
                                  deadline=None if verdict.reasons else deadline))
        # a concurrent duplicate event_id fails this insert and events_receive runs the whole intake again
        _insert_events(created, clinic=clinic, now=now)
        _record_intake(created, facts.contacts, clinic=clinic, now=now, deliver_now=deliver_now)
        for event in created:
            existing[event.item.event_id] = (event.pk, event.status, event.verdict.reasons)
    new = {e.pk: e for e in created}
    answers = []
    for item in items:
        pk, status, reasons = existing[item.event_id]
        stored = new.pop(pk, None)  # a repeat inside the batch answers the first, as not created
        answers.append(Received(id=pk, status=status, created=stored is not None, reasons=reasons, stored=stored))
    return answers


@dataclass
class Stored:
    """An event as intake stores it (plain values: a batch never builds model instances)."""

    item: EventItem
    verdict: Verdict
    status: str
    deadline: datetime | None
    pk: int | None = None
    received_at: datetime | None = None


def _recordset_insert(table: str, columns: list[tuple[str, str]], rows: list[tuple], returning: str = "") -> list:
    """INSERT … SELECT FROM jsonb_to_recordset(one JSON parameter): one statement whatever the row count, and
    no per-value quoting on the client (the rows travel as one JSON document)."""
    names = ", ".join(name for name, _ in columns)
    spec = ", ".join(f"{name} {kind}" for name, kind in columns)
    sql = (f"INSERT INTO {table} ({names}) SELECT {names} FROM jsonb_to_recordset(%s::jsonb) AS r({spec})"
           + (f" RETURNING {returning}" if returning else ""))
    keys = [name for name, _ in columns]
    document = json.dumps([dict(zip(keys, row)) for row in rows], ensure_ascii=False, default=str)
    return execute_prepared(sql, [document])


EVENT_COLUMNS = [("clinic_id", "bigint"), ("event_id", "text"), ("person_id", "bigint"), ("iin", "text"),
                 ("policy_id", "bigint"), ("insurer_id", "bigint"), ("service_code", "text"), ("icd10", "text"),
                 ("service_date", "date"), ("amount_tiyn", "bigint"), ("benefit", "text"), ("status", "text"),
                 ("reasons", "jsonb"), ("flags", "jsonb"), ("approved_tiyn", "bigint"),
                 ("patient_deadline", "timestamptz"), ("patient_comment", "text"), ("confirmed_by_patient", "boolean"),
                 ("received_at", "timestamptz")]


def _insert_events(events: list[Stored], *, clinic: Organisation, now: datetime) -> None:
    rows = []
    for e in events:
        item, policy = e.item, e.verdict.policy
        rows.append((clinic.pk, item.event_id, e.verdict.person_id, item.iin, policy.id if policy else None,
                     policy.insurer_id if policy else None, item.service_code, item.icd10, item.service_date,
                     item.amount_tiyn, item.benefit, e.status, e.verdict.reasons,
                     e.verdict.flags, 0, e.deadline, "", False, now))
    ids = dict(_recordset_insert(InsuredEvent._meta.db_table, EVENT_COLUMNS, rows, returning="event_id, id"))
    for e in events:
        e.pk, e.received_at = ids[e.item.event_id], now


def _record_intake(events: list[Stored], contacts: dict[int, tuple[str, str]], *, clinic: Organisation,
                   now: datetime, deliver_now: bool) -> None:
    """One audit row per event (received → awaiting_patient | invalid, with the checks as the reason),
    the patients' notices (in the outbox; delivered after commit when `deliver_now`) and the clinic flags."""
    content_type_id = ContentType.objects.get_for_model(InsuredEvent).pk
    changes, flags, notices = [], [], []
    for event in events:
        transition = "invalidate" if event.status == Status.INVALID else "validate_and_ask_patient"
        reason = ", ".join(r["code"] for r in event.verdict.reasons) or "format-logical control passed"
        changes.append((content_type_id, event.pk, transition, Status.RECEIVED, event.status, clinic.code, reason, now))
        if event.status == Status.INVALID:
            continue
        if POSSIBLE_DOUBLE_BILLING in event.verdict.flags:
            flags.append((clinic.pk, event.pk, ClinicFlag.Kind.POSSIBLE_DOUBLE_BILLING, "system", "", now))
        notices.append(event)
    _recordset_insert(StateChange._meta.db_table, STATE_CHANGE_COLUMNS, changes)
    if flags:
        _recordset_insert(ClinicFlag._meta.db_table, CLINIC_FLAG_COLUMNS, flags)
    if not notices:
        return
    base = getattr(settings, "PUBLIC_BASE_URL", "").rstrip("/")
    deadline = timezone.localdate(notices[0].deadline).isoformat()  # one patient deadline for the whole intake
    contexts = [notice_context(event, clinic, base=base, deadline=deadline) for event in notices]
    rows = []
    for event, context, body in zip(notices, contexts, render_many(NOTIFICATION_KIND, contexts)):
        preference, email = contacts[event.verdict.person_id]
        channel = channel_for(kind=NOTIFICATION_KIND, preference=preference, email=email)
        rows.append((event.verdict.person_id, NOTIFICATION_KIND, context, channel, body,
                     Notification.Status.PENDING, 0, now))
    ids = _recordset_insert(Notification._meta.db_table, NOTIFICATION_COLUMNS, rows, returning="id")
    notification_ids = [pk for (pk,) in ids]
    if deliver_now:
        notifications_deliver_after_commit(notification_ids)
    else:
        notifications_deliver_batch_after_commit(notification_ids)


STATE_CHANGE_COLUMNS = [("content_type_id", "integer"), ("object_id", "bigint"), ("transition", "text"),
                        ("from_state", "text"), ("to_state", "text"), ("by", "text"), ("reason", "text"),
                        ("at", "timestamptz")]
CLINIC_FLAG_COLUMNS = [("clinic_id", "bigint"), ("event_id", "bigint"), ("kind", "text"), ("by", "text"),
                       ("comment", "text"), ("created_at", "timestamptz")]
NOTIFICATION_COLUMNS = [("person_id", "bigint"), ("kind", "text"), ("context", "jsonb"), ("channel", "text"),
                        ("body", "text"), ("status", "text"), ("attempts", "smallint"), ("created_at", "timestamptz")]


def notice_context(event: Stored, clinic: Organisation, *, base: str, deadline: str) -> dict:
    """What the patient's message says; `deadline` is the local date of the event's patient deadline."""
    return {"event": event.pk, "clinic": clinic.name, "service": event.item.service_code,
            "date": event.item.service_date.isoformat(), "amount": format_tiyn(event.item.amount_tiyn),
            "deadline": deadline, "link": f"{base}/kk/citizen/events/{event.pk}/"}
