"""The policy lifecycle: apply → (approve | reject) → issue → pay → active ⇄ suspended → expired | cancelled,
top-ups, switching insurer, renewal (the next term on the same instrument). Money through policies.money (the ledger); the instrument through
policies.instruments. Locks through policies.locks, in its order.
"""
import json
import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from insurers.pricing import PricingTableMissing, age_on, quote
from insurers.selectors import offer_for
from qalqan.api.errors import Conflict, NotFound, Unprocessable
from qalqan.core.money import prorate
from qalqan.core.sql import execute_prepared, fetch_one_prepared
from qalqan.notify.services import notify_send
from qalqan.payments.models import Payment
from qalqan.payments.services import payment_create

from . import eligibility, locks, money
from .instruments import (
    NewEvent,
    instrument_issue,
    instrument_record,
    instrument_record_events,
    instrument_renew,
    instrument_transfer_custody,
)
from .models import Application, InstrumentEvent, Policy, PolicyBenefit, TopUp

logger = logging.getLogger(__name__)

PAYMENT_DAYS = 14  # days a citizen has to pay after issue before the policy is cancelled
MAX_START_AHEAD_DAYS = 90  # how far ahead a policy may start
TOPUP_SUBJECT, POLICY_SUBJECT = "topup", "policy"
RENEWAL_OPENS_DAYS = 30  # a term may be renewed from 30 days before its end date …
RENEWAL_GRACE_DAYS = 15  # … until 15 days after it (then the next term starts on the renewal day, not backdated)


def term_end(start: date) -> date:
    """One year: the same day next year (28 Feb → 28 Feb; 29 Feb → 1 Mar)."""
    try:
        return start.replace(year=start.year + 1)
    except ValueError:
        return date(start.year + 1, 3, 1)


# --- applications ------------------------------------------------------------------------------------

@transaction.atomic
def application_submit(*, person_id: int, product_code: str, insurer_code: str | None = None,
                       start_date: date | None = None, today: date | None = None, by: str = "system") -> Application:
    """Create and submit an application, check it, and approve (issuing the policy) or reject it with reasons.

    Checks: the person is in the registry; no live policy of the same kind overlaps the term; the product is
    sold in the person's region; the person's age is within the product's limits (a basic product has none:
    guaranteed issue). Unknown product or a start date in the past → 422 (nothing stored).
    """
    today = today or timezone.localdate()
    start = start_date or today
    if start < today:
        raise Unprocessable.for_field("start_date", "the start date cannot be in the past")
    if start > today + timedelta(days=MAX_START_AHEAD_DAYS):
        raise Unprocessable.for_field("start_date", f"a policy can start at most {MAX_START_AHEAD_DAYS} days ahead")
    offer = offer_for(product_code=product_code, insurer_code=insurer_code, day=start)
    if offer is None:
        raise Unprocessable.for_field("product", "no such product on sale (name the insurer if several sell this code)")
    person = locks.lock_person(person_id)
    return _application_decide(person=person, offer=offer, start=start, today=today, by=by)


def _application_decide(*, person, offer, start: date, today: date, by: str, renews: Policy | None = None
                        ) -> Application:
    """Quote, store, check and approve (issuing the policy) or reject an application; the person is locked."""
    end = term_end(start)
    insured = eligibility.insured_on(person, today)
    try:
        q = quote(offer.version, birth_date=person.birth_date, sex=person.sex, day=start, insured=insured)
    except PricingTableMissing as exc:
        raise Unprocessable.for_field("start_date", str(exc)) from None
    application = Application(
        person=person, product=offer.product, version=offer.version, start_date=start, end_date=end,
        insured=insured, price_tiyn=q.price_tiyn, subsidy_tiyn=q.subsidy_tiyn, premium_due_tiyn=q.due_tiyn,
        renews=renews, created_at=timezone.now())
    ((application.pk,),) = execute_prepared(_APPLICATION_INSERT, [
        person.pk, offer.product.pk, offer.version.pk, application.renews_id, start, end, application.status, insured,
        q.price_tiyn, q.subsidy_tiyn, q.due_tiyn, json.dumps(application.reasons), application.created_at])
    application._state.adding, application._state.db = False, connection.alias
    application.submit(by=by)  # each transition leaves its audit row; the row is saved once, decided
    reasons = _application_problems(application, person)
    now = timezone.now()
    if reasons:
        application.reject(at=now, reasons=reasons, by="system", reason="; ".join(r["code"] for r in reasons))
    else:
        application.approve(at=now, by="system")
    execute_prepared(_APPLICATION_DECIDED_UPDATE, [application.status, application.decided_at,
                                                   json.dumps(application.reasons), application.pk])
    if not reasons:
        policy_issue(application=application, today=today)
    return application


