"""Where practices are, how far they are from a postal code, and the search's map.

There are no coordinates for postal codes in the reference data (``postnummer.csv``
holds the code, the place and the municipality only; no package on PyPI or npm ships
open postal code coordinates for Norway — checked, docs/find-gp.md), so a point is
found in this order:

1. the practice's own coordinates (``Practice.latitude``/``longitude``, entered by
   the practice or the municipality);
2. the centre of its postal code: the mean of the own coordinates of the
   municipality's practices in that postal code;
3. the centre of its municipality: the area centroid of the municipality's outline on
   the project's map (``kommuner_2024.geojson``), moved onto the land when the
   centroid falls outside it (a fjord, a bay: ``municipality_centre``).

A postal code the search starts from gets its point by steps 2 and 3; a place chosen
on the map is its own point. Distances are great-circle distances (haversine), not
road distances."""

from __future__ import annotations

import functools
import json
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


#: Norway's mainland and islands (not Svalbard), as ``Practice.latitude``/``longitude``
#: allow: a place chosen on the map outside it is refused.
LAT_RANGE = (57.0, 72.0)
LON_RANGE = (4.0, 32.0)

Ring = list[tuple[float, float]]  # (lon, lat), closed or not


@functools.lru_cache(maxsize=1)
def outlines() -> dict[str, list[Ring]]:
    """Every ring (outer boundaries and holes) of each municipality, in lon/lat, from
    the project's map (the file the statistics' maps draw). Read once."""
    data = json.loads(svg.GEOJSON.read_text(encoding="utf-8"))
    out: dict[str, list[Ring]] = {}
    for feature in data["features"]:
        geom = feature["geometry"]
        polygons = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        out[feature["properties"]["kommunenummer"]] = [
            [(float(lon), float(lat)) for lon, lat in ring]
            for polygon in polygons
            for ring in polygon
        ]
    return out


def inside(number: str, lat: float, lon: float) -> bool:
    """Whether the point lies in the municipality's outline (even–odd rule over all its
    rings, so a lake or a neighbour's enclave is outside)."""
    hit = False
    for ring in outlines().get(number, ()):
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                hit = not hit
    return hit


def _centroid(rings: list[Ring]) -> tuple[float, float] | None:
    """The area centroid (lon, lat) of the rings, holes subtracted (their signed areas
    cancel), on a plane with longitude shortened by cos(latitude)."""
    k = math.cos(math.radians(svg.LAT0))
    area = cx = cy = 0.0
    outer = 0.0
    for ring in rings:
        a = sx = sy = 0.0
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            cross = x1 * k * y2 - x2 * k * y1
            a += cross
            sx += (x1 + x2) * k * cross
            sy += (y1 + y2) * cross
        # an outer ring counts positive, a hole (the other winding) negative
        if abs(a) > abs(outer):
            outer = a
        area += a
        cx += sx
        cy += sy
    if area == 0:
        return None
    if outer < 0:  # the outer rings wound clockwise: flip all signs
        area, cx, cy = -area, -cx, -cy
    return cx / (3 * area) / k, cy / (3 * area)


def _across(number: str, lat: float) -> tuple[float, float] | None:
    """The widest stretch of the municipality along the parallel ``lat``: its middle
    longitude and its width (degrees), or ``None`` where the parallel misses it."""
    xs = sorted(
        x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
        for ring in outlines().get(number, ())
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True)
        if (y1 > lat) != (y2 > lat)
    )
    pairs = [(xs[i], xs[i + 1]) for i in range(0, len(xs) - 1, 2)]
    if not pairs:
        return None
    a, b = max(pairs, key=lambda p: p[1] - p[0])
    return (a + b) / 2, b - a


@functools.lru_cache(maxsize=512)
def municipality_centre(number: str) -> Point | None:
    """The municipality's centre (step 3): the area centroid of its outline; when that
    falls outside the municipality (a curved coast, a fjord, islands), the middle of
    the widest stretch of land on the centroid's parallel, which is inside."""
    rings = outlines().get(number)
    centre = _centroid(rings) if rings else None
    if centre is None:
        return None
    lon, lat = centre
    if not inside(number, lat, lon):
        across = _across(number, lat)
        if across is None:  # pragma: no cover – a centroid lies between the outline's parallels
            return None
        lon = across[0]
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
    *,
    pick_for: str = "",
) -> SafeString:
    """The municipality's outline with a dot per practice (and a ring for the postal
    code or the place searched from), as inline SVG: no tiles, nothing fetched. The
    table of results next to it says the same in text.

    ``pick_for``: the id of the search form; the page's script (``web/find-map.js``)
    then lets a click on the map set the place to measure from. It turns the click back
    into lon/lat with the map's projection, given as ``data-scale`` (units per degree of
    latitude) and ``data-kx`` (units per degree of longitude): x = lon · kx, y = −lat · scale."""
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
    pick = (
        f' data-pick-for="{escape(pick_for)}" data-scale="{svg.SCALE}" '
        f'data-kx="{svg.SCALE * math.cos(math.radians(svg.LAT0)):.6f}"'
        if pick_for
        else ""
    )
    return mark_safe(  # noqa: S308 – the texts in it are escaped
        f'<svg role="img" aria-label="{escape(label)}" viewBox="{x0 - pad} {y0 - pad} {w} {h}" '
        f'xmlns="http://www.w3.org/2000/svg" class="map find-map"{pick} '
        f'width="{MAP_WIDTH}" height="{round(MAP_WIDTH * h / w)}">'
        f'<path d="{path}" fill="#eff3ff" stroke="#3182bd" stroke-width="{r / 3:.1f}"/>'
        f'<g fill="#bd0026">{"".join(dots)}</g></svg>'
    )
