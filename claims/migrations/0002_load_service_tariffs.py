"""Load the service tariff list (qalqan/refdata/catalogue.py SERVICE_TARIFFS), valid from 2025-01-01."""
from datetime import date

from django.db import migrations

VALID_FROM = date(2025, 1, 1)


def load(apps, schema_editor):
    from qalqan.refdata.catalogue import SERVICE_TARIFFS

    ServiceTariff = apps.get_model("claims", "ServiceTariff")
    for row in SERVICE_TARIFFS:
        ServiceTariff.objects.update_or_create(
            code=row["code"], valid_from=VALID_FROM,
            defaults={"benefit": row["benefit"], "tariff_tiyn": row["tariff_tiyn"], "name_kk": row["name_kk"],
                      "name_ru": row["name_ru"], "name_en": row["name_en"]},
        )


def unload(apps, schema_editor):
    apps.get_model("claims", "ServiceTariff").objects.filter(valid_from=VALID_FROM).delete()


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
