"""Picking a place on the search's map in a real browser (issue 20, item 2): a click on
the map sends the search with that place, and the results come sorted by distance from
it (the order recomputed here with the test's own haversine from the place the page
sent); the postal code field stays for keyboard users; axe (WCAG 2.1 AA) at desktop and
phone size. Machinery: ``fastlege.core.testing.browser``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from fastlege.core.testing.browser import VIEWPORTS, Tools, check_axe, horizontal_overflow
from fastlege.registry.models import Practice
from fastlege.web import geo
from fastlege.web.tests.conftest import World, login
from fastlege.web.tests.test_find_gp import haversine

#: Three practices in Trondheim: the city centre, Tiller, Klæbu (inside, checked below).
PLACES = {"open_list": (63.43, 10.39), "full_list": (63.36, 10.37), "free_list": (63.30, 10.47)}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_click_on_the_map_sorts_the_lists_by_distance_from_there(
    site: World, live_server: Any, browser: Any, browser_tools: Tools, viewport: str
) -> None:
    where = {}
    for name, (lat, lon) in PLACES.items():
        assert geo.inside("5001", lat, lon), name
        practice_id = getattr(site, name).practice_id
        Practice.objects.filter(pk=practice_id).update(
            latitude=Decimal(str(lat)), longitude=Decimal(str(lon))
        )
        where[getattr(site, name).pk] = (lat, lon)
    klaebu = Practice.objects.get(pk=site.free_list.practice_id).name

    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="nb-NO")
    page = context.new_page()
    login(page, live_server.url, site.users["citizen"])
    page.goto(live_server.url + reverse("web:find_gp"))
    assert page.locator("#find-map-hint").is_visible()  # the script is on
    check_axe(page, browser_tools, f"the search with the map ({viewport})")

    with page.expect_navigation():
        page.locator("svg.find-map circle.map-practice").filter(has_text=klaebu).click()
    query = parse_qs(urlparse(page.url).query)
    lat, lon = float(query["lat"][0]), float(query["lon"][0])
    assert haversine(lat, lon, *PLACES["free_list"]) < 1.0  # where the click was
    assert query["sortering"] == ["avstand"]

    hrefs = page.eval_on_selector_all(
        "[data-testid=results] tbody tr td:first-child a", "els => els.map(e => e.pathname)"
    )
    expected = sorted(where, key=lambda pk: haversine(lat, lon, *where[pk]))
    assert hrefs == [reverse("web:gp_page", args=[pk]) for pk in expected]
    assert "fra stedet du valgte på kartet" in page.inner_text("[data-testid=distance-from]")
    assert page.locator("main svg.find-map circle.map-origin").count() == 1
    # keyboard users keep the postal code (the map is an extra)
    assert page.locator("#id_postnummer").is_editable()
    check_axe(page, browser_tools, f"the search from a place on the map ({viewport})")
    assert horizontal_overflow(page) <= 0

    # A postal code typed after the click replaces the place picked on the map.
    page.fill("#id_postnummer", "7030")
    page.dispatch_event("#id_postnummer", "change")
    page.click("main form button[type=submit]")
    assert "lat=&" in page.url or "lat=" not in page.url.replace("lat=&", "")
    assert "7030" in page.inner_text("main h2")
    context.close()
