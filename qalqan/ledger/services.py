"""The ledger's service API: the only code that writes ledger rows.

    account_ensure(*, code, kind, name="", owner=None, may_go_negative=False) -> Account
    transfer_post(*, key, lines, reason, ref=None, posted_on=None, reverses=None) -> Transfer
    transfer_reverse(*, transfer_id, key, reason, posted_on=None) -> Transfer
    balance_of(account_or_code) -> int
    trial_balance() -> {"accounts": [{"code", "balance_tiyn"}], "total_tiyn"}
    period_lock / period_unlock / period_close(*, month, by="system", reason="") -> AccountingPeriod
    ledger_problems() -> list[str]          (what `manage.py ledger_check` reports)

Sign convention: a positive amount is money INTO the account's balance, a negative one money OUT of it;
an account's balance_tiyn is the sum of its postings.

transfer_post is the hot path: one call of the SQL function ledger_post() (migrations 0002, 0007) that inserts
the transfer (its unique key is the idempotency check: ON CONFLICT (key) DO NOTHING), inserts the postings, then
updates each account once in id order (so concurrent transfers never deadlock), adding its net change to the
cached balance under the row lock unless that would take an account that may not go negative below zero.
The database re-checks at commit that the transfer balances, and refuses postings into a locked or closed period.
"""
from collections import defaultdict
from datetime import date

import psycopg
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.utils import timezone

from qalqan.orgs.models import Organisation
from qalqan.people.models import Person

from .models import Account, AccountingPeriod, Transfer

MAX_KEY_LENGTH = 200
MAX_REASON_LENGTH = 64


class LedgerError(Exception):
    pass


class InvalidTransfer(LedgerError, ValueError):
    """The lines do not make a transfer: fewer than two, a zero or non-integer amount, or not summing to zero."""


class UnknownAccount(LedgerError, LookupError):
    pass


class IdempotencyConflict(LedgerError):
    """The key was already used for a transfer with other lines."""


class InsufficientFunds(LedgerError):
    def __init__(self, code: str, balance_tiyn: int, change_tiyn: int):
        self.code, self.balance_tiyn, self.change_tiyn = code, balance_tiyn, change_tiyn
        super().__init__(f"account {code} holds {balance_tiyn} tiyn; taking {-change_tiyn} would make it negative")


class PeriodNotOpen(LedgerError):
    pass


class AlreadyReversed(LedgerError):
    pass


Line = tuple[Account | str, int]


@transaction.atomic
def account_ensure(*, code: str, kind: str, name: str = "", owner=None, may_go_negative: bool = False) -> Account:
    """Get or create the account with this code (idempotent; an existing account is returned unchanged)."""
    if kind not in Account.Kind.values:
        raise ValueError(f"unknown account kind {kind!r}")
    if not code or len(code) > 128:
        raise ValueError("an account code is 1..128 characters")
    owners = {"owner_organisation": None, "owner_person": None}
    if isinstance(owner, Organisation):
        owners["owner_organisation"] = owner
    elif isinstance(owner, Person):
        owners["owner_person"] = owner
    elif owner is not None:
        raise ValueError("an account's owner is an Organisation, a Person, or None")
    account, _ = Account.objects.get_or_create(
        code=code, defaults={"kind": kind, "name": name, "may_go_negative": may_go_negative, **owners}
    )
    if account.kind != kind:
        raise ValueError(f"account {code} exists with kind {account.kind}, not {kind}")
    return account


def transfer_post(*, key: str, lines: list[Line], reason: str, ref=None, posted_on: date | None = None,
                  reverses: Transfer | int | None = None) -> Transfer:
    """Post one balanced transfer atomically (inside the caller's transaction when there is one).

    The same key with the same lines returns the first transfer and posts nothing; with other lines it raises
    IdempotencyConflict. A line that would take a may-not-go-negative account below zero raises
    InsufficientFunds and nothing is posted. A date in a locked or closed period raises PeriodNotOpen.
    Outside any transaction the transfer is one statement, hence its own durable transaction (one round trip).
    """
    _check_transfer(key=key, lines=lines, reason=reason)
    now = timezone.now()
    posted_on = posted_on or timezone.localtime(now).date()
    ref_type_id = ContentType.objects.get_for_model(ref).pk if ref is not None else None
    ref_id = ref.pk if ref is not None else None
    reverses_id = reverses.pk if isinstance(reverses, Transfer) else reverses
    params = (key, reason, ref_type_id, ref_id, now, posted_on, reverses_id, *_array_literals(lines))
    db = connections[DEFAULT_DB_ALIAS]
    try:
        if db.in_atomic_block or not db.get_autocommit():
            with transaction.atomic():  # a savepoint: a refusal leaves the caller's transaction usable
                transfer_id, replayed = _call_ledger_post(db, params)
        else:
            transfer_id, replayed = _call_ledger_post(db, params)
    except DatabaseError as exc:
        raise _ledger_error(exc, posted_on) from exc
    if replayed:
        return Transfer.objects.get(pk=transfer_id)
    values = {"id": transfer_id, "key": key, "reason": reason, "ref_type_id": ref_type_id, "ref_id": ref_id,
              "created_at": now, "posted_on": posted_on, "reverses_id": reverses_id}
    return Transfer.from_db(DEFAULT_DB_ALIAS, _TRANSFER_FIELDS, [values[name] for name in _TRANSFER_FIELDS])


