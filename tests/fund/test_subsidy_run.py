"""The monthly subsidy run: set-based calculation, sources, FSM, API errors, disbursement, adjustments."""
from datetime import date

import pytest

from insurers.models import BasicTariff
from policies.models import InstrumentEvent, Policy
from qalqan.fund.subsidy import services
from qalqan.fund.subsidy.models import (
    SubsidyCalculatedRange,
    SubsidyLine,
    SubsidyRun,
    SubsidyTotal,
)
from qalqan.ledger.services import balance_of
from tests.fund.subsidy_factories import make_policy
from tests.fund.subsidy_world import CHILD_M, F_30_44, M_30_44, make_person, world  # noqa: F401


def start(fund, period="2026-03"):
    return fund.api.post("/fund/subsidy-runs", {"period": period})


def test_run_calculates_each_policy_once_with_its_source_and_amount(fund, world):
    response = start(fund)
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "calculated"
    run = SubsidyRun.objects.get(pk=response.json()["id"])
    lines = {l.policy_id: l for l in SubsidyLine.objects.filter(run=run)}
    p = world["policies"]
    assert lines[p["pensioner"].pk].source_code == "budget:republican"
    assert lines[p["pensioner"].pk].amount_tiyn == M_30_44
    assert lines[p["unemployed"].pk].source_code == "budget:mio:karaganda"
    assert lines[p["unemployed"].pk].amount_tiyn == F_30_44
    assert lines[p["employee"].pk].source_code == "pool:osms"
    # a child who is also counted as unemployed: the republican budget wins (lower priority number)
    assert lines[p["child"].pk].source_code == "budget:republican"
    assert lines[p["child"].pk].amount_tiyn == CHILD_M
    assert all(l.days == 31 and l.kind == "normal" for l in lines.values())

    body = fund.api.get(f"/fund/subsidy-runs/{run.pk}").json()
    assert body["policies"] == 4
    assert body["total_tiyn"] == 2 * M_30_44 + F_30_44 + CHILD_M
    by_insurer = {row["insurer"]: row for row in body["by_insurer"]}
    assert by_insurer[world["a"].code] == {"insurer": world["a"].code, "name": world["a"].name, "policies": 2,
                                           "amount_tiyn": 2 * M_30_44}
    assert {row["source"] for row in body["by_source"]} == {"budget:republican", "budget:mio:karaganda", "pool:osms"}


def test_partial_month_suspended_posted_and_unactivated_policies(fund, world, make_person):
    a = world["a"]
    version = world["policies"]["pensioner"].version
    person = make_person(birth_date=date(1990, 3, 1), sex="F", categories=["pensioner"])
    half = make_policy(holder=person, insurer=a, version=version, start=date(2026, 3, 17))  # 15 of 31 days
    skipped = [
        make_policy(holder=make_person(categories=["pensioner"]), insurer=a, version=version,
                    status=Policy.Status.SUSPENDED),
        make_policy(holder=make_person(categories=["pensioner"]), insurer=a, version=version, subsidy_posted=True),
        make_policy(holder=make_person(categories=["pensioner"]), insurer=a, version=version,
                    status=Policy.Status.ISSUED),
        make_policy(holder=make_person(categories=["pensioner"]), insurer=a, version=version, subsidy_tiyn=0),
        make_policy(holder=make_person(categories=["pensioner"]), insurer=a, version=version,
                    start=date(2026, 4, 1)),
    ]
    cancelled = make_policy(holder=make_person(birth_date=date(1990, 3, 1), categories=["pensioner"]), insurer=a,
                            version=version, status=Policy.Status.CANCELLED, ended_on=date(2026, 3, 11))
    run = SubsidyRun.objects.get(pk=start(fund).json()["id"])
    lines = {l.policy_id: l for l in SubsidyLine.objects.filter(run=run)}
    assert lines[half.pk].days == 15 and lines[half.pk].amount_tiyn == (2 * F_30_44 * 15 + 31) // 62
    assert lines[cancelled.pk].days == 10 and lines[cancelled.pk].amount_tiyn == (2 * M_30_44 * 10 + 31) // 62
    assert not any(p.pk in lines for p in skipped)


