"""Starting content of the fund's dated pricing tables for the basic ОСМС package.

ASSUMPTIONS (no public per-person tariff was found; fund staff keep these rows in the admin):
- The annual per-person basic tariff is about the ОСМС revenue per resident: 1 019 918 959 thousand ₸
  (seed 000, 2025) / 20.5 million residents ≈ 49 750 ₸. We use 48 000 ₸ for 2020–2025 and 52 000 ₸
  from 2026.
- The age-sex coefficients follow the usual shape of health spending by age (infants and the old cost
  most, young adults least; women of child-bearing age more than men). They average about 1.0 over
  Kazakhstan's age pyramid. Bands are [age_from, age_to).
"""
from datetime import date
from decimal import Decimal

TABLES_START = date(2020, 1, 1)

BASIC_TARIFFS = [
    {"valid_from": TABLES_START, "valid_to": date(2026, 1, 1), "annual_tiyn": 4_800_000,
     "note": "assumption: ≈ ОСМС revenue per resident, 2025"},
    {"valid_from": date(2026, 1, 1), "valid_to": None, "annual_tiyn": 5_200_000,
     "note": "assumption: 2025 level indexed by ≈ 8 %"},
]

# (age_from, age_to, coefficient for M, coefficient for F)
AGE_BANDS = [
    (0, 1, "2.200", "2.100"),
    (1, 5, "1.300", "1.250"),
    (5, 18, "0.700", "0.700"),
    (18, 30, "0.600", "0.900"),
    (30, 45, "0.800", "1.000"),
    (45, 60, "1.100", "1.150"),
    (60, 70, "1.700", "1.600"),
    (70, 150, "2.300", "2.100"),
]

AGE_SEX_COEFFICIENTS = [
    {"valid_from": TABLES_START, "valid_to": None, "age_from": lo, "age_to": hi, "sex": sex,
     "coefficient": Decimal(m if sex == "M" else f)}
    for lo, hi, m, f in AGE_BANDS for sex in ("M", "F")
]


def sync_tables(*, tariff_model, coefficient_model) -> None:
    """Upsert the starting rows (idempotent); takes model classes so a data migration can pass historical ones."""
    for row in BASIC_TARIFFS:
        tariff_model.objects.update_or_create(
            valid_from=row["valid_from"],
            defaults={"valid_to": row["valid_to"], "annual_tiyn": row["annual_tiyn"], "note": row["note"]})
    for row in AGE_SEX_COEFFICIENTS:
        coefficient_model.objects.update_or_create(
            valid_from=row["valid_from"], sex=row["sex"], age_from=row["age_from"],
            defaults={"valid_to": row["valid_to"], "age_to": row["age_to"], "coefficient": row["coefficient"]})
