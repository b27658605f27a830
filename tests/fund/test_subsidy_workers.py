"""Several workers on one subsidy run at once (the calculation and the funding are queued on two Celery workers):
each range of policy ids is written once, by one of them, and the run is finished once, by whoever commits the
last range."""
import threading
from datetime import date

import psycopg
import pytest
from django.db import connection

from policies.instruments import instruments_verify
from policies.models import InstrumentEvent, Policy
from qalqan.fund.subsidy import services
from qalqan.fund.subsidy.catalogue import sources_sync
from qalqan.fund.subsidy.models import (
    SubsidyCalculatedRange,
    SubsidyFundedRange,
    SubsidyLine,
    SubsidyRun,
    SubsidySource,
)
from tests.concurrency import backend_gone
from tests.fund.subsidy_factories import make_policy
from tests.fund.subsidy_world import CHILD_M, F_30_44, M_30_44, make_person, world  # noqa: F401
from tests.fund.test_subsidy_killed import conninfo

MORE_PENSIONERS = 8


def in_two_threads(work) -> list:
    barrier = threading.Barrier(2)
    results, errors = [None, None], []

    def worker(i):
        barrier.wait()
        try:
            results[i] = work()
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_two_workers_calculate_and_fund_one_run_at_once_each_policy_once(refdata, fund, world, make_person, settings,
                                                                         monkeypatch, assert_trial_balance_zero):
    sources_sync(SubsidySource)  # the flush of a transaction=True test removed the migrated rows
    version = world["policies"]["pensioner"].version
    for _ in range(MORE_PENSIONERS):
        holder = make_person(birth_date=date(1990, 3, 1), sex="M", categories=["pensioner"], region="astana")
        make_policy(holder=holder, insurer=world["a"], version=version)
    settings.SUBSIDY_RUN_CHUNK_POLICIES = 1
    settings.SUBSIDY_FUNDING_RANGE_POLICIES = 1
    monkeypatch.setattr(services, "_queue_funding", lambda run_id: None)  # the threads below are the tasks
    policies = list(Policy.objects.order_by("pk"))
    run = services.subsidy_run_start(period=date(2026, 3, 1))

    finished = in_two_threads(lambda: services.subsidy_run_calculate(run_id=run.pk).status)
    assert "calculated" in finished  # one of them committed the last range and finished the run
    run = SubsidyRun.objects.get(pk=run.pk)
    assert (run.status, run.policies, run.chunks_done) == ("calculated", len(policies), len(policies))
    assert run.total_tiyn == (2 + MORE_PENSIONERS) * M_30_44 + F_30_44 + CHILD_M
    assert sorted(SubsidyLine.objects.filter(run=run).values_list("policy_id", flat=True)) == [p.pk for p in policies]
    ranges = list(SubsidyCalculatedRange.objects.filter(run=run).order_by("after_policy_id")
                  .values_list("after_policy_id", "up_to_policy_id", "lines"))
    assert [(after, up_to) for after, up_to, _ in ranges] == [(p.pk - 1, p.pk) for p in policies]
    assert sum(lines for _, _, lines in ranges) == len(policies)

    services.subsidy_run_approve(run_id=run.pk)
    services.subsidy_run_disburse(run_id=run.pk)
    written = in_two_threads(lambda: services.subsidy_run_record_funding(run_id=run.pk))
    assert sum(written) == len(policies)
    for policy in policies:
        assert InstrumentEvent.objects.filter(instrument_id=policy.instrument_id, kind="funded",
                                              data__subsidy_run=run.pk).count() == 1
    assert SubsidyRun.objects.get(pk=run.pk).instruments_recorded == len(policies)
    assert SubsidyFundedRange.objects.filter(run=run).count() == len(policies)
    assert instruments_verify() == (len(policies), None)
    assert_trial_balance_zero()


def test_a_worker_leaves_a_range_another_is_on_and_the_run_to_whoever_finishes_it(fund, world, settings):
    settings.SUBSIDY_RUN_CHUNK_POLICIES = 1
    policies = sorted(world["policies"].values(), key=lambda p: p.pk)
    run = services.subsidy_run_start(period=date(2026, 3, 1))
    third = (policies[2].pk - 1, policies[2].pk)
    other = psycopg.connect(conninfo(), autocommit=True)  # another worker, on the third range
    try:
        other.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", [f"subsidy-calculation:{run.pk}:{third[0]}"])
        left = services.subsidy_run_calculate(run_id=run.pk)
        assert (left.status, left.chunks_done) == ("draft", 3)  # not finished: a range is still being worked on
        assert (set(SubsidyCalculatedRange.objects.filter(run=run).values_list("after_policy_id", "up_to_policy_id"))
                == {(p.pk - 1, p.pk) for p in policies} - {third})
        assert not SubsidyLine.objects.filter(run=run, policy=policies[2]).exists()
        other_backend = other.info.backend_pid
    finally:
        other.close()  # that worker dies: its lock goes with its session
    backend_gone(other_backend)  # (the server ends the session a moment after the client hangs up)
    resumed = services.subsidy_run_calculate(run_id=run.pk)  # the task's redelivery
    assert (resumed.status, resumed.chunks_done, resumed.policies) == ("calculated", 4, 4)
    assert SubsidyLine.objects.filter(run=run).count() == 4
