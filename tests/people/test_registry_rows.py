"""The quick path of a registry row (quick_person_row) against the full one (PersonIn + reference checks): it may
send any row to the full path, but a row it accepts must be one the full path accepts, stored the same way."""
import pytest

from qalqan.people.schemas import PersonRow, parse_person_row, quick_person_row
from tests.conftest import person_row

REGIONS = {"astana", "almaty_city"}
CATEGORIES = {"employee", "child", "pensioner"}


def _full(raw):
    person, problems = parse_person_row(raw)
    if person is None or (person.region and person.region not in REGIONS) or set(person.categories) - CATEGORIES:
        return None
    return PersonRow.of(person)


def _variants():
    base = person_row(categories=["employee"], phone="", middle_name="Ахметұлы")
    yield base
    yield {k: v for k, v in base.items() if k not in ("middle_name", "phone", "region", "categories")}
    for key in base:
        for value in (None, "", " ", 0, 1, True, [], {}, "x" * 129, "x" * 128, " Сейітов", "Сейітов ", "\tА\n",
                      "astana", " astana", "Astana", "employee", "+77011234567", "+7701123456", "+77011234567\n",
                      "8701 123", "1990-01-01", "1990-1-1", "1990-01-01T00:00:00", "19900101", "M", "F", "m",
                      " M", "a@b.kz", ["employee"], ["employee", "employee"], ["employee", "child"], [" employee"],
                      ["Employee"], ["nope"], [None], [1], ("employee",), "employee"):
            yield {**base, key: value}
        yield {k: v for k, v in base.items() if k != key}
    yield {**base, "extra": 1}
    yield {**base, "iin": base["iin"][:11] + str((int(base["iin"][11]) + 1) % 10)}
    for day in ("1992-02-29", "1991-02-29", "1990-04-30", "1990-04-31", "1990-12-31", "2000-02-29"):
        row = person_row(birth_date=__import__("datetime").date.fromisoformat(day[:8] + "01"))
        yield {**row, "iin": row["iin"][:4] + day[8:] + row["iin"][6:], "birth_date": day}  # may be invalid
    yield person_row(sex="F", categories=["child", "pensioner"], region="almaty_city")
    yield "not a row"
    yield None


@pytest.mark.parametrize("raw", list(_variants()))
def test_a_row_taken_quickly_is_a_row_the_full_checks_accept_and_store_the_same_way(raw):
    quick = quick_person_row(raw, regions=REGIONS, categories=CATEGORIES)
    if quick is not None:
        assert quick == _full(raw)


def test_the_common_rows_take_the_quick_path():
    rows = [person_row(categories=["employee"]), person_row(sex="F", middle_name=None, phone=None, region=None),
            {k: v for k, v in person_row().items() if k not in ("middle_name", "phone", "categories")}]
    assert all(quick_person_row(r, regions=REGIONS, categories=CATEGORIES) is not None for r in rows)
