from django.db import migrations


def load(apps, schema_editor):
    from qalqan.people.rates import rates_sync

    rates_sync(
        minimum_wage_model=apps.get_model("people", "MinimumWage"),
        average_wage_model=apps.get_model("people", "AverageWage"),
        contribution_rule_model=apps.get_model("people", "ContributionRule"),
        insurance_rule_model=apps.get_model("people", "InsuranceRule"),
    )


class Migration(migrations.Migration):
    dependencies = [("people", "0002_contributions_status_refunds")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
