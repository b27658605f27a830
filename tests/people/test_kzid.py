from datetime import date

import pytest

from qalqan.core.kzid import InvalidNumber, complete, parse_iin, synthetic_bin, synthetic_iin, validate_bin


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
