"""Intake of insured events from clinics: de-duplication by the clinic's event_id, format-logical control,
storage (valid and invalid alike), and the patient's notification — set-based for batches.

An intake, one event or a batch of 1 000, is two round trips to PostgreSQL and the commit, each round trip a
pipeline of prepared statements with their parameters bound on the server (an array or a JSON document each):
1. the clinic's stored event ids, the persons with their policies and benefits, the services other clinics have
   billed on the events' days (claims/coverage.py), and ids for the new events from their sequence;
2. the events (valid and invalid, with their checks' verdicts), their audit rows, the patients' notifications
   (outbox) and the clinic flags of possible double billing inserted; then the advisory locks on the events'
   (person, service date) keys (claims/locks.py) and what other clinics billed on those days read again.
What was billed between the two reads (a clinic reporting the same person's day at the same moment, committed
before these locks were granted) is flagged in a third round trip, rarely needed. The locks come after the
inserts, so two intakes that share a day wait for each other's check and commit only.
"""
import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from qalqan.audit.models import StateChange
from qalqan.core.money import format_tiyn
from qalqan.core.sql import pipelined, plain_array, quoted_array
from qalqan.notify.channels import channel_for
from qalqan.notify.gathering import notifications_deliver_gathered_after_commit
from qalqan.notify.messages import render_many
from qalqan.notify.models import Notification
from qalqan.notify.services import notifications_deliver_batch_after_commit
from qalqan.orgs.models import Organisation

from .checks import (
    POSSIBLE_DOUBLE_BILLING,
    EventItem,
    Facts,
    Verdict,
    billing_flags,
    event_problems,
)
from .coverage import (
    BILLED_ELSEWHERE,
    PERSONS_AND_POLICIES,
    add_billed,
    billed_elsewhere_params,
    facts_from,
    persons_and_policies_params,
)
from .locks import LOCK_BILLING_DAYS, billing_day_keys
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
    `deliver_now` has the patient's notification delivered right after commit, in one task with the others this
    process commits within a moment (single events, qalqan/notify/gathering.py); otherwise one task per chunk of
    the batch's notifications is queued after commit.
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


# The intake's statements are the same on every call, but with array parameters PostgreSQL judges a generic
# plan dearer than a custom one and plans every execution again (0.5 ms of its CPU for the persons' policies
# of one event): the generic plans are as good here (index probes per element). For this transaction only.
_GENERIC_PLANS = "SELECT set_config('plan_cache_mode', 'force_generic_plan', true)"
_EXISTING = f"SELECT event_id, id, status, reasons FROM {InsuredEvent._meta.db_table} " \
            "WHERE clinic_id = %s AND event_id = ANY(%s::text[])"
# ids for the new events before they are stored: the audit rows and notices go in the same round trip
_NEW_IDS = f"""
WITH sequence AS MATERIALIZED (SELECT pg_get_serial_sequence('{InsuredEvent._meta.db_table}', 'id') AS name)
SELECT nextval(sequence.name) FROM sequence, generate_series(1, %s)
"""


