"""An event's instrument is checked once per statement by a trigger (policies migrations 0005 and 0008), as
strictly as the foreign key it replaces: a missing instrument is refused, and instruments are never deleted, so
the check needs no lock."""
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from policies.models import Instrument, InstrumentEvent

START, END = date(2026, 1, 1), date(2027, 1, 1)

EVENT_SQL = """
INSERT INTO policies_instrumentevent (instrument_id, seq, kind, amount_tiyn, data, hash, at)
VALUES (%s, 1, 'issued', 0, '{}', %s, now())
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
        cursor.execute(EVENT_SQL, [987_654_321, b"\xaa" * 32])
    assert not InstrumentEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("with_event", [True, False])
def test_instruments_are_never_deleted(bare_instrument, with_event):
    instrument = bare_instrument()
    if with_event:
        with connection.cursor() as cursor:
            cursor.execute(EVENT_SQL, [instrument.pk, b"\xaa" * 32])
    with pytest.raises(IntegrityError, match="never deleted"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM policies_instrument WHERE id = %s", [instrument.pk])
    assert Instrument.objects.filter(pk=instrument.pk).exists()


@pytest.mark.django_db
def test_checking_an_events_instrument_neither_locks_nor_writes_it(bare_instrument):
    """No row lock (which writes the instrument's tuple): deletes are refused outright instead."""
    instrument = bare_instrument()
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text, xmax::text, ctid::text FROM policies_instrument WHERE id = %s",
                       [instrument.pk])
        before = cursor.fetchone()
        cursor.execute(EVENT_SQL, [instrument.pk, b"\xaa" * 32])
        cursor.execute("SELECT xmin::text, xmax::text, ctid::text FROM policies_instrument WHERE id = %s",
                       [instrument.pk])
        assert cursor.fetchone() == before
