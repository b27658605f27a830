"""Contribution intake: set-based, for ≥ 20 000 payments a second.

Rows are validated in Python, stored with one INSERT … ON CONFLICT per batch, and the money is posted to
the ledger as ONE transfer per payer kind and destination per batch (payer:<kind> → pool:osms, or →
suspense:contributions for an ИИН the registry does not know yet); every contribution row links to its
transfer. A payment held in suspense moves to the pool when its person appears (`contributions_match`).
"""
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from qalqan.core.kzid import (
    InvalidNumber,
    iin_birth_iso,
    is_valid_iin,
    parse_iin,
    validate_bin,
)
from qalqan.core.sql import execute_bound, fetch_all_prepared, plain_array, quoted_array, violated_constraint
from qalqan.ledger.services import UnknownAccount, account_ensure, transfer_post

from .models import Contribution, PayerKind
from .rates import EARLIEST_PERIOD, NoRule, RateBook
from .status import status_recompute_on_commit

MAX_ROWS = 10_000
POOL = "pool:osms"
SUSPENSE = "suspense:contributions"
PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")
KINDS = frozenset(PayerKind.values)
BODY_FIELDS = ("iin", "payer_bin", "kind", "period", "months", "amount_tiyn")
REFERENCE_KEY = "people_contribution_reference_key"
CONFLICT = 409
INVALID = 422


class TooManyRows(ValueError):
    pass


class _Raced(Exception):
    """The insert met a reference already stored (by an earlier call, or by another transaction between our
    check and our insert): start again, sorting the batch against what is stored."""


@dataclass
class IntakeResult:
    created: int = 0
    duplicates: int = 0
    suspense: int = 0
    overpayments: int = 0
    errors: list[dict] = field(default_factory=list)
    person_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": 0, "duplicates": self.duplicates, "suspense": self.suspense,
                "overpayments": self.overpayments, "errors": self.errors}


class _Row(NamedTuple):
    index: int
    reference: str
    iin: str
    payer_bin: str
    kind: str
    period: date
    months: int
    amount_tiyn: int
    overpayment: bool

    @property
    def body(self) -> tuple:
        return self[2:8]


def payer_account(kind: str) -> str:
    return f"payer:{kind}"


def contributions_intake(*, rows: list, today: date | None = None) -> IntakeResult:
    """Store a batch of payments. Valid rows are kept; each bad one comes back as {"index", "field",
    "message", "status"} (409 for a reference already used with another body, 422 otherwise) and nothing of
    it is stored. A reference seen before with the same body counts as a duplicate, not an error."""
    if len(rows) > MAX_ROWS:
        raise TooManyRows(f"at most {MAX_ROWS} rows per call (got {len(rows)})")
    today = today or timezone.localdate()
    result = IntakeResult()
    book = RateBook()
    valid = _validate(rows, book=book, today=today, result=result)
    if not valid:
        return result
    # First optimistically, as if every reference were new (the common case: no look-up of 10 000 references);
    # when the insert meets one already stored, that attempt is rolled back and the batch is sorted first.
    for attempt in range(4):
        try:
            with transaction.atomic():
                stored = _store(valid, today=today, look_up_existing=attempt > 0)
            break
        except _Raced:
            if attempt == 3:
                raise
    result.duplicates += stored.duplicates
    result.errors = sorted(result.errors + stored.errors, key=lambda e: e["index"])
    result.created, result.suspense = stored.created, stored.suspense
    result.overpayments, result.person_ids = stored.overpayments, stored.person_ids
    return result


def _error(index: int, field_name: str, message: str, status: int = INVALID, **extra) -> dict:
    return {"index": index, "field": field_name, "message": message, "status": status, **extra}


def _validate(rows: list, *, book: RateBook, today: date, result: IntakeResult) -> list[_Row]:
    latest = today.replace(day=1)
    seen: dict[str, _Row] = {}
    periods: dict[str, tuple] = {}
    valid: list[_Row] = []
    errors = result.errors
    for index, raw in enumerate(rows):
        if not isinstance(raw, dict):
            errors.append(_error(index, "row", "each row must be an object"))
            continue
        problems: list[tuple[str, str]] = []
        iin = raw.get("iin")
        if iin_birth_iso(iin) is None:  # the common valid case without building a date
            try:
                parse_iin(iin)
            except InvalidNumber as exc:
                problems.append(("iin", str(exc)))
        payer_bin = raw.get("payer_bin") or ""
        if payer_bin and not _valid_payer_number(payer_bin):
            problems.append(("payer_bin", "payer_bin must be a valid 12-digit БИН (or the ИИН of an ИП)"))
        kind = raw.get("kind")
        if kind not in KINDS:
            problems.append(("kind", f"unknown payer kind {kind!r}; one of {', '.join(sorted(KINDS))}"))
        period_value = raw.get("period")
        parsed = periods.get(period_value) if type(period_value) is str else None
        if parsed is None:
            period_problems: list = []
            parsed = (_period(period_value, latest, period_problems), period_problems)
            if type(period_value) is str:
                periods[period_value] = parsed
        period = parsed[0]
        problems.extend(parsed[1])
        months = raw.get("months", 1)
        if type(months) is not int or not 1 <= months <= 12:
            problems.append(("months", "months must be a whole number from 1 to 12"))
        amount = raw.get("amount_tiyn")
        if type(amount) is not int:
            problems.append(("amount_tiyn", "amount_tiyn must be a whole number of tiyn"))
        elif amount <= 0:
            problems.append(("amount_tiyn", "amount_tiyn must be positive"))
        reference = raw.get("reference")
        if not isinstance(reference, str) or not reference.strip() or len(reference) > 64:
            problems.append(("reference", "reference must be a non-empty string of at most 64 characters"))
        overpayment = False
        if not problems:
            try:
                cap = book.max_due(kind, period)
            except NoRule as exc:
                problems.append(("period", str(exc)))
            else:
                overpayment = cap is not None and amount > cap * months
        if problems:
            errors.extend(_error(index, f, m) for f, m in problems)
            continue
        row = _Row(index, reference, iin, payer_bin, kind, period, months, amount, overpayment)
        earlier = seen.get(reference)
        if earlier is not None:
            if earlier.body == row.body:
                result.duplicates += 1
            else:
                errors.append(_error(index, "reference", "this reference appears earlier in the batch with "
                                                         "another payment", CONFLICT))
            continue
        seen[reference] = row
        valid.append(row)
    return valid


