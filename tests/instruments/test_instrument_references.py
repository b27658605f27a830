"""An event's instrument is checked once per statement by triggers (policies migration 0005), as strictly as the
foreign key it replaces: a missing instrument is refused, an instrument with events cannot be deleted, and a
delete racing an insert waits for it and is then refused."""
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from policies.models import GENESIS_HASH, Instrument, InstrumentEvent
from tests.concurrency import delete_while_inserting

START, END = date(2026, 1, 1), date(2027, 1, 1)

EVENT_SQL = """
INSERT INTO policies_instrumentevent (instrument_id, seq, kind, amount_tiyn, data, prev_hash, hash, at)
VALUES (%s, 1, 'issued', 0, '{}', %s, %s, now())
"""


@pytest.fixture
def bare_instrument(make_person, insurer):
    """An instrument row without its events yet (as inside instrument_issue, before its first link)."""
    def make() -> Instrument:
        return Instrument.objects.create(number=f"KZQ{Instrument.objects.count() + 1:08d}0", holder=make_person(),
                                         custodian=insurer.organisation, face_value_tiyn=0, valid_from=START,
                                         valid_to=END)
    return make


@pytest.mark.django_db
def test_an_event_naming_a_missing_instrument_is_refused_and_nothing_is_stored():
    with pytest.raises(IntegrityError, match="does not exist"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(EVENT_SQL, [987_654_321, GENESIS_HASH, "a" * 64])
    assert not InstrumentEvent.objects.exists()


@pytest.mark.django_db
def test_an_instrument_named_by_events_cannot_be_deleted(bare_instrument):
    instrument = bare_instrument()
    with connection.cursor() as cursor:
        cursor.execute(EVENT_SQL, [instrument.pk, GENESIS_HASH, "a" * 64])
    with pytest.raises(IntegrityError, match="still named"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM policies_instrument WHERE id = %s", [instrument.pk])
    assert Instrument.objects.filter(pk=instrument.pk).exists()
    with connection.cursor() as cursor:  # one without events may go
        cursor.execute("DELETE FROM policies_instrument WHERE id = %s", [bare_instrument().pk])


@pytest.mark.django_db(transaction=True)
def test_an_instrument_deleted_while_its_first_event_is_written_is_refused(refdata, bare_instrument):
    """The insert holds a KEY SHARE lock on its instrument until it commits (as a foreign key would): a concurrent
    delete waits for it and is then refused, because the event is there."""
    instrument = bare_instrument()

    def insert():
        with connection.cursor() as cursor:
            cursor.execute(EVENT_SQL, [instrument.pk, GENESIS_HASH, "a" * 64])

    outcome = delete_while_inserting(insert, "DELETE FROM policies_instrument WHERE id = %s", [instrument.pk])

    assert outcome == "refused: still named"
    assert InstrumentEvent.objects.filter(instrument=instrument).count() == 1
