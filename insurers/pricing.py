"""The basic ОСМС price: the fund's dated per-person tariff × the age-sex coefficient, in whole tiyn.

An osms_dms product is priced by its insurer (ProductVersion.annual_premium_tiyn); the fund's subsidy
for an insured person is the basic price of the same person and term (see policies.subsidy).
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from qalqan.core.money import prorate
from qalqan.core.sql import fetch_one_prepared

from .models import AgeSexCoefficient, BasicTariff

COEFFICIENT_SCALE = 1000  # coefficients have three decimals


class PricingTableMissing(LookupError):
    """No dated row covers the day (fund staff must add one)."""


def age_on(birth_date: date, day: date) -> int:
    years = day.year - birth_date.year
    return years - ((day.month, day.day) < (birth_date.month, birth_date.day))


def basic_tariff_on(day: date) -> BasicTariff:
    row = BasicTariff.objects.valid_on(day).order_by("-valid_from").first()
    if row is None:
        raise PricingTableMissing(f"no basic tariff covers {day}")
    return row


def coefficient_for(*, age: int, sex: str, day: date) -> Decimal:
    row = (AgeSexCoefficient.objects.valid_on(day)
           .filter(sex=sex, age_from__lte=age, age_to__gt=age).order_by("-valid_from").first())
    if row is None:
        raise PricingTableMissing(f"no age-sex coefficient for {sex} aged {age} on {day}")
    return row.coefficient


@dataclass(frozen=True)
class BasicPrice:
    tariff_tiyn: int
    coefficient: Decimal
    annual_tiyn: int


def basic_price(*, birth_date: date, sex: str, day: date) -> BasicPrice:
    """Annual basic price for one person on `day`: tariff × coefficient, rounded half up to a tiyn (the rows
    basic_tariff_on and coefficient_for pick, read in one prepared statement: every application asks it)."""
    age = age_on(birth_date, day)
    row = fetch_one_prepared(_BASIC_PRICE_SQL, [day, day, sex, age, age, day, day])
    if row is None:
        raise PricingTableMissing(f"no basic tariff covers {day}")
    tariff, coefficient = row
    if coefficient is None:
        raise PricingTableMissing(f"no age-sex coefficient for {sex} aged {age} on {day}")
    scaled = int(coefficient * COEFFICIENT_SCALE)
    return BasicPrice(tariff_tiyn=tariff, coefficient=coefficient,
                      annual_tiyn=prorate(tariff, scaled, COEFFICIENT_SCALE))


_BASIC_PRICE_SQL = (
    f"SELECT t.annual_tiyn, (SELECT c.coefficient FROM {AgeSexCoefficient._meta.db_table} c "
    "WHERE c.valid_from <= %s AND (c.valid_to IS NULL OR c.valid_to > %s) AND c.sex = %s AND c.age_from <= %s "
    "AND c.age_to > %s ORDER BY c.valid_from DESC LIMIT 1) "
    f"FROM {BasicTariff._meta.db_table} t WHERE t.valid_from <= %s AND (t.valid_to IS NULL OR t.valid_to > %s) "
    "ORDER BY t.valid_from DESC LIMIT 1")


@dataclass(frozen=True)
class Quote:
    """What a person would pay for a year of a product version starting on `day`."""

    price_tiyn: int  # the full annual price of the product for this person
    subsidy_tiyn: int  # what the fund pays (the basic price) when the person is insured
    due_tiyn: int  # what the citizen pays: price − subsidy, never below zero
    basic_tiyn: int


def quote(version, *, birth_date: date, sex: str, day: date, insured: bool) -> Quote:
    """Basic product: price = basic price. Extended: the insurer's premium. The subsidy is the basic price
    for an insured person and nothing for an uninsured one."""
    basic = basic_price(birth_date=birth_date, sex=sex, day=day).annual_tiyn
    price = basic if version.product.is_basic else version.annual_premium_tiyn
    subsidy = min(basic, price) if insured else 0
    return Quote(price_tiyn=price, subsidy_tiyn=subsidy, due_tiyn=max(0, price - subsidy), basic_tiyn=basic)