def _receive(*, clinic, items, now, deliver_now) -> list[Received]:
    today = timezone.localdate(now)
    event_ids = sorted({i.event_id for i in items})
    _plans, stored, persons_and_policies, billed, new_ids = pipelined([
        (_GENERIC_PLANS, []),
        (_EXISTING, [clinic.pk, quoted_array(event_ids)]),
        (PERSONS_AND_POLICIES, persons_and_policies_params(i.iin for i in items)),
        (BILLED_ELSEWHERE, billed_elsewhere_params([(i.iin, i.service_date) for i in items], clinic_id=clinic.pk)),
        (_NEW_IDS, [len(event_ids)]),
    ])
    existing = {eid: (pk, status, json.loads(reasons)) for eid, pk, status, reasons in stored}
    fresh: dict[str, EventItem] = {}
    for item in items:
        if item.event_id not in existing:
            fresh.setdefault(item.event_id, item)
    created: list[Stored] = []
    if fresh:
        facts = facts_from(persons_and_policies)
        add_billed(facts, billed)
        deadline = now + timedelta(days=patient_deadline_days())
        window = filing_window_days()
        for item, (pk,) in zip(fresh.values(), new_ids):
            verdict = event_problems(item, facts, clinic_id=clinic.pk, today=today, filing_window_days=window)
            created.append(Stored(item=item, verdict=verdict,
                                  status=Status.INVALID if verdict.reasons else Status.AWAITING_PATIENT,
                                  deadline=None if verdict.reasons else deadline, pk=pk, received_at=now))
        # a concurrent duplicate event_id fails this insert and events_receive runs the whole intake again
        notification_ids, billed_under_locks = _store(created, facts.contacts, clinic=clinic, now=now)
        _flag_billed_meanwhile(created, facts, billed_under_locks, clinic=clinic, now=now)
        if notification_ids:
            if deliver_now:
                notifications_deliver_gathered_after_commit(notification_ids)
            else:
                notifications_deliver_batch_after_commit(notification_ids)
        for event in created:
            existing[event.item.event_id] = (event.pk, event.status, event.verdict.reasons)
    new = {e.pk: e for e in created}
    answers = []
    for item in items:
        pk, status, reasons = existing[item.event_id]
        stored_event = new.pop(pk, None)  # a repeat inside the batch answers the first, as not created
        answers.append(Received(id=pk, status=status, created=stored_event is not None, reasons=reasons,
                                stored=stored_event))
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


def _recordset_insert(table: str, columns: list[tuple[str, str]], rows: list[tuple],
                      returning: str = "") -> tuple[str, list]:
    """INSERT … SELECT FROM jsonb_to_recordset(one JSON parameter): one statement whatever the row count, and
    no per-value quoting on the client (the rows travel as one JSON document)."""
    names = ", ".join(name for name, _ in columns)
    spec = ", ".join(f"{name} {kind}" for name, kind in columns)
    sql = (f"INSERT INTO {table} ({names}) SELECT {names} FROM jsonb_to_recordset(%s::jsonb) AS r({spec})"
           + (f" RETURNING {returning}" if returning else ""))
    keys = [name for name, _ in columns]
    document = json.dumps([dict(zip(keys, row)) for row in rows], ensure_ascii=False, default=str)
    return sql, [document]


EVENT_COLUMNS = [("id", "bigint"), ("clinic_id", "bigint"), ("event_id", "text"), ("person_id", "bigint"),
                 ("iin", "text"), ("policy_id", "bigint"), ("insurer_id", "bigint"), ("service_code", "text"),
                 ("icd10", "text"), ("service_date", "date"), ("amount_tiyn", "bigint"), ("benefit", "text"),
                 ("status", "text"), ("reasons", "jsonb"), ("flags", "jsonb"), ("approved_tiyn", "bigint"),
                 ("patient_deadline", "timestamptz"), ("patient_comment", "text"), ("confirmed_by_patient", "boolean"),
                 ("received_at", "timestamptz")]


