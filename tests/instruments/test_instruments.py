from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.utils import InternalError, ProgrammingError

from policies.instruments import (
    InstrumentEventRefused,
    NewEvent,
    event_hash,
    instrument_issue,
    instrument_record,
    instrument_record_events,
    instruments_verify,
)
from policies.models import GENESIS_HASH, Instrument, InstrumentEvent
from policies.numbers import instrument_number_is_valid

START, END = date(2026, 1, 1), date(2027, 1, 1)


@pytest.fixture
def instrument(make_person, insurer):
    return instrument_issue(holder=make_person(), custodian=insurer.organisation, face_value_tiyn=36_500_000,
                            valid_from=START, valid_to=END)


def _hash_after(prev_hash: str, event: InstrumentEvent) -> str:
    return event_hash(prev_hash=prev_hash, number=event.instrument.number, seq=event.seq, kind=event.kind,
                      amount_tiyn=event.amount_tiyn, data=event.data, at=event.at)


def test_issue_makes_a_valid_number_and_the_first_link(instrument, insurer):
    assert instrument_number_is_valid(instrument.number)
    assert instrument.status == Instrument.Status.ISSUED
    (event,) = instrument.events.all()
    assert (event.seq, event.kind, event.amount_tiyn) == (1, "issued", 36_500_000)
    assert event.data["custodian"] == insurer.organisation.code
    assert event.hash_hex == event_hash(prev_hash=GENESIS_HASH, number=instrument.number, seq=1, kind="issued",
                                    amount_tiyn=event.amount_tiyn, data=event.data, at=event.at)


def test_issue_refuses_a_clinic_as_custodian_and_bad_periods(make_person, clinic, insurer):
    person = make_person()
    with pytest.raises(ValueError):
        instrument_issue(holder=person, custodian=clinic.organisation, face_value_tiyn=1, valid_from=START,
                         valid_to=END)
    with pytest.raises(ValueError):
        instrument_issue(holder=person, custodian=insurer.organisation, face_value_tiyn=1, valid_from=END,
                         valid_to=START)
    with pytest.raises(ValueError):
        instrument_issue(holder=person, custodian=insurer.organisation, face_value_tiyn=-1, valid_from=START,
                         valid_to=END)
    assert not Instrument.objects.exists()


def test_events_chain_each_to_the_previous_hash(instrument):
    funded = instrument_record(instrument_id=instrument.pk, kind="funded", amount_tiyn=36_500_000,
                               data={"transfer": 7})
    delivered = instrument_record(instrument_id=instrument.pk, kind="data_delivered")
    assert [e.seq for e in instrument.events.all()] == [1, 2, 3]
    assert funded.hash_hex == _hash_after(instrument.events.get(seq=1).hash_hex, funded)
    assert delivered.hash_hex == _hash_after(funded.hash_hex, delivered)
    assert len(bytes(InstrumentEvent.objects.get(pk=delivered.pk).hash)) == 32  # stored as its bytes
    instrument.refresh_from_db()
    assert instrument.status == "active"
    assert instruments_verify() == (1, None)


def test_several_events_in_one_call_chain_in_order_under_one_lock(instrument):
    funded, zero = instrument_record_events(instrument_id=instrument.pk, events=[
        NewEvent(kind="funded", amount_tiyn=1_000, data={"payment": 1}),
        NewEvent(kind="funded", data={"source": "fund"}, face_value_tiyn=40_000_000)])
    assert [e.seq for e in instrument.events.all()] == [1, 2, 3]
    assert funded.hash_hex == _hash_after(instrument.events.get(seq=1).hash_hex, funded)
    assert zero.hash_hex == _hash_after(funded.hash_hex, zero)
    assert InstrumentEvent.objects.get(pk=zero.pk).data == {"source": "fund", "face_value_tiyn": 40_000_000}
    instrument.refresh_from_db()
    assert (instrument.status, instrument.face_value_tiyn) == ("active", 40_000_000)
    assert instruments_verify() == (1, None)


def test_a_refused_event_among_several_records_none_of_them(instrument):
    with pytest.raises(InstrumentEventRefused):
        instrument_record_events(instrument_id=instrument.pk, events=[
            NewEvent(kind="cancelled"), NewEvent(kind="funded", amount_tiyn=1_000)])
    assert instrument.events.count() == 1
    instrument.refresh_from_db()
    assert instrument.status == "issued"


@pytest.mark.parametrize("path, refused, status", [
    (["funded", "suspended"], "funded", None),  # funding a suspended one is fine …
    (["funded", "cancelled"], "reinstated", "cancelled"),
    (["funded"], "reinstated", "active"),
    (["expired"], "suspended", "expired"),
    (["cancelled"], "expired", "cancelled"),
])
def test_lifecycle_events_follow_the_status(instrument, path, refused, status):
    for kind in path:
        instrument_record(instrument_id=instrument.pk, kind=kind)
    if status is None:
        instrument_record(instrument_id=instrument.pk, kind=refused)
        return
    with pytest.raises(InstrumentEventRefused):
        instrument_record(instrument_id=instrument.pk, kind=refused)
    instrument.refresh_from_db()
    assert instrument.status == status
    assert instrument.events.count() == len(path) + 1


def test_suspend_and_reinstate(instrument):
    instrument_record(instrument_id=instrument.pk, kind="funded")
    instrument_record(instrument_id=instrument.pk, kind="suspended", data={"reason": "unpaid"})
    instrument.refresh_from_db()
    assert instrument.status == "suspended"
    instrument_record(instrument_id=instrument.pk, kind="reinstated")
    instrument.refresh_from_db()
    assert instrument.status == "active"


