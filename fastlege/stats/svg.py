"""Server-rendered SVG: time-series charts and the municipality map. No JavaScript,
nothing fetched from the internet; boundaries © Kartverket (reference data).

How they are drawn — axes from zero, units, month names, text size, the table behind
each chart, the map's quantile classes, palettes and legend — is in docs/maps.md."""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from fastlege.stats.indicators import SUPPRESSION_THRESHOLD
from fastlege.stats.numbers import num
from fastlege.stats.units import with_unit

GEOJSON = Path(__file__).resolve().parent.parent / "reference" / "data" / "kommuner_2024.geojson"
SCALE = 100  # projected units per degree of latitude
LAT0 = 65.0  # the longitude scale is taken at this latitude

#: Colours from good to bad (ColorBrewer YlOrRd, 5 classes); grey: no figure.
PALETTE = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
NEUTRAL = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
NO_DATA = "#d9d9d9"
#: Hidden (suppressed) figures: grey hatching, not a colour of the scale.
HATCH_ID = "kart-skjermet"


#: Charts are drawn in a 360 × 220 box and scaled to the column's width (stats.css:
#: at most 480 px). Text is 14 units high: at least 12 px on a 360 px phone, whose
#: column is 328 px wide (14 × 328 / 360 = 12.8).
CHART_WIDTH = 360
CHART_HEIGHT = 220
CHART_FONT = 14
CHART_LINE = "#08519c"


def _fmt(v: Any, decimals: int | None = None) -> str:
    """A figure as shown on the pages (already rounded by ``selectors.display``)."""
    return num(v, decimals) if isinstance(v, (int, float, Decimal)) else str(v)


def month_label(month: datetime.date, long: bool = False) -> str:
    """«jan. 2025» (axis) or «januar 2025» (table, tooltip): Django's date format in
    the active language (Norwegian bokmål by default)."""
    return date_format(month, "F Y" if long else "N Y")


