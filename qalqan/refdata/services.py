"""Loading the reference catalogue into the tables (idempotent: a second run changes nothing)."""
from datetime import date

from django.db import transaction

from . import catalogue
from .models import Benefit, BenefitCategory, Region

CATALOGUE_START = date(2020, 1, 1)


@transaction.atomic
def refdata_sync() -> None:
    sync_catalogue(region_model=Region, category_model=BenefitCategory, benefit_model=Benefit)


def sync_catalogue(*, region_model, category_model, benefit_model) -> None:
    """Upsert the catalogue; takes the model classes so a data migration can pass historical ones."""
    for row in catalogue.REGIONS:
        region_model.objects.update_or_create(code=row["code"], defaults=_names(row))
    for row in catalogue.CATEGORIES:
        category_model.objects.update_or_create(
            code=row["code"],
            valid_from=row["valid_from"] or CATALOGUE_START,
            defaults={**_names(row), "group": row["group"], "payer": row["payer"], "valid_to": row["valid_to"]},
        )
    for row in catalogue.BENEFITS:
        benefit_model.objects.update_or_create(
            code=row["code"],
            valid_from=row.get("valid_from") or CATALOGUE_START,
            defaults={
                **_names(row),
                "package": row["package"],
                **{f"description_{lang}": row.get(f"description_{lang}", "") for lang in ("kk", "ru", "en")},
            },
        )


def _names(row: dict) -> dict:
    return {f"name_{lang}": row[f"name_{lang}"] for lang in ("kk", "ru", "en")}
