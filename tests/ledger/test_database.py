"""The database itself keeps the ledger's invariants, whatever SQL reaches it."""
import pytest
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction

from qalqan.ledger.models import Posting, Transfer
from qalqan.ledger.services import balance_of, transfer_post

from .conftest import check_now

REFUSED = (ProgrammingError, InternalError, IntegrityError)


@pytest.fixture
def transfer(accounts):
    return transfer_post(key="t", lines=[(accounts["budget"], -500), (accounts["pool"], 500)], reason="seed")


def run(sql: str, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize("sql", [
    "UPDATE ledger_posting SET amount_tiyn = amount_tiyn * 2 WHERE transfer_id = %s",
    "UPDATE ledger_posting SET posted_on = '2020-01-01' WHERE transfer_id = %s",
    "DELETE FROM ledger_posting WHERE transfer_id = %s",
    "UPDATE ledger_transfer SET reason = 'other' WHERE id = %s",
    "DELETE FROM ledger_transfer WHERE id = %s",
])
def test_postings_and_transfers_cannot_be_updated_or_deleted(transfer, sql):
    with pytest.raises(REFUSED, match="Cannot update or delete"):
        run(sql, [transfer.pk])
    assert sorted(Posting.objects.filter(transfer=transfer).values_list("amount_tiyn", flat=True)) == [-500, 500]
    assert Transfer.objects.get(pk=transfer.pk).reason == "seed"


def test_the_orm_cannot_delete_a_posting_either(transfer):
    with pytest.raises(REFUSED), transaction.atomic():
        Posting.objects.filter(transfer=transfer).delete()
    assert Posting.objects.filter(transfer=transfer).count() == 2


def _raw_transfer(key: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO ledger_transfer (key, reason, created_at, posted_on) "
                       "VALUES (%s, 'raw', now(), current_date) RETURNING id", [key])
        return cursor.fetchone()[0]


def _raw_posting(transfer_id: int, account_id: int, amount: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO ledger_posting (transfer_id, account_id, amount_tiyn, posted_on) "
                       "VALUES (%s, %s, %s, current_date)", [transfer_id, account_id, amount])


@pytest.mark.parametrize("amounts", [[], [100], [100, -99], [100, 100, -150]])
def test_a_transfer_that_does_not_balance_is_refused_at_commit(accounts, amounts):
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        transfer_id = _raw_transfer("raw")
        for i, amount in enumerate(amounts):
            _raw_posting(transfer_id, accounts["budget" if i % 2 else "pool"].pk, amount)
        check_now()
    assert not Transfer.objects.filter(key="raw").exists()


def test_a_balanced_raw_transfer_passes_the_commit_check(accounts):
    with transaction.atomic():
        transfer_id = _raw_transfer("raw")
        _raw_posting(transfer_id, accounts["pool"].pk, 100)
        _raw_posting(transfer_id, accounts["budget"].pk, -100)
        check_now()
    assert Transfer.objects.filter(key="raw").exists()


def test_a_posting_added_later_to_a_balanced_transfer_is_refused(transfer, accounts):
    check_now()
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        _raw_posting(transfer.pk, accounts["a"].pk, 1)
        check_now()


def test_a_zero_posting_is_refused(transfer, accounts):
    with pytest.raises(IntegrityError, match="posting_amount_not_zero"):
        run("INSERT INTO ledger_posting (transfer_id, account_id, amount_tiyn, posted_on) "
            "VALUES (%s, %s, 0, current_date)", [transfer.pk, accounts["a"].pk])


def test_a_forbidden_negative_balance_is_refused(transfer, accounts):
    with pytest.raises(IntegrityError, match="account_balance_not_negative"):
        run("UPDATE ledger_account SET balance_tiyn = -1 WHERE id = %s", [accounts["pool"].pk])
    run("UPDATE ledger_account SET balance_tiyn = balance_tiyn - 1 WHERE id = %s", [accounts["budget"].pk])
    assert balance_of(accounts["pool"]) == 500 and balance_of(accounts["budget"]) == -501


@pytest.mark.django_db(transaction=True)
def test_the_balance_check_really_runs_at_commit(refdata):
    from qalqan.ledger.services import account_ensure

    pool = account_ensure(code="pool:osms", kind="contributions_pool")
    with pytest.raises(IntegrityError, match="does not balance"):
        with transaction.atomic():
            transfer_id = _raw_transfer("raw-commit")
            _raw_posting(transfer_id, pool.pk, 100)  # nothing complains until COMMIT
    assert not Transfer.objects.filter(key="raw-commit").exists()


def test_the_insert_checks_are_plain_triggers_nothing_can_switch_off(db):
    """The checks that run on every posted transfer are our own PL/pgSQL triggers: not django-pgtrigger ones,
    whose 'ignore' support costs a subtransaction per row (migration 0008); the balance checks run at commit."""
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT c.relname, t.tgname, t.tgdeferrable AND t.tginitdeferred, p.prosrc LIKE '%pgtrigger%'
              FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
             WHERE c.relname IN ('ledger_transfer', 'ledger_posting') AND NOT t.tgisinternal
               AND t.tgtype & 4 <> 0  -- fires on INSERT
             ORDER BY 1, 2""")
        assert cursor.fetchall() == [
            ("ledger_posting", "ledger_posting_period_open", False, False),
            ("ledger_posting", "ledger_posting_transfer_balances", True, False),
            ("ledger_transfer", "ledger_transfer_balances", True, False),
        ]
