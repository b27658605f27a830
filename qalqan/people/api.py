from typing import Any

from ninja import Router, Schema

from qalqan.api.auth import fund_auth
from qalqan.api.errors import Unprocessable

from .schemas import MAX_ROWS, PersonIn
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
