"""The registry row as it arrives (POST /fund/people, CSV import): shape and ИИН rules, per row."""
import re
from datetime import date

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator, model_validator

from qalqan.core.kzid import InvalidNumber, parse_iin

E164 = re.compile(r"^\+[1-9]\d{7,14}$")
MAX_ROWS = 10_000


class PersonIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    iin: str = Field(description="12-digit ИИН")
    last_name: str = Field(min_length=1, max_length=128)
    first_name: str = Field(min_length=1, max_length=128)
    middle_name: str = Field(default="", max_length=128)
    birth_date: date
    sex: str = Field(pattern="^[MF]$")
    phone: str = Field(default="", description="E.164")
    region: str = ""
    email: str = Field(default="", max_length=254, description="optional; an empty or absent one keeps the stored one")
    categories: list[str] = Field(default_factory=list)

    @field_validator("iin")
    @classmethod
    def iin_is_valid(cls, value: str) -> str:
        try:
            parse_iin(value)
        except InvalidNumber as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("phone")
    @classmethod
    def phone_is_e164(cls, value: str) -> str:
        if value and not E164.match(value):
            raise ValueError("phone must be in E.164 form, e.g. +77011234567")
        return value

    @field_validator("email")
    @classmethod
    def email_is_valid(cls, value: str) -> str:
        if value:
            try:
                validate_email(value)
            except DjangoValidationError:
                raise ValueError("email is not a valid e-mail address") from None
        return value

    @field_validator("middle_name", "phone", "region", "email", mode="before")
    @classmethod
    def none_is_empty(cls, value):
        return "" if value is None else value

    @model_validator(mode="after")
    def agrees_with_iin(self):
        info = parse_iin(self.iin)
        if info.birth_date != self.birth_date:
            raise _FieldError("birth_date", "birth_date does not match the birth date encoded in the ИИН")
        if info.sex != self.sex:
            raise _FieldError("sex", "sex does not match the ИИН (digit 7)")
        return self


class _FieldError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


_row_adapter = TypeAdapter(PersonIn)


def parse_person_row(raw) -> tuple[PersonIn | None, list[dict]]:
    """A validated row, or the list of {"field", "message"} that say why not."""
    try:
        return _row_adapter.validate_python(raw), []
    except ValidationError as exc:
        return None, [_error_of(e) for e in exc.errors()]


def _error_of(error: dict) -> dict:
    ctx_error = (error.get("ctx") or {}).get("error")
    if isinstance(ctx_error, _FieldError):
        return {"field": ctx_error.field, "message": str(ctx_error)}
    field = ".".join(str(p) for p in error.get("loc", ())) or "row"
    message = error.get("msg", "invalid").removeprefix("Value error, ")
    return {"field": field, "message": message}
