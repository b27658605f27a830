"""Factories and fixtures for contribution, status and refund tests (imported by those folders' conftest)."""
import itertools
from datetime import date

import pytest

from qalqan.people.rates import rates_sync
from qalqan.refdata.services import refdata_sync

_refs = itertools.count(1)


def payment(iin: str, *, kind: str = "employee", period: str = "2026-10", amount_tiyn: int = 6_000_00,
            reference: str | None = None, **extra) -> dict:
    return {"iin": iin, "kind": kind, "period": period, "amount_tiyn": amount_tiyn,
            "reference": reference or f"ref-{next(_refs)}", **extra}


def months_back(today: date, count: int, start_offset: int = 1) -> list[str]:
    """['YYYY-MM', …]: the `count` months before `today`'s month (start_offset=1 → last month first)."""
    out = []
    index = today.year * 12 + today.month - 1
    for k in range(start_offset, start_offset + count):
        m = index - k
        out.append(f"{m // 12:04d}-{m % 12 + 1:02d}")
    return out


@pytest.fixture
def rates(db):
    """Rate tables (migrated; reloaded for transaction=True tests, whose flush removes them)."""
    refdata_sync()
    rates_sync()
