import pytest
from django.db import connection

from qalqan.ledger.services import account_ensure


def check_now() -> None:
    """Run the deferred constraint triggers now (inside a test transaction they would otherwise never run)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.fixture
def accounts(db):
    """A budget source (may go negative), the pool and two insurers' premium accounts (may not)."""
    return {
        "budget": account_ensure(code="budget:republican", kind="budget_source", may_go_negative=True),
        "pool": account_ensure(code="pool:osms", kind="contributions_pool"),
        "a": account_ensure(code="insurer:insurer-a:premium", kind="insurer_premium"),
        "b": account_ensure(code="insurer:insurer-b:premium", kind="insurer_premium"),
    }
