"""Fund API for subsidy runs: start (202, a Celery task calculates), read, approve, disburse."""
from datetime import date

from ninja import Router, Schema
from pydantic import field_validator

from qalqan.api.auth import fund_auth
from qalqan.api.errors import Conflict, NotFound, Unprocessable
from qalqan.ledger.services import InsufficientFunds

from . import services
from .models import SubsidyRun
from .selectors import run_summary

router = Router(tags=["fund: subsidy runs"])


class RunIn(Schema):
    period: str

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        return value.strip()


class RunCreated(Schema):
    id: int
    status: str


class InsurerTotal(Schema):
    insurer: str
    name: str
    policies: int
    amount_tiyn: int


class SourceTotal(Schema):
    source: str
    policies: int
    amount_tiyn: int


class RunOut(Schema):
    id: int
    period: str
    status: str
    policies: int
    adjustments: int
    total_tiyn: int
    progress_percent: int
    instruments_recorded: int
    error: str
    by_insurer: list[InsurerTotal]
    by_source: list[SourceTotal]


def parse_period(value: str) -> date:
    try:
        year, month = value.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        return date(int(year), int(month), 1)
    except ValueError:
        raise Unprocessable.for_field("period", "period is YYYY-MM") from None


def _run(run_id: int) -> SubsidyRun:
    run = SubsidyRun.objects.filter(pk=run_id).first()
    if run is None:
        raise NotFound()
    return run


@router.post("/fund/subsidy-runs", auth=fund_auth, response={202: RunCreated},
             summary="Start the monthly subsidy run for a period (one per period; calculated by a Celery task)")
def post_subsidy_run(request, body: RunIn):
    period = parse_period(body.period)
    try:
        run = services.subsidy_run_start(period=period, by=request.principal.actor)
    except services.SubsidyTableMissing as exc:
        raise Unprocessable.for_field("period", f"missing table row: {exc.row}") from None
    except services.RunExists as exc:
        raise Conflict(str(exc), run=exc.run.pk) from None
    services.queue_calculation(run.pk)
    return 202, {"id": run.pk, "status": SubsidyRun.objects.get(pk=run.pk).status}


@router.get("/fund/subsidy-runs/{run_id}", auth=fund_auth, response=RunOut, summary="A run with its totals")
def get_subsidy_run(request, run_id: int):
    return run_summary(_run(run_id))


@router.post("/fund/subsidy-runs/{run_id}/approve", auth=fund_auth, response=RunOut,
             summary="calculated → approved (409 while the run is still calculating)")
def post_subsidy_run_approve(request, run_id: int):
    _run(run_id)
    return run_summary(services.subsidy_run_approve(run_id=run_id, by=request.principal.actor))


@router.post("/fund/subsidy-runs/{run_id}/disburse", auth=fund_auth, response=RunOut,
             summary="approved → disbursed: ledger transfers source → fund:clearing → insurers")
def post_subsidy_run_disburse(request, run_id: int):
    _run(run_id)
    try:
        run = services.subsidy_run_disburse(run_id=run_id, by=request.principal.actor)
    except InsufficientFunds as exc:
        raise Conflict(f"cannot disburse: {exc}") from None
    return run_summary(SubsidyRun.objects.get(pk=run.pk))
