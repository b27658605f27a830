import argparse
import csv
import json

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from qalqan.people.contributions import MAX_ROWS, contributions_intake


class Command(BaseCommand):
    help = ("Import contribution payments from a CSV file with columns iin, payer_bin, kind, period (YYYY-MM), "
            "amount_tiyn, reference and optionally months; batches of 10 000 go through the same service as "
            "POST /api/v1/fund/contributions.")

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--errors", help="write rejected rows as JSON lines to this file")
        parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                            help="show the progress bar (default: only on a terminal)")

    def handle(self, *args, path, errors=None, progress=None, **options):
        try:
            handle = open(path, newline="", encoding="utf-8-sig")
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        total = _count_rows(path)
        totals = {"created": 0, "duplicates": 0, "suspense": 0, "rejected": 0}
        error_file = open(errors, "w", encoding="utf-8") if errors else None
        bar = tqdm(total=total, unit=" payments", desc="contributions", file=_Unended(self.stderr),
                   disable=None if progress is None else not progress)
        with handle, bar as progress:
            offset = 0
            for batch in _batches(csv.DictReader(handle), MAX_ROWS):
                result = contributions_intake(rows=[_row(r) for r in batch])
                totals["created"] += result.created
                totals["duplicates"] += result.duplicates
                totals["suspense"] += result.suspense
                totals["rejected"] += len({e["index"] for e in result.errors})
                if error_file:
                    for error in result.errors:
                        error_file.write(json.dumps({**error, "line": offset + error["index"] + 2},
                                                    ensure_ascii=False) + "\n")
                offset += len(batch)
                progress.update(len(batch))
        if error_file:
            error_file.close()
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
        else:
            row.pop(name, None) if name == "months" else None
    return row


class _Unended:
    """The command's stderr as tqdm wants it: tqdm redraws with "\r", OutputWrapper would end each write."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")

    def flush(self) -> None:
        self.wrapper.flush()

    def isatty(self) -> bool:  # tqdm's default: a bar only on a terminal
        return self.wrapper.isatty()


def _count_rows(path) -> int:
    """Data rows in the file (lines less the header; a quoted field spanning lines makes it an estimate)."""
    with open(path, "rb") as raw:
        return max(0, sum(chunk.count(b"\n") for chunk in iter(lambda: raw.read(1 << 20), b"")) - 1)


def _batches(reader, size):
    batch = []
    for row in reader:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