def test_period_without_tariff_is_422_naming_the_row_and_stores_nothing(fund, world):
    BasicTariff.objects.all().delete()
    response = start(fund)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "insurers.BasicTariff" in response.json()["detail"] and "2026-03-01" in response.json()["detail"]
    assert not SubsidyRun.objects.exists()


@pytest.mark.parametrize("period", ["2026-3", "march", "2026-13", ""])
def test_bad_period_is_422(fund, world, period):
    response = start(fund, period)
    assert response.status_code == 422
    assert not SubsidyRun.objects.exists()


def test_one_run_per_period(fund, world):
    assert start(fund).status_code == 202
    again = start(fund)
    assert again.status_code == 409
    assert SubsidyRun.objects.count() == 1


def test_only_fund_staff(world, insurer, citizen, fund):
    assert insurer.api.post("/fund/subsidy-runs", {"period": "2026-03"}).status_code == 403
    assert citizen.api.post("/fund/subsidy-runs", {"period": "2026-03"}).status_code == 403
    assert fund.api.get("/fund/subsidy-runs/999999").status_code == 404


def test_transitions_allowed_and_refused(fund, world, assert_trial_balance_zero):
    run = services.subsidy_run_start(period=date(2026, 3, 1))
    # draft: approve and disburse refused
    assert fund.api.post(f"/fund/subsidy-runs/{run.pk}/approve").status_code == 409
    assert fund.api.post(f"/fund/subsidy-runs/{run.pk}/disburse").status_code == 409
    services.subsidy_run_calculate(run_id=run.pk)
    # calculated: disburse refused, approve allowed, approve again refused
    assert fund.api.post(f"/fund/subsidy-runs/{run.pk}/disburse").status_code == 409
    assert fund.api.post(f"/fund/subsidy-runs/{run.pk}/approve").json()["status"] == "approved"
    assert fund.api.post(f"/fund/subsidy-runs/{run.pk}/approve").status_code == 409
    response = fund.api.post(f"/fund/subsidy-runs/{run.pk}/disburse")
    assert response.status_code == 200 and response.json()["status"] == "disbursed"
    assert fund.api.post(f"/fund/subsidy-runs/{run.pk}/disburse").status_code == 409
    assert fund.api.post(f"/fund/subsidy-runs/{run.pk}/approve").status_code == 409
    assert_trial_balance_zero()
    # the transitions left audit rows
    from qalqan.audit.models import StateChange
    assert StateChange.objects.filter(object_id=str(run.pk)).count() >= 3 or StateChange.objects.count() >= 3


def test_disbursement_moves_the_money_and_funds_each_instrument(fund, world, assert_trial_balance_zero,
                                                              django_capture_on_commit_callbacks):
    pool_before = balance_of("pool:osms")
    run_id = start(fund).json()["id"]
    fund.api.post(f"/fund/subsidy-runs/{run_id}/approve")
    with django_capture_on_commit_callbacks(execute=True):  # the funded events are queued on commit
        fund.api.post(f"/fund/subsidy-runs/{run_id}/disburse")
    a, b = world["a"], world["b"]
    assert balance_of(f"insurer:{a.code}:premium") == 2 * M_30_44
    assert balance_of(f"insurer:{b.code}:premium") == F_30_44 + CHILD_M
    assert balance_of("budget:republican") == -(M_30_44 + CHILD_M)
    assert balance_of("budget:mio:karaganda") == -F_30_44
    assert balance_of("pool:osms") == pool_before - M_30_44
    assert balance_of("fund:clearing") == 0
    assert_trial_balance_zero()
    for policy in world["policies"].values():
        funded = InstrumentEvent.objects.filter(instrument_id=policy.instrument_id, kind="funded")
        assert funded.count() == 1
        assert funded.get().data["subsidy_run"] == run_id
    assert SubsidyRun.objects.get(pk=run_id).instruments_recorded == 4
    # recording again writes nothing more
    assert services.subsidy_run_record_funding(run_id=run_id) == 0