# Every application is stored, then decided: two prepared statements (the ORM's create and save cost more client CPU
# than the round trips). Application has no save signals; its transitions leave their audit rows.
_APPLICATION_INSERT = (
    f"INSERT INTO {Application._meta.db_table} (person_id, product_id, version_id, renews_id, start_date, end_date, "
    "status, insured, price_tiyn, subsidy_tiyn, premium_due_tiyn, reasons, created_at, decided_at) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s, NULL) RETURNING id")
_APPLICATION_DECIDED_UPDATE = (f"UPDATE {Application._meta.db_table} SET status = %s, decided_at = %s, "
                               "reasons = %s::jsonb WHERE id = %s")


def _application_problems(application: Application, person) -> list[dict]:
    reasons = []
    version, product = application.version, application.product
    if not person.region:
        reasons.append({"code": "no_region", "message": "the registry has no region for this person"})
    elif not version.serves_region(person.region):
        reasons.append({"code": "region_not_served",
                        "message": f"{product.insurer.name} does not sell {product.code} in {person.region}"})
    age = age_on(person.birth_date, application.start_date)
    if not product.is_basic and not version.admits_age(age):
        reasons.append({"code": "age_limits", "message": f"the product is for ages {version.min_age or 0}–"
                                                          f"{version.max_age if version.max_age is not None else '∞'}"})
    overlapping = fetch_one_prepared(_OVERLAPPING_SQL, [person.pk, product.kind, _LIVE,
                                                       application.end_date, application.start_date,
                                                       application.renews_id])
    if overlapping is not None:
        reasons.append({"code": "overlapping_policy",
                        "message": f"a live {product.kind} policy already covers part of this term "
                                   f"({overlapping[0]})"})
    return reasons


_LIVE = [status.value for status in Policy.LIVE]
# The first live policy of the kind whose term overlaps the application's (other than the one it renews), by one
# prepared statement: every application checks it.
_OVERLAPPING_SQL = (
    f"SELECT number FROM {Policy._meta.db_table} WHERE holder_id = %s AND kind = %s AND status = ANY(%s::text[]) "
    "AND start_date < %s AND end_date > %s AND id IS DISTINCT FROM %s::bigint ORDER BY id LIMIT 1")


# --- issue and activation ----------------------------------------------------------------------------

def policy_issue(*, application: Application, today: date) -> Policy:
    """Issue the policy of an approved application (inside its transaction): the instrument (a renewal keeps the
    renewed term's instrument and number), the policy, its benefits; then awaiting_payment with a payment to
    make, or active at once when nothing is due."""
    version, insurer = application.version, application.product.insurer
    if application.renews_id:
        instrument = application.renews.instrument
    else:
        instrument = instrument_issue(
            holder=application.person, custodian=insurer,
            face_value_tiyn=application.subsidy_tiyn + application.premium_due_tiyn,
            valid_from=application.start_date, valid_to=application.end_date, ref=application)
    policy = Policy.objects.create(
        number=instrument.number, instrument=instrument, application=application, holder=application.person,
        insurer=insurer, version=version, kind=application.product.kind, start_date=application.start_date,
        end_date=application.end_date, price_tiyn=application.price_tiyn, subsidy_tiyn=application.subsidy_tiyn,
        premium_tiyn=application.premium_due_tiyn)
    benefits = list(version.benefits.all())
    if benefits:
        execute_prepared(_POLICY_BENEFITS_INSERT, [
            policy.pk, [b.benefit for b in benefits], [b.limit_tiyn for b in benefits],
            [application.start_date + timedelta(days=b.waiting_days) if b.waiting_days else None for b in benefits]])
    if policy.premium_tiyn > 0:
        policy.await_payment(deadline=today + timedelta(days=PAYMENT_DAYS), by="system")
        policy.save(update_fields=["status", "payment_deadline", "updated_at"])
        policy.issue_payment = payment_create(person=policy.holder, subject=POLICY_SUBJECT, subject_id=policy.pk,
                                              amount_tiyn=policy.premium_tiyn)  # the answer names it (no look-up)
        notify_send(person_id=policy.holder_id, person=policy.holder, kind="policy_issued",
                    context={"number": policy.number, "due": _tenge(policy.premium_tiyn)})
    else:
        _activate(policy)
    return policy


