"""A subsidy run whose worker process is killed mid-calculation (or whose database connection is cut, as when
the server restarts) resumes from the last committed range and never pays a policy twice.

The calculation runs in a real separate process against the test database. To stop it at a known point, the
test holds an uncommitted line for the third policy in its own connection: the worker commits the first two
ranges, then its INSERT … ON CONFLICT for the third waits on that row. The test then kills the process
(SIGKILL) or terminates its database backend, releases the row, and resumes the run in this process."""
import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from policies.models import InstrumentEvent, Policy
from qalqan.fund.subsidy import services
from qalqan.fund.subsidy.catalogue import sources_sync
from qalqan.fund.subsidy.models import (
    SubsidyCalculatedRange,
    SubsidyLine,
    SubsidyRun,
    SubsidySource,
    SubsidyTotal,
)
from qalqan.ledger.models import Transfer
from qalqan.ledger.services import balance_of
from tests.concurrency import backend_gone, backend_waiting_for_lock
from tests.fund.subsidy_world import CHILD_M, F_30_44, M_30_44, make_person, world  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
WORKER = """
import os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qalqan.settings")
django.setup()
from django.conf import settings
settings.SUBSIDY_RUN_CHUNK_POLICIES = 1
from qalqan.fund.subsidy.tasks import subsidy_run_calculate
subsidy_run_calculate(int(sys.argv[1]))  # the Celery task's body, as a worker runs it
"""


