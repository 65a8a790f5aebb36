"""The GP's own work in a real browser (issue 20 item 7), as ``test_browser``: Debian's
Chromium driven by Playwright, axe-core on every new page (WCAG 2.1 AA), at desktop and
phone size. Skipped on a machine without Chromium or axe-core (``core.testing.browser``)."""

from __future__ import annotations

import datetime
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
from fastlege.registry import rules
from fastlege.registry.models import Absence, CeilingChange, WaitingListEntry
from fastlege.registry.tests.factories import DoctorFactory
from fastlege.web.tests.conftest import World, login


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_gp_reads_the_list_reports_an_absence_and_asks_for_a_lower_ceiling(
    site: World, live_server: Any, browser: Any, browser_tools: Tools, viewport: str
) -> None:
    """Mine lister → the members (searched by name), joiners and leavers, the waiting
    list; an absence of one day reported, then changed with a proposed substitute; the
    ceiling page shows the six-month rule and how many would move; the pending request
    withdrawn with the link button (readable: not white on white) and a new one sent."""
    WaitingListEntry.objects.create(resident=site.other, agreement=site.open_list)
    locum = DoctorFactory.create()
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="nb-NO")
    page = context.new_page()
    login(page, live_server.url, site.users["gp"])
    base = live_server.url
    assert page.url == base + reverse("web:gp_home")
    check_axe(page, browser_tools, f"Mine lister ({viewport})")

    def visited(name: str) -> None:
        check_axe(page, browser_tools, f"{name} ({viewport})")
        if viewport == "phone":
            assert horizontal_overflow(page) <= 0, f"{name} scrolls sideways on a phone"
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(
                path=str(Path(SCREENSHOTS) / f"gp-{name}-{viewport}.png"), full_page=True
            )

    # the link button is in the link colour, not the buttons' white on the white card
    withdraw = page.locator("main button.link-button").first
    colour = withdraw.evaluate("b => getComputedStyle(b).color")
    assert colour not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")

    page.click("[data-testid=list-links] >> text=Personer på listen")
    assert "Personer på listen" in page.inner_text("h1")
    assert page.locator("[data-testid=member]").count() == 5  # 3, Ingrid and her son
    page.fill("#id_navn", "Ingrid")
    page.click("main form[role=search] button[type=submit]")
    rows = page.locator("[data-testid=member]")
    assert rows.count() == 1 and "Ingrid" in rows.inner_text()
    visited("personer")

    page.click("nav.sub-nav >> text=Kommet til og gått fra")
    assert "Kommet til og gått fra" in page.inner_text("h1")
    visited("endringer")

    page.click("nav.sub-nav >> text=Venteliste")
    assert site.other.last_name in page.inner_text("[data-testid=waiting]")
    visited("venteliste")

    # a one-day absence, reported on Mine lister
    day = datetime.date.today() + datetime.timedelta(days=30)
    page.goto(base + reverse("web:gp_home"))
    form = f"#meld-{site.open_list.pk}"
    page.fill(f"{form} input[name=valid_from]", day.isoformat())
    page.fill(f"{form} input[name=last_day]", day.isoformat())
    page.select_option(f"{form} select[name=reason]", "kurs")
    page.click(f"{form} button[type=submit]")
    assert "Fraværet er meldt" in page.inner_text("main")
    absence = Absence.objects.get()
    assert (absence.valid_from, absence.last_day) == (day, day)

    page.click("[data-testid=list-links] >> text=Fravær og vikar")
    assert "Meldt, venter på kommunen" in page.inner_text("[data-testid=absences]")
    visited("fravaer")
    page.click("[data-testid=absence] >> text=Endre")
    page.fill("input[name=substitute_hpr]", locum.hpr_number)
    visited("endre-fravaer")
    page.click("main form button[type=submit]")
    assert "Fraværet er endret" in page.inner_text("main")
    assert locum.full_name in page.inner_text("[data-testid=absences]")
    absence.refresh_from_db()
    assert absence.proposed_substitute == locum

    # the ceiling: the rule, and for a lower ceiling how many would have to move
    page.click("nav.sub-nav >> text=Listetak")
    months = int(rules.param("reduction_notice_months", datetime.date.today()))
    assert f"{months} måneder" in page.inner_text("[data-testid=ceiling-rules]")
    page.fill("#id_new_ceiling", "2")
    page.click("main form button.secondary")
    assert "må 3 personer flytte" in page.inner_text("[data-testid=to-move]")
    visited("listetak")
    # a request is pending (to 600): withdraw it with the link button, then send
    page.click("main button.link-button")
    assert "Søknaden er trukket" in page.inner_text("main")
    site.change.refresh_from_db()
    assert site.change.status == CeilingChange.Status.WITHDRAWN
    page.goto(base + reverse("web:gp_ceiling_page", args=[site.open_list.pk]))
    page.fill("#id_new_ceiling", "2")
    page.click("main form button.secondary")
    page.click("[data-testid=ceiling-preview] button[type=submit]")
    assert "sendt til kommunen" in page.inner_text("main")
    asked = CeilingChange.objects.get(status=CeilingChange.Status.REQUESTED)
    assert asked.new_ceiling == 2
    context.close()
