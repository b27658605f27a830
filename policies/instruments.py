"""Instrument registry services: issue, record events on the hash chain, move custody, verify chains.

Locks: the instrument row (FOR UPDATE) serialises the services that change it; a custody transfer then locks ledger
accounts (inside transfer_post, in account-id order) — always instrument → accounts. The chain itself is
serialised by its key (instrument, seq): the subsidy run's batches append without the row lock
(instrument_batches), so a link may find its seq taken by a batch and is then built again after it.
"""
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from qalqan.core.money import prorate
from qalqan.core.sql import fetch_one_prepared
from qalqan.ledger.models import Account
from qalqan.ledger.services import account_ensure, transfer_post
from qalqan.orgs.models import Organisation

from .models import GENESIS_HASH, Instrument, InstrumentEvent
from .numbers import instrument_number_is_valid, instrument_number_next

Kind = InstrumentEvent.Kind
Status = Instrument.Status

# event kind → (statuses it may follow, status after it; None keeps the status)
EVENT_RULES: dict[str, tuple[frozenset[str], str | None]] = {
    Kind.FUNDED: (frozenset({Status.ISSUED, Status.ACTIVE, Status.SUSPENDED}), None),
    Kind.DATA_DELIVERED: (frozenset(Status.values), None),
    Kind.DRAWN: (frozenset(Status.values), None),
    Kind.SUSPENDED: (frozenset({Status.ISSUED, Status.ACTIVE}), Status.SUSPENDED),
    Kind.REINSTATED: (frozenset({Status.SUSPENDED}), Status.ACTIVE),
    Kind.EXPIRED: (frozenset({Status.ISSUED, Status.ACTIVE, Status.SUSPENDED}), Status.EXPIRED),
    Kind.CANCELLED: (frozenset({Status.ISSUED, Status.ACTIVE, Status.SUSPENDED}), Status.CANCELLED),
    # the next term takes the instrument (instrument_renew only): a term that ran out may be renewed
    Kind.RENEWED: (frozenset({Status.ISSUED, Status.ACTIVE, Status.SUSPENDED, Status.EXPIRED}), Status.ACTIVE),
}
OWN_SERVICE_KINDS = frozenset({Kind.ISSUED, Kind.CUSTODIAN_CHANGED, Kind.RENEWED})
CUSTODY_STATUSES = frozenset({Status.ISSUED, Status.ACTIVE, Status.SUSPENDED})
CUSTODY_REASON = "instrument.custody_transfer"


class InvalidInstrumentNumber(ValueError):
    pass


class InstrumentEventRefused(TransitionNotAllowed):
    """The instrument's status does not allow this event (the API answers 409 with the status)."""


def premium_account_code(insurer: Organisation) -> str:
    return f"insurer:{insurer.code}:premium"


