"""Which municipalities share a border, computed from the map (Kartverket 2024).

Neighbouring polygons in the (simplified) boundary file share the vertices of
their common boundary. Two municipalities *share a border* when at least
:data:`MIN_SHARED_VERTICES` vertices, rounded to :data:`ROUND_DECIMALS` decimals
of a degree (about 10 m), belong to both. Two shared vertices make a shared
segment; a single shared vertex is a corner touch and does not count. The pairs
are stored by ``load_reference`` (:class:`~fastlege.reference.models.MunicipalityBorder`)
so no page reads the map file.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

GEOJSON = Path(__file__).resolve().parent / "data" / "kommuner_2024.geojson"

#: Coordinates are compared after rounding to this many decimals of a degree (~10 m).
ROUND_DECIMALS = 4
#: Vertices two municipalities must share to border each other (2 = a boundary segment).
MIN_SHARED_VERTICES = 2


def _points(geometry: dict[str, Any]) -> Iterator[tuple[float, float]]:
    polygons = (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )
    for polygon in polygons:
        for ring in polygon:
            yield from ((point[0], point[1]) for point in ring)


def border_pairs(path: Path = GEOJSON) -> set[tuple[str, str]]:
    """Unordered pairs (lower number first) of municipalities that share a border."""
    data = json.loads(path.read_text(encoding="utf-8"))
    owners: dict[tuple[float, float], set[str]] = defaultdict(set)
    for feature in data["features"]:
        number = feature["properties"]["kommunenummer"]
        for lon, lat in _points(feature["geometry"]):
            owners[(round(lon, ROUND_DECIMALS), round(lat, ROUND_DECIMALS))].add(number)
    shared: Counter[tuple[str, str]] = Counter()
    for numbers in owners.values():
        if len(numbers) < 2:
            continue
        ordered = sorted(numbers)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                shared[(a, b)] += 1
    return {pair for pair, n in shared.items() if n >= MIN_SHARED_VERTICES}
