"""The insurer's loss ratio: claims paid ÷ premiums received, by product and month, and its SVG bars."""
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, OuterRef, Subquery, Sum
from django.db.models.functions import TruncMonth

from policies.models import InstrumentEvent, Policy

from .models import InsuredEvent

CHART_WIDTH, CHART_HEIGHT, BAR_GAP = 640, 220, 6


def loss_ratios(insurer) -> list[dict]:
    """[{product, month, premiums_tiyn, paid_tiyn, ratio (Decimal or None)}] ordered by month, product.

    A premium (an instrument's `funded` event: the fund's subsidy, the citizen's payment, a top-up) counts for the
    policy that held the instrument when the money arrived: after a switch of insurer the instrument has two
    policies, and each insurer sees only what it received."""
    holder = (Policy.objects.filter(instrument=OuterRef("instrument"), created_at__lte=OuterRef("at"))
              .order_by("-created_at", "-id"))
    premiums = (InstrumentEvent.objects
                .filter(kind=InstrumentEvent.Kind.FUNDED,
                        instrument__in=Policy.objects.filter(insurer=insurer).values("instrument_id"))
                .annotate(holder_insurer=Subquery(holder.values("insurer_id")[:1]),
                          product=Subquery(holder.values("version__product__code")[:1]))
                .filter(holder_insurer=insurer.pk)
                .annotate(month=TruncMonth("at")).values("product", "month").annotate(total=Sum("amount_tiyn")))
    paid = (InsuredEvent.objects.filter(insurer=insurer, status=InsuredEvent.Status.PAID)
            .annotate(month=TruncMonth("settlement__paid_at"), product=F("policy__version__product__code"))
            .values("product", "month").annotate(total=Sum("approved_tiyn")))
    rows: dict[tuple, dict] = {}
    for source, key in ((premiums, "premiums_tiyn"), (paid, "paid_tiyn")):
        for row in source:
            month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
            entry = rows.setdefault((month, row["product"] or "—"), {
                "product": row["product"] or "—", "month": month, "premiums_tiyn": 0, "paid_tiyn": 0})
            entry[key] += row["total"] or 0
    result = sorted(rows.values(), key=lambda r: (r["month"], r["product"]))
    for row in result:
        row["ratio"] = (Decimal(row["paid_tiyn"]) / Decimal(row["premiums_tiyn"])).quantize(
            Decimal("0.001"), rounding=ROUND_HALF_UP) if row["premiums_tiyn"] else None
    return result


def chart_bars(rows: list[dict]) -> list[dict]:
    """Bar geometry for the inline SVG: height ∝ ratio (the tallest bar fills the chart; 100 % is marked)."""
    shown = [r for r in rows if r["ratio"] is not None]
    if not shown:
        return []
    top = max(max(r["ratio"] for r in shown), Decimal(1))
    width = max(4, (CHART_WIDTH - BAR_GAP * len(shown)) // len(shown))
    bars = []
    for i, row in enumerate(shown):
        height = int(Decimal(CHART_HEIGHT - 20) * row["ratio"] / top)
        bars.append({"x": i * (width + BAR_GAP), "y": CHART_HEIGHT - 20 - height, "width": width, "height": height,
                     "label": f"{row['product']} {row['month']:%Y-%m}", "percent": f"{row['ratio'] * 100:.1f}"})
    return bars


def hundred_percent_y(rows: list[dict]) -> int | None:
    shown = [r["ratio"] for r in rows if r["ratio"] is not None]
    if not shown:
        return None
    top = max(max(shown), Decimal(1))
    return CHART_HEIGHT - 20 - int(Decimal(CHART_HEIGHT - 20) / top)