def event_hash(*, prev_hash: str, number: str, seq: int, kind: str, amount_tiyn: int, data: dict,
               at: datetime) -> str:
    """sha256 over the previous hash and the canonical JSON of the event (sorted keys, no spaces, UTC time)."""
    body = {
        "number": number, "seq": seq, "kind": kind, "amount_tiyn": amount_tiyn, "data": data,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def _append(instrument: Instrument, *, kind: str, amount_tiyn: int = 0, data: dict | None = None,
            first: bool = False) -> InstrumentEvent:
    """Append one link; the caller holds the instrument row lock. `first`: the instrument was created in this
    transaction and has no link yet (seq 1 after the genesis hash, without looking for a previous one)."""
    return _append_links(instrument, [(kind, amount_tiyn, data)], first=first)[0]


# The chain's key: a link whose seq another transaction took meanwhile is refused by it (violated_constraint names it)
CHAIN_KEY = "instrument_event_seq_unique"
CHAIN_MOVED_TRIES = 5


class ChainMoved(RuntimeError):
    """Another transaction took the next seq of the chain each time this one tried to append (not expected: a
    subsidy batch appends one link per instrument and range)."""


def _append_links(instrument: Instrument, links: list[tuple[str, int, dict | None]], *,
                  first: bool = False) -> list[InstrumentEvent]:
    """Append links (kind, amount, data) in order with one look-up of the last link and one INSERT. A new
    instrument (`first`, created in this transaction) is seen by no one else and has no link to look up.

    The subsidy run's batches append without the instrument's row lock (instrument_batches), so a batch may take
    the seq read here as free: the links are written only while their first seq is free (its INSERT waits for a
    batch's uncommitted link and does nothing once that commits; the rest follow only the first), else they are
    built again on the chain as it is then. No savepoint: nothing is written when the seq is taken."""
    for _ in range(CHAIN_MOVED_TRIES):
        last = None if first else fetch_one_prepared(_LAST_LINK_SQL, [instrument.pk])
        events = _links_after(instrument, links, last=last)
        params = [value for e in events
                  for value in (e.instrument_id, e.seq, e.kind, e.amount_tiyn, json.dumps(e.data), e.hash, e.at)]
        if fetch_one_prepared(_links_while_free_sql(len(events)), params)[0]:
            for event in events:  # as the ORM leaves the objects it saved
                event._state.adding, event._state.db = False, connection.alias
            return events
    raise ChainMoved(f"instrument {instrument.number}: its next seq was taken {CHAIN_MOVED_TRIES} times")


_LAST_LINK_SQL = "SELECT seq, hash FROM policies_instrumentevent WHERE instrument_id = %s ORDER BY seq DESC LIMIT 1"
_LINK_COLUMNS = "instrument_id, seq, kind, amount_tiyn, data, hash, at"
_LINK_VALUES = "(%s::bigint, %s::integer, %s::varchar, %s::bigint, %s::jsonb, %s::bytea, %s::timestamptz)"


def _links_while_free_sql(count: int) -> str:
    """INSERT the first link unless its (instrument, seq) is taken, and the other count − 1 only if it went in;
    answers how many first links went in (0 or 1)."""
    sql = (f"WITH head AS (INSERT INTO policies_instrumentevent ({_LINK_COLUMNS}) VALUES {_LINK_VALUES} "
           "ON CONFLICT (instrument_id, seq) DO NOTHING RETURNING seq)")
    if count > 1:
        sql += (f", rest AS (INSERT INTO policies_instrumentevent ({_LINK_COLUMNS}) SELECT * FROM "
                f"(VALUES {', '.join([_LINK_VALUES] * (count - 1))}) AS v WHERE EXISTS (SELECT FROM head))")
    return sql + " SELECT count(*) FROM head"


def _links_after(instrument: Instrument, links: list[tuple[str, int, dict | None]], *,
                 last: tuple[int, bytes] | None) -> list[InstrumentEvent]:
    """The links, hash-chained after `last` (seq and hash of the chain's last link; None: the genesis)."""
    seq = last[0] if last else 0
    prev_hash = bytes(last[1]).hex() if last else GENESIS_HASH
    at = timezone.now()
    events = []
    for kind, amount_tiyn, data in links:
        data = json.loads(json.dumps(data or {}, default=str))  # store exactly what is hashed
        seq += 1
        digest = event_hash(prev_hash=prev_hash, number=instrument.number, seq=seq, kind=kind,
                            amount_tiyn=amount_tiyn, data=data, at=at)
        events.append(InstrumentEvent(instrument=instrument, seq=seq, kind=kind, amount_tiyn=amount_tiyn, data=data,
                                      hash=bytes.fromhex(digest), at=at))
        prev_hash = digest
    return events


def instrument_lock(instrument_id: int) -> Instrument:
    """The instrument row locked FOR NO KEY UPDATE (of itself only) with its custodian, as select_related loads
    it, in one prepared statement (every payment locks one)."""
    row = fetch_one_prepared(_INSTRUMENT_LOCK_SQL, [instrument_id])
    if row is None:
        raise Instrument.DoesNotExist("Instrument matching query does not exist.")
    instrument = Instrument.from_db(connection.alias, _INSTRUMENT_FIELDS, row[:len(_INSTRUMENT_FIELDS)])
    custodian = Organisation.from_db(connection.alias, _ORGANISATION_FIELDS, row[len(_INSTRUMENT_FIELDS):])
    Instrument._meta.get_field("custodian").set_cached_value(instrument, custodian)
    return instrument


_INSTRUMENT_FIELDS = [f.attname for f in Instrument._meta.concrete_fields]
_ORGANISATION_FIELDS = [f.attname for f in Organisation._meta.concrete_fields]
_INSTRUMENT_LOCK_SQL = (
    "SELECT " + ", ".join([f"i.{f.column}" for f in Instrument._meta.concrete_fields]
                          + [f"o.{f.column}" for f in Organisation._meta.concrete_fields])
    + f" FROM {Instrument._meta.db_table} i JOIN {Organisation._meta.db_table} o ON o.id = i.custodian_id "
    "WHERE i.id = %s FOR NO KEY UPDATE OF i")


def instrument_issue(*, holder, custodian: Organisation, face_value_tiyn: int, valid_from: date, valid_to: date,
                     ref=None) -> Instrument:
    """A new instrument with a fresh number and its `issued` event (seq 1). Refusals are raised before anything
    is written; the writes take no savepoint inside the caller's transaction (one that fails, fails it)."""
    if custodian.kind != Organisation.Kind.INSURER:
        raise ValueError("the custodian of an instrument is an insurer")
    if face_value_tiyn < 0:
        raise ValueError("face value cannot be negative")
    if valid_to <= valid_from:
        raise ValueError("valid_to must be after valid_from")
    with transaction.atomic(savepoint=False):
        instrument = Instrument.objects.create(
            number=instrument_number_next(), holder=holder, custodian=custodian, face_value_tiyn=face_value_tiyn,
            valid_from=valid_from, valid_to=valid_to, status=Status.ISSUED,
        )
        data = {"holder": holder.pk, "custodian": custodian.code, "face_value_tiyn": face_value_tiyn,
                "valid_from": valid_from.isoformat(), "valid_to": valid_to.isoformat()}
        if ref is not None:
            data["ref"] = {"model": ref._meta.label_lower, "id": ref.pk}
        _append(instrument, kind=Kind.ISSUED, amount_tiyn=face_value_tiyn, data=data, first=True)
    return instrument


@dataclass(frozen=True)
class NewEvent:
    """An event for instrument_record_events: kind, amount, data and (optionally) the new face value."""
    kind: str
    amount_tiyn: int = 0
    data: dict | None = None
    face_value_tiyn: int | None = None


def instrument_record(*, instrument_id: int, kind: str, amount_tiyn: int = 0, data: dict | None = None,
                      face_value_tiyn: int | None = None) -> InstrumentEvent:
    """Append an event (funded, data_delivered, drawn, suspended, reinstated, expired, cancelled).

    `face_value_tiyn`, when given, sets the new face value (e.g. after a top-up) and is recorded in the event.
    `issued`, `custodian_changed` and `renewed` have their own services.
    """
    return instrument_record_events(instrument_id=instrument_id, events=[
        NewEvent(kind=kind, amount_tiyn=amount_tiyn, data=data, face_value_tiyn=face_value_tiyn)])[0]


def instrument_record_events(*, instrument_id: int, events: list[NewEvent]) -> list[InstrumentEvent]:
    """Append several events in order under one lock of the instrument (each checked against the status the
    ones before it left), with one look-up of the last link and one INSERT; all or none are recorded.

    Inside the caller's transaction no savepoint: a refusal is raised before anything is written (the caller's
    transaction goes on, the instrument still locked), and a write that fails fails the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        with transaction.atomic():
            return instrument_record_events(instrument_id=instrument_id, events=events)
    instrument = instrument_lock(instrument_id)
    changed, links = set(), []
    for event in events:
        if event.kind not in EVENT_RULES or event.kind in OWN_SERVICE_KINDS:
            raise ValueError(f"{event.kind!r} is not an event instrument_record writes")
        allowed_from, new_status = EVENT_RULES[event.kind]
        if instrument.status not in allowed_from:
            raise InstrumentEventRefused(f"{event.kind} is not allowed for an instrument that is {instrument.status}",
                                         object=instrument, method=instrument_record)
        data = dict(event.data or {})
        if event.face_value_tiyn is not None:
            if event.face_value_tiyn < 0:
                raise ValueError("face value cannot be negative")
            data["face_value_tiyn"] = event.face_value_tiyn
            instrument.face_value_tiyn = event.face_value_tiyn
            changed.add("face_value_tiyn")
        if new_status and new_status != instrument.status:
            instrument.status = new_status
            changed.add("status")
        elif event.kind == Kind.FUNDED and instrument.status == Status.ISSUED:
            instrument.status = Status.ACTIVE
            changed.add("status")
        links.append((event.kind, event.amount_tiyn, data))
    with transaction.atomic(savepoint=False):
        if changed:
            instrument.save(update_fields=sorted(changed))
        return _append_links(instrument, links)


def unearned_tiyn(instrument: Instrument, on_date: date, advance_tiyn: int | None = None) -> int:
    """What was paid in advance for the term (`advance_tiyn`, by default the face value) pro rata to the days
    left in [valid_from, valid_to) from `on_date`."""
    total_days = (instrument.valid_to - instrument.valid_from).days
    days_left = (instrument.valid_to - max(on_date, instrument.valid_from)).days
    days_left = min(max(days_left, 0), total_days)
    advance = instrument.face_value_tiyn if advance_tiyn is None else advance_tiyn
    return prorate(advance, days_left, total_days)


@transaction.atomic
def instrument_transfer_custody(*, instrument_id: int, to_custodian: Organisation, on_date: date,
                                key: str, advance_tiyn: int | None = None) -> Instrument:
    """Move an instrument to another insurer with its unearned value, in one transaction.

    The unearned value — the part of `advance_tiyn` (what the custodian was paid in advance for the term; by
    default the whole face value) for the days left — goes from the old custodian's premium account to the
    new one's (a ledger transfer with idempotency key `key`); a `custodian_changed` event keeps the history.
    Money paid month by month (the fund's subsidy) is not part of the advance: each month's run pays whoever
    holds the policy. Repeating the call with the same key after it succeeded changes nothing.
    """
    instrument = instrument_lock(instrument_id)
    if instrument.events.filter(kind=Kind.CUSTODIAN_CHANGED, data__key=key).exists():
        return instrument
    if to_custodian.kind != Organisation.Kind.INSURER:
        raise ValueError("the custodian of an instrument is an insurer")
    if to_custodian.pk == instrument.custodian_id:
        raise ValueError("the instrument is already held by this insurer")
    if instrument.status not in CUSTODY_STATUSES:
        raise InstrumentEventRefused(f"an instrument that is {instrument.status} cannot change custodian",
                                     object=instrument, method=instrument_transfer_custody)
    _move_custody(instrument, to_custodian=to_custodian, on_date=on_date, key=key, advance_tiyn=advance_tiyn)
    return instrument


def _move_custody(instrument: Instrument, *, to_custodian: Organisation, on_date: date, key: str,
                  advance_tiyn: int | None = None) -> None:
    """The locked instrument goes to `to_custodian` with its unearned value on `on_date` (a ledger transfer when
    there is any: the ledger refuses zero lines) and a `custodian_changed` event."""
    source = instrument.custodian
    amount = unearned_tiyn(instrument, on_date, advance_tiyn)
    transfer = None
    if amount > 0:
        accounts = [
            account_ensure(code=premium_account_code(org), kind=Account.Kind.INSURER_PREMIUM, name=org.name,
                           owner=org)
            for org in (source, to_custodian)
        ]
        transfer = transfer_post(key=key, lines=[(accounts[0], -amount), (accounts[1], amount)],
                                 reason=CUSTODY_REASON, ref=instrument, posted_on=on_date)
    instrument.custodian = to_custodian
    instrument.save(update_fields=["custodian"])
    _append(instrument, kind=Kind.CUSTODIAN_CHANGED, amount_tiyn=amount, data={
        "from": source.code, "to": to_custodian.code, "on_date": on_date.isoformat(), "key": key,
        "unearned_tiyn": amount, "transfer": transfer.pk if transfer else None,
    })


@transaction.atomic
def instrument_renew(*, instrument_id: int, custodian: Organisation, valid_from: date, valid_to: date,
                     face_value_tiyn: int, key: str, data: dict | None = None) -> Instrument:
    """The next term takes the instrument: same number and holder, the new term's validity and face value.

    Called at the term boundary (the old term has ended), so nothing of the old term is unearned: when the
    insurer changes, custody moves (`custodian_changed`) without a ledger transfer. Then the `renewed` event
    records the new term. Repeating the call with the same key after it succeeded changes nothing.
    """
    instrument = instrument_lock(instrument_id)
    if instrument.events.filter(kind=Kind.RENEWED, data__key=key).exists():
        return instrument
    allowed_from, new_status = EVENT_RULES[Kind.RENEWED]
    if instrument.status not in allowed_from:
        raise InstrumentEventRefused(f"an instrument that is {instrument.status} cannot be renewed",
                                     object=instrument, method=instrument_renew)
    if valid_from < instrument.valid_to:
        raise ValueError("the next term starts on or after the day the current one ends")
    if valid_to <= valid_from:
        raise ValueError("valid_to must be after valid_from")
    if face_value_tiyn < 0:
        raise ValueError("face value cannot be negative")
    if custodian.pk != instrument.custodian_id:
        if custodian.kind != Organisation.Kind.INSURER:
            raise ValueError("the custodian of an instrument is an insurer")
        _move_custody(instrument, to_custodian=custodian, on_date=instrument.valid_to, key=f"{key}-custody")
    previous = {"valid_from": instrument.valid_from.isoformat(), "valid_to": instrument.valid_to.isoformat()}
    instrument.valid_from, instrument.valid_to = valid_from, valid_to
    instrument.face_value_tiyn, instrument.status = face_value_tiyn, new_status
    instrument.save(update_fields=["valid_from", "valid_to", "face_value_tiyn", "status"])
    _append(instrument, kind=Kind.RENEWED, amount_tiyn=face_value_tiyn, data={
        **(data or {}), "key": key, "previous": previous, "valid_from": valid_from.isoformat(),
        "valid_to": valid_to.isoformat(), "custodian": custodian.code, "face_value_tiyn": face_value_tiyn,
    })
    return instrument


def instrument_by_number(number: str) -> Instrument | None:
    """Look up by number; InvalidInstrumentNumber when the number is malformed or its check digit is wrong."""
    if not instrument_number_is_valid(number):
        raise InvalidInstrumentNumber(f"{number!r} is not a valid instrument number")
    return Instrument.objects.select_related("holder", "custodian").filter(number=number).first()


@dataclass(frozen=True)
class BrokenLink:
    number: str
    seq: int
    problem: str

    def __str__(self):
        return f"{self.number} event {self.seq}: {self.problem}"


def instrument_chain_check(instrument: Instrument, events: list[InstrumentEvent]) -> BrokenLink | None:
    """The first broken link of one chain (events in seq order), or None when the chain is intact."""
    prev_hash = GENESIS_HASH
    custodian = status = face_value = None
    for expected_seq, event in enumerate(events, start=1):
        if event.seq != expected_seq:
            return BrokenLink(instrument.number, expected_seq, f"missing (found seq {event.seq} instead)")
        if expected_seq == 1 and event.kind != Kind.ISSUED:
            return BrokenLink(instrument.number, 1, f"the chain starts with {event.kind}, not issued")
        digest = event_hash(prev_hash=prev_hash, number=instrument.number, seq=event.seq, kind=event.kind,
                            amount_tiyn=event.amount_tiyn, data=event.data, at=event.at)
        if digest != event.hash_hex:
            return BrokenLink(instrument.number, event.seq,
                              "hash does not match the event's content and the previous event's hash")
        if event.kind == Kind.ISSUED:
            custodian, status = event.data.get("custodian"), Status.ISSUED
        elif event.kind == Kind.CUSTODIAN_CHANGED:
            custodian = event.data.get("to")
        elif event.kind in EVENT_RULES:
            new_status = EVENT_RULES[event.kind][1]
            if new_status:
                status = new_status
            elif event.kind == Kind.FUNDED and status == Status.ISSUED:
                status = Status.ACTIVE
        face_value = event.data.get("face_value_tiyn", face_value)
        prev_hash = digest
    if not events:
        return BrokenLink(instrument.number, 1, "the instrument has no events")
    # the instrument row must agree with what its history says (nobody changed it behind the services' back)
    for field, actual, expected in (("custodian", instrument.custodian.code, custodian),
                                    ("status", instrument.status, status),
                                    ("face value", instrument.face_value_tiyn, face_value)):
        if actual != expected:
            return BrokenLink(instrument.number, events[-1].seq,
                              f"the instrument's {field} {actual} is not the chain's {expected}")
    return None


def instruments_verify(*, batch_size: int = 500) -> tuple[int, BrokenLink | None]:
    """Walk every chain in id order: (instruments checked, the first BrokenLink or None)."""
    last_id = 0
    checked = 0
    while True:
        batch = list(Instrument.objects.select_related("custodian").filter(pk__gt=last_id)
                     .order_by("pk")[:batch_size])
        if not batch:
            return checked, None
        events_by_instrument: dict[int, list[InstrumentEvent]] = {i.pk: [] for i in batch}
        for event in InstrumentEvent.objects.filter(instrument__in=batch).order_by("instrument_id", "seq"):
            events_by_instrument[event.instrument_id].append(event)
        for instrument in batch:
            checked += 1
            broken = instrument_chain_check(instrument, events_by_instrument[instrument.pk])
            if broken:
                return checked, broken
        last_id = batch[-1].pk


def valid_until(instrument: Instrument) -> date:
    """The last day covered (valid_to is exclusive)."""
    return instrument.valid_to - timedelta(days=1)
