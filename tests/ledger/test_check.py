import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from qalqan.ledger.services import ledger_problems, transfer_post


@pytest.fixture
def books(accounts):
    transfer_post(key="seed", lines=[(accounts["budget"], -1_000), (accounts["pool"], 1_000)], reason="seed")
    return transfer_post(key="pay", lines=[(accounts["pool"], -400), (accounts["a"], 400)], reason="pay")


def test_sound_books_pass(books, capsys):
    call_command("ledger_check")
    assert capsys.readouterr().out.startswith("ok:")


def test_a_tampered_cached_balance_is_named(books, capsys):
    with connection.cursor() as cursor:  # the balance column is writable: the check is what catches this
        cursor.execute("UPDATE ledger_account SET balance_tiyn = balance_tiyn + 1 WHERE code = 'pool:osms'")
    with pytest.raises(CommandError):
        call_command("ledger_check")
    err = capsys.readouterr().err
    assert "account pool:osms: cached balance 601 tiyn, but its postings sum to 600 tiyn" in err
    assert "insurer:insurer-a:premium" not in err


def test_an_unbalanced_transfer_is_named(books, capsys):
    with connection.cursor() as cursor:  # bypass every trigger, as only a superuser could
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE ledger_posting DISABLE TRIGGER ALL")
        cursor.execute("DELETE FROM ledger_posting WHERE transfer_id = %s AND amount_tiyn < 0", [books.pk])
        cursor.execute("ALTER TABLE ledger_posting ENABLE TRIGGER ALL")
    with pytest.raises(CommandError):
        call_command("ledger_check")
    err = capsys.readouterr().err
    assert f"transfer {books.pk} (pay): 1 postings summing to 400 tiyn" in err
    assert "trial balance: postings sum to 400 tiyn, not zero" in err
    assert len(ledger_problems()) == 3  # the pool's cached balance no longer matches either
