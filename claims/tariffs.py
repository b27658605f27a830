"""The service tariff table's starting content (qalqan/refdata/catalogue.py), loadable again after a flush."""
from datetime import date

from django.db import transaction

from qalqan.refdata.catalogue import SERVICE_TARIFFS

from .coverage import tariffs_forget
from .models import ServiceTariff

VALID_FROM = date(2025, 1, 1)


@transaction.atomic
def service_tariffs_sync() -> int:
    """Idempotent: make the catalogue's rows (valid from 2025-01-01) exist as they are in the catalogue."""
    for row in SERVICE_TARIFFS:
        ServiceTariff.objects.update_or_create(
            code=row["code"], valid_from=VALID_FROM,
            defaults={"benefit": row["benefit"], "tariff_tiyn": row["tariff_tiyn"], "name_kk": row["name_kk"],
                      "name_ru": row["name_ru"], "name_en": row["name_en"]})
    transaction.on_commit(tariffs_forget)
    tariffs_forget()
    return len(SERVICE_TARIFFS)
