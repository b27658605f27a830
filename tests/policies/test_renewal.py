"""Renewal: the next term of a policy on the same instrument and number, with the same or another insurer."""
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from insurers.pricing import basic_price
from policies.instruments import instruments_verify
from policies.models import Application, Instrument, Policy
from policies.services import RENEWAL_GRACE_DAYS, RENEWAL_OPENS_DAYS, policies_daily, term_end
from qalqan.feed.models import OutboxMessage
from qalqan.ledger.models import Transfer
from qalqan.ledger.services import balance_of
from qalqan.people.models import Person

from .conftest import GOLD_PREMIUM, apply, pay_pension

GOLD_B_PREMIUM = 12_000_000


def ending_in(number: str, days: int) -> Policy:
    """Arrange: move the (only) term of `number` and its instrument so that the term ends in `days` days."""
    end = timezone.localdate() + timedelta(days=days)
    start = end - timedelta(days=365)
    Policy.objects.filter(number=number).update(start_date=start, end_date=end)
    Instrument.objects.filter(number=number).update(valid_from=start, valid_to=end)
    return Policy.objects.get(number=number)


def renew(caller, number: str, product: str, insurer: str | None = None):
    return caller.api.post(f"/citizen/policies/{number}/renewals",
                           {"product": product, **({"insurer": insurer} if insurer else {})})


def terms(number: str) -> list[Policy]:
    return list(Policy.objects.filter(number=number).order_by("start_date"))


def subsidy_on(person, day) -> int:
    return basic_price(birth_date=person.birth_date, sex=person.sex, day=day).annual_tiyn


def kinds(number: str) -> list[str]:
    return list(Instrument.objects.get(number=number).events.values_list("kind", flat=True))


def test_renew_with_the_same_insurer_keeps_the_number_and_instrument(insured_citizen, products,
                                                                     assert_trial_balance_zero):
    number = apply(insured_citizen, "basic")["policy"]
    old = ending_in(number, 10)

    r = renew(insured_citizen, number, "basic")

    assert r.status_code == 201, r.content
    body = r.json()
    subsidy = subsidy_on(insured_citizen.person, old.end_date)
    assert body["status"] == "approved" and body["renews"] == number and body["policy"] == number
    assert body["start_date"] == old.end_date.isoformat() and body["end_date"] == term_end(old.end_date).isoformat()
    assert body["subsidy_tiyn"] == subsidy and body["premium_due_tiyn"] == 0 and body["payment"] is None
    first, second = terms(number)
    assert first.pk == old.pk and first.status == "active"  # the old term runs to its end
    assert second.status == "active" and second.instrument_id == first.instrument_id
    assert Instrument.objects.filter(holder=insured_citizen.person).count() == 1
    assert "renewed" not in kinds(number)  # the instrument still carries the running term

    counts = policies_daily(today=old.end_date)

    assert counts["expired"] == 1
    first, second = terms(number)
    assert first.status == "expired" and second.status == "active"
    instrument = Instrument.objects.get(number=number)
    assert kinds(number)[-1] == "renewed" and "expired" not in kinds(number)
    assert "custodian_changed" not in kinds(number)
    assert (instrument.valid_from, instrument.valid_to) == (second.start_date, second.end_date)
    assert instrument.status == "active" and instrument.face_value_tiyn == second.face_value_tiyn
    assert instrument.custodian.code == "insurer-a"
    assert instruments_verify() == (1, None)
    assert balance_of("insurer:insurer-a:premium") == 0  # the subsidy of both terms comes with the monthly runs
    assert policies_daily(today=old.end_date)["expired"] == 0  # the beat task again: nothing more
    assert kinds(number).count("renewed") == 1
    assert_trial_balance_zero()


