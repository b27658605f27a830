"""Celery tasks of the subsidy run: thin, take ids, safe to run twice (a killed one resumes)."""
from celery import shared_task

from . import services


@shared_task(name="fund.subsidy_run_calculate", acks_late=True)
def subsidy_run_calculate(run_id: int) -> str:
    try:
        return services.subsidy_run_calculate(run_id=run_id).status
    except Exception as exc:
        services.subsidy_run_fail(run_id=run_id, error=f"{type(exc).__name__}: {exc}")
        raise


@shared_task(name="fund.subsidy_run_record_funding", acks_late=True)
def subsidy_run_record_funding(run_id: int) -> int:
    return services.subsidy_run_record_funding(run_id=run_id)