# A new policy's benefits, its product version's, in one prepared statement.
_POLICY_BENEFITS_INSERT = (
    f"INSERT INTO {PolicyBenefit._meta.db_table} (policy_id, benefit, limit_tiyn, used_tiyn, waiting_until) "
    "SELECT %s, b.benefit, b.limit_tiyn, 0, b.waiting_until "
    "FROM unnest(%s::varchar[], %s::bigint[], %s::date[]) AS b (benefit, limit_tiyn, waiting_until)")


def _activate(policy: Policy, *, paid: NewEvent | None = None) -> None:
    """Make a locked policy active. The fund's subsidy is not posted here: the monthly subsidy run
    (qalqan.fund.subsidy) pays every active subsidised policy its month, with a `funded` event of the amount,
    so a policy activated today is paid by the next run (by an adjustment line when the month's run was already
    calculated). The instrument records the fund's commitment now (a `funded` event of 0 naming the subsidy),
    which also makes a fully subsidised instrument active from the first day, as its policy is. `paid`: the
    citizen's `funded` event, recorded first, under the same lock of the instrument."""
    policy.activate(at=timezone.now(), by="system")
    policy.save(update_fields=["status", "activated_at", "updated_at"])
    _renewal_take_instrument(policy)
    events = [paid] if paid else []
    if policy.subsidy_tiyn > 0 and not renewal_pending(policy):
        events.append(NewEvent(kind=InstrumentEvent.Kind.FUNDED, amount_tiyn=0,
                               data={"source": "fund", "policy": policy.pk, "subsidy_tiyn": policy.subsidy_tiyn,
                                     "paid": "monthly, by the subsidy run"}))
    if events:
        instrument_record_events(instrument_id=policy.instrument_id, events=events)
    notify_send(person_id=policy.holder_id, person=policy.holder, kind="policy_paid",
                context={"number": policy.number, "valid_until": (policy.end_date - timedelta(days=1)).isoformat()})


def policy_paid(*, payment: Payment) -> str:
    """The policy's premium payment succeeded (called inside the payment's transaction, payment locked)."""
    policy = locks.lock_policy(payment.subject_id)
    if policy.status != Policy.Status.AWAITING_PAYMENT:
        money.post_late_payment_to_refunds(key=f"policy-late-payment-{payment.pk}", provider=payment.provider,
                                           amount_tiyn=payment.amount_tiyn, ref=payment)
        _refund_after_commit(payment.pk, payment.amount_tiyn)
        logger.warning("payment %s arrived for policy %s in state %s: refunded", payment.pk, policy.pk, policy.status)
        return "refunded_late"
    money.post_citizen_payment(key=f"policy-premium-{policy.pk}", provider=payment.provider, insurer=policy.insurer,
                               amount_tiyn=payment.amount_tiyn, ref=policy)
    _renewal_take_instrument(policy, paying=True)
    _activate(policy, paid=NewEvent(kind=InstrumentEvent.Kind.FUNDED, amount_tiyn=payment.amount_tiyn,
                                    data={"source": payment.provider, "payment": payment.pk}))
    return "activated"


def _refund_after_commit(payment_id: int, amount_tiyn: int) -> None:
    from .tasks import payment_refund_task

    transaction.on_commit(lambda: payment_refund_task.delay(payment_id, amount_tiyn))


