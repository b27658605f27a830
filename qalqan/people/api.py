from typing import Any

from ninja import Router, Schema

from qalqan.api.auth import fund_auth
from qalqan.api.errors import NotFound, Unprocessable
from qalqan.api.pagination import paginate
from qalqan.core.kzid import is_valid_iin

from .schemas import MAX_ROWS, PersonIn
from .models import Person
from .selectors import people_list, person_by_iin
from .services import TooManyRows, people_upsert

router = Router(tags=["fund: registry"])


class RowError(Schema):
    index: int
    field: str
    message: str


class UpsertOut(Schema):
    created: int
    updated: int
    errors: list[RowError]


@router.post(
    "/fund/people",
    auth=fund_auth,
    response=UpsertOut,
    summary=f"Create or update up to {MAX_ROWS} registry rows",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "array", "maxItems": MAX_ROWS,
                                                         "items": PersonIn.model_json_schema()}}},
        }
    },
)
def upsert_people(request, rows: list[Any]):
    """Valid rows are stored even when others fail; each failure names its row index and field."""
    try:
        return people_upsert(rows=rows).as_dict()
    except TooManyRows as exc:
        raise Unprocessable.for_field("body", str(exc)) from None


class PersonOut(Schema):
    iin: str
    last_name: str
    first_name: str
    middle_name: str
    birth_date: str
    sex: str
    phone: str
    region: str
    email: str
    categories: list[str]


class PersonPage(Schema):
    items: list[PersonOut]
    next_cursor: str | None


def _person_out(person: Person) -> dict:
    return {
        "iin": person.iin, "last_name": person.last_name, "first_name": person.first_name,
        "middle_name": person.middle_name, "birth_date": person.birth_date.isoformat(), "sex": person.sex,
        "phone": person.phone, "region": person.region, "email": person.email,
        "categories": sorted(m.category for m in person.memberships.all() if m.valid_to is None),
    }


@router.get("/fund/people", auth=fund_auth, response=PersonPage, summary="The registry, page by page")
def list_people(request, limit: int = 100, cursor: str | None = None):
    return paginate(people_list().prefetch_related("memberships"), limit=limit, cursor=cursor,
                    serialize=_person_out)


@router.get("/fund/people/{iin}", auth=fund_auth, response=PersonOut, summary="One registry row by ИИН")
def get_person(request, iin: str):
    if not is_valid_iin(iin):
        raise Unprocessable.for_field("iin", "not a valid ИИН")
    person = person_by_iin(iin)
    if person is None:
        raise NotFound()
    return _person_out(person)
