"""Server-rendered SVG: time-series charts and the municipality map. No JavaScript,
nothing fetched from the internet; boundaries © Kartverket (reference data)."""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from fastlege.stats.templatetags.stats_tags import num

GEOJSON = Path(__file__).resolve().parent.parent / "reference" / "data" / "kommuner_2024.geojson"
SCALE = 100  # projected units per degree of latitude
LAT0 = 65.0  # the longitude scale is taken at this latitude

#: Colours from good to bad (ColorBrewer YlOrRd, 5 classes); grey: no figure.
PALETTE = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
NEUTRAL = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
NO_DATA = "#d9d9d9"


def _fmt(v: Any) -> str:
    """A figure as shown on the pages (already rounded by ``selectors.display``)."""
    return num(v) if isinstance(v, (int, float)) else str(v)


def line_chart(
    points: Sequence[tuple[datetime.date, Any]], title: str, width: int = 480, height: int = 160
) -> SafeString:
    """A line over months. Hidden (suppressed) or missing figures break the line."""
    numeric = [(m, v) for m, v in points if isinstance(v, (int, float))]
    label = escape(title)
    if not numeric:
        return mark_safe(  # noqa: S308 – every text in it is escaped
            f'<svg role="img" aria-label="{label}" width="{width}" height="40" '
            f'viewBox="0 0 {width} 40" xmlns="http://www.w3.org/2000/svg" class="chart">'
            f'<text x="0" y="20">{label}: ingen tall</text></svg>'
        )
    pad_l, pad_r, pad_t, pad_b = 48, 8, 20, 22
    lo = min(v for _m, v in numeric)
    hi = max(v for _m, v in numeric)
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    n = len(points)

    def x(i: int) -> float:
        return pad_l + (width - pad_l - pad_r) * (i / max(n - 1, 1))

    def y(v: float) -> float:
        return pad_t + (height - pad_t - pad_b) * (1 - (v - lo) / (hi - lo))

    segments: list[list[str]] = [[]]
    dots = []
    for i, (m, v) in enumerate(points):
        if isinstance(v, (int, float)):
            segments[-1].append(f"{x(i):.1f},{y(v):.1f}")
            dots.append(
                f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="2"><title>{m:%Y-%m}: '
                f"{escape(_fmt(v))}</title></circle>"
            )
        elif segments[-1]:
            segments.append([])
    lines = "".join(
        f'<polyline fill="none" stroke="#08519c" stroke-width="2" points="{" ".join(s)}"/>'
        for s in segments
        if s
    )
    first, last = points[0][0], points[-1][0]
    return mark_safe(  # noqa: S308 – every text in it is escaped
        f'<svg role="img" aria-label="{label}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" class="chart">'
        f'<text x="{pad_l}" y="13" font-size="12">{label}</text>'
        f'<line x1="{pad_l}" y1="{height - pad_b}" x2="{width - pad_r}" y2="{height - pad_b}" '
        f'stroke="#999"/>'
        f'<text x="2" y="{y(hi) + 4:.0f}" font-size="10">{escape(_fmt(hi))}</text>'
        f'<text x="2" y="{y(lo) + 4:.0f}" font-size="10">{escape(_fmt(lo))}</text>'
        f'<text x="{pad_l}" y="{height - 6}" font-size="10">{first:%Y-%m}</text>'
        f'<text x="{width - pad_r}" y="{height - 6}" font-size="10" text-anchor="end">'
        f"{last:%Y-%m}</text>{lines}{''.join(dots)}</svg>"
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


def classes(values: Sequence[float], k: int = 5) -> list[float]:
    """Upper bounds of ``k`` quantile classes."""
    ordered = sorted(values)
    if not ordered:
        return []
    bounds = {ordered[min(len(ordered) - 1, (len(ordered) * (i + 1)) // k - 1)] for i in range(k)}
    return sorted(bounds)  # fewer than k classes when many figures are equal (e.g. zero)


def _shade(i: int, n: int) -> int:
    """Palette position of class ``i`` of ``n``: spread over the whole palette."""
    return 0 if n <= 1 else round(i * (len(PALETTE) - 1) / (n - 1))


def colour(value: Any, bounds: list[float], higher_is_worse: bool | None) -> str:
    if not isinstance(value, (int, float)) or not bounds:
        return NO_DATA
    i = _shade(next((j for j, b in enumerate(bounds) if value <= b), len(bounds) - 1), len(bounds))
    if higher_is_worse is None:
        return NEUTRAL[i]
    return PALETTE[i] if higher_is_worse else PALETTE[len(PALETTE) - 1 - i]


def choropleth(
    values: dict[str, Any],
    numbers: Sequence[str],
    *,
    higher_is_worse: bool | None,
    link: str,
    width: int = 640,
    label: str = "Kart",
) -> tuple[SafeString, list[tuple[str, float]]]:
    """The map of ``numbers`` coloured by ``values``; each municipality links to ``link``
    with ``{}`` replaced by its number. Returns the SVG and the legend (colour, upper bound)."""
    geo = shapes()
    numbers = [n for n in numbers if n in geo]
    numeric = [v for n in numbers if isinstance(v := values.get(n), (int, float))]
    bounds = classes(numeric)
    if not numbers:
        return SafeString(""), []
    x0 = min(geo[n][2][0] for n in numbers)
    y0 = min(geo[n][2][1] for n in numbers)
    x1 = max(geo[n][2][2] for n in numbers)
    y1 = max(geo[n][2][3] for n in numbers)
    w, h = max(x1 - x0, 1), max(y1 - y0, 1)
    height = round(width * h / w)
    out = [
        # role=group, not img: the municipalities inside are links (axe: nested-interactive)
        f'<svg role="group" aria-label="{escape(label)}" width="{width}" height="{height}" '
        f'viewBox="{x0} {y0} {w} {h}" xmlns="http://www.w3.org/2000/svg" class="map">'
    ]
    for n in numbers:
        name, path, _box = geo[n]
        v = values.get(n)
        shown = "ingen tall" if v is None else _fmt(v)
        out.append(
            f'<a href="{escape(link.format(n))}"><path d="{path}" '
            f'fill="{colour(v, bounds, higher_is_worse)}" stroke="#555" '
            f'stroke-width="{max(w, h) / 1500:.2f}"><title>{escape(name)}: {escape(shown)}'
            f"</title></path></a>"
        )
    out.append("</svg>")
    legend = [(colour(b, bounds, higher_is_worse), b) for b in bounds]
    return mark_safe("".join(out)), legend  # noqa: S308 – names and figures are escaped