_TRANSFER_FIELDS = tuple(f.attname for f in Transfer._meta.concrete_fields)

# The arrays travel as text literals ('{12,NULL}'): psycopg inspects a Python list element by element to
# choose an array type, which cost more client CPU than the rest of the call; PostgreSQL casts the literal.
LEDGER_POST_SQL = ("SELECT o_transfer_id, o_replayed FROM ledger_post(%s, %s, %s, %s, %s, %s, %s, "
                   "%s::bigint[], %s::text[], %s::bigint[])")


def _array_literals(lines: list[Line]) -> tuple[str, str, str]:
    ids, codes, amounts = [], [], []
    for account, amount in lines:
        if isinstance(account, Account):
            ids.append("NULL" if account.pk is None else str(account.pk))
            codes.append("NULL")
        else:
            ids.append("NULL")
            codes.append('"' + account.replace("\\", "\\\\").replace('"', '\\"') + '"')
        amounts.append(str(amount))
    return "{" + ",".join(ids) + "}", "{" + ",".join(codes) + "}", "{" + ",".join(amounts) + "}"


def _call_ledger_post(db, params: tuple) -> tuple[int, bool]:
    """One round trip on Django's connection, with server-side binding and a statement prepared once per
    connection (cheaper for both Python and PostgreSQL than Django's client-side binding on this hot path)."""
    db.ensure_connection()
    with db.wrap_database_errors, psycopg.Cursor(db.connection) as cursor:
        cursor.execute(LEDGER_POST_SQL, params, prepare=True)
        return cursor.fetchone()


def _ledger_error(exc: DatabaseError, posted_on: date) -> Exception:
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    diag = getattr(cause, "diag", None)
    message = getattr(diag, "message_primary", None) or str(exc)
    if sqlstate == "QL001":
        return UnknownAccount(message)
    if sqlstate == "QL002":
        code, balance, delta = diag.message_detail.rsplit("|", 2)
        return InsufficientFunds(code, int(balance), int(delta))
    if sqlstate == "QL003":
        return IdempotencyConflict(message)
    if "accounting period" in message:
        return PeriodNotOpen(f"the accounting period of {posted_on} is not open")
    return exc


def _check_transfer(*, key: str, lines: list[Line], reason: str) -> None:
    if not isinstance(key, str) or not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidTransfer(f"the idempotency key is 1..{MAX_KEY_LENGTH} characters")
    if not isinstance(reason, str) or not reason or len(reason) > MAX_REASON_LENGTH:
        raise InvalidTransfer(f"the reason code is 1..{MAX_REASON_LENGTH} characters")
    if len(lines) < 2:
        raise InvalidTransfer("a transfer has at least two lines")
    for account, amount in lines:
        if type(amount) is not int:
            raise InvalidTransfer(f"amounts are integer tiyn, got {amount!r}")
        if amount == 0:
            raise InvalidTransfer("a line cannot be zero")
        if not isinstance(account, (Account, str)):
            raise InvalidTransfer(f"a line names an Account or an account code, got {account!r}")
    total = sum(amount for _, amount in lines)
    if total != 0:
        raise InvalidTransfer(f"the lines sum to {total} tiyn, not zero")