def axis_ticks(lo: float, hi: float, target: int = 4, whole: bool = False) -> list[Decimal]:
    """Tick values of an axis that always includes zero (the lines of counts, shares and
    means are read from zero), at the smallest round step (1, 2, 2,5 or 5 × 10ⁿ) giving
    at most ``target`` + 1 intervals. ``whole``: the figures are whole numbers (no ticks
    in between)."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi == lo:
        hi = lo + 1
    raw = (hi - lo) / (target + 1)
    magnitude = Decimal(10) ** math.floor(math.log10(raw))
    step = magnitude * 10
    for m in ("1", "2", "2.5", "5"):
        candidate = magnitude * Decimal(m)
        if candidate >= Decimal(repr(raw)) and not (whole and candidate % 1):
            step = candidate
            break
    if whole and step < 1:
        step = Decimal(1)
    start = (Decimal(repr(lo)) / step).to_integral_value(rounding=ROUND_FLOOR)
    end = (Decimal(repr(hi)) / step).to_integral_value(rounding=ROUND_CEILING)
    return [(i * step).normalize() + 0 for i in range(int(start), int(end) + 1)]


def _tick_text(t: Decimal) -> str:
    return num(t, max(0, -t.as_tuple().exponent))  # type: ignore[operator]


def line_chart(
    points: Sequence[tuple[datetime.date, Any]],
    title: str,
    *,
    unit: str = "",
    decimals: int | None = None,
    chart_id: str = "chart",
    marker: tuple[datetime.date, str] | None = None,
) -> SafeString:
    """A line over months, its y-axis from zero, labelled with ``unit``. Hidden
    (suppressed) or missing figures break the line. ``role="img"``, named by its
    ``<title>``; the figures themselves are in :func:`data_table`. ``marker``: a month
    and its label, drawn as a dashed vertical line (e.g. the start of an agreement)
    at the first month on or after it."""
    width, height, font = CHART_WIDTH, CHART_HEIGHT, CHART_FONT
    numeric = [(m, v) for m, v in points if isinstance(v, (int, float, Decimal))]
    label = escape(f"{title} ({unit})" if unit else title)
    head = (
        f'<svg role="img" aria-labelledby="{chart_id}-title" width="{width}" '
        f'height="{{h}}" viewBox="0 0 {width} {{h}}" xmlns="http://www.w3.org/2000/svg" '
        f'class="chart" font-size="{font}"><title id="{chart_id}-title">{{t}}</title>'
    )
    if not numeric:
        t = f"{label}: " + escape(gettext("ingen tall"))
        return mark_safe(  # noqa: S308 – every text in it is escaped
            head.format(h=40, t=t) + f'<text x="0" y="24">{t}</text></svg>'
        )
    whole = decimals == 0 or all(isinstance(v, int) for _m, v in numeric)
    ticks = axis_ticks(
        float(min(v for _m, v in numeric)), float(max(v for _m, v in numeric)), whole=whole
    )
    tick_texts = [_tick_text(t) for t in ticks]
    pad_l = 12 + round(0.6 * font * max(len(t) for t in tick_texts))
    pad_r, pad_t, pad_b = 12, 30, 30
    lo, hi = float(ticks[0]), float(ticks[-1])
    n = len(points)

    def x(i: int) -> float:
        return pad_l + (width - pad_l - pad_r) * (i / max(n - 1, 1))

    def y(v: float | Decimal) -> float:
        return pad_t + (height - pad_t - pad_b) * (1 - (float(v) - lo) / (hi - lo))

    out = []
    for tick, text in zip(ticks, tick_texts, strict=True):
        colour = "#767676" if tick == 0 else "#dddddd"
        out.append(
            f'<line x1="{pad_l}" y1="{y(tick):.1f}" x2="{width - pad_r}" y2="{y(tick):.1f}" '
            f'stroke="{colour}"/><text x="{pad_l - 6}" y="{y(tick) + font * 0.35:.1f}" '
            f'text-anchor="end">{escape(text)}</text>'
        )
    if unit:
        out.append(f'<text x="0" y="{font}">{escape(unit)}</text>')
    segments: list[list[str]] = [[]]
    dots = []
    for i, (m, v) in enumerate(points):
        if isinstance(v, (int, float, Decimal)):
            segments[-1].append(f"{x(i):.1f},{y(v):.1f}")
            tip = escape(f"{month_label(m, long=True)}: {with_unit(_fmt(v, decimals), unit)}")
            dots.append(
                f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{CHART_LINE}">'
                f"<title>{tip}</title></circle>"
            )
        elif segments[-1]:
            segments.append([])
    out.extend(
        f'<polyline fill="none" stroke="{CHART_LINE}" stroke-width="2.5" points="{" ".join(s)}"/>'
        for s in segments
        if s
    )
    out.extend(dots)
    marked = ""
    if marker is not None:
        at = next((i for i, (m, _v) in enumerate(points) if m >= marker[0]), None)
        if at is not None:
            marked = f", {marker[1]}: {month_label(points[at][0])}"
            left = at < (n - 1) / 2
            out.append(
                f'<line class="marker" x1="{x(at):.1f}" y1="{pad_t - 8}" x2="{x(at):.1f}" '
                f'y2="{height - pad_b}" stroke="#b35806" stroke-width="2" '
                f'stroke-dasharray="5 3"/><text x="{x(at) + (4 if left else -4):.1f}" '
                f'y="{height - pad_b - 6}" text-anchor="{"start" if left else "end"}" '
                f'fill="#8a4204">'
                f"{escape(marker[1])}</text>"
            )
    # month labels: the first, the last and (room allowing) the one in the middle
    labelled = sorted({0, n - 1} | ({(n - 1) // 2} if n >= 5 else set()))
    for i in labelled:
        anchor = "start" if i == 0 else "end" if i == n - 1 else "middle"
        out.append(
            f'<text x="{x(i):.1f}" y="{height - 8}" text-anchor="{anchor}">'
            f"{escape(month_label(points[i][0]))}</text>"
        )
    first, last = month_label(points[0][0]), month_label(points[-1][0])
    t = f"{label}, {escape(first)}–{escape(last)}{escape(marked)}"
    return mark_safe(head.format(h=height, t=t) + "".join(out) + "</svg>")  # noqa: S308


def data_table(
    points: Sequence[tuple[datetime.date, Any]],
    title: str,
    *,
    unit: str = "",
    decimals: int | None = None,
) -> SafeString:
    """The chart's figures as a table (for screen readers, and anyone who wants the
    numbers): one row per month, suppressed figures as shown («:»), none as «–»."""
    caption = escape(f"{title} ({unit})" if unit else title)
    value_head = escape(gettext("Verdi") + (f" ({unit})" if unit else ""))
    rows = "".join(
        f'<tr><th scope="row">{escape(month_label(m, long=True))}</th>'
        f'<td class="num">{escape(num(v, decimals) if v is not None else "–")}</td></tr>'
        for m, v in points
    )
    return mark_safe(  # noqa: S308 – every text in it is escaped
        f'<table class="stats chart-data"><caption>{caption}</caption><thead><tr>'
        f'<th scope="col">{escape(gettext("Måned"))}</th><th scope="col">{value_head}</th>'
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )


def chart_figure(
    points: Sequence[tuple[datetime.date, Any]],
    title: str,
    *,
    unit: str = "",
    decimals: int | None = None,
    chart_id: str = "chart",
    marker: tuple[datetime.date, str] | None = None,
) -> SafeString:
    """A chart with its heading and, folded below it, its figures as a table."""
    heading = escape(title)
    svg = line_chart(points, title, unit=unit, decimals=decimals, chart_id=chart_id, marker=marker)
    table = data_table(points, title, unit=unit, decimals=decimals)
    summary = escape(gettext("Vis tallene som tabell"))
    return mark_safe(  # noqa: S308 – every text in it is escaped
        f'<figure class="chart-figure" id="{chart_id}"><figcaption>{heading}'
        f"</figcaption>{svg}<details><summary>{summary}</summary>{table}</details></figure>"
    )


def _project(lon: float, lat: float) -> tuple[int, int]:
    return round(lon * SCALE * math.cos(math.radians(LAT0))), round(-lat * SCALE)


@lru_cache(maxsize=1)
def shapes() -> dict[str, tuple[str, str, tuple[int, int, int, int]]]:
    """Per municipality number: (name, SVG path, bounding box), read once."""
    data = json.loads(GEOJSON.read_text(encoding="utf-8"))
    out = {}
    for feature in data["features"]:
        props, geom = feature["properties"], feature["geometry"]
        polygons = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        parts = []
        xs: list[int] = []
        ys: list[int] = []
        for polygon in polygons:
            for ring in polygon:
                pts = []
                last = None
                for lon, lat in ring:
                    p = _project(lon, lat)
                    if p != last:
                        pts.append(f"{p[0]} {p[1]}")
                        xs.append(p[0])
                        ys.append(p[1])
                        last = p
                if len(pts) >= 3:
                    parts.append("M" + "L".join(pts) + "Z")
        out[props["kommunenummer"]] = (
            props.get("kommunenavn") or props.get("name", ""),
            "".join(parts),
            (min(xs), min(ys), max(xs), max(ys)),
        )
    return out


#: A map has this many classes (fewer only when fewer different figures are shown).
MAP_CLASSES = 5


def class_bounds(values: Sequence[float], k: int = MAP_CLASSES) -> list[float]:
    """Upper bounds of ``k`` quantile classes (docs/maps.md): each class takes about as
    many of the figures as the classes still to fill, equal figures stay in one class,
    and a class never takes so many different figures that fewer than ``k`` classes
    remain possible. Every bound is a figure that occurs; a class holds the figures
    above the bound before it up to and including its own."""
    ordered = sorted(values)
    bounds: list[float] = []
    while ordered and k > 0:
        distinct = sorted(set(ordered))
        by_count = ordered[math.ceil(len(ordered) / k) - 1]
        # leave at least one different figure for each class still to come
        bound = min(by_count, distinct[max(len(distinct) - k, 0)])
        bounds.append(bound)
        ordered = [v for v in ordered if v > bound]
        k -= 1
    return bounds


def _shade(i: int, n: int) -> int:
    """Palette position of class ``i`` of ``n``: spread over the whole palette."""
    return 0 if n <= 1 else round(i * (len(PALETTE) - 1) / (n - 1))


def _class_of(value: float, bounds: list[float]) -> int:
    return next((j for j, b in enumerate(bounds) if value <= b), len(bounds) - 1)


def colour(value: Any, bounds: list[float], higher_is_worse: bool | None) -> str:
    if not isinstance(value, (int, float, Decimal)) or not bounds:
        return NO_DATA
    i = _shade(_class_of(float(value), bounds), len(bounds))
    if higher_is_worse is None:
        return NEUTRAL[i]
    return PALETTE[i] if higher_is_worse else PALETTE[len(PALETTE) - 1 - i]


@dataclass(frozen=True)
class MapClass:
    """One class of the legend: its colour, the lowest and highest figure in it as
    shown («5,8–12,0 %») and how many municipalities it holds."""

    colour: str
    lower: float
    upper: float
    count: int
    label: str


@dataclass(frozen=True)
class Legend:
    """The map's key: the classes, then the municipalities without a colour."""

    classes: list[MapClass]
    unit: str
    suppressed: int  # municipalities whose figure is hidden (small numbers)
    missing: int  # municipalities without a figure
    no_data: str = NO_DATA
    threshold: int = SUPPRESSION_THRESHOLD

    def __len__(self) -> int:
        return len(self.classes)


