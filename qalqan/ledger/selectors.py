"""Ledger reads shared by the API and pages. Scoping of who may read which account lives here, in one place."""
from dataclasses import dataclass
from datetime import date

from django.db.models import Sum

from qalqan.orgs.principal import Principal

from .models import Account, Posting

MAX_STATEMENT_DAYS = 366
MAX_STATEMENT_POSTINGS = 10_000


class StatementTooLarge(ValueError):
    pass


def insurer_premium_code(org_code: str) -> str:
    return f"insurer:{org_code}:premium"


@dataclass(frozen=True)
class StatementTarget:
    """The account a statement is about; `account` is None for an insurer that has no premium account yet."""

    code: str
    account: Account | None


def statement_target_for(principal: Principal, code: str | None = None) -> StatementTarget | None:
    """Which account this caller may read: the fund any account by code; an insurer only its premium account.

    None means "not found for this caller" (the API answers 404, never revealing another party's account).
    """
    if principal.kind == "fund" and code is not None:
        account = Account.objects.filter(code=code).first()
        return StatementTarget(code, account) if account else None
    if principal.kind == "insurer" and code is None:
        own = insurer_premium_code(principal.organisation.code)
        return StatementTarget(own, Account.objects.filter(code=own).first())
    return None


def insurer_balance_tiyn(principal: Principal) -> int:
    target = statement_target_for(principal)
    return target.account.balance_tiyn if target and target.account else 0


def account_statement(*, target: StatementTarget, date_from: date, date_to: date) -> dict:
    """Postings dated in [date_from, date_to] with the balance before and after, and a running balance."""
    if date_to < date_from:
        raise StatementTooLarge("the period ends before it starts")
    if (date_to - date_from).days >= MAX_STATEMENT_DAYS:
        raise StatementTooLarge(f"a statement covers at most {MAX_STATEMENT_DAYS} days")
    account = target.account
    statement = {
        "account": target.code,
        "kind": account.kind if account else Account.Kind.INSURER_PREMIUM,
        "name": account.name if account else "",
        "currency": "KZT",
        "from": date_from,
        "to": date_to,
        "opening_tiyn": 0,
        "postings": [],
        "closing_tiyn": 0,
        "debits_tiyn": 0,
        "credits_tiyn": 0,
    }
    if account is None:
        return statement
    postings = Posting.objects.filter(account=account)
    opening = postings.filter(posted_on__lt=date_from).aggregate(total=Sum("amount_tiyn"))["total"] or 0
    rows = list(
        postings.filter(posted_on__gte=date_from, posted_on__lte=date_to)
        .order_by("posted_on", "id")
        .values_list("id", "posted_on", "amount_tiyn", "transfer_id", "transfer__key", "transfer__reason",
                     "transfer__reverses_id")[: MAX_STATEMENT_POSTINGS + 1]
    )
    if len(rows) > MAX_STATEMENT_POSTINGS:
        raise StatementTooLarge(f"more than {MAX_STATEMENT_POSTINGS} postings: ask for a shorter period")
    balance = opening
    for posting_id, posted_on, amount, transfer_id, key, reason, reverses_id in rows:
        balance += amount
        statement["postings"].append({
            "id": posting_id, "posted_on": posted_on, "amount_tiyn": amount, "balance_tiyn": balance,
            "transfer": transfer_id, "key": key, "reason": reason, "reverses": reverses_id,
        })
        statement["debits_tiyn" if amount > 0 else "credits_tiyn"] += abs(amount)
    statement["opening_tiyn"] = opening
    statement["closing_tiyn"] = balance
    return statement