def test_resumes_after_a_crash_mid_calculation_and_never_pays_twice(fund, world, make_person, settings,
                                                                     assert_trial_balance_zero):
    settings.SUBSIDY_RUN_CHUNK_POLICIES = 1
    run = services.subsidy_run_start(period=date(2026, 3, 1))
    partial = services.subsidy_run_calculate(run_id=run.pk, stop_after_chunks=2)  # the worker dies here
    assert partial.status == "draft" and partial.chunks_done == 2
    assert SubsidyCalculatedRange.objects.filter(run=run).count() == 2
    assert SubsidyLine.objects.filter(run=run).count() == 2
    # were the progress rows lost (they commit with their lines), the ranges would be redone and each policy's
    # line still written once
    SubsidyCalculatedRange.objects.filter(run=run).delete()
    finished = services.subsidy_run_calculate(run_id=run.pk)
    assert finished.status == "calculated"
    assert SubsidyLine.objects.filter(run=run).count() == 4
    assert finished.policies == 4
    # running the task again changes nothing
    services.subsidy_run_calculate(run_id=run.pk)
    assert SubsidyLine.objects.filter(run=run).count() == 4
    assert SubsidyTotal.objects.filter(run=run).count() == 4


def test_status_change_after_a_run_is_adjusted_in_the_next(fund, world, assert_trial_balance_zero):
    march = start(fund, "2026-03").json()["id"]
    fund.api.post(f"/fund/subsidy-runs/{march}/approve")
    fund.api.post(f"/fund/subsidy-runs/{march}/disburse")
    paid = SubsidyLine.objects.get(run_id=march, policy=world["policies"]["employee"])
    # the employee's policy turns out to have been cancelled on 11 March (after the March run)
    policy = Policy.objects.get(pk=world["policies"]["employee"].pk)
    policy.cancel(on=date(2026, 3, 11))
    policy.save()

    april = start(fund, "2026-04").json()["id"]
    adjustment = SubsidyLine.objects.get(run_id=april, kind="adjustment")
    should_have = (2 * M_30_44 * 10 + 31) // 62
    assert adjustment.policy_id == policy.pk and adjustment.for_period == date(2026, 3, 1)
    assert adjustment.amount_tiyn == should_have - paid.amount_tiyn
    assert SubsidyLine.objects.get(pk=paid.pk).amount_tiyn == paid.amount_tiyn  # the paid line is untouched
    assert not SubsidyLine.objects.filter(run_id=april, kind="normal", policy=policy).exists()
    before = balance_of(f"insurer:{world['a'].code}:premium")
    fund.api.post(f"/fund/subsidy-runs/{april}/approve")
    assert fund.api.post(f"/fund/subsidy-runs/{april}/disburse").status_code == 200
    assert balance_of(f"insurer:{world['a'].code}:premium") == before + M_30_44 + adjustment.amount_tiyn
    assert_trial_balance_zero()


@pytest.mark.django_db(transaction=True)
def test_two_disburse_requests_at_once_have_one_effect(refdata, fund, world, assert_trial_balance_zero):
    import threading

    from django.db import connection

    from qalqan.fund.subsidy.catalogue import sources_sync
    from qalqan.fund.subsidy.models import SubsidySource
    from qalqan.ledger.models import Transfer

    sources_sync(SubsidySource)  # the flush of a transaction=True test removed the migrated rows
    run_id = start(fund).json()["id"]
    assert fund.api.post(f"/fund/subsidy-runs/{run_id}/approve").status_code == 200
    barrier = threading.Barrier(2)
    statuses = []

    def disburse():
        barrier.wait()
        try:
            statuses.append(fund.api.post(f"/fund/subsidy-runs/{run_id}/disburse").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=disburse) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 409]
    assert Transfer.objects.filter(key__startswith=f"subsidy-run-{run_id}-").count() == 3 + 2  # 3 sources, 2 insurers
    assert balance_of(f"insurer:{world['a'].code}:premium") == 2 * M_30_44
    assert_trial_balance_zero()
