"""Demo: the subsidy run of the current month, calculated and waiting for fund staff to approve and disburse
it (the run page shows its totals, chart and statements; the Approve and Disburse buttons do the rest).
Idempotent: a run that exists for the month is left as it is (one still calculating is finished)."""
from django.utils import timezone

from .models import SubsidyRun
from .services import subsidy_run_calculate, subsidy_run_start


def demo_load(report) -> None:
    period = timezone.localdate().replace(day=1)
    run = SubsidyRun.objects.filter(period=period).first() or subsidy_run_start(period=period, by="demo")
    if run.status == SubsidyRun.Status.DRAFT:
        run = subsidy_run_calculate(run_id=run.pk, by="demo")
    report.subsidy_run = f"{run.period:%Y-%m} {run.status}: {run.policies} policies"
