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


def test_the_import_shows_a_progress_bar_over_the_whole_file(tmp_path, make_person, rates, monkeypatch):
    from io import StringIO

    from qalqan.people.management.commands import import_contributions

    monkeypatch.setattr(import_contributions, "MAX_ROWS", 2)  # three batches of at most two rows
    person = make_person()
    path = tmp_path / "payments.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["iin", "kind", "period", "amount_tiyn", "reference"])
        for k in range(5):
            writer.writerow([person.iin, "employee", f"2026-0{k + 1}", "600000", f"bar-{k}"])
    err = StringIO()
    call_command("import_contributions", str(path), "--progress", stdout=StringIO(), stderr=err)
    shown = err.getvalue()
    assert "contributions" in shown and "5/5" in shown and "100%" in shown
    assert "0/5" in shown and "\n\r" not in shown  # the total is known from the start; redrawn in place
    assert Contribution.objects.count() == 5


def test_the_progress_bar_stays_off_when_asked(tmp_path, make_person, rates):
    from io import StringIO

    path = tmp_path / "payments.csv"
    path.write_text("iin,kind,period,amount_tiyn,reference\n", encoding="utf-8")
    err = StringIO()
    call_command("import_contributions", str(path), "--no-progress", stdout=StringIO(), stderr=err)
    assert err.getvalue() == ""


def test_without_a_terminal_the_bar_is_off_by_default(tmp_path, rates):
    from io import StringIO

    path = tmp_path / "payments.csv"
    path.write_text("iin,kind,period,amount_tiyn,reference\n", encoding="utf-8")
    err = StringIO()
    call_command("import_contributions", str(path), stdout=StringIO(), stderr=err)
    assert err.getvalue() == ""