def _legend(
    shown: list[float], bounds: list[float], higher_is_worse: bool | None, unit: str, **kw: Any
) -> list[MapClass]:
    decimals = kw.get("decimals")
    out = []
    for j, upper in enumerate(bounds):
        members = [v for v in shown if _class_of(v, bounds) == j]
        lower = min(members)
        text = _fmt(lower, decimals)
        if lower != upper:
            text += "–" + _fmt(upper, decimals)
        out.append(
            MapClass(
                colour(upper, bounds, higher_is_worse),
                lower,
                upper,
                len(members),
                with_unit(text, unit),
            )
        )
    return out


def choropleth(
    values: dict[str, Any],
    numbers: Sequence[str],
    *,
    higher_is_worse: bool | None,
    link: str,
    width: int = 640,
    label: str = "Kart",
    unit: str = "",
    decimals: int | None = None,
) -> tuple[SafeString, Legend]:
    """The map of ``numbers`` coloured by ``values`` in quantile classes
    (:func:`class_bounds`); each municipality links to ``link`` with ``{}`` replaced by
    its number and has a tooltip with its name and figure (with ``unit``). A hidden
    figure (the mark «:», ``selectors.SUPPRESSED``) is hatched, a missing one grey:
    neither is a class.
    Returns the SVG and the legend."""
    geo = shapes()
    numbers = [n for n in numbers if n in geo]
    numeric = [float(v) for n in numbers if isinstance(v := values.get(n), (int, float, Decimal))]
    bounds = class_bounds(numeric)
    suppressed = sum(1 for n in numbers if isinstance(values.get(n), str))
    legend = Legend(
        _legend(numeric, bounds, higher_is_worse, unit, decimals=decimals),
        unit,
        suppressed,
        len(numbers) - len(numeric) - suppressed,
    )
    hidden = gettext("skjermet")
    fills: dict[str, tuple[str, str]] = {}
    for n in numbers:
        v = values.get(n)
        if isinstance(v, (int, float, Decimal)):
            fills[n] = colour(v, bounds, higher_is_worse), with_unit(_fmt(v, decimals), unit)
        elif isinstance(v, str):
            fills[n] = f"url(#{HATCH_ID})", hidden
        else:
            fills[n] = NO_DATA, gettext("ingen tall")
    return draw_map(numbers, fills, link=link, width=width, label=label), legend


