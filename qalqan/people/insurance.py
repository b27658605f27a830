"""Insurance status from facts: a pure function, no database and no clock (`today` is passed in).

The rules (DOMAIN.md "Insurance status"), in the order they decide the basis:

1. A privileged or МИО-paid category valid today (the category's own dated row must say it insures on
   that day: `unemployed` moved to МИО in 2026, levels D/E only exist from 2026) → basis = the category code,
   insured until the membership or the category row ends (None = open-ended).
2. Contributions. A month is *covered* when it is paid (any positive, not refunded contribution for it) or
   when the person was in an insuring category during it (the state paid). A run of covered months S..E that
   has started (S ≤ this month) and is at least `required_months` long (12: no debt over the last 12 months,
   or 12 months prepaid) keeps the person insured until `grace_months` after its last month E (3 months;
   6 months from 2026 when the run is at least `long_streak_months` = 60 long; the rule valid in the month
   after E, when payments stopped, decides). The unpaid months stay owed: they are the debt.
3. A temporary status granted by fund staff on documents, valid today → basis "temporary".

Months are handled as integers (year × 12 + month − 1).
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

CONTRIBUTIONS = "contributions"
TEMPORARY = "temporary"
LOOKBACK_MONTHS = 120
LOOKAHEAD_MONTHS = 36


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def month_end(index: int) -> date:
    return month_start(index + 1) - timedelta(days=1)


@dataclass(frozen=True)
class Membership:
    category: str
    valid_from: date
    valid_to: date | None = None  # exclusive


@dataclass(frozen=True)
class InsuringCategory:
    """A dated row of a category that insures its members (group privileged or МИО)."""

    code: str
    valid_from: date
    valid_to: date | None = None


@dataclass(frozen=True)
class Rule:
    valid_from: date
    valid_to: date | None
    required_months: int = 12
    grace_months: int = 3
    long_grace_months: int = 3
    long_streak_months: int = 60


@dataclass(frozen=True)
class Grant:
    valid_from: date
    valid_to: date  # exclusive


@dataclass(frozen=True)
class Facts:
    paid_months: frozenset[int] = frozenset()
    memberships: tuple[Membership, ...] = ()
    grants: tuple[Grant, ...] = ()


@dataclass(frozen=True)
class Status:
    insured: bool
    basis: str | None = None
    insured_until: date | None = None
    debt_months: tuple[int, ...] = field(default=())  # uncovered months of the last 12, oldest first


def _valid(valid_from: date, valid_to: date | None, day: date) -> bool:
    return valid_from <= day and (valid_to is None or day < valid_to)


def _earlier_end(a: date | None, b: date | None) -> date | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def rule_on(rules: tuple[Rule, ...], day: date) -> Rule:
    for rule in rules:
        if _valid(rule.valid_from, rule.valid_to, day):
            return rule
    return min(rules, key=lambda r: r.valid_from)  # before the table starts, its first rule


def _category_today(facts: Facts, insuring: tuple[InsuringCategory, ...], today: date) -> Status | None:
    best: tuple[str, date | None] | None = None
    for m in facts.memberships:
        if not _valid(m.valid_from, m.valid_to, today):
            continue
        for row in insuring:
            if row.code == m.category and _valid(row.valid_from, row.valid_to, today):
                end = _earlier_end(m.valid_to, row.valid_to)
                if best is None or (best[1] is not None and (end is None or end > best[1])) or (
                        end == best[1] and m.category < best[0]):
                    best = (m.category, end)
    if best is None:
        return None
    code, end = best
    return Status(insured=True, basis=code, insured_until=None if end is None else end - timedelta(days=1))


def covered_months(facts: Facts, insuring: tuple[InsuringCategory, ...], lo: int, hi: int) -> set[int]:
    """Months in [lo, hi] that are paid or spent in an insuring category."""
    covered = {m for m in facts.paid_months if lo <= m <= hi}
    for membership in facts.memberships:
        for row in insuring:
            if row.code != membership.category:
                continue
            start = max(membership.valid_from, row.valid_from)
            end = _earlier_end(membership.valid_to, row.valid_to)  # exclusive
            if end is not None and end <= start:
                continue
            first = max(month_index(start), lo)
            last = min(hi, month_index(end - timedelta(days=1)) if end is not None else hi)
            covered.update(range(first, last + 1))
    return covered


def insurance_status_compute(*, facts: Facts, insuring: tuple[InsuringCategory, ...], rules: tuple[Rule, ...],
                             today: date) -> Status:
    now = month_index(today)
    lo, hi = now - LOOKBACK_MONTHS, now + LOOKAHEAD_MONTHS
    covered = covered_months(facts, insuring, lo, hi)
    debt = tuple(m for m in range(now - 12, now) if m not in covered)

    by_category = _category_today(facts, insuring, today)
    if by_category is not None:
        return Status(True, by_category.basis, by_category.insured_until, debt)

    until = None
    start = None
    for month in range(lo, hi + 2):
        if month in covered and month <= hi:
            if start is None:
                start = month
            continue
        if start is not None:
            end = month - 1
            until = _run_until(start, end, rules, now, until)
            start = None
    if until is not None:
        return Status(True, CONTRIBUTIONS, until, debt)

    grant_end = None
    for grant in facts.grants:
        if _valid(grant.valid_from, grant.valid_to, today):
            grant_end = grant.valid_to if grant_end is None else max(grant_end, grant.valid_to)
    if grant_end is not None:
        return Status(True, TEMPORARY, grant_end - timedelta(days=1), debt)
    return Status(False, None, None, debt)


def _run_until(start: int, end: int, rules: tuple[Rule, ...], now: int, until: date | None) -> date | None:
    """The last insured day this run S..E gives (or the `until` found so far when it gives none)."""
    if start > now:
        return until
    rule = rule_on(rules, month_start(end + 1))
    length = end - start + 1
    if length < rule.required_months:
        return until
    grace = rule.long_grace_months if length >= rule.long_streak_months else rule.grace_months
    if now > end + grace:
        return until
    candidate = month_end(end + grace)
    return candidate if until is None or candidate > until else until
