from datetime import date

import pytest

from qalqan.ledger.models import Account, Posting, Transfer
from qalqan.ledger.services import (
    IdempotencyConflict, InsufficientFunds, InvalidTransfer, UnknownAccount, account_ensure, balance_of,
    transfer_post, trial_balance,
)

from .conftest import check_now


def fund_pool(accounts, amount=10_000, key="seed"):
    return transfer_post(key=key, lines=[(accounts["budget"], -amount), (accounts["pool"], amount)],
                         reason="test.seed")


def test_account_ensure_is_idempotent_and_keeps_the_owner(insurer, make_person):
    org = insurer.organisation
    first = account_ensure(code="insurer:insurer-a:premium", kind="insurer_premium", name="A", owner=org)
    again = account_ensure(code="insurer:insurer-a:premium", kind="insurer_premium", name="other name")
    assert again.pk == first.pk and again.name == "A" and again.owner == org
    person = make_person()
    refunds = account_ensure(code=f"refunds:{person.pk}", kind="refunds_payable", owner=person)
    assert refunds.owner == person and refunds.currency == "KZT" and refunds.balance_tiyn == 0
    assert not refunds.may_go_negative


@pytest.mark.parametrize("kwargs", [
    {"code": "pool:osms", "kind": "no_such_kind"},
    {"code": "", "kind": "suspense"},
    {"code": "x", "kind": "suspense", "owner": "not an owner"},
])
def test_account_ensure_refuses_bad_input(db, kwargs):
    with pytest.raises(ValueError):
        account_ensure(**kwargs)
    assert not Account.objects.exists()


def test_account_ensure_refuses_another_kind_for_an_existing_code(accounts):
    with pytest.raises(ValueError):
        account_ensure(code="pool:osms", kind="suspense")


def test_transfer_moves_money_and_balances(accounts, assert_trial_balance_zero):
    transfer = transfer_post(key="t1", lines=[("budget:republican", -12_345), (accounts["pool"], 12_345)],
                             reason="subsidy.fund", posted_on=date(2026, 11, 2))
    check_now()
    assert balance_of("pool:osms") == 12_345
    assert balance_of(accounts["budget"]) == -12_345
    assert Transfer.objects.get(pk=transfer.pk).posted_on == date(2026, 11, 2)
    assert sorted(Posting.objects.filter(transfer=transfer).values_list("amount_tiyn", flat=True)) == [-12_345,
                                                                                                    12_345]
    assert trial_balance() == {"accounts": [
        {"code": "budget:republican", "balance_tiyn": -12_345},
        {"code": "insurer:insurer-a:premium", "balance_tiyn": 0},
        {"code": "insurer:insurer-b:premium", "balance_tiyn": 0},
        {"code": "pool:osms", "balance_tiyn": 12_345},
    ], "total_tiyn": 0}
    assert_trial_balance_zero()


def test_more_than_two_lines_and_the_same_account_twice(accounts, assert_trial_balance_zero):
    fund_pool(accounts)
    transfer_post(key="split", reason="disburse", lines=[
        (accounts["pool"], -6_000), (accounts["a"], 2_000), (accounts["a"], 1_000), (accounts["b"], 3_000)])
    check_now()
    assert (balance_of(accounts["pool"]), balance_of(accounts["a"]), balance_of(accounts["b"])) == (4_000, 3_000,
                                                                                                  3_000)
    assert_trial_balance_zero()


def test_the_business_object_is_linked(accounts, insurer):
    transfer = transfer_post(key="ref", lines=[(accounts["budget"], -1), (accounts["pool"], 1)], reason="r",
                             ref=insurer.organisation)
    assert Transfer.objects.get(pk=transfer.pk).ref == insurer.organisation


def test_same_key_same_lines_posts_once(accounts, assert_trial_balance_zero):
    first = fund_pool(accounts, 500, key="once")
    again = transfer_post(key="once", lines=[(accounts["pool"], 500), ("budget:republican", -500)],
                          reason="test.seed")
    assert again.pk == first.pk
    assert Transfer.objects.count() == 1 and Posting.objects.count() == 2
    assert balance_of(accounts["pool"]) == 500
    assert_trial_balance_zero()


def test_same_key_other_lines_conflicts(accounts):
    fund_pool(accounts, 500, key="once")
    with pytest.raises(IdempotencyConflict):
        transfer_post(key="once", lines=[(accounts["budget"], -501), (accounts["pool"], 501)], reason="test.seed")
    with pytest.raises(IdempotencyConflict):
        transfer_post(key="once", lines=[(accounts["budget"], -500), (accounts["a"], 500)], reason="test.seed")
    assert Transfer.objects.count() == 1 and balance_of(accounts["pool"]) == 500


