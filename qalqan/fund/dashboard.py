"""The fund dashboard: insured and uninsured by region and by basis (from the materialised statuses) and the
revenue table of seed 000 as a server-rendered SVG bar chart. Fund staff only."""
from dataclasses import dataclass

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.shortcuts import render

from qalqan.refdata.catalogue import REVENUE
from qalqan.refdata.models import BenefitCategory, Region

UNINSURED = "uninsured"

_BY_REGION_SQL = """
SELECT p.region, count(*), count(*) FILTER (WHERE s.insured)
FROM people_person p LEFT JOIN people_insurancestatus s ON s.person_id = p.id
GROUP BY p.region ORDER BY p.region
"""
_BY_BASIS_SQL = """
SELECT CASE WHEN s.insured THEN s.basis ELSE NULL END, count(*)
FROM people_person p LEFT JOIN people_insurancestatus s ON s.person_id = p.id
GROUP BY 1 ORDER BY 2 DESC
"""


@dataclass(frozen=True)
class Share:
    key: str
    label: str
    people: int
    insured: int

    @property
    def uninsured(self) -> int:
        return self.people - self.insured

    @property
    def insured_percent(self) -> float:
        return round(100 * self.insured / self.people, 1) if self.people else 0.0

    @property
    def uninsured_percent(self) -> float:
        return round(100 - self.insured_percent, 1) if self.people else 0.0


def coverage_by_region() -> list[Share]:
    names = {r.code: r.name for r in Region.objects.all()}
    with connection.cursor() as cursor:
        cursor.execute(_BY_REGION_SQL)
        rows = cursor.fetchall()
    return [Share(code or "", names.get(code, code or "—"), total, insured) for code, total, insured in rows]


def coverage_by_basis() -> list[Share]:
    names = {}
    for category in BenefitCategory.objects.order_by("valid_from"):
        names[category.code] = category.name
    with connection.cursor() as cursor:
        cursor.execute(_BY_BASIS_SQL)
        rows = cursor.fetchall()
    out = []
    for basis, total in rows:
        key = basis or UNINSURED
        out.append(Share(key, names.get(key, key), total, 0 if basis is None else total))
    return out


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    series: str


def revenue_chart(*, width: int = 640, height: int = 280) -> dict:
    """Grouped bars (ОСМС, ГОБМП) per year in billion ₸, laid out for an inline <svg>."""
    margin_left, margin_bottom, top = 56, 28, 12
    plot_w, plot_h = width - margin_left - 8, height - margin_bottom - top
    peak = max(max(r["osms_thousand_kzt"], r["gobmp_thousand_kzt"]) for r in REVENUE)
    step = plot_w / len(REVENUE)
    bar_w = step * 0.36
    bars, labels = [], []
    for i, row in enumerate(REVENUE):
        for j, series in enumerate(("osms", "gobmp")):
            value = row[f"{series}_thousand_kzt"]
            h = plot_h * value / peak
            x = margin_left + i * step + step * 0.12 + j * bar_w
            bars.append(Bar(round(x, 1), round(top + plot_h - h, 1), round(bar_w, 1), round(h, 1),
                            round(value / 1_000_000), series))
        labels.append({"x": round(margin_left + i * step + step / 2, 1), "year": row["year"]})
    ticks = []
    for k in range(5):
        value = peak * k / 4
        ticks.append({"y": round(top + plot_h - plot_h * k / 4, 1), "label": f"{value / 1_000_000:,.0f}".replace(",", " ")})
    return {"width": width, "height": height, "bars": bars, "labels": labels, "ticks": ticks,
            "axis_x": margin_left, "axis_y": top + plot_h, "rows": REVENUE}


def fund_dashboard(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    membership = getattr(request.user, "membership", None)
    if membership is None or membership.organisation.kind != "fund":
        raise PermissionDenied
    regions = coverage_by_region()
    total = sum(s.people for s in regions)
    insured = sum(s.insured for s in regions)
    context = {
        "regions": regions, "bases": coverage_by_basis(), "chart": revenue_chart(),
        "total": Share("all", "", total, insured),
    }
    return render(request, "fund/dashboard.html", context)
