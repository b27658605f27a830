import csv
from io import StringIO

import pytest
from django.core.management import call_command

from qalqan.core.batching import chunked
from qalqan.people.models import Person
from tests.conftest import person_rows

pytestmark = pytest.mark.django_db


def test_csv_import_stores_valid_rows_and_reports_the_rest(tmp_path, refdata):
    rows = person_rows(3)
    rows[1]["sex"] = "X"
    path = tmp_path / "people.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "categories": ";".join(row["categories"] or ["employee"])})
    errors = tmp_path / "errors.jsonl"
    out = StringIO()

    call_command("import_people", str(path), "--errors", str(errors), stdout=out)

    assert "created 2, updated 0, rejected 1" in out.getvalue()
    assert Person.objects.count() == 2
    assert '"line": 3' in errors.read_text() and '"field": "sex"' in errors.read_text()


def test_chunked():
    assert list(chunked(range(5), 2)) == [[0, 1], [2, 3], [4]]
    assert list(chunked([], 3)) == []


def test_csv_import_takes_an_optional_email_column(tmp_path, refdata):
    rows = person_rows(2)
    rows[0]["email"], rows[1]["email"] = "a@example.kz", ""
    path = tmp_path / "people.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "categories": "employee"})

    call_command("import_people", str(path), stdout=StringIO())

    assert dict(Person.objects.values_list("iin", "email")) == {rows[0]["iin"]: "a@example.kz", rows[1]["iin"]: ""}
