"""The cost–accuracy–latency front as inline SVG scatters (for the HTML page)."""

from __future__ import annotations

from html import escape

from ._columns import money, seconds
from ._pareto import FRONT_AXES, FrontPlot

W, H = 440, 270
LEFT, RIGHT, TOP, BOTTOM = 46, 110, 14, 40
#: Colour of front points and the front line (the page tests look for it in a screenshot).
FRONT_COLOUR = "#d9480f"
OTHER_COLOUR = "#868e96"


def _span(values: list[float]) -> tuple[float, float]:
    lo, hi = min(values), max(values)
    if hi - lo < 1e-12:  # one value (e.g. every run cost $0): centre it
        pad = abs(lo) * 0.5 or 1.0
        return lo - pad, hi + pad
    pad = (hi - lo) * 0.08
    return lo - pad, hi + pad


def _x_text(axis: str, value: float) -> str:
    return money(value) if axis == "cost100" else seconds(value)


def front_svg(plot: FrontPlot) -> str:
    """One ``<figure>``: points (front ones filled orange, ``data-front="1"``), the front
    staircase, axis labels and a caption naming the front and the entries left out."""
    if not plot.points:
        return ""
    x_lo, x_hi = _span([p.x for p in plot.points])
    y_lo, y_hi = _span([p.y for p in plot.points])
    y_lo, y_hi = max(0.0, y_lo), min(1.0, y_hi)  # accuracies live in [0, 1]
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM

    def sx(x: float) -> float:
        return LEFT + (x - x_lo) / (x_hi - x_lo) * pw

    def sy(y: float) -> float:
        return TOP + (1 - (y - y_lo) / (y_hi - y_lo)) * ph

    parts = [
        f'<svg width="{W}" height="{H}" role="img" aria-label="{escape(plot.metric)} against '
        f'{escape(FRONT_AXES[plot.axis])}">',
        f'<rect x="{LEFT}" y="{TOP}" width="{pw}" height="{ph}" fill="#fafafa" stroke="#ccc"/>',
    ]
    for frac in (0.0, 0.5, 1.0):
        y = y_lo + frac * (y_hi - y_lo)
        parts.append(
            f'<text x="{LEFT - 4}" y="{sy(y) + 4:.1f}" font-size="10" text-anchor="end">'
            f"{100 * y:.1f}</text>"
        )
    for x in (x_lo, x_hi):
        parts.append(
            f'<text x="{sx(x):.1f}" y="{TOP + ph + 14}" font-size="10" text-anchor="middle">'
            f"{escape(_x_text(plot.axis, max(0.0, x)))}</text>"
        )
    parts.append(
        f'<text x="{LEFT + pw / 2:.1f}" y="{H - 6}" font-size="11" text-anchor="middle">'
        f"{escape(FRONT_AXES[plot.axis])}</text>"
    )
    front = plot.front
    if len(front) > 1:  # staircase: each front point holds until the next one is reached
        d = f"M{sx(front[0].x):.1f} {sy(front[0].y):.1f}"
        for p in front[1:]:
            d += f"H{sx(p.x):.1f}V{sy(p.y):.1f}"
        parts.append(
            f'<path class="front-line" d="{d}" stroke="{FRONT_COLOUR}" stroke-width="2" '
            'fill="none"/>'
        )
    for p in plot.points:
        colour = FRONT_COLOUR if p.on_front else OTHER_COLOUR
        parts.append(
            f'<circle cx="{sx(p.x):.1f}" cy="{sy(p.y):.1f}" r="{6 if p.on_front else 4}" '
            f'fill="{colour}" data-label="{escape(p.label)}" data-front="{int(p.on_front)}" '
            f'data-x="{p.x!r}" data-y="{p.y!r}"><title>{escape(p.label)}: {100 * p.y:.1f}, '
            f"{escape(_x_text(plot.axis, p.x))}</title></circle>"
            f'<text x="{sx(p.x) + 8:.1f}" y="{sy(p.y) + 4:.1f}" font-size="10">'
            f"{escape(p.label)}{' (smoke)' if p.smoke_test else ''}</text>"
        )
    parts.append("</svg>")
    caption = "Pareto front: " + ", ".join(escape(p.label) for p in front)
    if plot.left_out:
        caption += "; not plotted (unknown): " + ", ".join(escape(x) for x in plot.left_out)
    return (
        f'<figure class="front" data-task="{escape(plot.task)}" data-metric='
        f'"{escape(plot.metric)}" data-axis="{escape(plot.axis)}">{"".join(parts)}'
        f"<figcaption>{escape(plot.metric)} ×100 against {escape(FRONT_AXES[plot.axis])}. "
        f"{caption}</figcaption></figure>"
    )


def front_section(plots: list[FrontPlot]) -> str:
    """The page section holding every scatter (empty without points)."""
    figures = "".join(front_svg(p) for p in plots)
    if not figures:
        return ""
    return (
        '<h2>Cost–accuracy–latency front</h2><div class="meta">Accuracy ×100 against dollars '
        "per 100 questions and against the median per-question answer latency; filled orange "
        "points are on the Pareto front (no other entry is both cheaper/faster and at least as "
        f'accurate), joined by the front line.</div><div class="fronts">{figures}</div>'
    )
