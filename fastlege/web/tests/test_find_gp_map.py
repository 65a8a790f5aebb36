"""A place picked on the search's map (issue 20, item 2): the distances and the order
are from that place (the test's own haversine); a place outside Norway, half a place
or nonsense is refused in Norwegian and nothing is searched. The map carries what its
script needs to turn a click back into lon/lat (checked against the projection)."""

from __future__ import annotations

import math
import re

import pytest
from django.test import Client
from django.urls import reverse

from fastlege.registry.models import Agreement
from fastlege.web import geo
from fastlege.web.tests.test_find_gp import haversine, lists  # noqa: F401 – the fixture

pytestmark = pytest.mark.django_db
FIND = reverse("web:find_gp")


def test_distances_and_order_are_from_the_place_picked_on_the_map(
    lists: dict[str, Agreement],  # noqa: F811 – the fixture
) -> None:
    # South of every practice: c (63.44) is farthest, b (63.40) nearest of those with
    # their own coordinates; d sits in the middle of 7010's practices (a and c).
    here = (63.35, 10.40)
    r = Client().get(
        FIND,
        {"kommune": "5001", "lat": str(here[0]), "lon": str(here[1]), "sortering": "avstand"},
    )
    assert r.status_code == 200
    rows = r.context["results"].object_list
    points = {
        lists["a"].pk: (63.43, 10.39),
        lists["b"].pk: (63.40, 10.40),
        lists["c"].pk: (63.44, 10.41),
        lists["d"].pk: ((63.43 + 63.44) / 2, (10.39 + 10.41) / 2),
    }
    expected = {pk: haversine(*here, *p) for pk, p in points.items()}
    assert [a.pk for a in rows] == sorted(expected, key=expected.__getitem__)
    for a in rows:
        assert a.distance_km == pytest.approx(expected[a.pk], abs=0.01)
    html = r.content.decode()
    assert "fra stedet du valgte på kartet" in html
    assert "Ringen er stedet du valgte på kartet." in html


@pytest.mark.parametrize(
    ("place", "message"),
    [
        ({"lat": "48.85", "lon": "2.35"}, "Stedet du valgte er utenfor Norge."),
        ({"lat": "63.4", "lon": "40"}, "Stedet du valgte er utenfor Norge."),
        ({"lat": "63.4"}, "Stedet på kartet mangler bredde- eller lengdegrad."),
        ({"lat": "nord", "lon": "10.4"}, "Stedet på kartet har en ugyldig breddegrad."),
        ({"lat": "63.4", "lon": "inf"}, "Stedet på kartet har en ugyldig lengdegrad."),
    ],
)
def test_a_place_outside_norway_or_half_a_place_is_refused_in_norwegian(
    lists: dict[str, Agreement],  # noqa: F811 – the fixture
    place: dict[str, str],
    message: str,
) -> None:
    r = Client().get(FIND, {"kommune": "5001", "sortering": "avstand", **place})
    assert r.status_code == 200
    assert r.context["results"] is None  # nothing searched
    assert message in r.content.decode()


def test_the_map_tells_its_script_how_to_turn_a_click_into_a_place(
    lists: dict[str, Agreement],  # noqa: F811 – the fixture
) -> None:
    html = Client().get(FIND, {"kommune": "5001"}).content.decode()
    svg = re.search(r"<svg[^>]*find-map[^>]*>", html)
    assert svg
    scale = float(re.search(r'data-scale="([^"]+)"', svg.group(0)).group(1))  # type: ignore[union-attr]
    kx = float(re.search(r'data-kx="([^"]+)"', svg.group(0)).group(1))  # type: ignore[union-attr]
    assert 'data-pick-for="find-form"' in svg.group(0) and 'id="find-form"' in html
    # a practice's dot, turned back with the page's numbers, is where the practice is
    dot = re.search(r'<circle cx="(-?\d+)" cy="(-?\d+)"[^>]*class="map-practice"', html)
    assert dot
    lat, lon = -int(dot.group(2)) / scale, int(dot.group(1)) / kx
    practices = [(63.43, 10.39), (63.40, 10.40), (63.44, 10.41), (63.435, 10.40)]
    assert min(haversine(lat, lon, *p) for p in practices) < 1.0  # the rounding of the drawing
    assert 'id="find-map-hint" hidden' in html  # shown by the script only
    assert reverse("web:find_gp") in html and "web/find-map.js" in html


def test_the_municipality_centre_is_inside_the_municipality() -> None:
    """Step 3 of the distance: the centroid, or the middle of the land on its parallel."""
    for number in geo.outlines():
        centre = geo.municipality_centre(number)
        assert centre is not None and geo.inside(number, centre.lat, centre.lon), number
    # Trondheim: its centroid (Klæbu's forests make it south of the city) is in Trondheim
    trondheim = geo.municipality_centre("5001")
    assert trondheim is not None and 63.2 < trondheim.lat < 63.5
    assert not geo.inside("5001", 63.43, 10.0)  # the fjord west of the city
    assert math.isclose(trondheim.lon, 10.43, abs_tol=0.2)