def _valid_payer_number(number) -> bool:
    if not isinstance(number, str):
        return False
    try:
        validate_bin(number)
        return True
    except InvalidNumber:
        return is_valid_iin(number)


def _period(value, latest: date, problems: list) -> date | None:
    match = PERIOD_RE.match(value) if isinstance(value, str) else None
    if not match or not 1 <= int(match.group(2)) <= 12:
        problems.append(("period", "period must be YYYY-MM"))
        return None
    period = date(int(match.group(1)), int(match.group(2)), 1)
    if period < EARLIEST_PERIOD:
        problems.append(("period", f"period is before {EARLIEST_PERIOD:%Y-%m}, when contributions began"))
    elif period > latest:
        problems.append(("period", "period is in the future"))
    return period


# Batches travel as array literals (qalqan.core.sql.quoted_array, plain_array), one text parameter per column.
_EXISTING_SQL = """
SELECT reference, iin, payer_bin, kind, period, months, amount_tiyn
FROM people_contribution WHERE reference = ANY(%s::text[])
"""

# One index probe per ИИН (OFFSET 0 keeps the planner from turning it into a hash join over the whole registry,
# or a parallel scan of it, which it prices cheaper while the registry is small).
_PEOPLE_SQL = """
SELECT t.iin, p.id FROM unnest(%s::text[]) AS t(iin)
CROSS JOIN LATERAL (SELECT id FROM people_person WHERE iin = t.iin OFFSET 0) AS p
"""

_INSERT_SQL = """
INSERT INTO people_contribution (reference, iin, person_id, payer_bin, kind, period, months, amount_tiyn,
                                 overpayment, in_suspense, transfer_id, received_at)
SELECT t.reference, t.iin, t.person, t.payer_bin, t.kind, t.period, t.months, t.amount, t.overpayment,
       t.person IS NULL, t.transfer, %(now)s
FROM unnest(%(reference)s::text[], %(iin)s::text[], %(person)s::bigint[], %(payer_bin)s::text[], %(kind)s::text[],
            %(period)s::date[], %(months)s::smallint[], %(amount)s::bigint[], %(overpayment)s::boolean[],
            %(transfer)s::bigint[])
     AS t(reference, iin, person, payer_bin, kind, period, months, amount, overpayment, transfer)
"""
# Once the batch was sorted against what is stored, a reference stored meanwhile by another transaction is
# skipped here and noticed by the row count (the optimistic first attempt skips the arbiter check per row).
_INSERT_CHECKED_SQL = _INSERT_SQL + "ON CONFLICT (reference) DO NOTHING\n"


