from django.db import migrations


def load(apps, schema_editor):
    from qalqan.fund.subsidy.catalogue import sources_sync

    sources_sync(apps.get_model("fund", "SubsidySource"))


class Migration(migrations.Migration):
    dependencies = [("fund", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
