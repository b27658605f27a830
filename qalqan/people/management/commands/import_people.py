import csv
import json

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from qalqan.core.batching import chunked
from qalqan.people.schemas import MAX_ROWS
from qalqan.people.services import people_upsert


class Command(BaseCommand):
    help = "Import registry rows from a CSV file (columns as POST /api/v1/fund/people; categories ';'-separated)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--errors", help="write rejected rows as JSON lines to this file")

    def handle(self, *args, path, errors=None, **options):
        try:
            handle = open(path, newline="", encoding="utf-8-sig")
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        created = updated = rejected = 0
        error_file = open(errors, "w", encoding="utf-8") if errors else None
        with handle, tqdm(unit=" rows", desc="people", disable=None) as progress:
            offset = 0
            for batch in chunked(csv.DictReader(handle), MAX_ROWS):
                result = people_upsert(rows=[_row(r) for r in batch])
                created, updated = created + result.created, updated + result.updated
                rejected += len({e["index"] for e in result.errors})
                for error in result.errors:
                    if error_file:
                        error_file.write(json.dumps({**error, "line": offset + error["index"] + 2}) + "\n")
                offset += len(batch)
                progress.update(len(batch))
        if error_file:
            error_file.close()
        self.stdout.write(f"created {created}, updated {updated}, rejected {rejected}")


def _row(raw: dict) -> dict:
    row = {k: (v or "").strip() for k, v in raw.items() if k}
    row["categories"] = [c.strip() for c in row.get("categories", "").split(";") if c.strip()]
    return row