def database_url() -> str:
    """The test database as a DATABASE_URL for the worker process: a TCP server, or the embedded server's
    socket directory (`make test` without DATABASE_URL), in the form devstack hands to Django."""
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    socket_dir = s["HOST"] if (s["HOST"] or "").startswith("/") else (s.get("OPTIONS") or {}).get("host")
    if socket_dir:
        return f"postgres://{s['USER']}{password}@/{s['NAME']}?host={socket_dir}"
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def conninfo() -> str:
    return database_url().replace("postgres://", "postgresql://", 1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("failure", ["worker killed", "database connection cut"])
def test_a_run_killed_mid_calculation_resumes_and_never_pays_twice(refdata, fund, world, settings, failure,
                                                                    assert_trial_balance_zero):
    sources_sync(SubsidySource)  # the flush of a transaction=True test removed the migrated rows
    settings.SUBSIDY_RUN_CHUNK_POLICIES = 1
    policies = sorted(Policy.objects.all(), key=lambda p: p.pk)
    assert [p.pk for p in policies] == list(range(policies[0].pk, policies[0].pk + 4))  # one range per policy
    run = services.subsidy_run_start(period=date(2026, 3, 1))
    third = policies[2]

    holder = psycopg.connect(conninfo())
    holder.execute(
        "INSERT INTO fund_subsidyline (run_id, policy_id, person_id, insurer_id, instrument_id, kind, for_period, "
        "source_code, days, amount_tiyn) VALUES (%s, %s, %s, %s, %s, 'normal', %s, 'held', 1, 1)",
        [run.pk, third.pk, third.holder_id, third.insurer_id, third.instrument_id, run.period])
    worker = subprocess.Popen([sys.executable, "-c", WORKER, str(run.pk)], cwd=ROOT,
                              env={**os.environ, "DATABASE_URL": database_url(), "QALQAN_ENV": "test"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        backend = backend_waiting_for_lock("fund_subsidyline")
        stopped = SubsidyRun.objects.get(pk=run.pk)
        assert (stopped.status, stopped.chunks_done) == ("draft", 2)
        assert set(SubsidyLine.objects.filter(run=run).values_list("policy_id", flat=True)) == {
            policies[0].pk, policies[1].pk}
        if failure == "worker killed":
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)
            assert worker.returncode == -signal.SIGKILL
        else:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
            worker.wait(timeout=60)
            assert worker.returncode != 0
            assert b"OperationalError" in worker.stderr.read()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        holder.rollback()
        holder.close()
    backend_gone(backend)  # the killed worker's open range rolled back with its session

    stopped = SubsidyRun.objects.get(pk=run.pk)
    assert (stopped.status, stopped.chunks_done) == ("draft", 2)
    assert list(SubsidyCalculatedRange.objects.filter(run=run).order_by("after_policy_id")
                .values_list("after_policy_id", "up_to_policy_id")) == [
        (policies[0].pk - 1, policies[0].pk), (policies[0].pk, policies[1].pk)]
    assert SubsidyLine.objects.filter(run=run).count() == 2
    if failure == "database connection cut":  # the task noted the failure on the run (the run page shows it)
        assert stopped.error.startswith("OperationalError")
    else:
        assert stopped.error == ""  # SIGKILL leaves no word: the progress columns are the record

    resumed = services.subsidy_run_calculate(run_id=run.pk)  # another worker picks the task up again
    assert resumed.status == "calculated" and resumed.chunks_done == 4 and resumed.policies == 4
    assert resumed.error == ""
    lines = list(SubsidyLine.objects.filter(run=run).values_list("policy_id", flat=True))
    assert sorted(lines) == [p.pk for p in policies]  # each policy once
    assert resumed.total_tiyn == 2 * M_30_44 + F_30_44 + CHILD_M
    services.subsidy_run_calculate(run_id=run.pk)  # a late redelivery of the task changes nothing
    assert SubsidyLine.objects.filter(run=run).count() == 4 and SubsidyTotal.objects.filter(run=run).count() == 4

    services.subsidy_run_approve(run_id=run.pk)
    services.subsidy_run_disburse(run_id=run.pk)  # its commit queues the funded events (eager here)
    assert SubsidyRun.objects.get(pk=run.pk).instruments_recorded == 4
    assert services.subsidy_run_record_funding(run_id=run.pk) == 0  # a redelivered task writes nothing more
    assert balance_of(f"insurer:{world['a'].code}:premium") == 2 * M_30_44
    assert balance_of(f"insurer:{world['b'].code}:premium") == F_30_44 + CHILD_M
    assert Transfer.objects.filter(key__startswith=f"subsidy-run-{run.pk}-").count() == 3 + 2
    for policy in policies:
        assert InstrumentEvent.objects.filter(instrument_id=policy.instrument_id, kind="funded").count() == 1
    assert_trial_balance_zero()


FUNDING_WORKER = """
import os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qalqan.settings")
django.setup()
from django.conf import settings
settings.SUBSIDY_FUNDING_RANGE_POLICIES = 1
from qalqan.fund.subsidy.tasks import subsidy_run_record_funding
subsidy_run_record_funding(int(sys.argv[1]))  # the Celery task's body, as a worker runs it
"""


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_funding_the_instruments_resumes_and_funds_each_once(refdata, fund, world, settings,
                                                                                   monkeypatch):
    """The funded events of a disbursed run: the worker commits each range of policy ids with its progress row,
    is killed while waiting for the third policy's instrument, and the resumed task writes the rest, once."""
    from policies.instruments import instruments_verify
    from qalqan.fund.subsidy.models import SubsidyFundedRange

    sources_sync(SubsidySource)
    settings.SUBSIDY_FUNDING_RANGE_POLICIES = 1
    monkeypatch.setattr(services, "_queue_funding", lambda run_id: None)  # the worker below is the task
    policies = sorted(Policy.objects.all(), key=lambda p: p.pk)
    run = services.subsidy_run_start(period=date(2026, 3, 1))
    services.subsidy_run_calculate(run_id=run.pk)
    services.subsidy_run_approve(run_id=run.pk)
    services.subsidy_run_disburse(run_id=run.pk)

    holder = psycopg.connect(conninfo())
    holder.execute("SELECT id FROM policies_instrument WHERE id = %s FOR UPDATE", [policies[2].instrument_id])
    worker = subprocess.Popen([sys.executable, "-c", FUNDING_WORKER, str(run.pk)], cwd=ROOT,
                              env={**os.environ, "DATABASE_URL": database_url(), "QALQAN_ENV": "test"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        backend = backend_waiting_for_lock("fund_subsidyline")
        assert SubsidyFundedRange.objects.filter(run=run).count() == 2
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        holder.rollback()
        holder.close()
    backend_gone(backend)

    def funded(policy) -> int:
        return InstrumentEvent.objects.filter(instrument_id=policy.instrument_id, kind="funded",
                                              data__subsidy_run=run.pk).count()

    assert [funded(p) for p in policies] == [1, 1, 0, 0]  # the killed range rolled back with its session
    assert SubsidyRun.objects.get(pk=run.pk).instruments_recorded == 2

    assert services.subsidy_run_record_funding(run_id=run.pk) == 2  # another worker picks the task up again
    assert services.subsidy_run_record_funding(run_id=run.pk) == 0  # a late redelivery writes nothing
    assert [funded(p) for p in policies] == [1, 1, 1, 1]
    assert SubsidyRun.objects.get(pk=run.pk).instruments_recorded == 4
    assert SubsidyFundedRange.objects.filter(run=run).count() == 4
    assert instruments_verify() == (4, None)
