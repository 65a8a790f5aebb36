"""The projection chart: GPs needed and expected per year, server-rendered SVG.

Drawn as ``fastlege.stats.svg`` draws its charts (docs/maps.md): the same box and
text size, a y-axis from zero with round ticks (``axis_ticks``), the unit at the top,
``role="img"`` named by its title, and the figures in a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from fastlege.stats.numbers import num
from fastlege.stats.svg import CHART_FONT, CHART_HEIGHT, CHART_WIDTH, _tick_text, axis_ticks
from fastlege.workforce.projection import YearRow

NEEDED_COLOUR = "#bd0026"
EXPECTED_COLOUR = "#08519c"


def _series(rows: Sequence[YearRow]) -> list[tuple[str, list[float], str, str]]:
    return [
        (gettext("Leger som trengs"), [r.needed for r in rows], NEEDED_COLOUR, "6 4"),
        (gettext("Leger som ventes"), [r.expected for r in rows], EXPECTED_COLOUR, ""),
    ]


def projection_svg(rows: Sequence[YearRow], title: str, unit: str, chart_id: str) -> SafeString:
    """Two lines over the years: needed (dashed, red) and expected (solid, blue)."""
    width, height, font = CHART_WIDTH, CHART_HEIGHT, CHART_FONT
    series = _series(rows)
    values = [v for _label, vs, _c, _d in series for v in vs]
    label = escape(f"{title} ({unit})")
    ticks = axis_ticks(min(values, default=0.0), max(values, default=0.0))
    tick_texts = [_tick_text(t) for t in ticks]
    pad_l = 12 + round(0.6 * font * max(len(t) for t in tick_texts))
    pad_r, pad_t, pad_b = 12, 48, 30
    lo, hi = float(ticks[0]), float(ticks[-1])
    n = len(rows)

    def x(i: int) -> float:
        return pad_l + (width - pad_l - pad_r) * (i / max(n - 1, 1))

    def y(v: float) -> float:
        return pad_t + (height - pad_t - pad_b) * (1 - (float(v) - lo) / (hi - lo))

    out = []
    for tick, text in zip(ticks, tick_texts, strict=True):
        colour = "#767676" if tick == 0 else "#dddddd"
        out.append(
            f'<line x1="{pad_l}" y1="{y(float(tick)):.1f}" x2="{width - pad_r}" '
            f'y2="{y(float(tick)):.1f}" stroke="{colour}"/><text x="{pad_l - 6}" '
            f'y="{y(float(tick)) + font * 0.35:.1f}" text-anchor="end">{escape(text)}</text>'
        )
    out.append(f'<text x="0" y="{font}">{escape(unit)}</text>')
    # the legend, on the line below the unit
    lx = 0
    for name, _vs, colour, dash in series:
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{lx}" y1="{font * 2 + 2}" x2="{lx + 22}" y2="{font * 2 + 2}" '
            f'stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
            f'<text x="{lx + 26}" y="{font * 2 + 7}">{escape(name)}</text>'
        )
        lx += 34 + round(0.55 * font * len(name))
    for name, vs, colour, dash in series:
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(vs))
        out.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr} '
            f'points="{points}"><title>{escape(name)}</title></polyline>'
        )
    labelled = sorted({0, n - 1} | ({(n - 1) // 2} if n >= 5 else set()))
    for i in labelled if n else []:
        anchor = "start" if i == 0 else "end" if i == n - 1 else "middle"
        out.append(
            f'<text x="{x(i):.1f}" y="{height - 8}" text-anchor="{anchor}">{rows[i].year}</text>'
        )
    span = f"{rows[0].year}–{rows[-1].year}" if rows else ""
    t = f"{label}, {span}"
    return mark_safe(  # noqa: S308 – every text in it is escaped
        f'<svg role="img" aria-labelledby="{chart_id}-title" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" class="chart" '
        f'font-size="{font}"><title id="{chart_id}-title">{t}</title>' + "".join(out) + "</svg>"
    )


def projection_table(rows: Sequence[YearRow], title: str, unit: str) -> SafeString:
    """The chart's figures: one row per year (needed, expected, gap), one decimal."""
    head = "".join(
        f'<th scope="col">{escape(h)}</th>'
        for h in (
            gettext("År"),
            gettext("Leger som trengs"),
            gettext("Leger som ventes"),
            gettext("Gap"),
        )
    )
    body = "".join(
        f'<tr><th scope="row">{r.year}</th><td class="num">{escape(num(r.needed, 1))}</td>'
        f'<td class="num">{escape(num(r.expected, 1))}</td>'
        f'<td class="num">{escape(num(r.gap, 1))}</td></tr>'
        for r in rows
    )
    caption = escape(f"{title} ({unit})")
    return mark_safe(  # noqa: S308 – every text in it is escaped
        f'<table class="stats chart-data"><caption>{caption}</caption><thead><tr>{head}</tr>'
        f"</thead><tbody>{body}</tbody></table>"
    )


def projection_figure(rows: Sequence[YearRow], title: str, unit: str, chart_id: str) -> SafeString:
    """The chart with its heading and, folded below it, its figures as a table."""
    svg = projection_svg(rows, title, unit, chart_id)
    table = projection_table(rows, title, unit)
    summary = escape(gettext("Vis tallene som tabell"))
    return mark_safe(  # noqa: S308 – every text in it is escaped
        f'<figure class="chart-figure" id="{chart_id}"><figcaption>{escape(title)}'
        f"</figcaption>{svg}<details><summary>{summary}</summary>{table}</details></figure>"
    )
