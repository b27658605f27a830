"""The registry row as it arrives (POST /fund/people, CSV import): shape and ИИН rules, per row."""
import re
from datetime import date
from typing import NamedTuple

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from qalqan.core.kzid import InvalidNumber, iin_birth_iso, iin_sex, parse_iin

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


class PersonRow(NamedTuple):
    """A registry row that passed every check, as the upsert stores it (the birth date as YYYY-MM-DD)."""

    iin: str
    last_name: str
    first_name: str
    middle_name: str
    birth_date: str
    sex: str
    phone: str
    region: str
    email: str
    categories: tuple[str, ...]

    @classmethod
    def of(cls, person: PersonIn) -> "PersonRow":
        return cls(person.iin, person.last_name, person.first_name, person.middle_name, person.birth_date.isoformat(),
                   person.sex, person.phone, person.region, person.email, _distinct(person.categories))


_FIELDS = frozenset(PersonIn.model_fields)


def quick_person_row(raw, *, regions, categories) -> PersonRow | None:
    """The common row of a bulk load without pydantic (a tenth of its cost): strings without surrounding
    spaces, a valid ИИН that the birth date and sex agree with, no e-mail, a known region and categories. It
    accepts only rows that PersonIn and the reference checks accept unchanged, and gives what they would; any
    other row (None) takes parse_person_row, which says what is wrong."""
    if type(raw) is not dict or not raw.keys() <= _FIELDS:
        return None
    get = raw.get
    iin = get("iin")
    birth_date = iin_birth_iso(iin)
    if birth_date is None or get("birth_date") != birth_date or get("sex") != iin_sex(iin):
        return None
    last_name, first_name = get("last_name"), get("first_name")
    middle_name, phone, region = _optional(get("middle_name")), _optional(get("phone")), _optional(get("region"))
    codes = raw["categories"] if "categories" in raw else []
    if not (_plain(last_name) and _plain(first_name) and _plain(middle_name) and _plain(phone) and _plain(region)
            and 0 < len(last_name) <= 128 and 0 < len(first_name) <= 128 and len(middle_name) <= 128
            and (phone == "" or E164.match(phone)) and (region == "" or region in regions)
            and get("email") in (None, "") and type(codes) is list):
        return None
    for code in codes:
        if type(code) is not str or code not in categories:  # a known code has no surrounding spaces
            return None
    return PersonRow(iin, last_name, first_name, middle_name, birth_date, iin_sex(iin), phone, region, "",
                     _distinct(codes))


def _optional(value):
    return "" if value is None else value


def _plain(value) -> bool:
    """A str that PersonIn's whitespace stripping leaves as it is (str.strip returns the very object then)."""
    return type(value) is str and value.strip() is value


def _distinct(codes) -> tuple[str, ...]:
    return tuple(dict.fromkeys(codes)) if len(codes) > 1 else tuple(codes)
