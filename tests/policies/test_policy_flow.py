import io
from datetime import date, timedelta

import segno
from django.utils import timezone
from pypdf import PdfReader

from insurers.pricing import basic_price
from policies.models import Application, Instrument, Policy, PolicyBenefit, TopUp
from policies.pdf import verification_url
from policies.services import policies_daily, policy_cancel, policy_switch_insurer
from qalqan.fund.subsidy.calculation import next_month
from qalqan.fund.subsidy.models import SubsidyLine
from qalqan.ledger.models import Transfer
from qalqan.ledger.services import balance_of
from qalqan.notify.models import Notification
from qalqan.payments.models import Payment
from tests.fund.subsidy_runs import fund_the_pool, pay_month

from .conftest import GOLD_PREMIUM, apply, pay_pension


def basic_of(person, day=None):
    return basic_price(birth_date=person.birth_date, sex=person.sex, day=day or timezone.localdate()).annual_tiyn


def policy(number):
    return Policy.objects.exclude(status="transferred").get(number=number)


# --- applying ----------------------------------------------------------------------------------------

def test_insured_basic_policy_is_active_at_once_and_the_monthly_run_pays(insured_citizen, products,
                                                                          assert_trial_balance_zero):
    body = apply(insured_citizen, "basic")
    subsidy = basic_of(insured_citizen.person)
    assert body["status"] == "approved" and body["subsidy_tiyn"] == subsidy and body["premium_due_tiyn"] == 0
    assert body["payment"] is None and body["policy"].startswith("KZQ")
    p = policy(body["policy"])
    assert p.status == "active" and p.face_value_tiyn == subsidy and not p.subsidy_posted
    assert {b.benefit: b.limit_tiyn for b in p.benefits.all()} == {"inpatient": 300_000_000, "kdu": 50_000_000}
    # activation posts no subsidy: the instrument records the fund's commitment, the month's run pays it
    assert balance_of("insurer:insurer-a:premium") == 0 and not Transfer.objects.exists()
    assert p.instrument.status == Instrument.Status.ACTIVE and p.instrument.face_value_tiyn == subsidy
    committed = p.instrument.events.get(kind="funded")
    assert committed.amount_tiyn == 0 and committed.data["source"] == "fund"
    assert committed.data["subsidy_tiyn"] == subsidy

    fund_the_pool()
    run = pay_month(p.start_date)

    line = SubsidyLine.objects.get(run=run, policy=p)
    assert line.kind == "normal" and 0 < line.amount_tiyn < subsidy
    assert balance_of("insurer:insurer-a:premium") == line.amount_tiyn
    paid = p.instrument.events.exclude(pk=committed.pk).get(kind="funded")
    assert paid.amount_tiyn == line.amount_tiyn and paid.data == {"line": "normal", "subsidy_run": run.pk,
                                                                   "period": f"{run.period:%Y-%m}"}
    assert_trial_balance_zero()


def test_insured_extended_policy_pays_the_difference(insured_citizen, products, assert_trial_balance_zero):
    body = apply(insured_citizen, "gold")
    subsidy = basic_of(insured_citizen.person)
    assert body["status"] == "approved"
    assert body["subsidy_tiyn"] == subsidy and body["premium_due_tiyn"] == GOLD_PREMIUM - subsidy
    p = policy(body["policy"])
    assert p.status == "awaiting_payment" and p.payment_deadline == timezone.localdate() + timedelta(days=14)
    assert balance_of("insurer:insurer-a:premium") == 0
    paid = pay_pension(insured_citizen, body["payment"])
    assert paid["status"] == "succeeded"
    p = policy(body["policy"])
    assert p.status == "active"
    assert balance_of("insurer:insurer-a:premium") == GOLD_PREMIUM - subsidy  # the citizen's share; the run pays the rest
    assert balance_of("clearing:pension") == -(GOLD_PREMIUM - subsidy)
    assert list(p.instrument.events.filter(kind="funded").values_list("data__source", "amount_tiyn")) == [
        ("pension", GOLD_PREMIUM - subsidy), ("fund", 0)]  # the fund's share comes with the monthly runs
    dental = p.benefits.get(benefit="dental")
    assert dental.waiting_until == p.start_date + timedelta(days=30)
    assert_trial_balance_zero()