def test_renew_switching_insurer_moves_custody_at_the_term_boundary(insured_citizen, products,
                                                                     assert_trial_balance_zero):
    body = apply(insured_citizen, "gold")
    number = body["policy"]
    pay_pension(insured_citizen, body["payment"])
    old = ending_in(number, 5)

    r = renew(insured_citizen, number, "gold-b", "insurer-b")

    assert r.status_code == 201, r.content
    renewal = r.json()
    subsidy = subsidy_on(insured_citizen.person, old.end_date)
    assert renewal["insurer"] == "insurer-b" and renewal["premium_due_tiyn"] == GOLD_B_PREMIUM - subsidy
    assert renewal["payment"] is not None
    assert terms(number)[1].status == "awaiting_payment"
    assert insured_citizen.api.get(f"/citizen/policies/{number}").json()["insurer"] == "insurer-a"

    pay_pension(insured_citizen, renewal["payment"])  # the existing payment flow

    first, second = terms(number)
    assert first.status == "active" and first.insurer.code == "insurer-a"  # until its end
    assert second.status == "active" and second.insurer.code == "insurer-b"
    assert Instrument.objects.get(number=number).custodian.code == "insurer-a"
    # each insurer holds the citizen's share of its term; the fund's subsidy comes with the monthly runs
    assert balance_of("insurer:insurer-b:premium") == GOLD_B_PREMIUM - subsidy
    assert balance_of("insurer:insurer-a:premium") == GOLD_PREMIUM - first.subsidy_tiyn
    assert OutboxMessage.objects.filter(insurer__code="insurer-b", payload__number=number,
                                        event_type="policy.activate").exists()

    policies_daily(today=old.end_date)

    instrument = Instrument.objects.get(number=number)
    assert instrument.custodian.code == "insurer-b"
    assert kinds(number)[-2:] == ["custodian_changed", "renewed"]
    handover = instrument.events.get(kind="custodian_changed")
    assert handover.amount_tiyn == 0 and handover.data["transfer"] is None
    assert handover.data["from"] == "insurer-a" and handover.data["to"] == "insurer-b"
    assert handover.data["on_date"] == old.end_date.isoformat()
    assert not Transfer.objects.filter(reason="instrument.custody_transfer").exists()  # nothing unearned
    assert balance_of("insurer:insurer-a:premium") == GOLD_PREMIUM - first.subsidy_tiyn  # keeps the earned term
    assert balance_of("insurer:insurer-b:premium") == GOLD_B_PREMIUM - subsidy
    assert OutboxMessage.objects.filter(insurer__code="insurer-a", payload__number=number,
                                        event_type="policy.expire").exists()
    assert instruments_verify() == (1, None)
    assert_trial_balance_zero()


def test_renew_in_the_grace_after_expiry_starts_today_and_reopens_the_instrument(citizen, products, insured_people,
                                                                                 assert_trial_balance_zero):
    body = apply(citizen, "basic")
    pay_pension(citizen, body["payment"])
    number = body["policy"]
    old = ending_in(number, -3)
    policies_daily(today=timezone.localdate())
    assert Instrument.objects.get(number=number).status == "expired"

    r = renew(citizen, number, "basic-b", "insurer-b")

    assert r.status_code == 201, r.content
    renewal = r.json()
    assert renewal["start_date"] == timezone.localdate().isoformat()  # not backdated over the gap
    assert renewal["subsidy_tiyn"] == 0 and renewal["premium_due_tiyn"] > 0  # not insured: pays it all
    assert "renewed" not in kinds(number)
    pay_pension(citizen, renewal["payment"])
    instrument = Instrument.objects.get(number=number)
    assert instrument.status == "active" and instrument.custodian.code == "insurer-b"
    assert kinds(number)[-4:] == ["expired", "custodian_changed", "renewed", "funded"]
    assert instrument.valid_from == timezone.localdate() and old.end_date < instrument.valid_from
    assert instruments_verify() == (1, None)
    r = citizen.api.get(f"/citizen/policies/{number}")
    assert r.json()["status"] == "active" and r.json()["insurer"] == "insurer-b"
    assert_trial_balance_zero()


@pytest.mark.parametrize("days_to_end", [RENEWAL_OPENS_DAYS + 1, -RENEWAL_GRACE_DAYS - 1])
def test_outside_the_window_is_409_and_stores_nothing(insured_citizen, products, days_to_end):
    number = apply(insured_citizen, "basic")["policy"]
    ending_in(number, days_to_end)
    policies_daily(today=timezone.localdate())
    applications = Application.objects.count()

    r = renew(insured_citizen, number, "basic")

    assert r.status_code == 409 and r["Content-Type"].startswith("application/problem+json")
    assert "can be renewed from" in r.json()["detail"]
    assert Application.objects.count() == applications and len(terms(number)) == 1


