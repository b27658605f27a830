"""ИИН and БИН: Kazakhstan's 12-digit identification numbers (rules in shared/DOMAIN.md).

Both share the control digit: r = Σ dᵢ·wᵢ mod 11 over the first 11 digits with weights 1..11;
if r is 10, again with weights 3..11,1,2; if still 10 the number is never issued.
"""
import calendar
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from operator import mul

FIRST_WEIGHTS = tuple(range(1, 12))
SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
CENTURY_BY_DIGIT = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}
_CENTURY_PREFIX = {str(digit): str(century // 100) for digit, century in CENTURY_BY_DIGIT.items()}


class InvalidNumber(ValueError):
    """The message says what is wrong, in words a person can act on."""


@dataclass(frozen=True)
class IinInfo:
    iin: str
    birth_date: date
    sex: str  # "M" | "F"


def control_digit(first_eleven: str) -> int | None:
    """The 12th digit for these 11 digits, or None when no valid number starts with them."""
    if first_eleven.isascii():
        return _ascii_control_digit(first_eleven.encode())
    digits = [int(c) for c in first_eleven]
    for weights in (FIRST_WEIGHTS, SECOND_WEIGHTS):
        remainder = sum(d * w for d, w in zip(digits, weights)) % 11
        if remainder != 10:
            return remainder
    return None


def _ascii_control_digit(digits: bytes) -> int | None:
    """control_digit over ASCII digit codes: each code is the digit + 48, and 48·Σw = 48·66 ≡ 0 (mod 11) for
    both weight sets, so the codes give the digits' remainder (zip-free map: a registry load checks millions)."""
    remainder = sum(map(mul, digits, FIRST_WEIGHTS)) % 11
    if remainder == 10:
        remainder = sum(map(mul, digits, SECOND_WEIGHTS)) % 11
    return None if remainder == 10 else remainder


def _check_shape_and_control(number: str, label: str) -> None:
    if not isinstance(number, str) or len(number) != 12 or not number.isdigit():
        raise InvalidNumber(f"{label} must be exactly 12 digits")
    expected = control_digit(number[:11])
    if expected is None:
        raise InvalidNumber(f"{label} cannot exist: its control digit is undefined")
    if int(number[11]) != expected:
        raise InvalidNumber(f"{label} control digit is wrong")


def parse_iin(iin: str) -> IinInfo:
    """Validate an ИИН fully and return the birth date and sex it encodes."""
    if not isinstance(iin, str):
        raise InvalidNumber("ИИН must be exactly 12 digits")
    return _parse_iin(iin)


@lru_cache(maxsize=65536)  # a registry row is checked by its field and again by its model
def _parse_iin(iin: str) -> IinInfo:
    _check_shape_and_control(iin, "ИИН")
    century_digit = int(iin[6])
    if century_digit not in CENTURY_BY_DIGIT:
        raise InvalidNumber("ИИН digit 7 (century and sex) must be 1–6")
    year = CENTURY_BY_DIGIT[century_digit] + int(iin[0:2])
    try:
        birth_date = date(year, int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        raise InvalidNumber("ИИН encodes an impossible birth date") from None
    return IinInfo(iin=iin, birth_date=birth_date, sex="M" if century_digit % 2 else "F")


def iin_birth_iso(iin) -> str | None:
    """The birth date a valid ИИН encodes, as YYYY-MM-DD, without building a date: the bulk loads' common case.
    None for anything parse_iin might refuse (or accept only as non-ASCII digits): ask parse_iin for the reason."""
    if type(iin) is not str or len(iin) != 12 or not iin.isascii() or not iin.isdigit():
        return None
    century = _CENTURY_PREFIX.get(iin[6])
    digits = iin.encode()
    if century is None or _ascii_control_digit(digits) != digits[11] - 48:
        return None
    month, day = int(iin[2:4]), int(iin[4:6])
    if not 1 <= month <= 12 or not 1 <= day <= 28 and not 28 < day <= _days_in(int(century + iin[:2]), month):
        return None
    return f"{century}{iin[:2]}-{iin[2:4]}-{iin[4:6]}"


def _days_in(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def iin_sex(iin: str) -> str:
    """"M" or "F" from digit 7 of a valid ИИН (odd: male)."""
    return "M" if iin[6] in "135" else "F"


def is_valid_iin(iin: str) -> bool:
    try:
        parse_iin(iin)
    except InvalidNumber:
        return False
    return True


def validate_bin(bin_: str) -> str:
    """Validate a БИН: registration YYMM, type (4 resident, 5 non-resident, 6 joint ИП), attribute 0–3."""
    _check_shape_and_control(bin_, "БИН")
    if not 1 <= int(bin_[2:4]) <= 12:
        raise InvalidNumber("БИН registration month must be 01–12")
    if bin_[4] not in "456":
        raise InvalidNumber("БИН digit 5 (type) must be 4, 5 or 6")
    if bin_[5] not in "0123":
        raise InvalidNumber("БИН digit 6 (attribute) must be 0–3")
    return bin_


def complete(first_eleven: str) -> str | None:
    """Append the control digit (for generating synthetic numbers), or None when impossible."""
    digit = control_digit(first_eleven)
    return None if digit is None else first_eleven + str(digit)


def synthetic_iin(birth_date: date, sex: str, serial: int) -> str | None:
    century_base = (birth_date.year // 100) * 100
    century_digit = {1800: 1, 1900: 3, 2000: 5}[century_base] + (0 if sex == "M" else 1)
    head = f"{birth_date:%y%m%d}{century_digit}{serial % 10000:04d}"
    return complete(head)


def synthetic_bin(registered: date, serial: int, kind: str = "4", attribute: str = "0") -> str | None:
    return complete(f"{registered:%y%m}{kind}{attribute}{serial % 100000:05d}")