def test_uninsured_pays_everything(citizen, products, insured_people, assert_trial_balance_zero):
    body = apply(citizen, "basic")
    assert body["subsidy_tiyn"] == 0 and body["premium_due_tiyn"] == basic_of(citizen.person)
    assert body["insured"] is False
    assert policy(body["policy"]).status == "awaiting_payment"
    pay_pension(citizen, body["payment"])
    assert policy(body["policy"]).status == "active"
    assert balance_of("insurer:insurer-a:premium") == basic_of(citizen.person)
    assert_trial_balance_zero()


def test_premium_never_below_zero(insured_citizen, insurer, pricing_tables):
    from insurers.services import BenefitIn, product_publish

    product_publish(insurer=insurer.organisation, code="cheap", name="Cheap", kind="osms_dms",
                    annual_premium_tiyn=100, benefits=[BenefitIn("dental", 1000)])
    body = apply(insured_citizen, "cheap")
    assert body["subsidy_tiyn"] == 100 and body["premium_due_tiyn"] == 0
    assert policy(body["policy"]).status == "active"


def test_start_date_later_and_in_the_past(insured_citizen, products):
    later = timezone.localdate() + timedelta(days=10)
    body = apply(insured_citizen, "basic", start_date=later.isoformat())
    p = policy(body["policy"])
    assert p.start_date == later and p.end_date == later.replace(year=later.year + 1)
    past = insured_citizen.api.post("/citizen/applications", {"product": "gold",
                                                              "start_date": "2020-01-01"})
    assert past.status_code == 422 and past.json()["errors"][0]["field"] == "start_date"


def test_unknown_product_is_422_and_nothing_stored(insured_citizen, products):
    r = insured_citizen.api.post("/citizen/applications", {"product": "platinum"})
    assert r.status_code == 422 and r["Content-Type"] == "application/problem+json"
    r = insured_citizen.api.post("/citizen/applications", {"product": "gold", "insurer": "insurer-b"})
    assert r.status_code == 422
    assert not Application.objects.exists()


def test_rejected_region_not_served(make_citizen, products, insured_people):
    karaganda = make_citizen(region="karaganda", categories=["employee"])
    body = apply(karaganda, "gold")
    assert body["status"] == "rejected" and body["policy"] is None
    assert [r["code"] for r in body["reasons"]] == ["region_not_served"]
    assert apply(karaganda, "basic")["status"] == "approved"  # the basic package serves every region


def test_rejected_overlapping_policy_of_the_same_kind(insured_citizen, products):
    assert apply(insured_citizen, "basic")["status"] == "approved"
    second = apply(insured_citizen, "basic-b", "insurer-b")
    assert second["status"] == "rejected" and second["reasons"][0]["code"] == "overlapping_policy"
    assert apply(insured_citizen, "gold")["status"] == "approved"  # another kind may overlap
    assert Policy.objects.filter(holder=insured_citizen.person).count() == 2


def test_rejected_age_limits_but_basic_is_guaranteed_issue(make_citizen, products, insured_people):
    elder = make_citizen(birth_date=date(1950, 3, 3), categories=["pensioner"])
    insured_people.add(elder.person.pk)
    body = apply(elder, "gold")
    assert body["status"] == "rejected" and body["reasons"][0]["code"] == "age_limits"
    basic = apply(elder, "basic")
    assert basic["status"] == "approved"
    assert basic["subsidy_tiyn"] > basic_of(make_citizen(birth_date=date(1995, 1, 1)).person)  # risk-adjusted


def test_rejection_is_recorded_with_an_audit_row(make_citizen, products, insured_people):
    from qalqan.audit.models import StateChange

    karaganda = make_citizen(region="karaganda")
    body = apply(karaganda, "gold")
    transitions = list(StateChange.objects.filter(object_id=body["id"], transition__in=["submit", "reject"])
                       .values_list("transition", flat=True))
    assert transitions == ["submit", "reject"]


# --- scoping -----------------------------------------------------------------------------------------

