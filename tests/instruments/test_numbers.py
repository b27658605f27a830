import threading

import pytest
from django.db import connection

from policies.numbers import (
    MAX_SERIAL, instrument_number_is_valid, instrument_number_next, isin_check_digit, number_for_serial, to_base36,
)


@pytest.mark.parametrize("isin", ["US0378331005", "AU0000XVGZA3", "GB0002634946", "US5949181045"])
def test_check_digit_matches_real_isins(isin):
    assert isin_check_digit(isin[:-1]) == int(isin[-1])


def test_first_number_is_kzq00000001_with_its_check_digit():
    assert number_for_serial(1) == "KZQ000000017"
    assert instrument_number_is_valid("KZQ000000017")


def test_base36_rendering():
    assert to_base36(35) == "0000000Z"
    assert to_base36(36) == "00000010"
    assert to_base36(MAX_SERIAL) == "ZZZZZZZZ"
    with pytest.raises(ValueError):
        to_base36(MAX_SERIAL + 1)


@pytest.mark.parametrize("number", [
    "KZQ000000018",  # wrong check digit
    "KZQ00000001",  # too short
    "KZQ0000000017",  # too long
    "kzq000000017",  # lower case
    "USQ000000017",  # other prefix
    "KZQ0000000a7",
    "KZQ00000001X",  # check digit must be a digit
    "",
    None,
])
def test_malformed_numbers_are_refused(number):
    assert not instrument_number_is_valid(number)


def test_every_generated_number_is_valid(db):
    numbers = [instrument_number_next() for _ in range(50)]
    assert len(set(numbers)) == 50
    assert all(instrument_number_is_valid(n) for n in numbers)


@pytest.mark.django_db(transaction=True)
def test_concurrent_generation_never_collides():
    results: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def worker():
        try:
            barrier.wait()
            mine = [instrument_number_next() for _ in range(40)]
            with lock:
                results.extend(mine)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 320
    assert len(set(results)) == 320
    assert all(instrument_number_is_valid(n) for n in results)
