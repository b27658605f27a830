from django.core.management.base import BaseCommand

from qalqan.core.csv_import import CsvImport, add_import_arguments
from qalqan.people.schemas import MAX_ROWS
from qalqan.people.services import people_upsert


class Command(BaseCommand):
    help = "Import registry rows from a CSV file (columns as POST /api/v1/fund/people; categories ';'-separated)."

    def add_arguments(self, parser):
        add_import_arguments(parser)

    def handle(self, *args, path, errors=None, progress=None, **options):
        created = updated = rejected = 0
        with CsvImport(self, path=path, errors=errors, progress=progress, unit=" rows", desc="people") as source:
            for batch in source.batches(MAX_ROWS):
                result = people_upsert(rows=[_row(r) for r in batch])
                created, updated = created + result.created, updated + result.updated
                rejected += source.reject(result.errors)
        self.stdout.write(f"created {created}, updated {updated}, rejected {rejected}")


def _row(raw: dict) -> dict:
    row = {k: (v or "").strip() for k, v in raw.items() if k}
    row["categories"] = [c.strip() for c in row.get("categories", "").split(";") if c.strip()]
    return row
