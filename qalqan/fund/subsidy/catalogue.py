"""The subsidy source rules loaded by migration (fund staff change them in the admin or on the sources page).

Law (DOMAIN.md): the republican budget pays for the privileged categories, the region's МИО for the
unemployed and social well-being levels D/E (from 2026), the ОСМС contributions pool for contributors.
"""
from datetime import date

SOURCES = [
    {"basis": "republican_budget", "account_pattern": "budget:republican", "account_kind": "budget_source",
     "priority": 10, "valid_from": date(2020, 1, 1), "note": "privileged categories (Law on ОСМС, art. 26)"},
    {"basis": "mio", "account_pattern": "budget:mio:{region}", "account_kind": "budget_source",
     "priority": 20, "valid_from": date(2020, 1, 1), "note": "unemployed and levels D/E (МИО from 2026)"},
    {"basis": "contributions", "account_pattern": "pool:osms", "account_kind": "contributions_pool",
     "priority": 90, "valid_from": date(2020, 1, 1), "note": "insured by contributions"},
]


def sources_sync(model) -> None:
    for row in SOURCES:
        model.objects.update_or_create(basis=row["basis"], valid_from=row["valid_from"], defaults=row)
