"""Reads of subsidy runs shared by the API, the pages and the statements."""
from django.db.models import Count, Sum

from qalqan.orgs.models import Organisation

from .models import SubsidyLine, SubsidyRun, SubsidyTotal


def run_summary(run: SubsidyRun) -> dict:
    """The run as API.md describes it, plus by_source and progress."""
    totals = list(SubsidyTotal.objects.filter(run=run).select_related("insurer"))
    by_insurer: dict[str, dict] = {}
    by_source: dict[str, dict] = {}
    for total in totals:
        row = by_insurer.setdefault(total.insurer.code, {"insurer": total.insurer.code, "name": total.insurer.name,
                                                         "policies": 0, "amount_tiyn": 0})
        row["policies"] += total.policies
        row["amount_tiyn"] += total.amount_tiyn
        source = by_source.setdefault(total.source_code, {"source": total.source_code, "policies": 0,
                                                          "amount_tiyn": 0})
        source["policies"] += total.policies
        source["amount_tiyn"] += total.amount_tiyn
    return {
        "id": run.pk, "period": f"{run.period:%Y-%m}", "status": run.status, "policies": run.policies,
        "adjustments": run.adjustments, "total_tiyn": run.total_tiyn, "progress_percent": run.progress_percent,
        "instruments_recorded": run.instruments_recorded, "error": run.error,
        "by_insurer": sorted(by_insurer.values(), key=lambda r: r["insurer"]),
        "by_source": sorted(by_source.values(), key=lambda r: r["source"]),
    }


def run_matrix(run: SubsidyRun) -> dict:
    """Money by source (rows) and insurer (columns) for the chart and the drill-down."""
    totals = list(SubsidyTotal.objects.filter(run=run).select_related("insurer"))
    sources = sorted({t.source_code for t in totals})
    insurers = sorted({t.insurer.code for t in totals})
    cells = {(t.source_code, t.insurer.code): t.amount_tiyn for t in totals}
    return {"sources": sources, "insurers": insurers, "cells": cells}


def insurer_lines(run: SubsidyRun, insurer: Organisation):
    """The run's lines for one insurer, in id order (the statement's rows)."""
    return (SubsidyLine.objects.filter(run=run, insurer=insurer).order_by("id")
            .values_list("id", "kind", "for_period", "policy_id", "instrument_id", "source_code", "days",
                         "amount_tiyn"))


def insurer_total(run: SubsidyRun, insurer: Organisation) -> dict:
    figures = SubsidyTotal.objects.filter(run=run, insurer=insurer).aggregate(policies=Sum("policies"),
                                                                             amount=Sum("amount_tiyn"))
    return {"policies": figures["policies"] or 0, "amount_tiyn": figures["amount"] or 0}


def run_progress(run: SubsidyRun) -> dict:
    """How far the calculation is: ranges (chunks) committed and the ranges it takes in all."""
    calculating = run.status == SubsidyRun.Status.DRAFT
    total = run.chunks_total if calculating else run.chunks_done
    return {"id": run.pk, "status": run.status, "chunks_done": run.chunks_done, "chunks_total": total,
            "percent": run.progress_percent, "policies": run.policies, "error": run.error}


def insurer_sources(run: SubsidyRun, insurer: Organisation) -> list[dict]:
    """The insurer's money in the run by paying source and line kind (the statement's summary)."""
    return list(SubsidyLine.objects.filter(run=run, insurer=insurer).values("source_code", "kind")
                .annotate(lines=Count("id"), amount_tiyn=Sum("amount_tiyn")).order_by("source_code", "kind"))


def statement_rows(run: SubsidyRun, insurer: Organisation, *, source: str = "", region: str = ""):
    """The insurer's lines with the policy number and the holder's region, in id order (CSV, drill-down)."""
    lines = SubsidyLine.objects.filter(run=run, insurer=insurer)
    if source:
        lines = lines.filter(source_code=source)
    if region:
        lines = lines.filter(person__region=region)
    return (lines.order_by("id")
            .values("id", "kind", "for_period", "policy_id", "policy__number", "instrument_id", "person__region",
                    "source_code", "days", "amount_tiyn"))
