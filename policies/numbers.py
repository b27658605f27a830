"""Instrument numbers shaped like an ISIN: `KZQ` + 8 characters from 0-9A-Z + an ISIN check digit.

The 8 characters are a PostgreSQL sequence value written in base 36, so concurrent issuers never collide.
"""
import re

from django.db import connection

PREFIX = "KZQ"
BODY_LENGTH = 8
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
SEQUENCE = "policies_instrument_number_seq"
NUMBER_PATTERN = re.compile(r"^KZQ[0-9A-Z]{8}[0-9]$")
MAX_SERIAL = 36**BODY_LENGTH - 1


def isin_check_digit(payload: str) -> int:
    """The ISIN check digit of `payload` (letters become 10..35, then Luhn from the right)."""
    digits = "".join(str(ALPHABET.index(ch)) for ch in payload.upper())
    total = 0
    for position, ch in enumerate(reversed(digits)):
        value = int(ch)
        if position % 2 == 0:  # the rightmost digit of the payload is doubled (the check digit follows it)
            value *= 2
        total += value // 10 + value % 10
    return (10 - total % 10) % 10


def instrument_number_is_valid(number: str) -> bool:
    if not isinstance(number, str) or not NUMBER_PATTERN.match(number):
        return False
    return isin_check_digit(number[:-1]) == int(number[-1])


def to_base36(value: int, width: int = BODY_LENGTH) -> str:
    if not 0 <= value <= MAX_SERIAL:
        raise ValueError(f"serial {value} does not fit in {width} base-36 characters")
    chars = []
    while value:
        value, rest = divmod(value, 36)
        chars.append(ALPHABET[rest])
    return "".join(reversed(chars)).rjust(width, "0")


def number_for_serial(serial: int) -> str:
    payload = PREFIX + to_base36(serial)
    return payload + str(isin_check_digit(payload))


def instrument_number_next() -> str:
    """The next number from the database sequence (never repeats, even across concurrent transactions)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [SEQUENCE])
        (serial,) = cursor.fetchone()
    return number_for_serial(serial)
