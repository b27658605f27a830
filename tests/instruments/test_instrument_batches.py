import threading
from datetime import date

import pytest
from django.db import connection, transaction

from policies.instrument_batches import Funding, instruments_record_funding
from policies.instruments import (
    NewEvent,
    event_hash,
    instrument_issue,
    instrument_record,
    instrument_record_events,
    instruments_verify,
)
from policies.models import Instrument
from tests.concurrency import backend_waiting_for_lock, recorded, run_threads

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
    assert funded.data == {"line": "normal", "period": "2026-03", "subsidy_run": 42}
    assert funded.hash_hex == event_hash(prev_hash=issued.hash_hex, number=instrument.number, seq=2, kind="funded",
                                     amount_tiyn=123_456, data=funded.data, at=funded.at)


def test_codes_that_would_need_escaping_are_refused():
    with pytest.raises(ValueError):
        Funding(1, 1, subsidy_run=1, period='2026"-03', line="normal")


def test_an_empty_batch_writes_nothing():
    assert instruments_record_funding([]) == 0


def _row_version(instrument: Instrument) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text, xmax::text, ctid::text FROM policies_instrument WHERE id = %s",
                       [instrument.pk])
        return cursor.fetchone()


def test_a_batch_neither_locks_nor_writes_the_rows_of_instruments_it_funds(issue):
    """A row lock writes the tuple: the national run would rewrite the instruments table every month."""
    instrument = issue()
    instrument_record(instrument_id=instrument.pk, kind="funded", amount_tiyn=0)  # active, as after activation
    before = _row_version(instrument)
    assert instruments_record_funding([Funding(instrument.pk, 500, subsidy_run=1, period="2026-03",
                                               line="normal")]) == 1
    assert _row_version(instrument) == before


def _fund(instrument: Instrument) -> int:
    return instruments_record_funding([Funding(instrument.pk, 500, subsidy_run=3, period="2026-03", line="normal")])


@pytest.mark.django_db(transaction=True)
def test_a_link_committed_while_the_batch_waits_for_it_is_continued_not_forked(refdata, issue):
    """A single event in progress holds the seq the batch reads as free: the batch's insert waits for it, and once
    it commits the unique (instrument, seq) key refuses the fork and the batch reads the chain again."""
    instrument = issue()
    drawn = threading.Event()
    outcome = {}

    @transaction.atomic
    def single_event_held_open():
        seq = instrument_record(instrument_id=instrument.pk, kind="drawn", amount_tiyn=10).seq
        drawn.set()
        backend_waiting_for_lock("json_to_recordset", timeout=30)  # the batch's statement
        return seq

    def batch():
        drawn.wait(30)
        return _fund(instrument)

    run_threads(recorded(outcome, "drawn", single_event_held_open), recorded(outcome, "written", batch))

    assert outcome == {"drawn": 2, "written": 1}
    assert list(instrument.events.values_list("seq", "kind")) == [(1, "issued"), (2, "drawn"), (3, "funded")]
    assert instruments_verify() == (1, None)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("links", [1, 2])
def test_single_events_that_waited_for_a_batch_link_are_written_after_it(refdata, issue, links):
    """The other way round: the batch holds no lock, so instrument_record reads the chain before the batch's link
    commits; its insert waits for that link, writes nothing once it commits (not even the links after the first),
    and the links are built again on the new chain."""
    instrument = issue()
    instrument_record(instrument_id=instrument.pk, kind="funded", amount_tiyn=0)
    funded = threading.Event()
    outcome = {}

    @transaction.atomic
    def batch_held_open():
        written = _fund(instrument)
        funded.set()
        backend_waiting_for_lock("WITH head AS (INSERT INTO policies_instrumentevent", timeout=30)
        return written

    def single_events():
        funded.wait(30)
        return [e.seq for e in instrument_record_events(instrument_id=instrument.pk, events=[
            NewEvent(kind="drawn", amount_tiyn=10 + n) for n in range(links)])]

    run_threads(recorded(outcome, "written", batch_held_open), recorded(outcome, "drawn", single_events))

    assert outcome == {"written": 1, "drawn": [4, 5][:links]}
    assert list(instrument.events.values_list("seq", "kind", "amount_tiyn")) == [
        (1, "issued", 36_500_000), (2, "funded", 0), (3, "funded", 500), (4, "drawn", 10), (5, "drawn", 11)][:3 + links]
    assert instruments_verify() == (1, None)


@pytest.mark.django_db(transaction=True)
def test_a_batch_waits_for_an_issued_instruments_lock_before_it_appends_any_link(refdata, issue):
    """An issued instrument is the one a batch locks (its funded event makes it active). The holder of that lock
    appends its own link after the batch has come: were the batch's link already there, each would wait for the
    other (a deadlock, one of them aborted); the batch locks first, so the holder goes on, and the batch then
    continues the chain."""
    instrument = issue()
    locked = threading.Event()
    outcome = {}

    @transaction.atomic
    def holder():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM policies_instrument WHERE id = %s FOR NO KEY UPDATE", [instrument.pk])
        locked.set()
        backend_waiting_for_lock("json_to_recordset", timeout=30)  # the batch's statement
        return instrument_record(instrument_id=instrument.pk, kind="drawn", amount_tiyn=10).seq

    def batch():
        locked.wait(30)
        return _fund(instrument)

    run_threads(recorded(outcome, "drawn", holder), recorded(outcome, "written", batch))

    assert outcome == {"drawn": 2, "written": 1}
    assert list(instrument.events.values_list("seq", "kind")) == [(1, "issued"), (2, "drawn"), (3, "funded")]
    assert Instrument.objects.get(pk=instrument.pk).status == "active"
    assert instruments_verify() == (1, None)