def _tenge(tiyn: int) -> str:
    from qalqan.core.money import format_tiyn

    return format_tiyn(tiyn)


# --- renewal -----------------------------------------------------------------------------------------

RENEWABLE = (Policy.Status.ACTIVE, Policy.Status.SUSPENDED, Policy.Status.EXPIRED)


def renewal_window(policy: Policy) -> tuple[date, date]:
    """[opens, closes): from RENEWAL_OPENS_DAYS before the end date until RENEWAL_GRACE_DAYS after it."""
    return (policy.end_date - timedelta(days=RENEWAL_OPENS_DAYS),
            policy.end_date + timedelta(days=RENEWAL_GRACE_DAYS))


def live_renewal_of(policy: Policy) -> Policy | None:
    """The next term that renews this one and is not cancelled, if any (switched on later, it still counts)."""
    return Policy.objects.filter(application__renews=policy).exclude(status=Policy.Status.CANCELLED).first()


def policy_renewable(policy: Policy, *, today: date) -> bool:
    """May the holder renew this term today (the page shows the Renew button)?"""
    opens, closes = renewal_window(policy)
    return policy.status in RENEWABLE and opens <= today < closes and live_renewal_of(policy) is None


def renewal_pending(policy: Policy) -> bool:
    """A renewal whose instrument still carries the term it renews (the next term has not taken it yet)."""
    if not policy.application_id:
        return False
    renews_id = policy.application.renews_id  # loaded with the policy by locks.lock_policy (else one query)
    if renews_id is None:
        return False
    return not InstrumentEvent.objects.filter(instrument_id=policy.instrument_id, kind=InstrumentEvent.Kind.RENEWED,
                                              data__policy=policy.pk).exists()


def _renewal_take_instrument(policy: Policy, *, paying: bool = False) -> None:
    """At the term boundary the renewal (a locked, active or being-paid policy) takes the instrument: custody to
    its insurer when that changes (nothing is unearned at the boundary: no ledger transfer) and a `renewed`
    event with its term and face value. Only once the renewed term has ended (expired); before that nothing
    happens and the beat task's expiry of the old term does it."""
    if not renewal_pending(policy) or not (paying or policy.status == Policy.Status.ACTIVE):
        return
    from .instruments import instrument_lock

    instrument_lock(policy.instrument_id)  # waits for an expiry of the old term in flight, then reads it
    renews = Policy.objects.get(pk=policy.application.renews_id)
    if renews.status != Policy.Status.EXPIRED:
        return
    instrument_renew(instrument_id=policy.instrument_id, custodian=policy.insurer, valid_from=policy.start_date,
                     valid_to=policy.end_date, face_value_tiyn=policy.face_value_tiyn,
                     key=f"policy-renewal-{policy.pk}",
                     data={"policy": policy.pk, "renews": renews.pk, "product": policy.version.product.code})


@transaction.atomic
def policy_renew(*, policy_id: int, product_code: str, insurer_code: str | None = None, today: date | None = None,
                 by: str = "system") -> Application:
    """Renew a term for the next one: an application that carries `renews`, checked, priced and subsidised like
    any application (approved → the next term is issued on the same instrument and number, to pay or active).

    The window is [end − RENEWAL_OPENS_DAYS, end + RENEWAL_GRACE_DAYS); the next term starts the day after the
    last covered day (end_date), or on the renewal day when renewed in the grace after the end (no backdating).
    The product may be the same or another insurer's of the same kind. Outside the window, a policy that is
    not active, suspended or expired, or one already renewed → 409; an unknown product or another kind → 422.
    """
    today = today or timezone.localdate()
    holder_id = Policy.objects.filter(pk=policy_id).values_list("holder_id", flat=True).first()
    if holder_id is None:
        raise NotFound()
    person = locks.lock_person(holder_id)  # serialises the holder's applications and renewals
    policy = locks.lock_policy(policy_id)
    if policy.status not in RENEWABLE:
        raise Conflict(f"a {policy.status} policy cannot be renewed", state=policy.status)
    renewal = live_renewal_of(policy)
    if renewal is not None:
        raise Conflict(f"the policy has already been renewed (the next term starts {renewal.start_date.isoformat()})",
                       state=policy.status)
    opens, closes = renewal_window(policy)
    if not opens <= today < closes:
        raise Conflict(f"a policy can be renewed from {opens.isoformat()} until "
                       f"{(closes - timedelta(days=1)).isoformat()}", state=policy.status)
    start = max(policy.end_date, today)
    offer = offer_for(product_code=product_code, insurer_code=insurer_code, day=start)
    if offer is None:
        raise Unprocessable.for_field("product", "no such product on sale (name the insurer if several sell this code)")
    if offer.product.kind != policy.kind:
        raise Unprocessable.for_field("product", f"renew with a {policy.kind} product")
    return _application_decide(person=person, offer=offer, start=start, today=today, by=by, renews=policy)