def _store(rows: list[_Row], *, today: date, look_up_existing: bool) -> IntakeResult:
    result = IntakeResult()
    with connection.cursor() as cursor:
        existing = {}
        if look_up_existing:
            cursor.execute(_EXISTING_SQL, [quoted_array([r.reference for r in rows])])
            existing = {ref: tuple(body) for ref, *body in cursor.fetchall()}
        if existing:
            new: list[_Row] = []
            for row in rows:
                body = existing.get(row.reference)
                if body is None:
                    new.append(row)
                elif body == row.body:
                    result.duplicates += 1
                else:
                    result.errors.append(_error(row.index, "reference", "this reference was already used for "
                                                                        "another payment", CONFLICT))
        else:
            new = rows
        if not new:
            return result
        cursor.execute(_PEOPLE_SQL, [plain_array({r.iin for r in new})])
        person_by_iin = dict(cursor.fetchall())
        totals: dict[tuple[str, bool], int] = defaultdict(int)
        persons = [person_by_iin.get(r.iin) for r in new]
        for row, person in zip(new, persons):
            totals[(row.kind, person is None)] += row.amount_tiyn
        # Everything but the transfer column before the transfers: from the first transfer to the commit this
        # batch holds the row locks of the pool and payer accounts, which every other batch waits for.
        columns = {
            "reference": quoted_array([r.reference for r in new]),
            "iin": plain_array([r.iin for r in new]),
            "person": plain_array(["NULL" if p is None else str(p) for p in persons]),
            "payer_bin": quoted_array([r.payer_bin for r in new]),
            "kind": plain_array([r.kind for r in new]),
            "period": plain_array([r.period.isoformat() for r in new]),
            "months": plain_array([str(r.months) for r in new]),
            "amount": plain_array([str(r.amount_tiyn) for r in new]),
            "overpayment": plain_array(["t" if r.overpayment else "f" for r in new]),
            "now": timezone.now(),
        }
        groups = [(r.kind, p is None) for r, p in zip(new, persons)]
        transfer_by_group = {group: str(pk) for group, pk in _post(totals, today=today).items()}
        columns["transfer"] = plain_array([transfer_by_group[group] for group in groups])
        if look_up_existing:
            cursor.execute(_INSERT_CHECKED_SQL, columns)
            if cursor.rowcount != len(new):
                raise _Raced()
        else:
            try:
                execute_bound(_INSERT_SQL, columns)  # server-bound: a megabyte of arrays neither quoted nor lexed
            except IntegrityError as exc:
                if violated_constraint(exc) == REFERENCE_KEY:
                    raise _Raced() from exc
                raise
    result.created = len(new)
    result.suspense = persons.count(None)
    result.overpayments = sum(1 for r in new if r.overpayment)
    result.person_ids = sorted({p for p in persons if p is not None})
    status_recompute_on_commit(result.person_ids)
    return result


def _post(totals: dict[tuple[str, bool], int], *, today: date) -> dict[tuple[str, bool], int]:
    batch = uuid.uuid4().hex
    transfers = {}
    for (kind, suspense), amount in sorted(totals.items()):
        destination = SUSPENSE if suspense else POOL
        post = partial(transfer_post, key=f"contributions:{batch}:{kind}:{'suspense' if suspense else 'pool'}",
                       lines=[(payer_account(kind), -amount), (destination, amount)],
                       reason="contribution.intake", posted_on=today)
        try:
            transfer = post()
        except UnknownAccount:  # the first payment of its kind (or a fresh database): open the accounts once
            _ensure_accounts({kind})
            transfer = post()
        transfers[(kind, suspense)] = transfer.pk
    return transfers


def _ensure_accounts(kinds) -> None:
    wanted = [(POOL, "contributions_pool", "ОСМС contributions pool", False),
              (SUSPENSE, "suspense", "Contributions for ИИН not (yet) in the registry", False)]
    wanted += [(payer_account(k), "payer_clearing", f"Contributions arriving from {k} payers", True) for k in kinds]
    for code, kind, name, negative in wanted:
        account_ensure(code=code, kind=kind, name=name, may_go_negative=negative)


_MATCH_SQL = """
SELECT c.id, p.id, (c.amount_tiyn - COALESCE((SELECT sum(r.amount_tiyn) FROM people_refund r
                                             WHERE r.contribution_id = c.id AND r.status IN ('approved', 'paid')), 0))::bigint
FROM people_contribution c JOIN people_person p ON p.iin = c.iin
WHERE c.in_suspense AND p.id = ANY(%s)
ORDER BY c.id
FOR UPDATE OF c
"""


@transaction.atomic
def contributions_match(*, person_ids: list[int], today: date | None = None) -> int:
    """Payments held in suspense for these people's ИИН move to the pool (one transfer) and link to them."""
    today = today or timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(_MATCH_SQL, [list(person_ids)])
        found = cursor.fetchall()
        if not found:
            return 0
        total = sum(amount for _, _, amount in found)
        transfer_id = None
        if total > 0:
            _ensure_accounts(())
            transfer_id = transfer_post(key=f"contributions:match:{uuid.uuid4().hex}",
                                        lines=[(SUSPENSE, -total), (POOL, total)],
                                        reason="contribution.match", posted_on=today).pk
        cursor.execute(
            "UPDATE people_contribution c SET person_id = d.pid, in_suspense = false, match_transfer_id = %s "
            "FROM unnest(%s::bigint[], %s::bigint[]) AS d(cid, pid) WHERE c.id = d.cid",
            [transfer_id, [c for c, _, _ in found], [p for _, p, _ in found]])
    status_recompute_on_commit({p for _, p, _ in found})
    return len(found)


_SUSPENSE_PEOPLE_SQL = """
SELECT DISTINCT p.id FROM people_contribution c JOIN people_person p ON p.iin = c.iin
WHERE c.in_suspense AND c.iin = ANY(%s::text[])
"""


def suspense_person_ids(*, iins) -> list[int]:
    """The people among these ИИН that payments are held in suspense for (one prepared query for a batch)."""
    return [pk for (pk,) in fetch_all_prepared(_SUSPENSE_PEOPLE_SQL, [plain_array(iins)])]


def contribution_history(*, person_id: int):
    return Contribution.objects.filter(person_id=person_id).order_by("-period", "-id")
