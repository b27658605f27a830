"""A month's subsidy run from start to the instruments' funded events, for tests of flows the run pays."""
from datetime import date

from qalqan.fund.subsidy import services
from qalqan.fund.subsidy.models import SubsidyRun
from qalqan.ledger.services import account_ensure, transfer_post


def fund_the_pool(amount_tiyn: int = 100_000_000) -> None:
    """Contributions in the ОСМС pool, which pays the subsidy of contributors (employees)."""
    account_ensure(code="pool:osms", kind="contributions_pool", name="ОСМС pool")
    account_ensure(code="payer:employee", kind="payer_clearing", may_go_negative=True)
    transfer_post(key=f"test-pool-{amount_tiyn}", lines=[("payer:employee", -amount_tiyn), ("pool:osms", amount_tiyn)],
                  reason="contributions.test")


def pay_month(day: date) -> SubsidyRun:
    """Start, calculate, approve and disburse the run of `day`'s month, and record its funded events (the task
    disbursement queues on commit)."""
    run = services.subsidy_run_start(period=day.replace(day=1))
    services.subsidy_run_calculate(run_id=run.pk)
    services.subsidy_run_approve(run_id=run.pk)
    services.subsidy_run_disburse(run_id=run.pk)
    services.subsidy_run_record_funding(run_id=run.pk)
    return SubsidyRun.objects.get(pk=run.pk)
