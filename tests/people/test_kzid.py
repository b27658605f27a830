import random
from datetime import date

import pytest

from qalqan.core.kzid import (
    InvalidNumber,
    complete,
    iin_birth_iso,
    iin_sex,
    parse_iin,
    synthetic_bin,
    synthetic_iin,
    validate_bin,
)


@pytest.mark.parametrize("iin", ["900101300007", "000101500001", "851231400120", "900101300811"])
def test_domain_examples_are_valid(iin):
    parse_iin(iin)


def test_second_pass_is_needed_for_900101300811():
    digits = [int(c) for c in "90010130081"]
    assert sum(d * w for d, w in zip(digits, range(1, 12))) % 11 == 10
    assert parse_iin("900101300811").birth_date == date(1990, 1, 1)


def test_no_number_starting_90010130080_exists():
    assert complete("90010130080") is None
    for last in range(10):
        with pytest.raises(InvalidNumber, match="cannot exist"):
            parse_iin(f"90010130080{last}")


@pytest.mark.parametrize(
    ("iin", "message"),
    [("900101300008", "control digit"), ("90010130000", "12 digits"), ("9001013000a7", "12 digits"),
     ("900230300009", "impossible birth date"), ("900101000008", "digit 7")],
)
def test_invalid_iins_say_why(iin, message):
    with pytest.raises(InvalidNumber, match=message):
        parse_iin(iin)


def test_century_and_sex_come_from_digit_seven():
    assert (parse_iin("000101500001").birth_date, parse_iin("000101500001").sex) == (date(2000, 1, 1), "M")
    assert parse_iin("851231400120").sex == "F"
    assert parse_iin("851231400120").birth_date == date(1985, 12, 31)


def test_synthetic_numbers_are_valid():
    iin = synthetic_iin(date(1977, 7, 7), "F", 42)
    assert parse_iin(iin).sex == "F"
    bin_ = synthetic_bin(date(2015, 3, 1), 123)
    assert validate_bin(bin_) == bin_
    with pytest.raises(InvalidNumber):
        validate_bin(complete("15134000123") or "151340001230")


def _parsed(number):
    try:
        info = parse_iin(number)
    except InvalidNumber:
        return None
    return info.birth_date.isoformat(), info.sex


def test_the_quick_birth_date_agrees_with_parse_iin():
    rng = random.Random(7)
    numbers = ["900101300007", "000101500001", "851231400120", "900101300811", "90010130000", "9001013000a7",
               "900230300009", "900101000008", "９００１０１３０００７", "٩٠٠١٠١٣٠٠٠٠٧", None, 900101300007, ""]
    numbers += [f"{rng.randrange(10 ** 12):012d}" for _ in range(20_000)]
    # every day of a leap year and of a common one (29 Feb, 31 Apr …), each century digit
    for year, century in ((2000, "5"), (1999, "4"), (1900, "3"), (1896, "2")):
        for month in range(1, 13):
            for day in range(0, 33):
                number = complete(f"{year % 100:02d}{month:02d}{day:02d}{century}0042")
                if number:
                    numbers.append(number)
    valid = 0
    for number in numbers:
        expected = _parsed(number) if isinstance(number, str) else None
        quick = iin_birth_iso(number)
        if quick is None:
            assert expected is None or not number.isascii(), number
        else:
            valid += 1
            assert (quick, iin_sex(number)) == expected, number
    assert valid > 1000