def test_replay_is_not_refused_for_funds_spent_since(accounts):
    fund_pool(accounts, 100)
    pay = transfer_post(key="pay", lines=[(accounts["pool"], -100), (accounts["a"], 100)], reason="pay")
    assert transfer_post(key="pay", lines=[(accounts["pool"], -100), (accounts["a"], 100)], reason="pay").pk == pay.pk


def test_insufficient_funds_posts_nothing(accounts, assert_trial_balance_zero):
    fund_pool(accounts, 100)
    with pytest.raises(InsufficientFunds) as refused:
        transfer_post(key="too-much", lines=[(accounts["pool"], -101), (accounts["a"], 101)], reason="pay")
    assert refused.value.code == "pool:osms" and refused.value.balance_tiyn == 100
    assert not Transfer.objects.filter(key="too-much").exists()
    assert balance_of(accounts["pool"]) == 100 and balance_of(accounts["a"]) == 0
    # the key is still free: a smaller transfer with it goes through
    transfer_post(key="too-much", lines=[(accounts["pool"], -100), (accounts["a"], 100)], reason="pay")
    assert balance_of(accounts["pool"]) == 0
    assert_trial_balance_zero()


def test_accounts_that_may_go_negative_do(accounts):
    transfer_post(key="neg", lines=[(accounts["budget"], -10**15), (accounts["pool"], 10**15)], reason="big")
    assert balance_of(accounts["budget"]) == -10**15


@pytest.mark.parametrize("lines, message", [
    ([("pool:osms", 0), ("budget:republican", 0)], "zero"),
    ([("pool:osms", 100)], "at least two"),
    ([], "at least two"),
    ([("pool:osms", 100), ("budget:republican", -99)], "sum to 1"),
    ([("pool:osms", 1.5), ("budget:republican", -1.5)], "integer"),
    ([("pool:osms", True), ("budget:republican", -1)], "integer"),
    ([(7, 1), ("budget:republican", -1)], "Account or an account code"),
])
def test_malformed_transfers_are_refused(accounts, lines, message):
    with pytest.raises(InvalidTransfer, match=message):
        transfer_post(key="bad", lines=lines, reason="r")
    assert not Transfer.objects.exists()


@pytest.mark.parametrize("key, reason", [("", "r"), ("k" * 201, "r"), ("k", ""), ("k", "r" * 65)])
def test_key_and_reason_are_required(accounts, key, reason):
    with pytest.raises(InvalidTransfer):
        transfer_post(key=key, lines=[(accounts["budget"], -1), (accounts["pool"], 1)], reason=reason)


def test_unknown_account_posts_nothing(accounts):
    with pytest.raises(UnknownAccount, match="pool:nowhere"):
        transfer_post(key="k", lines=[(accounts["budget"], -1), ("pool:nowhere", 1)], reason="r")
    assert not Transfer.objects.exists()


def test_lines_may_name_accounts_by_codes_with_any_characters(accounts):
    odd = account_ensure(code='clearing:"a, b" {c} \\d NULL', kind="payer_clearing", may_go_negative=True)
    transfer_post(key="odd", lines=[(odd.code, -5), ("pool:osms", 5)], reason="r")
    assert balance_of(odd) == -5 and balance_of(accounts["pool"]) == 5


def test_an_unsaved_account_is_unknown(accounts):
    with pytest.raises(UnknownAccount):
        transfer_post(key="k", lines=[(Account(code="never-saved"), -1), (accounts["pool"], 1)], reason="r")


def test_balance_of_an_account_that_does_not_exist_is_zero(db):
    assert balance_of("insurer:nobody:premium") == 0


def test_a_failure_inside_the_callers_transaction_rolls_back_only_the_transfer(accounts):
    from django.db import transaction

    with transaction.atomic():
        fund_pool(accounts, 50, key="kept")
        with pytest.raises(InsufficientFunds):
            transfer_post(key="refused", lines=[(accounts["pool"], -51), (accounts["a"], 51)], reason="pay")
        transfer_post(key="after", lines=[(accounts["pool"], -50), (accounts["a"], 50)], reason="pay")
    check_now()
    assert set(Transfer.objects.values_list("key", flat=True)) == {"kept", "after"}
    assert balance_of(accounts["a"]) == 50