def test_bad_product_is_422_and_stores_nothing(insured_citizen, products):
    number = apply(insured_citizen, "basic")["policy"]
    ending_in(number, 10)
    applications = Application.objects.count()
    assert renew(insured_citizen, number, "gold").status_code == 422  # another kind
    assert renew(insured_citizen, number, "no-such-product").status_code == 422
    assert renew(insured_citizen, number, "").status_code == 422
    assert Application.objects.count() == applications


def test_another_citizens_policy_is_404(insured_citizen, other_citizen, products):
    number = apply(insured_citizen, "basic")["policy"]
    ending_in(number, 10)
    assert renew(other_citizen, number, "basic").status_code == 404
    assert not Application.objects.filter(person=other_citizen.person).exists()


def test_renewing_twice_is_409_until_the_renewal_is_cancelled(citizen, products, insured_people):
    body = apply(citizen, "basic")
    pay_pension(citizen, body["payment"])
    number = body["policy"]
    old = ending_in(number, 20)
    first = renew(citizen, number, "basic")
    assert first.status_code == 201 and terms(number)[1].status == "awaiting_payment"

    again = renew(citizen, number, "basic-b", "insurer-b")

    assert again.status_code == 409 and "already been renewed" in again.json()["detail"]
    assert Application.objects.filter(renews=old).count() == 1
    # the unpaid renewal is cancelled past its deadline; the instrument's running term is untouched
    policies_daily(today=timezone.localdate() + timedelta(days=15))
    assert terms(number)[1].status == "cancelled" and "cancelled" not in kinds(number)
    assert Instrument.objects.get(number=number).status == "active"
    assert renew(citizen, number, "basic-b", "insurer-b").status_code == 201
    assert instruments_verify() == (1, None)


def test_a_renewal_is_checked_like_an_application(insured_citizen, products):
    body = apply(insured_citizen, "gold")
    pay_pension(insured_citizen, body["payment"])
    number = body["policy"]
    ending_in(number, 10)
    Person.objects.filter(pk=insured_citizen.person.pk).update(region="karaganda")  # gold is not sold there

    r = renew(insured_citizen, number, "gold")

    assert r.status_code == 201
    assert r.json()["status"] == "rejected" and r.json()["policy"] is None
    assert [reason["code"] for reason in r.json()["reasons"]] == ["region_not_served"]
    assert len(terms(number)) == 1
    assert renew(insured_citizen, number, "gold-b", "insurer-b").json()["status"] == "approved"


def test_a_renewed_term_cannot_be_cancelled_or_switched_before_its_renewal(insured_citizen, products):
    number = apply(insured_citizen, "basic")["policy"]
    ending_in(number, 10)
    assert renew(insured_citizen, number, "basic").status_code == 201
    for path, body in (("cancel", None), ("switch", {"insurer": "insurer-b", "product": "basic-b"})):
        r = insured_citizen.api.post(f"/citizen/policies/{number}/{path}", body)
        assert r.status_code == 409, (path, r.content)
    assert [p.status for p in terms(number)] == ["active", "active"]


def test_terms_of_one_number_cannot_overlap_in_the_database(insured_citizen, products):
    number = apply(insured_citizen, "basic")["policy"]
    p = Policy.objects.get(number=number)
    with pytest.raises(IntegrityError), transaction.atomic():
        Policy.objects.create(number=number, instrument=p.instrument, holder=p.holder, insurer=p.insurer,
                              version=p.version, kind=p.kind, start_date=p.end_date - timedelta(days=1),
                              end_date=term_end(p.end_date), price_tiyn=0, subsidy_tiyn=0, premium_tiyn=0)
    # a term that starts where the other ends is fine
    Policy.objects.create(number=number, instrument=p.instrument, holder=p.holder, insurer=p.insurer,
                          version=p.version, kind=p.kind, start_date=p.end_date, end_date=term_end(p.end_date),
                          price_tiyn=0, subsidy_tiyn=0, premium_tiyn=0)
