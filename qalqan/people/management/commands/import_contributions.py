from django.core.management.base import BaseCommand

from qalqan.core.csv_import import CsvImport, add_import_arguments
from qalqan.people.contributions import MAX_ROWS, contributions_intake


class Command(BaseCommand):
    help = ("Import contribution payments from a CSV file with columns iin, payer_bin, kind, period (YYYY-MM), "
            "amount_tiyn, reference and optionally months; batches of 10 000 go through the same service as "
            "POST /api/v1/fund/contributions.")

    def add_arguments(self, parser):
        add_import_arguments(parser)

    def handle(self, *args, path, errors=None, progress=None, **options):
        totals = {"created": 0, "duplicates": 0, "suspense": 0, "rejected": 0}
        with CsvImport(self, path=path, errors=errors, progress=progress, unit=" payments",
                       desc="contributions") as source:
            for batch in source.batches(MAX_ROWS):
                result = contributions_intake(rows=[_row(r) for r in batch])
                totals["created"] += result.created
                totals["duplicates"] += result.duplicates
                totals["suspense"] += result.suspense
                totals["rejected"] += source.reject(result.errors)
        self.stdout.write("created {created}, duplicates {duplicates}, in suspense {suspense}, "
                          "rejected {rejected}".format(**totals))


def _row(raw: dict) -> dict:
    row = {k: (v or "").strip() for k, v in raw.items() if k}
    for name in ("amount_tiyn", "months"):
        if row.get(name, "") != "":
            try:
                row[name] = int(row[name])
            except ValueError:
                pass  # the service names the field
        elif name == "months":
            row.pop(name, None)
    return row