# --- lifecycle after activation ----------------------------------------------------------------------

@dataclass(frozen=True)
class Cancelled:
    policy: Policy
    refund_tiyn: int
    subsidy_returned_tiyn: int


@transaction.atomic
def policy_cancel(*, policy_id: int, on: date | None = None, by: str = "system", reason: str = "") -> Cancelled:
    """Cancel a live policy. What the citizen paid (premium and top-ups) is refunded pro rata to the days
    left. The fund's subsidy needs nothing here: the monthly run pays the days in force (ended_on), and the
    next run takes back, by an adjustment line, what a paid month's run paid past them. Only a policy whose
    whole-term subsidy was posted at activation (`subsidy_posted`, before the run paid subsidies) returns the
    unearned part of it to the fund now. An unpaid policy is simply cancelled."""
    on = on or timezone.localdate()
    payment = locks.lock_payment_of(POLICY_SUBJECT, policy_id)
    policy = locks.lock_policy(policy_id)
    if (renewal := live_renewal_of(policy)) is not None:
        raise Conflict(f"the policy has been renewed (the next term starts {renewal.start_date.isoformat()}): "
                       "cancel the renewal first", state=policy.status)
    was = policy.status
    pending = renewal_pending(policy)
    policy.cancel(on=on, by=by, reason=reason)
    policy.save()
    refund = returned = 0
    if was in (Policy.Status.ACTIVE, Policy.Status.SUSPENDED):
        total = (policy.end_date - policy.start_date).days
        left = min(max((policy.end_date - max(on, policy.start_date)).days, 0), total)
        if payment is not None and payment.status == Payment.Status.SUCCEEDED:
            part = prorate(payment.amount_tiyn, left, total)
            refund += _owe_refund(policy, payment, part, key=f"policy-cancel-refund-{policy.pk}")
        for topup in policy.topups.select_for_update().filter(status=TopUp.Status.APPLIED):
            topup_payment = Payment.objects.filter(subject=TOPUP_SUBJECT, subject_id=topup.pk,
                                                   status=Payment.Status.SUCCEEDED).first()
            if topup_payment is not None:
                part = prorate(topup_payment.amount_tiyn, left, total)
                refund += _owe_refund(policy, topup_payment, part, key=f"topup-cancel-refund-{topup.pk}")
        if policy.subsidy_posted:
            returned = prorate(policy.subsidy_tiyn, left, total)
            if returned:
                money.post_subsidy_return(key=f"policy-cancel-subsidy-{policy.pk}", insurer=policy.insurer,
                                          amount_tiyn=returned, ref=policy)
    for topup in policy.topups.select_for_update().filter(status=TopUp.Status.REQUESTED):
        topup.cancel(by=by, reason="policy cancelled")
        topup.save()
    if not pending:  # a renewal that never took its instrument leaves the instrument's current term alone
        instrument_record(instrument_id=policy.instrument_id, kind=InstrumentEvent.Kind.CANCELLED,
                          amount_tiyn=refund + returned, data={"on": on.isoformat(), "refund_tiyn": refund,
                                                               "subsidy_returned_tiyn": returned, "reason": reason})
    notify_send(person_id=policy.holder_id, kind="policy_cancelled",
                context={"number": policy.number, "refund": _tenge(refund)})
    return Cancelled(policy=policy, refund_tiyn=refund, subsidy_returned_tiyn=returned)


