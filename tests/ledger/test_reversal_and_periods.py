from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django_fsm import TransitionNotAllowed

from qalqan.audit.selectors import history_of
from qalqan.ledger.models import AccountingPeriod, Transfer
from qalqan.ledger.services import (
    AlreadyReversed, PeriodNotOpen, balance_of, period_close, period_lock, period_unlock, transfer_post,
    transfer_reverse,
)

from .conftest import check_now

OCT, NOV = date(2026, 10, 1), date(2026, 11, 1)


def pay(accounts, key, amount, posted_on=None):
    return transfer_post(key=key, lines=[(accounts["budget"], -amount), (accounts["a"], amount)], reason="pay",
                         posted_on=posted_on)


def test_reversal_points_at_the_original_and_undoes_it(accounts, assert_trial_balance_zero):
    original = pay(accounts, "p1", 700)
    reversal = transfer_reverse(transfer_id=original.pk, key="p1-rev", reason="pay.reverse")
    check_now()
    assert Transfer.objects.get(pk=reversal.pk).reverses_id == original.pk
    assert sorted(reversal.postings.values_list("amount_tiyn", flat=True)) == [-700, 700]
    assert balance_of(accounts["a"]) == 0 and balance_of(accounts["budget"]) == 0
    assert_trial_balance_zero()


def test_reversal_is_idempotent_and_refused_twice(accounts):
    original = pay(accounts, "p1", 700)
    first = transfer_reverse(transfer_id=original.pk, key="p1-rev", reason="pay.reverse")
    assert transfer_reverse(transfer_id=original.pk, key="p1-rev", reason="pay.reverse").pk == first.pk
    with pytest.raises(AlreadyReversed):
        transfer_reverse(transfer_id=original.pk, key="p1-rev-2", reason="pay.reverse")
    assert Transfer.objects.count() == 2


def test_reversal_after_a_partial_correction_reverses_what_is_left(accounts, assert_trial_balance_zero):
    original = pay(accounts, "p1", 1_000)
    transfer_post(key="p1-fix", lines=[(accounts["a"], -300), (accounts["budget"], 300)], reason="pay.correct",
                  reverses=original)
    rest = transfer_reverse(transfer_id=original.pk, key="p1-rev", reason="pay.reverse")
    assert sorted(rest.postings.values_list("amount_tiyn", flat=True)) == [-700, 700]
    assert balance_of(accounts["a"]) == 0
    assert_trial_balance_zero()


def test_reversal_refused_when_the_money_is_gone(accounts):
    from qalqan.ledger.services import InsufficientFunds

    original = pay(accounts, "p1", 100)
    transfer_post(key="spend", lines=[(accounts["a"], -100), (accounts["b"], 100)], reason="move")
    with pytest.raises(InsufficientFunds):
        transfer_reverse(transfer_id=original.pk, key="p1-rev", reason="pay.reverse")
    assert not Transfer.objects.filter(key="p1-rev").exists()


def test_period_lifecycle_with_audit(db):
    period = period_lock(month=date(2026, 10, 15), by="fund", reason="month end")
    assert period.month == OCT and period.status == "locked"
    period = period_unlock(month=OCT, by="fund", reason="late invoice")
    assert period.status == "open"
    period_lock(month=OCT)
    period = period_close(month=OCT, by="fund")
    assert period.status == "closed"
    assert [(h.from_state, h.to_state) for h in history_of(period)] == [
        ("open", "locked"), ("locked", "open"), ("open", "locked"), ("locked", "closed")]


@pytest.mark.parametrize("steps, refused", [
    ([], period_close),  # open → closed skips locked
    ([], period_unlock),
    ([period_lock], period_lock),
    ([period_lock, period_close], period_unlock),
    ([period_lock, period_close], period_lock),
    ([period_lock, period_close], period_close),
])
def test_period_transitions_refused(db, steps, refused):
    for step in steps:
        step(month=OCT)
    with pytest.raises(TransitionNotAllowed):
        refused(month=OCT)
    expected = "closed" if period_close in steps else "locked" if steps else "open"
    assert (AccountingPeriod.objects.filter(month=OCT).values_list("status", flat=True).first() or "open") == expected


@pytest.mark.parametrize("steps", [[period_lock], [period_lock, period_close]])
def test_no_posting_into_a_locked_or_closed_period(accounts, steps):
    for step in steps:
        step(month=OCT)
    with pytest.raises(PeriodNotOpen):
        pay(accounts, "late", 100, posted_on=date(2026, 10, 31))
    assert not Transfer.objects.filter(key="late").exists()
    assert balance_of(accounts["a"]) == 0
    pay(accounts, "next-month", 100, posted_on=NOV)  # the next month is open
    assert balance_of(accounts["a"]) == 100


def test_the_database_refuses_a_raw_posting_into_a_closed_period(accounts):
    transfer = pay(accounts, "ok", 100, posted_on=date(2026, 10, 5))
    period_lock(month=OCT)
    period_close(month=OCT)
    with pytest.raises(IntegrityError, match="not open"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO ledger_posting (transfer_id, account_id, amount_tiyn, posted_on) "
                       "VALUES (%s, %s, 1, '2026-10-20')", [transfer.pk, accounts["a"].pk])


def test_a_late_correction_goes_into_the_open_period(accounts, assert_trial_balance_zero):
    original = pay(accounts, "oct-pay", 900, posted_on=date(2026, 10, 20))
    period_lock(month=OCT)
    period_close(month=OCT)
    correction = transfer_reverse(transfer_id=original.pk, key="oct-pay-rev", reason="pay.reverse",
                                  posted_on=date(2026, 11, 3))
    assert (correction.posted_on, correction.reverses_id) == (date(2026, 11, 3), original.pk)
    assert balance_of(accounts["a"]) == 0
    assert_trial_balance_zero()


def test_a_reversal_key_used_for_something_else_conflicts(accounts):
    from qalqan.ledger.services import IdempotencyConflict

    first = pay(accounts, "p1", 100)
    second = pay(accounts, "p2", 100)
    transfer_reverse(transfer_id=first.pk, key="rev", reason="pay.reverse")
    with pytest.raises(IdempotencyConflict):
        transfer_reverse(transfer_id=second.pk, key="rev", reason="pay.reverse")
    with pytest.raises(IdempotencyConflict):
        transfer_reverse(transfer_id=second.pk, key="p1", reason="pay.reverse")


@pytest.mark.parametrize("sql", [
    "UPDATE ledger_accountingperiod SET status = 'open' WHERE month = %s",
    "DELETE FROM ledger_accountingperiod WHERE month = %s",
])
def test_a_closed_period_cannot_be_reopened_even_with_raw_sql(db, sql):
    from django.db import InternalError, ProgrammingError

    period_lock(month=OCT)
    period_close(month=OCT)
    with pytest.raises((ProgrammingError, InternalError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [OCT])
    assert AccountingPeriod.objects.get(month=OCT).status == "closed"
