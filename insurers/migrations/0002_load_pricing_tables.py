from django.db import migrations

from insurers.tables import sync_tables


def load(apps, schema_editor):
    sync_tables(tariff_model=apps.get_model("insurers", "BasicTariff"),
                coefficient_model=apps.get_model("insurers", "AgeSexCoefficient"))


class Migration(migrations.Migration):
    dependencies = [("insurers", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