def test_another_citizens_policy_application_pdf_payment_are_404(insured_citizen, other_citizen, products):
    body = apply(insured_citizen, "gold")
    number = body["policy"]
    for path in (f"/citizen/policies/{number}", f"/citizen/policies/{number}/pdf",
                 f"/citizen/applications/{body['id']}"):
        assert other_citizen.api.get(path).status_code == 404, path
        assert insured_citizen.api.get(path).status_code == 200, path
    assert other_citizen.api.post(f"/citizen/policies/{number}/topups", {"amount_tiyn": 100}).status_code == 404
    assert other_citizen.api.post(f"/citizen/policies/{number}/cancel").status_code == 404
    assert other_citizen.api.post(f"/citizen/payments/{body['payment']}/pension").status_code == 404
    assert other_citizen.api.get("/citizen/policies").json()["items"] == []
    assert policy(number).status == "awaiting_payment"


def test_insurer_token_cannot_use_citizen_endpoints(insurer, products):
    assert insurer.api.post("/citizen/applications", {"product": "basic"}).status_code == 403


def test_my_policies_show_limits_used_and_remaining(insured_citizen, products):
    number = apply(insured_citizen, "basic")["policy"]
    PolicyBenefit.objects.filter(policy__number=number, benefit="kdu").update(used_tiyn=10_000_000)
    items = insured_citizen.api.get("/citizen/policies").json()["items"]
    kdu = next(b for b in items[0]["benefits"] if b["code"] == "kdu")
    assert kdu == {"code": "kdu", "limit_tiyn": 50_000_000, "used_tiyn": 10_000_000, "remaining_tiyn": 40_000_000,
                   "waiting_until": None}


# --- top-ups -----------------------------------------------------------------------------------------

def test_topup_raises_limits_by_the_products_multiplier(insured_citizen, products, assert_trial_balance_zero):
    number = apply(insured_citizen, "basic")["policy"]
    r = insured_citizen.api.post(f"/citizen/policies/{number}/topups", {"amount_tiyn": 1_000_000})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "requested" and body["limit_raise_tiyn"] == 1_000_000  # default multiplier 1
    before = sum(policy(number).benefits.values_list("limit_tiyn", flat=True))
    pay_pension(insured_citizen, body["payment"])
    p = policy(number)
    assert TopUp.objects.get(pk=body["id"]).status == "applied"
    assert sum(p.benefits.values_list("limit_tiyn", flat=True)) == before + 1_000_000
    assert p.topups_tiyn == 1_000_000 and p.instrument.face_value_tiyn == p.face_value_tiyn
    assert balance_of("insurer:insurer-a:premium") == 1_000_000  # the subsidy comes with the monthly run
    assert_trial_balance_zero()


def test_topup_bad_input(insured_citizen, products):
    number = apply(insured_citizen, "basic")["policy"]
    for amount in (0, -5):
        r = insured_citizen.api.post(f"/citizen/policies/{number}/topups", {"amount_tiyn": amount})
        assert r.status_code == 422
    assert not TopUp.objects.exists() and not Payment.objects.exists()


def test_topup_on_a_cancelled_policy_is_409(insured_citizen, products):
    number = apply(insured_citizen, "gold")["policy"]
    insured_citizen.api.post(f"/citizen/policies/{number}/cancel")
    r = insured_citizen.api.post(f"/citizen/policies/{number}/topups", {"amount_tiyn": 100})
    assert r.status_code == 409 and r.json()["state"] == "cancelled"


# --- cancellation and refunds ------------------------------------------------------------------------

