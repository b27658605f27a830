"""Two clinics report the same service for the same person on the same day at the same moment: the intake's
advisory locks (claims/locks.py) make the later of the two see the earlier, so exactly one is flagged."""
import threading
import time
from datetime import date, timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

import claims.intake as intake
from claims.checks import POSSIBLE_DOUBLE_BILLING, EventItem
from claims.locks import billing_day_key, lock_billing_days
from claims.models import ClinicFlag, InsuredEvent

from .conftest import event_body


def _item(body: dict) -> EventItem:
    return EventItem(event_id=body["event_id"], iin=body["iin"], service_code=body["service_code"],
                     icd10=body["icd10"], service_date=date.fromisoformat(body["service_date"]),
                     amount_tiyn=body["amount_tiyn"], benefit=body["benefit"])


@pytest.fixture
def slow_commit(monkeypatch):
    """Hold each intake open a moment after its inserts and its double-billing check, before the commit: without
    the locks both would check before either commits and neither would be flagged."""
    real = intake._flag_billed_meanwhile

    def flag_then_wait(*args, **kwargs):
        real(*args, **kwargs)
        time.sleep(0.3)

    monkeypatch.setattr(intake, "_flag_billed_meanwhile", flag_then_wait)


def _race(calls) -> list:
    barrier, results, errors = threading.Barrier(len(calls)), [], []

    def run(call):
        try:
            barrier.wait()
            results.append(call())
        except Exception as exc:  # surfaced below: a thread's failure must fail the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("batch", [False, True], ids=["single", "batch"])
def test_of_two_simultaneous_clinics_exactly_one_event_is_flagged(
        refdata, clinic, other_clinic, citizen, other_citizen, insurer, make_policy, slow_commit, batch):
    make_policy(citizen.person, insurer.organisation)
    make_policy(other_citizen.person, insurer.organisation)
    same = event_body(citizen.person, event_id="R-1")

    def report(org, event_id, other_day):
        items = [_item({**same, "event_id": event_id})]
        if batch:  # the batch also carries another patient's event on a day nobody else billed
            items.append(_item(event_body(other_citizen.person, event_id=f"{event_id}-other", service_date=other_day)))
        return intake.events_receive(clinic=org.organisation, items=items, deliver_now=not batch)

    today = timezone.localdate()
    _race([lambda: report(clinic, "A-1", today - timedelta(days=2)),
           lambda: report(other_clinic, "B-1", today - timedelta(days=3))])

    events = list(InsuredEvent.objects.filter(person=citizen.person).order_by("received_at", "id"))
    assert len(events) == 2 and {e.clinic_id for e in events} == {clinic.organisation.pk,
                                                                  other_clinic.organisation.pk}
    flagged = [e for e in events if POSSIBLE_DOUBLE_BILLING in e.flags]
    assert len(flagged) == 1
    assert ClinicFlag.objects.filter(kind=ClinicFlag.Kind.POSSIBLE_DOUBLE_BILLING).count() == 1
    assert ClinicFlag.objects.get().event_id == flagged[0].pk
    assert InsuredEvent.objects.filter(person=other_citizen.person).count() == (2 if batch else 0)
    assert not any(POSSIBLE_DOUBLE_BILLING in e.flags for e in InsuredEvent.objects.filter(person=other_citizen.person))


@pytest.mark.django_db(transaction=True)
def test_an_event_billed_elsewhere_between_the_first_read_and_the_locks_is_flagged_under_the_locks(
        refdata, clinic, other_clinic, citizen, insurer, make_policy, monkeypatch):
    make_policy(citizen.person, insurer.organisation)
    same = event_body(citizen.person, event_id="M-1")
    real_store = intake._store

    def other_clinic_commits_first(*args, **kwargs):  # after this intake's first read, before its inserts
        monkeypatch.setattr(intake, "_store", real_store)
        _race([lambda: intake.events_receive(clinic=other_clinic.organisation, items=[_item({**same, "event_id": "O-1"})])])
        return real_store(*args, **kwargs)

    monkeypatch.setattr(intake, "_store", other_clinic_commits_first)
    [received] = intake.events_receive(clinic=clinic.organisation, items=[_item(same)], deliver_now=True)

    assert received.created and received.stored.verdict.flags == [POSSIBLE_DOUBLE_BILLING]
    assert InsuredEvent.objects.get(pk=received.id).flags == [POSSIBLE_DOUBLE_BILLING]
    assert InsuredEvent.objects.get(event_id="O-1").flags == []
    assert list(ClinicFlag.objects.values_list("clinic_id", "event_id")) == [(clinic.organisation.pk, received.id)]


@pytest.mark.django_db(transaction=True)
def test_batches_locking_overlapping_days_in_opposite_orders_do_not_deadlock(
        refdata, clinic, other_clinic, citizen, other_citizen, insurer, make_policy, slow_commit):
    make_policy(citizen.person, insurer.organisation)
    make_policy(other_citizen.person, insurer.organisation)
    first, second = citizen.person, other_citizen.person

    def report(org, people, prefix):
        items = [_item(event_body(p, event_id=f"{prefix}-{i}")) for i, p in enumerate(people)]
        return intake.events_receive(clinic=org.organisation, items=items)

    results = _race([lambda: report(clinic, [first, second], "A"), lambda: report(other_clinic, [second, first], "B")])

    assert len(results) == 2 and InsuredEvent.objects.count() == 4
    for person in (first, second):  # per person: one clinic first, the other flagged
        flags = [POSSIBLE_DOUBLE_BILLING in f for f in InsuredEvent.objects.filter(person=person)
                 .values_list("flags", flat=True)]
        assert sorted(flags) == [False, True]


def test_keys_are_exact_per_person_and_day():
    keys = {billing_day_key(iin, day) for iin in ("900101300007", "900101300018")
            for day in (date(2026, 1, 1), date(2026, 1, 2))}
    assert len(keys) == 4 and all(0 < k < 2 ** 63 for k in keys)


@pytest.mark.django_db(transaction=True)
def test_the_locks_are_held_until_the_transaction_ends_and_bad_iins_are_skipped():
    from django.db import transaction

    key = billing_day_key("900101300007", date(2026, 1, 1))

    def free_elsewhere() -> bool:
        answer = []

        def probe():
            try:
                with connections["default"].cursor() as cursor:
                    cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [key])
                    answer.append(cursor.fetchone()[0])
            finally:
                connection.close()

        t = threading.Thread(target=probe)
        t.start()
        t.join()
        return answer[0]

    with transaction.atomic():
        taken = lock_billing_days([("900101300007", date(2026, 1, 1)), ("900101300007", date(2026, 1, 1)),
                                   ("12345", date(2026, 1, 1)), ("90010130000X", date(2026, 1, 1))])
        assert taken == 1
        assert not free_elsewhere()
    assert free_elsewhere()
