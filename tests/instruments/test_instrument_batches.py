import threading
from datetime import date

import pytest
from django.db import connection, transaction

from policies.instrument_batches import Funding, instruments_record_funding
from policies.instruments import event_hash, instrument_issue, instrument_record, instruments_verify
from policies.models import Instrument
from tests.concurrency import backend_waiting_for_lock, run_threads

pytestmark = pytest.mark.django_db
START, END = date(2026, 1, 1), date(2027, 1, 1)


@pytest.fixture
def issue(make_person, insurer):
    def make():
        return instrument_issue(holder=make_person(), custodian=insurer.organisation, face_value_tiyn=36_500_000,
                                valid_from=START, valid_to=END)
    return make


def test_a_batch_extends_each_chain_as_instrument_record_would(issue):
    fresh, funded_before, ended = issue(), issue(), issue()
    instrument_record(instrument_id=funded_before.pk, kind="funded", amount_tiyn=100, data={"by": "hand"})
    instrument_record(instrument_id=ended.pk, kind="cancelled")

    written = instruments_record_funding([
        Funding(fresh.pk, 1_000, subsidy_run=7, period="2026-03", line="normal"),
        Funding(funded_before.pk, 2_000, subsidy_run=7, period="2026-03", line="normal"),
        Funding(funded_before.pk, -300, subsidy_run=7, period="2026-02", line="adjustment"),
        Funding(ended.pk, 4_000, subsidy_run=7, period="2026-03", line="normal"),
    ])

    assert written == 3
    assert instruments_verify() == (3, None)
    assert [(e.seq, e.kind, e.amount_tiyn) for e in fresh.events.all()] == [(1, "issued", 36_500_000),
                                                                           (2, "funded", 1_000)]
    assert [e.amount_tiyn for e in funded_before.events.filter(kind="funded")] == [100, 2_000, -300]
    assert ended.events.filter(kind="funded").count() == 0
    statuses = dict(Instrument.objects.values_list("pk", "status"))
    assert (statuses[fresh.pk], statuses[funded_before.pk], statuses[ended.pk]) == ("active", "active", "cancelled")


def test_a_later_single_event_continues_the_batch_written_chain(issue):
    instrument = issue()
    instruments_record_funding([Funding(instrument.pk, 500, subsidy_run=1, period="2026-03", line="normal")])
    instrument_record(instrument_id=instrument.pk, kind="drawn", amount_tiyn=10)
    assert list(instrument.events.values_list("seq", flat=True)) == [1, 2, 3]
    assert instruments_verify() == (1, None)


def test_the_sql_link_is_the_link_event_hash_computes(issue):
    instrument = issue()
    instruments_record_funding([Funding(instrument.pk, 123_456, subsidy_run=42, period="2026-03", line="normal")])
    issued, funded = instrument.events.order_by("seq")
    assert funded.prev_hash == issued.hash
    assert funded.data == {"line": "normal", "period": "2026-03", "subsidy_run": 42}
    assert funded.hash == event_hash(prev_hash=issued.hash, number=instrument.number, seq=2, kind="funded",
                                     amount_tiyn=123_456, data=funded.data, at=funded.at)


def test_codes_that_would_need_escaping_are_refused():
    with pytest.raises(ValueError):
        Funding(1, 1, subsidy_run=1, period='2026"-03', line="normal")


def test_an_empty_batch_writes_nothing():
    assert instruments_record_funding([]) == 0


@pytest.mark.django_db(transaction=True)
def test_a_link_committed_while_the_batch_waits_for_its_lock_is_continued_not_forked(refdata, issue):
    """The batch's statement takes its snapshot before it waits for an instrument's lock, so it cannot see a
    link committed meanwhile by the holder of that lock; the unique (instrument, seq) key refuses the fork and
    the batch reads the chain again."""
    instrument = issue()
    drawn = threading.Event()
    outcome = {}

    def single_event_held_open():
        try:
            with transaction.atomic():
                instrument_record(instrument_id=instrument.pk, kind="drawn", amount_tiyn=10)
                drawn.set()
                backend_waiting_for_lock("json_to_recordset", timeout=30)  # the batch's statement
        except BaseException as exc:  # noqa: BLE001 - asserted below
            outcome["single"] = exc
        finally:
            connection.close()

    def batch():
        drawn.wait(30)
        try:
            outcome["written"] = instruments_record_funding([
                Funding(instrument.pk, 500, subsidy_run=3, period="2026-03", line="normal")])
        except BaseException as exc:  # noqa: BLE001 - asserted below
            outcome["batch"] = exc
        finally:
            connection.close()

    run_threads(single_event_held_open, batch)

    assert outcome == {"written": 1}
    assert list(instrument.events.values_list("seq", "kind")) == [(1, "issued"), (2, "drawn"), (3, "funded")]
    assert instruments_verify() == (1, None)
