"""Fund staff pages for subsidy runs: the list and the start form, the run page (progress while it
calculates, then totals and a chart), approve and disburse, one insurer's lines, statements (CSV, PDF).

Views stay thin: each parses input, makes one service call (the same ones the API makes) and renders.
Access: qalqan/fund/access.py (fund staff; others 403, strangers to sign-in)."""
import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_fsm import TransitionNotAllowed

from qalqan.fund.access import actor_of, fund_staff
from qalqan.ledger.services import InsufficientFunds
from qalqan.orgs.models import Organisation
from qalqan.refdata.models import Region

from . import services
from .charts import stacked_bars
from .forms import LinesFilterForm, RunStartForm
from .models import SubsidyRun, SubsidyTotal
from .pdf import statement_pdf
from .selectors import (
    insurer_sources,
    insurer_total,
    run_matrix,
    run_progress,
    run_summary,
    statement_rows,
)

LINES_PER_PAGE = 100
PDF_LINES = 300  # the PDF lists this many lines; the CSV has them all
CSV_HEADER = ["line", "kind", "for_period", "policy", "instrument", "region", "source", "days", "amount_tiyn",
              "amount_kzt"]


def _run_or_404(run_id: int) -> SubsidyRun:
    return get_object_or_404(SubsidyRun, pk=run_id)


def _status_of(run_id: int) -> str:
    """The run's status now, in words (after a refused transition; the FSM field cannot be refreshed in place)."""
    return SubsidyRun.objects.get(pk=run_id).get_status_display()


def _insurer_of_run_or_404(run: SubsidyRun, code: str) -> Organisation:
    insurer = get_object_or_404(Organisation, code=code, kind=Organisation.Kind.INSURER)
    if not SubsidyTotal.objects.filter(run=run, insurer=insurer).exists():
        raise Http404("the run pays this insurer nothing")
    return insurer


def _list(request, form: RunStartForm, status: int = 200):
    runs = SubsidyRun.objects.order_by("-period")[:120]
    return render(request, "fund/subsidy/run_list.html", {"runs": runs, "form": form}, status=status)


@login_required
@require_GET
def run_list(request):
    fund_staff(request)
    return _list(request, RunStartForm())


@login_required
@require_POST
def run_start(request):
    principal = fund_staff(request)
    form = RunStartForm(request.POST)
    if not form.is_valid():
        return _list(request, form, status=422)
    period = form.cleaned_data["period"]
    try:
        run = services.subsidy_run_start(period=period, by=actor_of(request, principal))
    except services.SubsidyTableMissing as exc:
        form.add_error("period", _("The run cannot start: a table has no row for %(month)s — %(row)s.")
                       % {"month": f"{period:%Y-%m}", "row": exc.row})
        return _list(request, form, status=422)
    except services.RunExists as exc:
        messages.error(request, _("A run for %(month)s already exists (status: %(status)s); there is one run per "
                                  "month.") % {"month": f"{period:%Y-%m}", "status": exc.run.get_status_display()})
        return redirect("fund:subsidy-run", run_id=exc.run.pk)
    services.queue_calculation(run.pk)
    messages.success(request, _("The run for %(month)s has started.") % {"month": f"{period:%Y-%m}"})
    return redirect("fund:subsidy-run", run_id=run.pk)


@login_required
@require_GET
def run_detail(request, run_id: int):
    fund_staff(request)
    run = _run_or_404(run_id)
    summary = run_summary(run)
    matrix = run_matrix(run)
    rows = [(row["name"], {s: matrix["cells"].get((s, row["insurer"]), 0) for s in matrix["sources"]})
            for row in summary["by_insurer"]]
    by_source = [(row["source"], {row["source"]: row["amount_tiyn"]}) for row in summary["by_source"]]
    return render(request, "fund/subsidy/run_detail.html", {
        "run": run, "summary": summary, "progress": run_progress(run),
        "chart": stacked_bars(rows, matrix["sources"]), "source_chart": stacked_bars(by_source, matrix["sources"]),
    })


@login_required
@require_GET
def run_progress_json(request, run_id: int):
    fund_staff(request)
    return JsonResponse(run_progress(_run_or_404(run_id)))


