"""Registry operations. Loading is set-based — one statement per batch stores the people and their category
memberships — to load the national registry of 20.5 million people in minutes."""
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from qalqan.core.sql import execute_bound, plain_array, quoted_array
from qalqan.refdata.selectors import category_codes_on, region_codes

from .models import Person
from .schemas import MAX_ROWS, PersonIn, PersonRow, parse_person_row, quick_person_row
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
            stored = _store(valid, today=today)
        ids = result.person_ids = [pk for pk, _, _ in stored]
        created_iins = [iin for _, iin, inserted in stored if inserted]
        result.created = len(created_iins)
        result.updated = len(valid) - result.created
        transaction.on_commit(
            lambda: persons_changed.send(sender=Person, person_ids=ids, created_iins=created_iins)
        )
    return result


def _validate(rows: list, *, today: date, errors: list[dict]) -> list[PersonRow]:
    known_categories = category_codes_on(today)
    known_regions = region_codes()
    seen: set[str] = set()
    valid: list[PersonRow] = []
    for index, raw in enumerate(rows):
        person = quick_person_row(raw, regions=known_regions, categories=known_categories)
        if person is None:
            if not isinstance(raw, dict):
                errors.append({"index": index, "field": "row", "message": "each row must be an object"})
                continue
            parsed, problems = parse_person_row(raw)
            if parsed is not None:
                problems = _reference_problems(parsed, known_categories, known_regions)
                person = PersonRow.of(parsed)
        else:
            problems = []
        if person is not None and person.iin in seen:
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


# Two statements per batch: the people, then their category memberships. E-mail is optional in a registry row: an
# empty or absent one keeps what the person gave on their page. The memberships come in a statement of their own
# so that they are read after the people's row locks are held: a batch naming someone a concurrent batch is
# changing waits for it at the person's row and then sees the memberships it committed (in one statement they
# would be read from a snapshot taken before that wait). For a person just inserted every category opens; for one
# updated, open memberships not named any more close today and named ones not open yet open. A row's categories
# travel as one comma-joined text (codes are slugs). Planned for each batch's size, without JIT (the planner's
# guess of ten categories a row priced the memberships high enough to spend a second compiling them).
_UPSERT_SQL = """
INSERT INTO people_person (iin, last_name, first_name, middle_name, birth_date, sex, phone, region, email,
                           created_at, updated_at)
SELECT t.*, %s, %s
FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], %s::date[], %s::text[], %s::text[], %s::text[],
            %s::text[]) AS t(iin, last_name, first_name, middle_name, birth_date, sex, phone, region, email)
ON CONFLICT (iin) DO UPDATE SET
    last_name = EXCLUDED.last_name, first_name = EXCLUDED.first_name, middle_name = EXCLUDED.middle_name,
    birth_date = EXCLUDED.birth_date, sex = EXCLUDED.sex, phone = EXCLUDED.phone, region = EXCLUDED.region,
    email = COALESCE(NULLIF(EXCLUDED.email, ''), people_person.email),
    updated_at = EXCLUDED.updated_at
RETURNING id, iin, (xmax = 0) AS inserted
"""

_MEMBERSHIPS_SQL = """
WITH person AS (
    SELECT * FROM unnest(%s::bigint[], %s::boolean[], %s::text[]) AS t(id, inserted, categories)
), wanted AS (
    SELECT p.id AS person_id, p.inserted, code FROM person p, unnest(string_to_array(p.categories, ',')) AS code
), closed AS (
    UPDATE people_categorymembership m SET valid_to = %s
    FROM person p
    WHERE m.person_id = p.id AND NOT p.inserted AND m.valid_to IS NULL
      AND NOT EXISTS (SELECT FROM wanted w WHERE w.person_id = m.person_id AND w.code = m.category)
)
INSERT INTO people_categorymembership (person_id, category, valid_from, valid_to)
SELECT w.person_id, w.code, %s, NULL FROM wanted w
WHERE w.inserted OR NOT EXISTS (SELECT FROM people_categorymembership m WHERE m.person_id = w.person_id
                                AND m.category = w.code AND m.valid_to IS NULL)
"""


def _store(rows: list[PersonRow], *, today: date) -> list[tuple[int, str, bool]]:
    """(id, ИИН, inserted) of every row."""
    iins, last, first, middle, births, sexes, phones, regions, emails, _ = zip(*rows)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
    stored = execute_bound(_UPSERT_SQL, [
        now, now, plain_array(iins), quoted_array(last), quoted_array(first), quoted_array(middle),
        plain_array(births), plain_array(sexes), quoted_array(phones), quoted_array(regions), quoted_array(emails)])
    categories = {row.iin: ",".join(row.categories) for row in rows}
    if any(not inserted or categories[iin] for _, iin, inserted in stored):
        execute_bound(_MEMBERSHIPS_SQL, [
            plain_array([str(pk) for pk, _, _ in stored]), plain_array(["t" if new else "f" for _, _, new in stored]),
            quoted_array([categories[iin] for _, iin, _ in stored]), today, today])
    return stored
