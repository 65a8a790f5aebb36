"""Where practices are, how far they are from a postal code, and the search's map.

The reference data has no coordinates for postal codes (``postnummer.csv`` holds the
code, the place and the municipality only), so a point is found in this order:

1. the practice's own coordinates (``Practice.latitude``/``longitude``, entered by
   the practice or the municipality);
2. the centre of its postal code: the mean of the own coordinates of the
   municipality's practices in that postal code;
3. the centre of its municipality: the middle of the municipality's bounding box on
   the project's map (``kommuner_2024.geojson``, drawn by ``fastlege.stats.svg``).

A postal code the search starts from gets its point by steps 2 and 3. When a source
of postal code centroids is added to the reference data it replaces step 2 (see
docs/find-gp.md). Distances are great-circle distances (haversine), not road
distances."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from fastlege.registry.models import Practice
from fastlege.stats import svg

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)
#: The map's width in px (scaled down to the column on a phone: ``svg.map`` in site.css).
MAP_WIDTH = 480


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float
    #: How the point was found: "eget" (own), "postnummer" or "kommune".
    source: str


def haversine_km(a: Point, b: Point) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def municipality_centre(number: str) -> Point | None:
    """The middle of the municipality's bounding box on the map (step 3)."""
    shape = svg.shapes().get(number)
    if shape is None:
        return None
    x0, y0, x1, y1 = shape[2]
    lat = -(y0 + y1) / 2 / svg.SCALE
    lon = (x0 + x1) / 2 / (svg.SCALE * math.cos(math.radians(svg.LAT0)))
    return Point(lat, lon, "kommune")


class Locator:
    """Points of one municipality's practices and postal codes, from the practices
    already read (no query)."""

    def __init__(self, municipality: str, practices: Iterable[Practice]) -> None:
        self.municipality = municipality
        sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
        for p in practices:
            if p.latitude is not None and p.longitude is not None and p.postal_code_id:
                s = sums[p.postal_code_id]
                s[0] += float(p.latitude)
                s[1] += float(p.longitude)
                s[2] += 1
        self._postal = {
            code: Point(s[0] / s[2], s[1] / s[2], "postnummer") for code, s in sums.items()
        }
        self._centre = municipality_centre(municipality)

    def of_postal_code(self, code: str | None) -> Point | None:
        return (self._postal.get(code) if code else None) or self._centre

    def of_practice(self, practice: Practice) -> Point | None:
        if practice.latitude is not None and practice.longitude is not None:
            return Point(float(practice.latitude), float(practice.longitude), "eget")
        return self.of_postal_code(practice.postal_code_id)


def municipality_map(
    number: str,
    label: str,
    practices: list[tuple[str, Point]],
    origin: Point | None = None,
) -> SafeString:
    """The municipality's outline with a dot per practice (and a ring for the postal
    code searched from), as inline SVG: no tiles, nothing fetched. The table of
    results next to it says the same in text."""
    shape = svg.shapes().get(number)
    if shape is None:
        return mark_safe("")  # noqa: S308 – nothing to escape
    _, path, (x0, y0, x1, y1) = shape
    pad = max(2, round(max(x1 - x0, y1 - y0) * 0.04))
    w, h = x1 - x0 + 2 * pad, y1 - y0 + 2 * pad
    r = max(1.0, max(w, h) / 70)
    dots = []
    for name, point in practices:
        x, y = svg._project(point.lon, point.lat)  # noqa: SLF001 – the map's own projection
        dots.append(
            f'<circle cx="{x}" cy="{y}" r="{r:.1f}" class="map-practice">'
            f"<title>{escape(name)}</title></circle>"
        )
    if origin is not None:
        x, y = svg._project(origin.lon, origin.lat)  # noqa: SLF001
        dots.append(
            f'<circle cx="{x}" cy="{y}" r="{r * 1.8:.1f}" class="map-origin" '
            f'fill="none" stroke="#000" stroke-width="{r / 2:.1f}"></circle>'
        )
    return mark_safe(  # noqa: S308 – the texts in it are escaped
        f'<svg role="img" aria-label="{escape(label)}" viewBox="{x0 - pad} {y0 - pad} {w} {h}" '
        f'xmlns="http://www.w3.org/2000/svg" class="map find-map" '
        f'width="{MAP_WIDTH}" height="{round(MAP_WIDTH * h / w)}">'
        f'<path d="{path}" fill="#eff3ff" stroke="#3182bd" stroke-width="{r / 3:.1f}"/>'
        f'<g fill="#bd0026">{"".join(dots)}</g></svg>'
    )
