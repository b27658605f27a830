"""Reads of subsidy runs shared by the API, the pages and the statements."""
from django.db.models import Sum

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