def test_cancel_midterm_refunds_the_unearned_premium_pro_rata(insured_citizen, products, assert_trial_balance_zero,
                                                               django_capture_on_commit_callbacks):
    body = apply(insured_citizen, "gold")
    pay_pension(insured_citizen, body["payment"])
    p = policy(body["policy"])
    total = (p.end_date - p.start_date).days
    on = p.start_date + timedelta(days=total // 2)
    with django_capture_on_commit_callbacks(execute=True):
        result = policy_cancel(policy_id=p.pk, on=on, reason="test")
    left = (p.end_date - on).days
    expected = (2 * p.premium_tiyn * left + total) // (2 * total)
    assert result.refund_tiyn == expected
    assert result.subsidy_returned_tiyn == 0  # no subsidy was paid in advance: the runs pay the days in force
    payment = Payment.objects.get(pk=body["payment"])
    assert payment.status == "refunded" and payment.refunded_tiyn == expected  # eager Celery ran the refund
    assert balance_of("refunds:payable") == 0
    assert balance_of("insurer:insurer-a:premium") == p.premium_tiyn - expected
    assert policy(body["policy"]).instrument.status == "cancelled"
    assert_trial_balance_zero()


def test_cancel_after_a_paid_month_is_corrected_by_the_next_run(insured_citizen, products,
                                                                assert_trial_balance_zero):
    p = policy(apply(insured_citizen, "basic")["policy"])
    fund_the_pool()
    paid = SubsidyLine.objects.get(run=pay_month(p.start_date), policy=p)
    result = policy_cancel(policy_id=p.pk, on=p.start_date, reason="test")  # never in force after all
    assert result.subsidy_returned_tiyn == 0 and balance_of("insurer:insurer-a:premium") == paid.amount_tiyn

    later = pay_month(next_month(p.start_date))

    correction = SubsidyLine.objects.get(run=later, policy=p)  # no line for the new month, one adjustment
    assert correction.kind == "adjustment" and correction.amount_tiyn == -paid.amount_tiyn
    assert correction.for_period == paid.for_period
    assert SubsidyLine.objects.get(pk=paid.pk).amount_tiyn == paid.amount_tiyn  # the paid line is untouched
    assert balance_of("insurer:insurer-a:premium") == 0 and balance_of("fund:clearing") == 0
    assert_trial_balance_zero()


def test_a_policy_whose_whole_subsidy_was_posted_at_activation_returns_it_and_is_not_paid_again(
        insured_citizen, products, assert_trial_balance_zero):
    """Policies activated before the monthly run became the fund's only payer carry `subsidy_posted`."""
    from policies.money import premium_account
    from qalqan.ledger.services import account_ensure, transfer_post

    p = policy(apply(insured_citizen, "basic")["policy"])
    budget = account_ensure(code="budget:republican", kind="budget_source", may_go_negative=True)
    transfer_post(key=f"policy-subsidy-{p.pk}", lines=[(budget, -p.subsidy_tiyn),
                                                       (premium_account(p.insurer), p.subsidy_tiyn)],
                  reason="subsidy.policy", ref=p)  # what activation used to post
    Policy.objects.filter(pk=p.pk).update(subsidy_posted=True)
    fund_the_pool()
    assert not SubsidyLine.objects.filter(run=pay_month(p.start_date)).exists()

    total = (p.end_date - p.start_date).days
    on = p.start_date + timedelta(days=total // 2)
    result = policy_cancel(policy_id=p.pk, on=on, reason="test")

    left = (p.end_date - on).days
    assert result.subsidy_returned_tiyn == (2 * p.subsidy_tiyn * left + total) // (2 * total)
    assert balance_of("insurer:insurer-a:premium") == p.subsidy_tiyn - result.subsidy_returned_tiyn
    assert_trial_balance_zero()


def test_cancel_unpaid_has_nothing_to_refund(insured_citizen, products, assert_trial_balance_zero):
    body = apply(insured_citizen, "gold")
    r = insured_citizen.api.post(f"/citizen/policies/{body['policy']}/cancel")
    assert r.status_code == 200 and r.json() == {"number": body["policy"], "status": "cancelled", "refund_tiyn": 0}
    again = insured_citizen.api.post(f"/citizen/policies/{body['policy']}/cancel")
    assert again.status_code == 409
    assert_trial_balance_zero()


def test_payment_after_cancellation_is_refunded_in_full(insured_citizen, products, assert_trial_balance_zero,
                                                        django_capture_on_commit_callbacks):
    body = apply(insured_citizen, "gold")
    insured_citizen.api.post(f"/citizen/policies/{body['policy']}/cancel")
    with django_capture_on_commit_callbacks(execute=True):
        pay_pension(insured_citizen, body["payment"])
    payment = Payment.objects.get(pk=body["payment"])
    assert payment.status == "refunded" and payment.refunded_tiyn == payment.amount_tiyn
    assert policy(body["policy"]).status == "cancelled"
    assert balance_of("insurer:insurer-a:premium") == 0
    assert_trial_balance_zero()


# --- the daily beat task -----------------------------------------------------------------------------

def test_daily_cancels_unpaid_past_deadline_once(insured_citizen, products):
    body = apply(insured_citizen, "gold")
    p = policy(body["policy"])
    assert policies_daily(today=p.payment_deadline)["cancelled"] == 0
    counts = policies_daily(today=p.payment_deadline + timedelta(days=1))
    assert counts["cancelled"] == 1 and policy(body["policy"]).status == "cancelled"
    assert policies_daily(today=p.payment_deadline + timedelta(days=2))["cancelled"] == 0


def test_daily_expires_at_term_end_once(insured_citizen, products):
    p = policy(apply(insured_citizen, "basic")["policy"])
    assert policies_daily(today=p.end_date - timedelta(days=1))["expired"] == 0
    assert policies_daily(today=p.end_date)["expired"] == 1
    p = policy(p.number)
    assert p.status == "expired" and p.instrument.status == "expired"
    assert policies_daily(today=p.end_date + timedelta(days=1))["expired"] == 0


def test_daily_suspends_when_status_is_lost_and_resumes_when_back(insured_citizen, products, insured_people):
    p = policy(apply(insured_citizen, "basic")["policy"])
    today = timezone.localdate()
    insured_people.discard(insured_citizen.person.pk)
    assert policies_daily(today=today)["suspended"] == 1
    assert policy(p.number).status == "suspended" and policy(p.number).instrument.status == "suspended"
    assert policies_daily(today=today)["suspended"] == 0
    insured_people.add(insured_citizen.person.pk)
    assert policies_daily(today=today)["resumed"] == 1
    assert policy(p.number).status == "active"
    kinds = set(Notification.objects.filter(person=insured_citizen.person).values_list("kind", flat=True))
    assert {"policy_paid", "policy_suspended", "policy_resumed"} <= kinds


def test_an_uninsured_buyer_is_not_suspended(citizen, products, insured_people):
    body = apply(citizen, "basic")
    pay_pension(citizen, body["payment"])
    assert policies_daily()["suspended"] == 0 and policy(body["policy"]).status == "active"


def test_daily_warns_30_days_before_expiry_once(insured_citizen, products):
    p = policy(apply(insured_citizen, "basic")["policy"])
    warn_day = p.end_date - timedelta(days=31)
    assert policies_daily(today=warn_day)["expiring_notices"] == 1
    assert policies_daily(today=warn_day)["expiring_notices"] == 0
    assert Notification.objects.filter(kind="policy_expiring", person=insured_citizen.person).count() == 1


# --- switching insurer -------------------------------------------------------------------------------

def test_switch_insurer_moves_the_instrument_and_unearned_value(insured_citizen, products, assert_trial_balance_zero):
    body = apply(insured_citizen, "gold")
    pay_pension(insured_citizen, body["payment"])
    number = body["policy"]
    p = policy(number)
    on = next_month(next_month(p.start_date)) + timedelta(days=14)  # mid-month
    successor = policy_switch_insurer(policy_id=p.pk, insurer_code="insurer-b", product_code="gold-b", on=on)
    old = Policy.objects.get(pk=p.pk)
    assert old.status == "transferred" and successor.status == "active" and successor.number == number
    assert successor.instrument.custodian.code == "insurer-b"
    # what the citizen paid in advance moves pro rata; the fund's subsidy follows the policy month by month
    total, left = (p.end_date - p.start_date).days, (p.end_date - on).days
    moved = balance_of("insurer:insurer-b:premium")
    assert moved == (2 * p.premium_tiyn * left + total) // (2 * total)
    assert balance_of("insurer:insurer-a:premium") == p.premium_tiyn - moved
    r = insured_citizen.api.get(f"/citizen/policies/{number}")
    assert r.json()["insurer"] == "insurer-b" and r.json()["status"] == "active"

    fund_the_pool()
    run = pay_month(on)  # the month of the switch: each insurer is paid its days

    lines = {line.policy_id: line for line in SubsidyLine.objects.filter(run=run)}
    days_in_month = (next_month(on) - on.replace(day=1)).days
    assert (lines[old.pk].insurer.code, lines[old.pk].days) == ("insurer-a", on.day - 1)
    assert (lines[successor.pk].insurer.code, lines[successor.pk].days) == ("insurer-b", days_in_month - on.day + 1)
    assert balance_of("insurer:insurer-b:premium") == moved + lines[successor.pk].amount_tiyn
    assert_trial_balance_zero()


def test_switch_refusals(insured_citizen, products):
    body = apply(insured_citizen, "gold")
    r = insured_citizen.api.post(f"/citizen/policies/{body['policy']}/switch",
                                 {"insurer": "insurer-b", "product": "gold-b"})
    assert r.status_code == 409  # not paid yet
    r = insured_citizen.api.post(f"/citizen/policies/{body['policy']}/switch",
                                 {"insurer": "insurer-b", "product": "basic-b"})
    assert r.status_code == 422  # another kind


# --- the PDF -----------------------------------------------------------------------------------------

def test_policy_pdf_holds_number_masked_name_and_verification(insured_citizen, products):
    number = apply(insured_citizen, "gold")["policy"]
    r = insured_citizen.api.get(f"/citizen/policies/{number}/pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = " ".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages).split())
    person = insured_citizen.person
    assert number in text and person.masked_name in text and person.last_name not in text
    assert f"/api/v1/policies/verify/{number}" in text
    assert "Полис" in text and "Health insurance policy" in text and "Сақтандырушы" in text
    assert "Төлемді күтуде · Ожидает оплаты · Awaiting payment" in text  # the status in words, not its code


def test_policy_pdfs_rendered_one_after_another_each_hold_their_own_policy(insured_citizen, other_citizen,
                                                                          insured_people, products):
    # the renderer keeps fonts and parsed stylesheets between documents: nothing of one may show in the next
    insured_people.add(other_citizen.person.pk)
    gold = apply(insured_citizen, "gold")["policy"]
    basic = apply(other_citizen, "basic")["policy"]
    renders = [(number, insured_citizen.api.get(f"/citizen/policies/{number}/pdf").content if number == gold
                else other_citizen.api.get(f"/citizen/policies/{number}/pdf").content)
               for number in (gold, basic, gold)]
    texts = [(number, " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())) for number, pdf in renders]
    mine, theirs = insured_citizen.person, other_citizen.person
    for number, text in texts:
        holder, other = (mine, theirs) if number == gold else (theirs, mine)
        other_number = basic if number == gold else gold
        assert number in text and other_number not in text
        assert f"{holder.masked_name} ({holder.masked_iin})" in text and other.masked_iin not in text
        assert ("Gold" in text) == (number == gold) and ("Dental care" in text) == (number == gold)
        assert "Сақтандырылушы · Застрахованный · Holder" in text
    assert texts[0] == texts[2]
    assert all(len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1 for _, pdf in renders)  # the QR code


def test_policy_pdf_qr_code_opens_its_own_verification(insured_citizen, other_citizen, insured_people, products):
    # QR codes are kept per verification address: each document carries the one of its own number
    insured_people.add(other_citizen.person.pk)
    policies = [(insured_citizen, apply(insured_citizen, "gold")["policy"]),
                (other_citizen, apply(other_citizen, "basic")["policy"])]
    for citizen, number in policies * 2:
        pdf = citizen.api.get(f"/citizen/policies/{number}/pdf").content
        image = PdfReader(io.BytesIO(pdf)).pages[0].images[0].image.convert("L")
        modules = [[image.getpixel((x, y)) < 128 for x in range(image.width)] for y in range(image.height)]
        expected = [[bool(dark) for dark in row]
                    for row in segno.make_qr(verification_url(number), error="m").matrix_iter(border=1)]
        assert modules == expected


def test_verification_by_number_shows_masked_holder(insured_citizen, products, anonymous):
    number = apply(insured_citizen, "basic")["policy"]
    body = anonymous.get(f"/policies/verify/{number}").json()
    assert body["number"] == number and body["holder"] == insured_citizen.person.masked_name
    assert body["status"] == "active"


# --- notifications -----------------------------------------------------------------------------------

def test_issue_and_payment_are_notified_through_the_outbox(insured_citizen, products,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        body = apply(insured_citizen, "gold")
    with django_capture_on_commit_callbacks(execute=True):
        pay_pension(insured_citizen, body["payment"])
    sent = list(Notification.objects.filter(person=insured_citizen.person).values_list("kind", "status"))
    assert sent == [("policy_issued", "sent"), ("policy_paid", "sent")]
