"""Batch imports from a CSV file for management commands: batches for a service, a progress bar that knows
the total, and rejected rows written as JSON lines that name their line in the file."""
import argparse
import json
from collections.abc import Iterator

from django.core.management.base import CommandError
from tqdm import tqdm

from .batching import chunked


def add_import_arguments(parser) -> None:
    parser.add_argument("path")
    parser.add_argument("--errors", help="write rejected rows as JSON lines to this file")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="show the progress bar (default: only on a terminal)")


class CsvImport:
    """`with CsvImport(command, path=…) as source: for batch in source.batches(n): … source.reject(errors)`."""

    def __init__(self, command, *, path: str, errors: str | None = None, progress: bool | None = None,
                 unit: str, desc: str):
        import csv

        try:
            self._file = open(path, newline="", encoding="utf-8-sig")
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        self._reader = csv.DictReader(self._file)
        self._errors = open(errors, "w", encoding="utf-8") if errors else None
        self._bar = tqdm(total=_count_rows(path), unit=unit, desc=desc, file=_Unended(command.stderr),
                         disable=None if progress is None else not progress)
        self._offset = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._bar.close()
        self._file.close()
        if self._errors:
            self._errors.close()

    def batches(self, size: int) -> Iterator[list[dict]]:
        for batch in chunked(self._reader, size):
            yield batch
            self._offset += len(batch)
            self._bar.update(len(batch))

    def reject(self, errors: list[dict]) -> int:
        """Record the current batch's errors ({"index", …}); returns how many rows they reject."""
        if self._errors:
            for error in errors:  # line 1 is the header
                self._errors.write(json.dumps({**error, "line": self._offset + error["index"] + 2},
                                              ensure_ascii=False) + "\n")
        return len({e["index"] for e in errors})


class _Unended:
    """The command's stderr as tqdm wants it: tqdm redraws with "\\r", OutputWrapper would end each write."""

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
