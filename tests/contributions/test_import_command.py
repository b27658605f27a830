import csv

import pytest
from django.core.management import call_command

from qalqan.people.models import Contribution

pytestmark = pytest.mark.django_db


def test_import_contributions_from_csv(tmp_path, make_person, rates, capsys):
    person = make_person()
    path = tmp_path / "payments.csv"
    errors = tmp_path / "errors.jsonl"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["iin", "payer_bin", "kind", "period", "amount_tiyn", "reference"])
        writer.writerow([person.iin, "", "employee", "2026-10", "600000", "csv-1"])
        writer.writerow([person.iin, "", "employer", "2026-10", "900000", "csv-2"])
        writer.writerow([person.iin, "", "employee", "2026-10", "-5", "csv-3"])
    call_command("import_contributions", str(path), "--errors", str(errors))
    assert set(Contribution.objects.values_list("reference", flat=True)) == {"csv-1", "csv-2"}
    assert "created 2" in capsys.readouterr().out
    assert '"line": 4' in errors.read_text()