def draw_map(
    numbers: Sequence[str],
    fills: dict[str, tuple[str, str]],
    *,
    link: str,
    width: int = 640,
    label: str = "Kart",
) -> SafeString:
    """The map of ``numbers``, each municipality filled and titled by ``fills``
    (number → (fill, text shown after its name in the tooltip)) and linked to ``link``
    with ``{}`` replaced by its number. Used by :func:`choropleth` and by maps coloured
    by a category (the dialogue's coverage map)."""
    geo = shapes()
    numbers = [n for n in numbers if n in geo]
    if not numbers:
        return SafeString("")
    x0 = min(geo[n][2][0] for n in numbers)
    y0 = min(geo[n][2][1] for n in numbers)
    x1 = max(geo[n][2][2] for n in numbers)
    y1 = max(geo[n][2][3] for n in numbers)
    w, h = max(x1 - x0, 1), max(y1 - y0, 1)
    height = round(width * h / w)
    cell = max(w, h) / 120
    out = [
        # role=group, not img: the municipalities inside are links (axe: nested-interactive)
        f'<svg role="group" aria-label="{escape(label)}" width="{width}" height="{height}" '
        f'viewBox="{x0} {y0} {w} {h}" xmlns="http://www.w3.org/2000/svg" class="map">'
        f'<defs><pattern id="{HATCH_ID}" patternUnits="userSpaceOnUse" width="{cell:.2f}" '
        f'height="{cell:.2f}" patternTransform="rotate(45)"><rect width="{cell:.2f}" '
        f'height="{cell:.2f}" fill="#ffffff"/><rect width="{cell / 3:.2f}" '
        f'height="{cell:.2f}" fill="#767676"/></pattern></defs>'
    ]
    for n in numbers:
        name, path, _box = geo[n]
        fill, shown = fills.get(n, (NO_DATA, gettext("ingen tall")))
        out.append(
            f'<a href="{escape(link.format(n))}"><path d="{path}" fill="{escape(fill)}" '
            f'stroke="#555" stroke-width="{max(w, h) / 1500:.2f}"><title>{escape(name)}: '
            f"{escape(shown)}</title></path></a>"
        )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 – names and figures are escaped