def _owe_refund(policy: Policy, payment: Payment, amount: int, *, key: str) -> int:
    if amount <= 0:
        return 0
    money.post_to_refunds(key=key, insurer=policy.insurer, amount_tiyn=amount, ref=policy)
    _refund_after_commit(payment.pk, amount)
    return amount


@transaction.atomic
def policy_expire(*, policy_id: int, today: date) -> bool:
    policy = locks.lock_policy(policy_id)
    if policy.status not in (Policy.Status.ACTIVE, Policy.Status.SUSPENDED) or policy.end_date > today:
        return False
    pending = renewal_pending(policy)
    policy.expire(on=policy.end_date, by="system", reason="term ended")
    policy.save()
    renewal = live_renewal_of(policy)
    if renewal is not None and renewal.status == Policy.Status.ACTIVE:
        _renewal_take_instrument(locks.lock_policy(renewal.pk))  # the next term goes on without a gap
    elif not pending:
        instrument_record(instrument_id=policy.instrument_id, kind=InstrumentEvent.Kind.EXPIRED,
                          data={"on": policy.end_date.isoformat()})
    return True


@transaction.atomic
def policy_cancel_unpaid(*, policy_id: int, today: date) -> bool:
    payment = locks.lock_payment_of(POLICY_SUBJECT, policy_id)
    policy = locks.lock_policy(policy_id)
    if policy.status != Policy.Status.AWAITING_PAYMENT or policy.payment_deadline >= today:
        return False
    if payment is not None and payment.status == Payment.Status.SUCCEEDED:
        return False
    policy_cancel(policy_id=policy.pk, on=today, by="system", reason="unpaid past the deadline")
    return True


@transaction.atomic
def policy_sync_status(*, policy_id: int, today: date) -> str:
    """A subsidised policy follows its holder's insurance status: lost → suspended, back → active."""
    policy = locks.lock_policy(policy_id)
    if policy.subsidy_tiyn <= 0:
        return "unchanged"
    insured = eligibility.insured_on(policy.holder, today)
    pending = renewal_pending(policy)  # a renewal not yet on its instrument follows on the policy row only
    if policy.status == Policy.Status.ACTIVE and not insured:
        policy.suspend(by="system", reason="insurance status lost")
        policy.save()
        if not pending:
            instrument_record(instrument_id=policy.instrument_id, kind=InstrumentEvent.Kind.SUSPENDED,
                              data={"on": today.isoformat()})
        notify_send(person_id=policy.holder_id, kind="policy_suspended", context={"number": policy.number})
        return "suspended"
    if policy.status == Policy.Status.SUSPENDED and insured:
        policy.resume(by="system", reason="insurance status back")
        policy.save()
        if pending:
            _renewal_take_instrument(policy)
        else:
            instrument_record(instrument_id=policy.instrument_id, kind=InstrumentEvent.Kind.REINSTATED,
                              data={"on": today.isoformat()})
        notify_send(person_id=policy.holder_id, kind="policy_resumed", context={"number": policy.number})
        return "resumed"
    return "unchanged"


def policies_daily(*, today: date | None = None) -> dict:
    """The beat task's work (idempotent): cancel the unpaid, expire the ended, follow insurance status,
    warn of expiry 30 days ahead."""
    today = today or timezone.localdate()
    counts = {"cancelled": 0, "expired": 0, "suspended": 0, "resumed": 0, "expiring_notices": 0}
    unpaid = Policy.objects.filter(status=Policy.Status.AWAITING_PAYMENT, payment_deadline__lt=today)
    for pk in unpaid.values_list("pk", flat=True):
        counts["cancelled"] += policy_cancel_unpaid(policy_id=pk, today=today)
    ended = Policy.objects.filter(status__in=[Policy.Status.ACTIVE, Policy.Status.SUSPENDED], end_date__lte=today)
    for pk in ended.values_list("pk", flat=True):
        counts["expired"] += policy_expire(policy_id=pk, today=today)
    subsidised = Policy.objects.filter(status__in=[Policy.Status.ACTIVE, Policy.Status.SUSPENDED], subsidy_tiyn__gt=0)
    for pk in subsidised.values_list("pk", flat=True):
        outcome = policy_sync_status(policy_id=pk, today=today)
        if outcome in counts:
            counts[outcome] += 1
    counts["expiring_notices"] = policies_warn_expiring(today=today)
    return counts


