from django.db import migrations


def load(apps, schema_editor):
    from qalqan.refdata.services import sync_catalogue

    sync_catalogue(
        region_model=apps.get_model("refdata", "Region"),
        category_model=apps.get_model("refdata", "BenefitCategory"),
        benefit_model=apps.get_model("refdata", "Benefit"),
    )


class Migration(migrations.Migration):
    dependencies = [("refdata", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
