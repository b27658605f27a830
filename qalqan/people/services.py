"""Registry operations. Loading is set-based (one INSERT … ON CONFLICT per batch) to load the
national registry of 20.5 million people in minutes."""
import json
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from qalqan.refdata.selectors import category_codes_on, region_codes

from .models import Person
from .schemas import MAX_ROWS, PersonIn, parse_person_row
from .signals import persons_changed


class TooManyRows(ValueError):
    pass


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    errors: list[dict] = field(default_factory=list)
    person_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "errors": self.errors}


def people_upsert(*, rows: list, today: date | None = None) -> UpsertResult:
    """Create or update registry rows. Valid rows are stored; each invalid one comes back as
    {"index", "field", "message"} and nothing of it is stored. `categories` is the person's full
    current set: memberships not in it are closed today, new ones open today."""
    if len(rows) > MAX_ROWS:
        raise TooManyRows(f"at most {MAX_ROWS} rows per call (got {len(rows)})")
    today = today or timezone.localdate()
    result = UpsertResult()
    valid = _validate(rows, today=today, errors=result.errors)
    if valid:
        with transaction.atomic():
            ids, created_iins = _upsert_persons(valid)
            _sync_memberships(ids, valid, today=today)
        result.person_ids = ids
        result.created = len(created_iins)
        result.updated = len(valid) - result.created
        transaction.on_commit(
            lambda: persons_changed.send(sender=Person, person_ids=ids, created_iins=created_iins)
        )
    return result


def _validate(rows: list, *, today: date, errors: list[dict]) -> list[PersonIn]:
    known_categories = category_codes_on(today)
    known_regions = region_codes()
    seen: set[str] = set()
    valid: list[PersonIn] = []
    for index, raw in enumerate(rows):
        if not isinstance(raw, dict):
            errors.append({"index": index, "field": "row", "message": "each row must be an object"})
            continue
        person, problems = parse_person_row(raw)
        if person is not None:
            problems = _reference_problems(person, known_categories, known_regions)
            if person.iin in seen:
                problems.append({"field": "iin", "message": "this ИИН appears earlier in the same batch"})
        if problems:
            errors.extend({"index": index, **p} for p in problems)
            continue
        seen.add(person.iin)
        valid.append(person)
    return valid


def _reference_problems(person: PersonIn, categories: set[str], regions: set[str]) -> list[dict]:
    problems = []
    if person.region and person.region not in regions:
        problems.append({"field": "region", "message": f"unknown region {person.region!r}"})
    for i, code in enumerate(person.categories):
        if code not in categories:
            problems.append({"field": f"categories.{i}", "message": f"unknown category {code!r}"})
    return problems


# Batches travel as one JSON parameter that PostgreSQL unpacks in C: with Django's client-side binding,
# arrays of 10 000 elements are quoted one element at a time in Python, which costs more than the insert.
# E-mail is optional in a registry row: an empty or absent one keeps what the person gave on their page.
_UPSERT_SQL = """
INSERT INTO people_person (iin, last_name, first_name, middle_name, birth_date, sex, phone, region, email,
                           created_at, updated_at)
SELECT t.iin, t.last_name, t.first_name, t.middle_name, t.birth_date, t.sex, t.phone, t.region, t.email,
       %(now)s, %(now)s
FROM json_to_recordset(%(rows)s::json) AS t(iin text, last_name text, first_name text, middle_name text,
                                            birth_date date, sex text, phone text, region text, email text)
ON CONFLICT (iin) DO UPDATE SET
    last_name = EXCLUDED.last_name, first_name = EXCLUDED.first_name, middle_name = EXCLUDED.middle_name,
    birth_date = EXCLUDED.birth_date, sex = EXCLUDED.sex, phone = EXCLUDED.phone, region = EXCLUDED.region,
    email = COALESCE(NULLIF(EXCLUDED.email, ''), people_person.email),
    updated_at = EXCLUDED.updated_at
RETURNING id, iin, (xmax = 0) AS inserted
"""


def _upsert_persons(rows: list[PersonIn]) -> tuple[list[int], list[str]]:
    document = json.dumps([
        {"iin": r.iin, "last_name": r.last_name, "first_name": r.first_name, "middle_name": r.middle_name,
         "birth_date": r.birth_date.isoformat(), "sex": r.sex, "phone": r.phone, "region": r.region,
         "email": r.email}
        for r in rows], ensure_ascii=False)
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT_SQL, {"rows": document, "now": timezone.now()})
        returned = cursor.fetchall()
    id_by_iin = {iin: pk for pk, iin, _ in returned}
    created = [iin for _, iin, inserted in returned if inserted]
    return [id_by_iin[r.iin] for r in rows], created


_CLOSE_SQL = """
WITH wanted AS (SELECT pid, code FROM json_to_recordset(%(pairs)s::json) AS d(pid bigint, code text))
UPDATE people_categorymembership m SET valid_to = %(today)s
WHERE m.person_id IN (SELECT id FROM json_to_recordset(%(ids)s::json) AS i(id bigint)) AND m.valid_to IS NULL
  AND (m.person_id, m.category::text) NOT IN (SELECT pid, code FROM wanted)
"""
_OPEN_SQL = """
INSERT INTO people_categorymembership (person_id, category, valid_from, valid_to)
SELECT d.pid, d.code, %(today)s, NULL
FROM json_to_recordset(%(pairs)s::json) AS d(pid bigint, code text)
WHERE (d.pid, d.code) NOT IN (SELECT m.person_id, m.category::text FROM people_categorymembership m
                              WHERE m.person_id = d.pid AND m.valid_to IS NULL)
"""


def _sync_memberships(ids: list[int], rows: list[PersonIn], *, today: date) -> None:
    pairs = {(pk, code) for pk, row in zip(ids, rows) for code in row.categories}
    params = {"today": today, "ids": json.dumps([{"id": pk} for pk in ids]),
              "pairs": json.dumps([{"pid": pk, "code": code} for pk, code in pairs])}
    with connection.cursor() as cursor:
        cursor.execute(_CLOSE_SQL, params)
        cursor.execute(_OPEN_SQL, params)