@transaction.atomic
def transfer_reverse(*, transfer_id: int, key: str, reason: str, posted_on: date | None = None) -> Transfer:
    """Reverse what is left of a transfer (its lines net of earlier corrections) in the open period.

    The reversal points at the original (`reverses`). Repeating with the same key returns the first reversal;
    a key already used for anything else raises IdempotencyConflict.
    """
    existing = Transfer.objects.filter(key=key).first()
    if existing is not None:
        if existing.reverses_id != transfer_id:
            raise IdempotencyConflict(f"key {key!r} was already used for transfer {existing.pk}")
        return existing
    original = Transfer.objects.select_for_update().get(pk=transfer_id)
    lines = _remaining_lines(original)
    if not lines:
        raise AlreadyReversed(f"transfer {original.pk} ({original.key}) is already fully reversed")
    return transfer_post(key=key, lines=lines, reason=reason, posted_on=posted_on, reverses=original)


def _remaining_lines(original: Transfer) -> list[Line]:
    """The negation of the original's net effect after the corrections that point at it."""
    net: dict[int, int] = defaultdict(int)
    for account_id, amount in original.postings.values_list("account_id", "amount_tiyn"):
        net[account_id] += amount
    for correction in original.reversals.prefetch_related("postings"):
        for posting in correction.postings.all():
            net[posting.account_id] += posting.amount_tiyn
    accounts = Account.objects.in_bulk([a for a, amount in net.items() if amount])
    return [(accounts[a], -amount) for a, amount in sorted(net.items()) if amount]


def balance_of(account_or_code: Account | str) -> int:
    """The cached balance read from the database (0 for an account that does not exist yet)."""
    lookup = {"pk": account_or_code.pk} if isinstance(account_or_code, Account) else {"code": account_or_code}
    return Account.objects.filter(**lookup).values_list("balance_tiyn", flat=True).first() or 0


def trial_balance() -> dict:
    accounts = [{"code": code, "balance_tiyn": balance}
                for code, balance in Account.objects.order_by("code").values_list("code", "balance_tiyn")]
    return {"accounts": accounts, "total_tiyn": sum(a["balance_tiyn"] for a in accounts)}


def _period_for_update(month: date) -> AccountingPeriod:
    month = month.replace(day=1)
    AccountingPeriod.objects.get_or_create(month=month)
    return AccountingPeriod.objects.select_for_update().get(month=month)


@transaction.atomic
def period_lock(*, month: date, by: str = "system", reason: str = "") -> AccountingPeriod:
    """open → locked. Waits for transactions that are posting right now, so none lands in it afterwards."""
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE ledger_posting IN SHARE MODE")
    period = _period_for_update(month)
    period.lock(by=by, reason=reason)
    period.save()
    return period


@transaction.atomic
def period_unlock(*, month: date, by: str = "system", reason: str = "") -> AccountingPeriod:
    period = _period_for_update(month)
    period.unlock(by=by, reason=reason)
    period.save()
    return period


@transaction.atomic
def period_close(*, month: date, by: str = "system", reason: str = "") -> AccountingPeriod:
    """locked → closed: final."""
    period = _period_for_update(month)
    period.close(by=by, reason=reason)
    period.save()
    return period


def ledger_problems() -> list[str]:
    """Every way the books disagree with themselves; empty when they are sound."""
    problems = []
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT a.code, a.balance_tiyn, coalesce(s.total, 0)
              FROM ledger_account a
              LEFT JOIN (SELECT account_id, sum(amount_tiyn) AS total FROM ledger_posting GROUP BY account_id) s
                     ON s.account_id = a.id
             WHERE a.balance_tiyn <> coalesce(s.total, 0)
             ORDER BY a.code""")
        for code, cached, total in cursor.fetchall():
            problems.append(f"account {code}: cached balance {cached} tiyn, but its postings sum to {total} tiyn")
        cursor.execute("""
            SELECT t.id, t.key, count(p.id), coalesce(sum(p.amount_tiyn), 0)
              FROM ledger_transfer t LEFT JOIN ledger_posting p ON p.transfer_id = t.id
             GROUP BY t.id, t.key
            HAVING count(p.id) < 2 OR coalesce(sum(p.amount_tiyn), 0) <> 0
             ORDER BY t.id""")
        for transfer_id, key, count, total in cursor.fetchall():
            problems.append(f"transfer {transfer_id} ({key}): {count} postings summing to {total} tiyn")
        cursor.execute("SELECT code, balance_tiyn FROM ledger_account "
                       "WHERE NOT may_go_negative AND balance_tiyn < 0 ORDER BY code")
        for code, balance in cursor.fetchall():
            problems.append(f"account {code}: negative balance {balance} tiyn where it may not go negative")
        cursor.execute("SELECT coalesce(sum(amount_tiyn), 0) FROM ledger_posting")
        (total,) = cursor.fetchone()
        if total != 0:
            problems.append(f"trial balance: postings sum to {total} tiyn, not zero")
    return problems