def test_drawn_and_top_up_of_face_value(instrument):
    instrument_record(instrument_id=instrument.pk, kind="funded")
    event = instrument_record(instrument_id=instrument.pk, kind="funded", amount_tiyn=1_000_000,
                              face_value_tiyn=37_500_000)
    instrument_record(instrument_id=instrument.pk, kind="drawn", amount_tiyn=250_000, data={"claim": 1})
    instrument.refresh_from_db()
    assert instrument.face_value_tiyn == 37_500_000
    assert event.data["face_value_tiyn"] == 37_500_000
    assert instruments_verify() == (1, None)


@pytest.mark.parametrize("kind", ["issued", "custodian_changed", "bogus"])
def test_record_refuses_kinds_with_their_own_service(instrument, kind):
    with pytest.raises(ValueError):
        instrument_record(instrument_id=instrument.pk, kind=kind)


def test_events_cannot_be_updated_or_deleted(instrument):
    with pytest.raises((ProgrammingError, InternalError)):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE policies_instrumentevent SET amount_tiyn = 1 WHERE instrument_id = %s",
                           [instrument.pk])
    with pytest.raises((ProgrammingError, InternalError)):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM policies_instrumentevent WHERE instrument_id = %s", [instrument.pk])
    assert instrument.events.count() == 1


def test_a_sequence_number_is_used_once(instrument):
    first = instrument.events.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        InstrumentEvent.objects.create(instrument=instrument, seq=1, kind="funded", hash=b"\xff" * 32, at=first.at)


def _tamper(sql: str, params: list) -> None:
    """Edit history behind the triggers' back, as an attacker with table rights would."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses while FK checks are pending
        cursor.execute("ALTER TABLE policies_instrumentevent DISABLE TRIGGER ALL")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE policies_instrumentevent ENABLE TRIGGER ALL")


def test_verify_finds_an_edited_amount(instrument, make_person, insurer):
    instrument_record(instrument_id=instrument.pk, kind="funded", amount_tiyn=100)
    instrument_record(instrument_id=instrument.pk, kind="drawn", amount_tiyn=50)
    other = instrument_issue(holder=make_person(), custodian=insurer.organisation, face_value_tiyn=1,
                             valid_from=START, valid_to=END)
    _tamper("UPDATE policies_instrumentevent SET amount_tiyn = 5 WHERE instrument_id = %s AND seq = 3",
            [instrument.pk])
    checked, broken = instruments_verify()
    assert (broken.number, broken.seq) == (instrument.number, 3)
    assert "hash" in broken.problem
    assert other.pk > instrument.pk and checked == 1
    with pytest.raises(CommandError, match=f"{instrument.number} event 3"):
        call_command("instruments_verify")


def test_verify_finds_a_deleted_link(instrument):
    for kind in ("funded", "data_delivered", "drawn"):
        instrument_record(instrument_id=instrument.pk, kind=kind)
    _tamper("DELETE FROM policies_instrumentevent WHERE instrument_id = %s AND seq = 2", [instrument.pk])
    _, broken = instruments_verify()
    assert (broken.seq, broken.problem.startswith("missing")) == (2, True)


def test_verify_finds_a_rewritten_hash(instrument):
    instrument_record(instrument_id=instrument.pk, kind="funded", amount_tiyn=100)
    instrument_record(instrument_id=instrument.pk, kind="drawn", amount_tiyn=50)
    # recompute the edited event's own hash: the next link, hashed over the old one, no longer matches
    event = instrument.events.get(seq=2)
    forged = event_hash(prev_hash=instrument.events.get(seq=1).hash_hex, number=instrument.number, seq=2,
                        kind="funded", amount_tiyn=999, data=event.data, at=event.at)
    _tamper("UPDATE policies_instrumentevent SET amount_tiyn = 999, hash = %s WHERE instrument_id = %s AND seq = 2",
            [bytes.fromhex(forged), instrument.pk])
    _, broken = instruments_verify()
    assert (broken.seq, broken.problem) == (3, "hash does not match the event's content and the previous event's hash")


@pytest.mark.parametrize("change, word", [
    ({"status": "active"}, "status"),
    ({"face_value_tiyn": 1}, "face value"),
])
def test_verify_finds_the_instrument_row_changed_outside_the_chain(instrument, change, word):
    instrument_record(instrument_id=instrument.pk, kind="funded")
    instrument_record(instrument_id=instrument.pk, kind="cancelled")
    Instrument.objects.filter(pk=instrument.pk).update(**change)
    _, broken = instruments_verify()
    assert word in broken.problem


def test_verify_finds_a_custodian_changed_outside_the_chain(instrument, other_insurer):
    Instrument.objects.filter(pk=instrument.pk).update(custodian=other_insurer.organisation)
    _, broken = instruments_verify()
    assert "custodian" in broken.problem


def test_verify_command_passes_on_intact_chains(instrument, capsys):
    instrument_record(instrument_id=instrument.pk, kind="funded")
    call_command("instruments_verify")
    assert "1 instrument chains intact" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_concurrent_events_on_one_instrument_keep_one_chain(refdata, make_person, make_org):
    import threading

    insurer = make_org("insurer", "insurer-race")
    instrument = instrument_issue(holder=make_person(), custodian=insurer.organisation, face_value_tiyn=1_000,
                                  valid_from=START, valid_to=END)
    errors = []
    barrier = threading.Barrier(8)

    def worker(index):
        try:
            barrier.wait()
            for n in range(5):
                instrument_record(instrument_id=instrument.pk, kind="drawn", amount_tiyn=index * 10 + n)
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert list(instrument.events.values_list("seq", flat=True)) == list(range(1, 42))
    assert instruments_verify() == (1, None)
