from datetime import date

import pytest

from policies.instruments import (
    InstrumentEventRefused, instrument_issue, instrument_record, instrument_transfer_custody, instruments_verify,
    unearned_tiyn,
)
from qalqan.ledger.models import Transfer
from qalqan.ledger.services import InsufficientFunds, account_ensure, balance_of, transfer_post

START, END = date(2026, 1, 1), date(2027, 1, 1)  # 365 days
FACE = 36_500_000  # 100 000 tiyn a day


@pytest.fixture
def setup(make_person, insurer, other_insurer, accounts_funded):
    instrument = instrument_issue(holder=make_person(), custodian=insurer.organisation, face_value_tiyn=FACE,
                                  valid_from=START, valid_to=END)
    instrument_record(instrument_id=instrument.pk, kind="funded", amount_tiyn=FACE)
    return instrument, insurer.organisation, other_insurer.organisation


@pytest.fixture
def accounts_funded(insurer):
    budget = account_ensure(code="budget:republican", kind="budget_source", may_go_negative=True)
    premium = account_ensure(code="insurer:insurer-a:premium", kind="insurer_premium", owner=insurer.organisation)
    transfer_post(key="fund-a", lines=[(budget, -FACE), (premium, FACE)], reason="subsidy.disburse",
                  posted_on=START)


@pytest.mark.parametrize("on_date, expected", [
    (date(2026, 1, 1), FACE),  # nothing earned yet
    (date(2026, 7, 3), 18_200_000),  # 182 days left of 365
    (date(2026, 12, 31), 100_000),  # the last day
    (date(2027, 1, 1), 0),  # expired
    (date(2025, 6, 1), FACE),  # before it starts
])
def test_unearned_value_is_pro_rata_to_days_left(setup, on_date, expected):
    instrument, _, _ = setup
    assert unearned_tiyn(instrument, on_date) == expected


def test_custody_transfer_moves_the_unearned_value_and_keeps_history(setup, assert_trial_balance_zero):
    instrument, source, target = setup
    moved = instrument_transfer_custody(instrument_id=instrument.pk, to_custodian=target, on_date=date(2026, 7, 3),
                                        key="custody-1")
    assert moved.custodian == target
    assert balance_of("insurer:insurer-a:premium") == FACE - 18_200_000
    assert balance_of("insurer:insurer-b:premium") == 18_200_000
    transfer = Transfer.objects.get(key="custody-1")
    assert (transfer.reason, transfer.ref, transfer.posted_on) == ("instrument.custody_transfer", instrument,
                                                                  date(2026, 7, 3))
    events = list(instrument.events.values_list("kind", flat=True))
    assert events == ["issued", "funded", "custodian_changed"]
    last = instrument.events.get(seq=3)
    assert last.amount_tiyn == 18_200_000
    assert (last.data["from"], last.data["to"], last.data["transfer"]) == (source.code, target.code, transfer.pk)
    assert instruments_verify() == (1, None)
    assert_trial_balance_zero()


def test_custody_transfer_is_idempotent_by_key(setup):
    instrument, _, target = setup
    for _ in range(2):
        instrument_transfer_custody(instrument_id=instrument.pk, to_custodian=target, on_date=date(2026, 7, 3),
                                    key="custody-1")
    assert instrument.events.filter(kind="custodian_changed").count() == 1
    assert balance_of("insurer:insurer-b:premium") == 18_200_000


def test_custody_transfer_and_back(setup, assert_trial_balance_zero):
    instrument, source, target = setup
    instrument_transfer_custody(instrument_id=instrument.pk, to_custodian=target, on_date=date(2026, 7, 3),
                                key="there")
    instrument_transfer_custody(instrument_id=instrument.pk, to_custodian=source, on_date=date(2026, 10, 1),
                                key="back")
    instrument.refresh_from_db()
    assert instrument.custodian == source
    assert balance_of("insurer:insurer-b:premium") == 18_200_000 - 9_200_000  # 92 days left on 1 Oct
    assert instruments_verify() == (1, None)
    assert_trial_balance_zero()


def test_custody_transfer_without_the_money_changes_nothing(setup):
    instrument, _, target = setup
    transfer_post(key="spent", lines=[("insurer:insurer-a:premium", -FACE), ("budget:republican", FACE)],
                  reason="test.drain")
    with pytest.raises(InsufficientFunds):
        instrument_transfer_custody(instrument_id=instrument.pk, to_custodian=target, on_date=date(2026, 7, 3),
                                    key="custody-1")
    instrument.refresh_from_db()
    assert instrument.custodian.code == "insurer-a"
    assert instrument.events.count() == 2
    assert not Transfer.objects.filter(key="custody-1").exists()


def test_custody_transfer_refusals(setup, clinic):
    instrument, source, target = setup
    with pytest.raises(ValueError):
        instrument_transfer_custody(instrument_id=instrument.pk, to_custodian=source, on_date=START, key="k1")
    with pytest.raises(ValueError):
        instrument_transfer_custody(instrument_id=instrument.pk, to_custodian=clinic.organisation, on_date=START,
                                    key="k2")
    instrument_record(instrument_id=instrument.pk, kind="cancelled")
    with pytest.raises(InstrumentEventRefused):
        instrument_transfer_custody(instrument_id=instrument.pk, to_custodian=target, on_date=START, key="k3")
    assert instrument.events.count() == 3


def test_an_expired_instrument_moves_nothing_but_is_refused(setup):
    instrument, _, target = setup
    instrument_record(instrument_id=instrument.pk, kind="expired")
    with pytest.raises(InstrumentEventRefused):
        instrument_transfer_custody(instrument_id=instrument.pk, to_custodian=target, on_date=END, key="late")
