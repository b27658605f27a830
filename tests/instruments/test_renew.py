"""instrument_renew: the next term takes the instrument at the term boundary."""
from datetime import date

import pytest

from policies.instruments import (
    InstrumentEventRefused, instrument_issue, instrument_record, instrument_renew, instruments_verify,
)
from qalqan.ledger.models import Transfer

START, END, NEXT_END = date(2026, 1, 1), date(2027, 1, 1), date(2028, 1, 1)
FACE, NEXT_FACE = 36_500_000, 40_000_000


@pytest.fixture
def instrument(make_person, insurer):
    instrument = instrument_issue(holder=make_person(), custodian=insurer.organisation, face_value_tiyn=FACE,
                                  valid_from=START, valid_to=END)
    instrument_record(instrument_id=instrument.pk, kind="funded", amount_tiyn=FACE)
    return instrument


def renew(instrument, custodian, **overrides):
    kwargs = {"instrument_id": instrument.pk, "custodian": custodian, "valid_from": END, "valid_to": NEXT_END,
              "face_value_tiyn": NEXT_FACE, "key": "renewal-1", "data": {"policy": 7}, **overrides}
    return instrument_renew(**kwargs)


def test_renewal_with_another_custodian_moves_custody_without_a_transfer(instrument, other_insurer,
                                                                         assert_trial_balance_zero):
    renewed = renew(instrument, other_insurer.organisation)

    assert renewed.custodian == other_insurer.organisation and renewed.status == "active"
    assert (renewed.valid_from, renewed.valid_to, renewed.face_value_tiyn) == (END, NEXT_END, NEXT_FACE)
    assert list(renewed.events.values_list("kind", flat=True)) == ["issued", "funded", "custodian_changed",
                                                                    "renewed"]
    handover, event = renewed.events.get(kind="custodian_changed"), renewed.events.get(kind="renewed")
    assert handover.amount_tiyn == 0 and handover.data["transfer"] is None and handover.data["on_date"] == "2027-01-01"
    assert event.amount_tiyn == NEXT_FACE and event.data["policy"] == 7
    assert event.data["previous"] == {"valid_from": "2026-01-01", "valid_to": "2027-01-01"}
    assert not Transfer.objects.exists()  # the ledger refuses zero lines; nothing was posted
    assert instruments_verify() == (1, None)
    assert_trial_balance_zero()


def test_renewal_is_once_per_key_and_reopens_an_expired_instrument(instrument, insurer):
    instrument_record(instrument_id=instrument.pk, kind="expired")
    renew(instrument, insurer.organisation)
    again = renew(instrument, insurer.organisation)
    assert again.status == "active" and again.events.filter(kind="renewed").count() == 1
    assert not again.events.filter(kind="custodian_changed").exists()
    assert instruments_verify() == (1, None)


def test_renewal_refusals(instrument, insurer, fund):
    with pytest.raises(ValueError, match="starts on or after"):
        renew(instrument, insurer.organisation, valid_from=date(2026, 12, 31))
    with pytest.raises(ValueError, match="custodian"):
        renew(instrument, fund.organisation)
    with pytest.raises(ValueError, match="is not an event instrument_record writes"):
        instrument_record(instrument_id=instrument.pk, kind="renewed")
    instrument_record(instrument_id=instrument.pk, kind="cancelled")
    with pytest.raises(InstrumentEventRefused):
        renew(instrument, insurer.organisation)
    instrument.refresh_from_db()
    assert instrument.valid_to == END and instrument.events.count() == 3
    assert instruments_verify() == (1, None)
