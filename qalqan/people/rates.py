"""Contribution rates from the dated tables, and the contribution calculator.

`RateBook` loads the (small) tables once so a batch of 10 000 payments checks its rules in memory.
"""
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from qalqan.core.money import percent_of

from . import rates_catalogue
from .models import AverageWage, ContributionRule, InsuranceRule, MinimumWage, PayerKind

EARLIEST_PERIOD = date(2017, 1, 1)


class NoRule(LookupError):
    """No rule of the dated tables covers this payer kind and period."""


@dataclass(frozen=True)
class Due:
    """What one payer kind owes for one month: `amount_tiyn` for the given income (or the fixed due),
    `max_tiyn` the most any income can owe (None when uncapped)."""

    kind: str
    period: date
    rate_percent: Decimal
    base: str
    base_tiyn: int
    cap_income_tiyn: int | None
    income_tiyn: int | None
    amount_tiyn: int
    max_tiyn: int | None
    minimum_wage_tiyn: int

    @property
    def effective_percent(self) -> Decimal | None:
        if not self.income_tiyn:
            return None
        return (Decimal(self.amount_tiyn) * 100 / Decimal(self.income_tiyn)).quantize(Decimal("0.01"), ROUND_HALF_UP)

    def as_dict(self) -> dict:
        effective = self.effective_percent
        return {
            "kind": self.kind, "period": f"{self.period:%Y-%m}", "rate_percent": str(self.rate_percent),
            "base": self.base, "base_tiyn": self.base_tiyn, "cap_income_tiyn": self.cap_income_tiyn,
            "income_tiyn": self.income_tiyn, "amount_tiyn": self.amount_tiyn, "max_tiyn": self.max_tiyn,
            "minimum_wage_tiyn": self.minimum_wage_tiyn,
            "effective_percent": None if effective is None else str(effective),
        }


def _covers(row, day: date) -> bool:
    return row.valid_from <= day and (row.valid_to is None or day < row.valid_to)


class RateBook:
    """The rate tables in memory: rule, МЗП and average wage by period."""

    def __init__(self):
        self.rules = list(ContributionRule.objects.all())
        self.minimum_wages = list(MinimumWage.objects.all())
        self.average_wages = list(AverageWage.objects.all())
        self._cache: dict[tuple[str, date], tuple] = {}

    def _row(self, rows, day: date, what: str):
        for row in rows:
            if _covers(row, day):
                return row
        raise NoRule(f"no {what} for {day:%Y-%m}")

    def rule(self, kind: str, period: date) -> ContributionRule:
        for row in self.rules:
            if row.kind == kind and _covers(row, period):
                return row
        raise NoRule(f"no contribution rule for {kind} in {period:%Y-%m}")

    def due(self, *, kind: str, period: date, income_tiyn: int | None = None) -> Due:
        rule = self.rule(kind, period)
        mzp = self._row(self.minimum_wages, period, "minimum wage").amount_tiyn
        rate = rule.rate_percent
        cap_income = None
        if rule.base == ContributionRule.Base.INCOME:
            cap_income = _times(mzp, rule.cap_mzp) if rule.cap_mzp is not None else None
            base = income_tiyn or 0
            if cap_income is not None:
                base = min(base, cap_income)
            max_tiyn = percent_of(cap_income, rate) if cap_income is not None else None
        elif rule.base == ContributionRule.Base.MINIMUM_WAGE:
            base = _times(mzp, rule.base_mzp)
            max_tiyn = percent_of(base, rate)
        else:
            base = self._row(self.average_wages, period, "average wage").amount_tiyn
            max_tiyn = percent_of(base, rate)
        return Due(kind=kind, period=period, rate_percent=rate, base=rule.base, base_tiyn=base,
                   cap_income_tiyn=cap_income, income_tiyn=income_tiyn, amount_tiyn=percent_of(base, rate),
                   max_tiyn=max_tiyn, minimum_wage_tiyn=mzp)

    def max_due(self, kind: str, period: date) -> int | None:
        """The most one month can owe for this kind and period (cached); raises NoRule."""
        key = (kind, period)
        if key not in self._cache:
            self._cache[key] = (self.due(kind=kind, period=period).max_tiyn,)
        return self._cache[key][0]


def _times(amount_tiyn: int, multiple: Decimal) -> int:
    return int((Decimal(amount_tiyn) * Decimal(multiple)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def contribution_calculate(*, kind: str, period: date, income_tiyn: int | None = None) -> Due:
    """The contribution due for one month (DOMAIN.md's worked examples are the tests)."""
    if kind not in PayerKind.values:
        raise NoRule(f"unknown payer kind {kind!r}")
    return RateBook().due(kind=kind, period=period, income_tiyn=income_tiyn)


def self_payer_due(period: date) -> int:
    """The monthly self-payer contribution (what an uninsured person pays to clear one month of debt)."""
    return RateBook().due(kind=PayerKind.SELF_PAYER, period=period).amount_tiyn


def insurance_rules() -> list[InsuranceRule]:
    return list(InsuranceRule.objects.order_by("valid_from"))


def rates_sync(*, minimum_wage_model=MinimumWage, average_wage_model=AverageWage,
               contribution_rule_model=ContributionRule, insurance_rule_model=InsuranceRule) -> None:
    """Upsert the catalogue (idempotent); a data migration passes the historical models."""
    for row in rates_catalogue.MINIMUM_WAGES:
        minimum_wage_model.objects.update_or_create(valid_from=row["valid_from"], defaults=row)
    for row in rates_catalogue.AVERAGE_WAGES:
        average_wage_model.objects.update_or_create(valid_from=row["valid_from"], defaults=row)
    for row in rates_catalogue.CONTRIBUTION_RULES:
        contribution_rule_model.objects.update_or_create(kind=row["kind"], valid_from=row["valid_from"], defaults=row)
    for row in rates_catalogue.INSURANCE_RULES:
        insurance_rule_model.objects.update_or_create(valid_from=row["valid_from"], defaults=row)
