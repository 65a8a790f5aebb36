"""Finn fastlege in a real browser (issue 20, items 2–3): a logged-in citizen searches
from their own municipality, filters, reads a GP's and a practice's page and starts a
switch, at desktop and phone size, with axe (WCAG 2.1 AA) on every page and nothing
scrolling sideways. Machinery: ``fastlege.core.testing.browser``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from fastlege.core.testing.browser import (
    SCREENSHOTS,
    VIEWPORTS,
    Tools,
    check_axe,
    horizontal_overflow,
)
from fastlege.registry.models import Doctor, DoctorPeriod
from fastlege.web.tests.conftest import World, login


def _checked(page: Any, tools: Tools, where: str) -> None:
    check_axe(page, tools, where)
    assert horizontal_overflow(page) <= 0, f"{where} scrolls sideways"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_citizen_finds_a_polish_speaking_gp_and_starts_a_switch(
    site: World, live_server: Any, browser: Any, browser_tools: Tools, viewport: str
) -> None:
    gp = DoctorPeriod.objects.get(agreement=site.free_list).doctor
    Doctor.objects.filter(pk=gp.pk).update(languages="pl")
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="nb-NO")
    page = context.new_page()
    login(page, live_server.url, site.users["citizen"])
    page.goto(live_server.url + reverse("web:find_gp"))
    # Starts in the citizen's own municipality, with the map drawn from the project's data.
    assert "Fastleger i Trondheim" in page.inner_text("main h2")
    assert page.locator("main svg.find-map circle.map-practice").count() == 3
    _checked(page, browser_tools, f"the search ({viewport})")
    page.select_option("#id_sprak", "pl")
    page.check("#id_bare_ledige")
    page.click("main form button[type=submit]")
    table = page.inner_text("[data-testid=results]")
    assert gp.full_name in table and table.count("Bytt hit") == 1
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"find-{viewport}.png"), full_page=True)
    _checked(page, browser_tools, f"the filtered search ({viewport})")
    page.click(f"[data-testid=results] >> text={gp.full_name}")
    assert "polsk" in page.inner_text("[data-testid=gp-facts]")
    _checked(page, browser_tools, f"the GP's page ({viewport})")
    page.click(f"main >> text={site.free_list.practice.name}")
    assert page.inner_text("main h1") == site.free_list.practice.name
    _checked(page, browser_tools, f"the practice's page ({viewport})")
    page.go_back()
    page.go_back()
    page.click(f"[aria-label='Bytt til {gp.full_name}']")
    assert gp.full_name in page.inner_text("[data-testid=summary]")
    context.close()
