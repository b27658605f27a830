"""Reads of contributions, statuses and refunds, scoped to the caller in ONE place.

A citizen sees only their own payments and refunds; fund staff see all. Everything else is 404.
"""
from django.db import connection
from django.db.models import QuerySet

from qalqan.core.sql import fetch_one_prepared
from qalqan.orgs.principal import Principal

from .models import Contribution, InsuranceStatus, Person, Refund


def contributions_for(principal: Principal) -> QuerySet[Contribution]:
    if principal.kind == "fund":
        return Contribution.objects.all()
    if principal.kind == "citizen" and principal.person_id:
        return Contribution.objects.filter(person_id=principal.person_id)
    return Contribution.objects.none()


def refunds_for(principal: Principal) -> QuerySet[Refund]:
    if principal.kind == "fund":
        return Refund.objects.select_related("contribution")
    if principal.kind == "citizen" and principal.person_id:
        return Refund.objects.select_related("contribution").filter(contribution__person_id=principal.person_id)
    return Refund.objects.none()


_STATUS_SQL = (
    "SELECT s.insured, s.basis, s.insured_until FROM people_person p "
    "JOIN people_insurancestatus s ON s.person_id = p.id WHERE p.iin = %s"
)


def status_by_iin(iin: str) -> tuple[bool, str | None, object] | None:
    """(insured, basis, insured_until) of a valid ИИН from the materialised row; None when no row exists.
    One indexed query (the hot public path): the look-up never computes the status. It is sent as a prepared
    statement, planned once per connection."""
    return fetch_one_prepared(_STATUS_SQL, [iin])


def status_of(person: Person) -> InsuranceStatus | None:
    """The person's materialised status row, by one prepared statement (every application reads it)."""
    row = fetch_one_prepared(_STATUS_ROW_SQL, [person.pk])
    return InsuranceStatus.from_db(connection.alias, _STATUS_FIELDS, row) if row else None


_STATUS_FIELDS = [f.attname for f in InsuranceStatus._meta.concrete_fields]
_STATUS_ROW_SQL = (f"SELECT {', '.join(f.column for f in InsuranceStatus._meta.concrete_fields)} "
                   f"FROM {InsuranceStatus._meta.db_table} WHERE person_id = %s")


def contribution_months(*, person_id: int, today, months: int = 24) -> dict:
    """The citizen's last `months` months, newest first: paid amount, by whom, whether a category covered it;
    and the debt: the uncovered months of the last 12, each at the self-payer's monthly due."""
    from . import insurance
    from .rates import RateBook
    from .status import facts_for, insuring_categories

    now = insurance.month_index(today)
    paid: dict[int, dict] = {}
    for c in Contribution.objects.filter(person_id=person_id).prefetch_related("refunds"):
        refunded = sum(r.amount_tiyn for r in c.refunds.all() if r.status in (Refund.Status.APPROVED,
                                                                              Refund.Status.PAID))
        first = insurance.month_index(c.period)
        for month in range(first, first + c.months):
            entry = paid.setdefault(month, {"paid_tiyn": 0, "kinds": set()})
            share = (c.amount_tiyn - refunded) // c.months
            entry["paid_tiyn"] += share
            entry["kinds"].add(c.kind)
    facts = facts_for([person_id], today=today)[person_id]
    insuring = insuring_categories()
    category_covered = insurance.covered_months(insurance.Facts(memberships=facts.memberships), insuring,
                                                now - months, now + 12)
    book = RateBook()
    rows, debt_total, debt_months = [], 0, []
    for month in range(now, now - months, -1):
        entry = paid.get(month, {"paid_tiyn": 0, "kinds": set()})
        covered = month in category_covered or entry["paid_tiyn"] > 0
        in_debt = not covered and now - 12 <= month < now
        due = 0
        if in_debt:
            due = book.due(kind="self_payer", period=insurance.month_start(month)).amount_tiyn
            debt_total += due
            debt_months.append(insurance.month_start(month))
        rows.append({"period": insurance.month_start(month), "paid_tiyn": entry["paid_tiyn"],
                     "kinds": sorted(entry["kinds"]), "by_category": month in category_covered,
                     "covered": covered, "debt_tiyn": due})
    return {"months": rows, "debt_tiyn": debt_total, "debt_months": sorted(debt_months)}