@transaction.atomic
def policies_warn_expiring(*, today: date) -> int:
    """Tell holders whose policy ends in 30 days (once per policy)."""
    from qalqan.notify.models import Notification

    sent = 0
    expiring = Policy.objects.filter(status=Policy.Status.ACTIVE, end_date=today + timedelta(days=31))
    for policy in expiring:
        if Notification.objects.filter(person_id=policy.holder_id, kind="policy_expiring",
                                       context__number=policy.number).exists():
            continue
        notify_send(person_id=policy.holder_id, kind="policy_expiring",
                    context={"number": policy.number, "valid_until": (policy.end_date - timedelta(days=1)).isoformat()})
        sent += 1
    return sent


# --- top-ups -----------------------------------------------------------------------------------------

@transaction.atomic
def topup_request(*, policy_id: int, amount_tiyn: int, by: str = "system") -> TopUp:
    """Ask to raise a live policy's limits by paying `amount_tiyn` more (× the product's multiplier)."""
    if amount_tiyn <= 0:
        raise Unprocessable.for_field("amount_tiyn", "a top-up is a positive amount of tiyn")
    policy = locks.lock_policy(policy_id)
    if policy.status not in (Policy.Status.ACTIVE, Policy.Status.SUSPENDED, Policy.Status.AWAITING_PAYMENT):
        raise Conflict(f"a {policy.status} policy cannot be topped up", state=policy.status)
    multiplier = policy.version.topup_limit_per_tiyn
    raise_tiyn = int(amount_tiyn * multiplier)
    topup = TopUp.objects.create(policy=policy, amount_tiyn=amount_tiyn, limit_raise_tiyn=raise_tiyn)
    payment_create(person=policy.holder, subject=TOPUP_SUBJECT, subject_id=topup.pk, amount_tiyn=amount_tiyn)
    return topup


def topup_paid(*, payment: Payment) -> str:
    """A top-up's payment succeeded (inside the payment's transaction): money to the insurer, limits up."""
    topup = TopUp.objects.get(pk=payment.subject_id)
    policy = locks.lock_policy(topup.policy_id)
    topup = locks.lock_topup(topup.pk)
    if topup.status != TopUp.Status.REQUESTED or policy.status not in (Policy.Status.ACTIVE, Policy.Status.SUSPENDED,
                                                                        Policy.Status.AWAITING_PAYMENT):
        money.post_late_payment_to_refunds(key=f"topup-late-payment-{payment.pk}", provider=payment.provider,
                                           amount_tiyn=payment.amount_tiyn, ref=payment)
        _refund_after_commit(payment.pk, payment.amount_tiyn)
        return "refunded_late"
    topup.pay(by=payment.provider)
    topup.save()
    money.post_citizen_payment(key=f"topup-premium-{topup.pk}", provider=payment.provider, insurer=policy.insurer,
                               amount_tiyn=payment.amount_tiyn, ref=topup)
    _raise_limits(policy, topup.limit_raise_tiyn)
    policy.topups_tiyn += topup.amount_tiyn
    policy.save(update_fields=["topups_tiyn", "updated_at"])
    pending = renewal_pending(policy)  # its face value reaches the instrument when the term takes it
    instrument_record(instrument_id=policy.instrument_id, kind=InstrumentEvent.Kind.FUNDED,
                      amount_tiyn=topup.amount_tiyn, face_value_tiyn=None if pending else policy.face_value_tiyn,
                      data={"source": payment.provider, "topup": topup.pk, "limit_raise_tiyn": topup.limit_raise_tiyn})
    topup.apply(at=timezone.now(), by="system")
    topup.save()
    notify_send(person_id=policy.holder_id, kind="topup_applied", context={"number": policy.number})
    return "applied"


