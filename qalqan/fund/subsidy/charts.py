"""The run page's chart: horizontal bars, one per insurer, stacked by paying source, laid out for an inline
<svg> (no JavaScript, no chart library; the same approach as the fund dashboard)."""
from dataclasses import dataclass

from qalqan.core.money import format_tiyn

PALETTE = ["#00588a", "#8fb8d3", "#d97b29", "#4f9d69", "#a25ba8", "#c9a227", "#6b7b8c", "#b5473a"]


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    colour: str
    series: str
    amount: str


@dataclass(frozen=True)
class Row:
    y: float
    text_y: float
    label: str
    segments: list[Segment]
    total: str
    total_x: float


def stacked_bars(rows: list[tuple[str, dict[str, int]]], series: list[str], *, width: int = 640,
                 row_height: int = 28, label_width: int = 150, total_width: int = 120) -> dict:
    """`rows` are (label, {series: tiyn}); negative amounts (net returns) draw nothing. Bars share one scale."""
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(series)}
    plot_w = width - label_width - total_width
    peak = max((sum(max(0, v) for v in values.values()) for _, values in rows), default=0) or 1
    laid_out = []
    for i, (label, values) in enumerate(rows):
        x = float(label_width)
        segments = []
        for name in series:
            amount = values.get(name, 0)
            if amount <= 0:
                continue
            w = plot_w * amount / peak
            segments.append(Segment(round(x, 1), round(max(w, 0.5), 1), colours[name], name, format_tiyn(amount)))
            x += w
        y = i * row_height + 4
        laid_out.append(Row(y, y + (row_height - 8) / 2, label, segments, format_tiyn(sum(values.values())),
                            round(x + 6, 1)))
    return {"width": width, "height": len(rows) * row_height + 8, "bar_height": row_height - 8,
            "label_x": label_width - 8, "rows": laid_out,
            "legend": [{"series": name, "colour": colours[name]} for name in series]}
