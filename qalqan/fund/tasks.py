"""Celery tasks of the fund app (autodiscovered as qalqan.fund.tasks)."""
from .subsidy.tasks import subsidy_run_calculate, subsidy_run_record_funding  # noqa: F401