def _raise_limits(policy: Policy, raise_tiyn: int) -> None:
    """Spread the raise over the policy's benefits in proportion to their limits (equally if all are zero);
    rounding leftovers go to the first benefit, so the parts sum to the raise exactly."""
    benefits = list(policy.benefits.select_for_update().order_by("benefit"))
    if not benefits or raise_tiyn <= 0:
        return
    total = sum(b.limit_tiyn for b in benefits)
    parts = [prorate(raise_tiyn, b.limit_tiyn, total) if total else raise_tiyn // len(benefits) for b in benefits]
    parts[0] += raise_tiyn - sum(parts)
    for benefit, part in zip(benefits, parts):
        benefit.limit_tiyn += part
    PolicyBenefit.objects.bulk_update(benefits, ["limit_tiyn"])


# --- switching insurer -------------------------------------------------------------------------------

@transaction.atomic
def policy_switch_insurer(*, policy_id: int, insurer_code: str, product_code: str, on: date | None = None,
                          by: str = "system") -> Policy:
    """Move an active policy to another insurer's product of the same kind: the instrument changes custodian
    with the unearned part of what the old insurer was paid in advance (a ledger transfer), this policy becomes `transferred` and a new policy with the
    same number continues at the new insurer until the same end date, with the new product's benefits
    (what was used so far stays used)."""
    on = on or timezone.localdate()
    policy = locks.lock_policy(policy_id)
    offer = offer_for(product_code=product_code, insurer_code=insurer_code, day=on)
    if offer is None:
        raise Unprocessable.for_field("product", "no such product on sale")
    if offer.product.kind != policy.kind:
        raise Unprocessable.for_field("product", f"switch to a {policy.kind} product")
    if offer.product.insurer_id == policy.insurer_id:
        raise Unprocessable.for_field("insurer", "the policy is already with this insurer")
    if policy.status != Policy.Status.ACTIVE:
        raise Conflict(f"a {policy.status} policy cannot switch insurer", state=policy.status)
    if renewal_pending(policy):
        raise Conflict("the renewed term has not started yet: renew with the other insurer instead",
                       state=policy.status)
    if live_renewal_of(policy) is not None:
        raise Conflict("the policy has been renewed: its next term decides the insurer from its start",
                       state=policy.status)
    if policy.holder.region and not offer.version.serves_region(policy.holder.region):
        raise Unprocessable.for_field("insurer", "this insurer does not sell the product in your region")
    # the insurer holds the citizen's premium and top-ups for the term in advance; the fund's subsidy follows
    # the policy month by month (the run pays each insurer its days), unless it was posted whole (legacy: the
    # whole face value was paid in advance)
    advance = None if policy.subsidy_posted else policy.premium_tiyn + policy.topups_tiyn
    instrument_transfer_custody(instrument_id=policy.instrument_id, to_custodian=offer.product.insurer, on_date=on,
                                key=f"policy-switch-{policy.pk}", advance_tiyn=advance)
    used = {b.benefit: b.used_tiyn for b in policy.benefits.all()}
    policy.transfer(on=on, by=by, reason=f"switched to {offer.product.insurer.code}")
    policy.save()
    successor = Policy.objects.create(
        number=policy.number, instrument_id=policy.instrument_id, previous=policy, holder=policy.holder,
        insurer=offer.product.insurer, version=offer.version, kind=policy.kind, start_date=max(on, policy.start_date),
        end_date=policy.end_date, price_tiyn=policy.price_tiyn, subsidy_tiyn=policy.subsidy_tiyn,
        premium_tiyn=policy.premium_tiyn, topups_tiyn=policy.topups_tiyn, subsidy_posted=policy.subsidy_posted,
        status=Policy.Status.ACTIVE, activated_at=timezone.now())
    PolicyBenefit.objects.bulk_create(
        PolicyBenefit(policy=successor, benefit=b.benefit, limit_tiyn=b.limit_tiyn,
                      used_tiyn=min(used.get(b.benefit, 0), b.limit_tiyn))
        for b in offer.version.benefits.all())
    return successor

