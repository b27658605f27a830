"""Races with real threads against PostgreSQL: one effect each, the trial balance zero."""
import pytest

from insurers.services import BenefitIn, pricing_tables_sync, product_publish
from policies.models import Application, Policy
from policies.services import application_submit
from qalqan.ledger.services import balance_of
from qalqan.payments.models import Payment
from qalqan.payments.services import payment_start
from tests.concurrency import in_threads


@pytest.fixture
def world(refdata, make_org, make_citizen, insured_people):
    pricing_tables_sync()
    insurer = make_org("insurer", "insurer-r")
    product_publish(insurer=insurer.organisation, code="gold", name="Gold", kind="osms_dms",
                    annual_premium_tiyn=15_000_000, benefits=[BenefitIn("dental", 1_000_000)])
    citizen = make_citizen(categories=["employee"])
    insured_people.add(citizen.person.pk)
    return citizen


@pytest.mark.django_db(transaction=True)
def test_two_applications_at_once_one_policy(world):
    results, errors = in_threads(3, lambda: application_submit(person_id=world.person.pk, product_code="gold").status)
    assert not errors and sorted(results) == ["approved", "rejected", "rejected"]
    assert Policy.objects.filter(holder=world.person).count() == 1
    assert Application.objects.filter(status="rejected", reasons__0__code="overlapping_policy").count() == 2


@pytest.mark.django_db(transaction=True)
def test_paying_twice_in_two_tabs_one_effect(world, assert_trial_balance_zero):
    application = application_submit(person_id=world.person.pk, product_code="gold")
    payment = Payment.objects.get(subject="policy", subject_id=application.policy.pk)
    results, errors = in_threads(2, lambda: payment_start(payment_id=payment.pk, person_id=world.person.pk,
                                                          provider="pension").payment.status)
    assert results == ["succeeded"] and len(errors) == 1 and getattr(errors[0], "status", None) == 409
    assert Policy.objects.get(pk=application.policy.pk).status == "active"
    assert balance_of("insurer:insurer-r:premium") == payment.amount_tiyn  # the subsidy comes with the monthly run
    assert_trial_balance_zero()


@pytest.mark.django_db(transaction=True)
def test_concurrent_webhooks_for_a_policy_payment_activate_once(world, stripe_local, send_stripe_event,
                                                                assert_trial_balance_zero):
    application = application_submit(person_id=world.person.pk, product_code="gold")
    payment = Payment.objects.get(subject="policy", subject_id=application.policy.pk)
    payment_start(payment_id=payment.pk, person_id=world.person.pk, provider="stripe", payment_method="pm_card_visa")
    payment = Payment.objects.get(pk=payment.pk)
    obj = {"id": payment.provider_ref, "amount": payment.amount_tiyn, "currency": "kzt"}
    results, errors = in_threads(4, lambda: send_stripe_event("payment_intent.succeeded", obj).json()["outcome"])
    assert not errors and sorted(results) == ["already_succeeded"] * 3 + ["succeeded"]
    policy = Policy.objects.get(pk=application.policy.pk)
    assert policy.status == "active" and policy.instrument.events.filter(kind="funded").count() == 2
    assert balance_of("insurer:insurer-r:premium") == payment.amount_tiyn  # the subsidy comes with the monthly run
    assert_trial_balance_zero()


@pytest.mark.django_db(transaction=True)
def test_renewing_twice_at_once_one_next_term(world):
    from datetime import timedelta

    from policies.services import policy_renew
    from qalqan.api.errors import Conflict

    application = application_submit(person_id=world.person.pk, product_code="gold")
    payment = Payment.objects.get(subject="policy", subject_id=application.policy.pk)
    payment_start(payment_id=payment.pk, person_id=world.person.pk, provider="pension")
    old = Policy.objects.get(pk=application.policy.pk)
    assert old.status == "active"
    today = old.end_date - timedelta(days=10)
    results, errors = in_threads(3, lambda: policy_renew(policy_id=old.pk, product_code="gold", today=today).status)
    assert results == ["approved"] and len(errors) == 2 and all(isinstance(e, Conflict) for e in errors)
    assert Policy.objects.filter(number=old.number).count() == 2
    assert Application.objects.filter(renews=old).count() == 1


@pytest.mark.django_db(transaction=True)
def test_locking_one_policy_does_not_block_another_of_the_same_insurer(world, make_citizen, insured_people):
    """A policy lock covers the policy row only: not its insurer's organisation row, which every other
    policy, payment and event of that insurer points at (a FOR UPDATE over the join deadlocked them)."""
    import threading

    from django.db import connection, transaction

    from policies.instruments import instrument_lock
    from policies.locks import lock_policy

    other = make_citizen(categories=["employee"])
    insured_people.add(other.person.pk)
    first = application_submit(person_id=world.person.pk, product_code="gold").policy
    second = application_submit(person_id=other.person.pk, product_code="gold").policy
    held, release = threading.Event(), threading.Event()

    def hold_first():
        with transaction.atomic():
            lock_policy(first.pk)
            instrument_lock(first.instrument_id)
            held.set()
            release.wait(10)
        connection.close()

    holder = threading.Thread(target=hold_first)
    holder.start()
    try:
        assert held.wait(10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            assert lock_policy(second.pk).pk == second.pk
            assert instrument_lock(second.instrument_id).pk == second.instrument_id
    finally:
        release.set()
        holder.join()
