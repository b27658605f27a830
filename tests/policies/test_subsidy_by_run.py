"""A policy applied for on the portal is subsidised by the fund's monthly run — once per month, and only once:
activation posts no subsidy; the month's run pays it (or, when that run was calculated before the policy was
active, the next run pays the month by an adjustment line)."""
import pytest
from django.test import Client
from django.utils import timezone

from policies.models import InstrumentEvent, Policy
from qalqan.fund.subsidy import services
from qalqan.fund.subsidy.calculation import next_month
from qalqan.fund.subsidy.models import SubsidyLine
from qalqan.ledger.services import balance_of
from tests.fund.subsidy_runs import fund_the_pool, pay_month

from .test_pages import sign_in

PREMIUM = "insurer:insurer-a:premium"


@pytest.fixture
def portal(insured_citizen):
    client = Client()
    sign_in(client, insured_citizen.person)
    return client


def apply_on_the_portal(portal, products) -> Policy:
    basic = products["basic"].product
    today = timezone.localdate().isoformat()
    r = portal.post(f"/en/my/apply/{basic.pk}/", {"start_date": today, "confirm": "1"})
    assert r.status_code == 302, r.content
    policy = Policy.objects.get(version__product=basic)
    assert r["Location"].endswith(f"/my/policies/{policy.number}/") and policy.status == "active"
    return policy


def funded_runs(policy: Policy) -> list[int]:
    return list(InstrumentEvent.objects.filter(instrument_id=policy.instrument_id, kind="funded",
                                               data__has_key="subsidy_run")
                .order_by("seq").values_list("data__subsidy_run", flat=True))


def start_run(fund, day) -> int:
    r = fund.api.post("/fund/subsidy-runs", {"period": f"{day:%Y-%m}"})
    assert r.status_code == 202, r.content
    return r.json()["id"]


def test_the_months_run_pays_a_portal_policy_once(portal, insured_citizen, products, fund,
                                                  django_capture_on_commit_callbacks, assert_trial_balance_zero):
    policy = apply_on_the_portal(portal, products)
    assert balance_of(PREMIUM) == 0 and funded_runs(policy) == []  # activation paid the insurer nothing
    fund_the_pool()

    run_id = start_run(fund, policy.start_date)  # the Celery task calculates (eager here)
    assert fund.api.post(f"/fund/subsidy-runs/{run_id}/approve").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # disbursement queues the funded events on commit
        r = fund.api.post(f"/fund/subsidy-runs/{run_id}/disburse")
    assert r.status_code == 200 and r.json()["status"] == "disbursed" and r.json()["policies"] == 1

    line = SubsidyLine.objects.get(run_id=run_id, policy=policy)
    assert line.kind == "normal" and line.for_period == policy.start_date.replace(day=1) and line.amount_tiyn > 0
    assert balance_of(PREMIUM) == line.amount_tiyn
    assert funded_runs(policy) == [run_id]

    # once: the month has one run, a disbursed run is not paid again, a redelivered task funds nothing more
    assert fund.api.post("/fund/subsidy-runs", {"period": f"{policy.start_date:%Y-%m}"}).status_code == 409
    assert fund.api.post(f"/fund/subsidy-runs/{run_id}/disburse").status_code == 409
    assert services.subsidy_run_record_funding(run_id=run_id) == 0
    assert balance_of(PREMIUM) == line.amount_tiyn and funded_runs(policy) == [run_id]

    later = pay_month(next_month(policy.start_date))  # the next month: its own month, nothing more for this one

    assert list(SubsidyLine.objects.filter(run=later, policy=policy).values_list("kind", "for_period")) == [
        ("normal", next_month(policy.start_date))]
    assert balance_of(PREMIUM) == line.amount_tiyn + SubsidyLine.objects.get(run=later).amount_tiyn
    assert funded_runs(policy) == [run_id, later.pk]
    assert_trial_balance_zero()


def test_a_policy_active_after_its_months_run_is_paid_by_the_next_run_once(portal, insured_citizen, products,
                                                                          assert_trial_balance_zero):
    fund_the_pool()
    month = pay_month(timezone.localdate())  # the month's run was calculated and paid before the application
    assert month.policies == 0

    policy = apply_on_the_portal(portal, products)
    following = pay_month(next_month(policy.start_date))

    lines = {line.kind: line for line in SubsidyLine.objects.filter(run=following, policy=policy)}
    assert set(lines) == {"normal", "adjustment"}
    assert lines["adjustment"].for_period == month.period and lines["adjustment"].amount_tiyn > 0
    assert lines["adjustment"].days == (next_month(policy.start_date) - policy.start_date).days
    assert lines["normal"].for_period == following.period
    paid = lines["normal"].amount_tiyn + lines["adjustment"].amount_tiyn
    assert balance_of(PREMIUM) == paid

    third = pay_month(next_month(following.period))  # the month is paid: no second adjustment

    assert list(SubsidyLine.objects.filter(run=third, policy=policy).values_list("kind", flat=True)) == ["normal"]
    assert SubsidyLine.objects.filter(policy=policy, for_period=month.period).count() == 1
    assert balance_of(PREMIUM) == paid + SubsidyLine.objects.get(run=third, policy=policy).amount_tiyn
    assert_trial_balance_zero()