def _store(events: list[Stored], contacts: dict[int, tuple[str, str]], *, clinic: Organisation,
           now: datetime) -> tuple[list[int], list[tuple]]:
    """One round trip: the events, one audit row each (received → awaiting_patient | invalid, with the checks as
    the reason), the patients' notices (outbox) and the clinic flags inserted; then the events' billing days
    locked and what other clinics billed on them read again. Returns the notices' ids and the rows of
    BILLED_ELSEWHERE."""
    content_type_id = ContentType.objects.get_for_model(InsuredEvent).pk
    rows, changes, notices = [], [], []
    # in event_id order: two intakes of one clinic repeating each other's ids wait for each other, never deadlock
    for e in sorted(events, key=lambda e: e.item.event_id):
        item, policy = e.item, e.verdict.policy
        rows.append((e.pk, clinic.pk, item.event_id, e.verdict.person_id, item.iin, policy.id if policy else None,
                     policy.insurer_id if policy else None, item.service_code, item.icd10, item.service_date,
                     item.amount_tiyn, item.benefit, e.status, e.verdict.reasons, e.verdict.flags, 0, e.deadline, "",
                     False, now))
    for event in events:
        transition = "invalidate" if event.status == Status.INVALID else "validate_and_ask_patient"
        reason = ", ".join(r["code"] for r in event.verdict.reasons) or "format-logical control passed"
        changes.append((content_type_id, event.pk, transition, Status.RECEIVED, event.status, clinic.code, reason, now))
        if event.status != Status.INVALID:
            notices.append(event)
    statements = [_recordset_insert(InsuredEvent._meta.db_table, EVENT_COLUMNS, rows),
                  _recordset_insert(StateChange._meta.db_table, STATE_CHANGE_COLUMNS, changes)]
    if notices:
        statements.append(_recordset_insert(Notification._meta.db_table, NOTIFICATION_COLUMNS,
                                            _notice_rows(notices, contacts, clinic=clinic, now=now), returning="id"))
    flagged = _clinic_flags([e for e in events if POSSIBLE_DOUBLE_BILLING in e.verdict.flags], clinic=clinic, now=now)
    if flagged:
        statements.append(flagged)
    keys = billing_day_keys((e.item.iin, e.item.service_date) for e in events)
    if keys:
        statements.append((LOCK_BILLING_DAYS, [plain_array(map(str, keys))]))
    pairs = [(e.item.iin, e.item.service_date) for e in events if e.verdict.person_id is not None]
    if pairs:
        statements.append((BILLED_ELSEWHERE, billed_elsewhere_params(pairs, clinic_id=clinic.pk)))
    results = pipelined(statements)
    notification_ids = [pk for (pk,) in results[2]] if notices else []
    return notification_ids, results[-1] if pairs else []


def _clinic_flags(events: list[Stored], *, clinic: Organisation, now: datetime) -> tuple[str, list] | None:
    """The INSERT of a possible-double-billing clinic flag per event (none for an invalid event), or None."""
    rows = [(clinic.pk, e.pk, ClinicFlag.Kind.POSSIBLE_DOUBLE_BILLING, "system", "", now)
            for e in events if e.status != Status.INVALID]
    return _recordset_insert(ClinicFlag._meta.db_table, CLINIC_FLAG_COLUMNS, rows) if rows else None


def _notice_rows(notices: list[Stored], contacts: dict[int, tuple[str, str]], *, clinic: Organisation,
                 now: datetime) -> list[tuple]:
    base = getattr(settings, "PUBLIC_BASE_URL", "").rstrip("/")
    deadline = timezone.localdate(notices[0].deadline).isoformat()  # one patient deadline for the whole intake
    contexts = [notice_context(event, clinic, base=base, deadline=deadline) for event in notices]
    rows = []
    for event, context, body in zip(notices, contexts, render_many(NOTIFICATION_KIND, contexts)):
        preference, email = contacts[event.verdict.person_id]
        channel = channel_for(kind=NOTIFICATION_KIND, preference=preference, email=email)
        rows.append((event.verdict.person_id, NOTIFICATION_KIND, context, channel, body,
                     Notification.Status.PENDING, 0, now))
    return rows


_FLAG_EVENTS = f"UPDATE {InsuredEvent._meta.db_table} SET flags = flags || %s::jsonb WHERE id = ANY(%s::bigint[])"


def _flag_billed_meanwhile(events: list[Stored], facts: Facts, billed: list[tuple], *, clinic: Organisation,
                           now: datetime) -> None:
    """Under the billing-day locks: flag the events whose service another clinic billed for the same person and
    day after the first read (committed before the locks were granted): on the event, and as a clinic flag unless
    the event is invalid."""
    if not billed:
        return
    add_billed(facts, billed)
    flagged = []
    for event in events:
        if event.verdict.person_id is None or POSSIBLE_DOUBLE_BILLING in event.verdict.flags:
            continue
        flags = billing_flags(event.item, event.verdict.person_id, facts, clinic_id=clinic.pk)
        if flags:
            event.verdict = replace(event.verdict, flags=[*event.verdict.flags, *flags])
            flagged.append(event)
    if not flagged:
        return
    statements = [(_FLAG_EVENTS, [json.dumps([POSSIBLE_DOUBLE_BILLING]), sorted(e.pk for e in flagged)])]
    clinic_flags = _clinic_flags(flagged, clinic=clinic, now=now)
    if clinic_flags:
        statements.append(clinic_flags)
    pipelined(statements)


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