@login_required
@require_POST
def run_resume(request, run_id: int):
    """Queue the calculation again (after a failed task): it continues after the last committed range."""
    fund_staff(request)
    run = _run_or_404(run_id)
    if run.status != SubsidyRun.Status.DRAFT:
        messages.error(request, _("The run's calculation is finished (status: %(status)s).") % {"status": run.get_status_display()})
        return redirect("fund:subsidy-run", run_id=run.pk)
    SubsidyRun.objects.filter(pk=run.pk).update(error="")
    services.queue_calculation(run.pk)
    messages.success(request, _("The calculation continues from where it stopped."))
    return redirect("fund:subsidy-run", run_id=run.pk)


@login_required
@require_POST
def run_approve(request, run_id: int):
    principal = fund_staff(request)
    run = _run_or_404(run_id)
    try:
        services.subsidy_run_approve(run_id=run.pk, by=actor_of(request, principal))
        messages.success(request, _("The run is approved."))
    except TransitionNotAllowed:
        messages.error(request, _("Only a calculated run can be approved (status: %(status)s).")
                       % {"status": _status_of(run.pk)})
    return redirect("fund:subsidy-run", run_id=run.pk)


@login_required
@require_POST
def run_disburse(request, run_id: int):
    principal = fund_staff(request)
    run = _run_or_404(run_id)
    try:
        services.subsidy_run_disburse(run_id=run.pk, by=actor_of(request, principal))
    except TransitionNotAllowed:
        messages.error(request, _("Only an approved run can be disbursed, once (status: %(status)s).")
                       % {"status": _status_of(run.pk)})
    except InsufficientFunds as exc:
        messages.error(request, _("The run cannot be disbursed: %(reason)s") % {"reason": exc})
    else:
        messages.success(request, _("The run is disbursed: the money is with the insurers."))
    return redirect("fund:subsidy-run", run_id=run.pk)


@login_required
@require_GET
def run_insurer_lines(request, run_id: int, insurer_code: str):
    fund_staff(request)
    run = _run_or_404(run_id)
    insurer = _insurer_of_run_or_404(run, insurer_code)
    sources = sorted({row["source_code"] for row in insurer_sources(run, insurer)})
    regions = [(r.code, r.name) for r in Region.objects.order_by("code")]
    form = LinesFilterForm(request.GET or None, sources=sources, regions=regions)
    source = region = ""
    if form.is_bound and form.is_valid():
        source, region = form.cleaned_data["source"], form.cleaned_data["region"]
    page = Paginator(statement_rows(run, insurer, source=source, region=region), LINES_PER_PAGE).get_page(
        request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in (("source", source), ("region", region)) if v)
    return render(request, "fund/subsidy/run_insurer.html", {
        "run": run, "insurer": insurer, "total": insurer_total(run, insurer),
        "sources": insurer_sources(run, insurer), "form": form, "page": page, "query": query})


class _Echo:
    """csv.writer writes each row here and the streaming response sends what it returns."""

    def write(self, value: str) -> str:
        return value


def _kzt(tiyn: int) -> str:
    sign = "-" if tiyn < 0 else ""
    tenge, rest = divmod(abs(tiyn), 100)
    return f"{sign}{tenge}.{rest:02d}"


@login_required
@require_GET
def statement_csv(request, run_id: int, insurer_code: str):
    fund_staff(request)
    run = _run_or_404(run_id)
    insurer = _insurer_of_run_or_404(run, insurer_code)
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(CSV_HEADER)
        for line in statement_rows(run, insurer).iterator(chunk_size=5000):
            yield writer.writerow([line["id"], line["kind"], f"{line['for_period']:%Y-%m}", line["policy__number"],
                                   line["instrument_id"], line["person__region"], line["source_code"], line["days"],
                                   line["amount_tiyn"], _kzt(line["amount_tiyn"])])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (f'attachment; filename="subsidy-{run.period:%Y-%m}-{insurer.code}.csv"')
    return response


@login_required
@require_GET
def statement_pdf_view(request, run_id: int, insurer_code: str):
    fund_staff(request)
    run = _run_or_404(run_id)
    insurer = _insurer_of_run_or_404(run, insurer_code)
    total = insurer_total(run, insurer)
    statement = {"run": run, "insurer": insurer, "total": total, "sources": insurer_sources(run, insurer),
                 "lines": list(statement_rows(run, insurer)[:PDF_LINES]), "lines_shown": PDF_LINES}
    statement["lines_total"] = sum(row["lines"] for row in statement["sources"])
    response = HttpResponse(statement_pdf(statement), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="subsidy-{run.period:%Y-%m}-{insurer.code}.pdf"'
    return response
