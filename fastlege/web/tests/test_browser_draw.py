"""In the browser (Playwright + Debian Chromium, axe-core): a resident moved by a list
reduction finds their household on the public draw page and checks the downloaded
draw; the citizen's pages in English (issue 20, items 6 and 8)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.urls import reverse

from fastlege.core.testing.browser import (
    PHONE,
    Tools,
    check_axe,
    horizontal_overflow,
    screenshot,
)
from fastlege.web.tests.conftest import World, login
from fastlege.web.tests.test_draw_pages import SCRIPT
from fastlege.web.tests.test_language_english import _reduction_with


def test_a_moved_resident_checks_the_draw(
    site: World, live_server: Any, browser: Any, browser_tools: Tools, tmp_path: Path
) -> None:
    reduction = _reduction_with(site)
    context = browser.new_context(locale="nb-NO", accept_downloads=True)
    page = context.new_page()
    login(page, live_server.url, site.users["citizen"])
    page.goto(live_server.url + reverse("web:notifications", args=[site.child.pk]))
    pseudonym = page.inner_text("[data-testid=own-draw] [data-testid=pseudonym]")
    check_axe(page, browser_tools, "Meldinger with the draw")
    page.click("text=Se trekningen og kontroller den")
    assert "Trekning ved listereduksjon" in page.inner_text("h1")
    row = page.inner_text(f"[id='h-{pseudonym}']")
    assert "2" in row and "–" not in row  # the household of two, drawn to a list
    assert page.inner_text("[data-testid=seed]") == str(reduction.seed)
    check_axe(page, browser_tools, "the draw page (desktop)")
    screenshot(page, "draw-desktop")
    with page.expect_download() as download:
        page.click("text=Last ned trekningen som JSON")
    saved = tmp_path / "trekning.json"
    download.value.save_as(saved)
    assert pseudonym in {d["pseudonym"] for d in json.loads(saved.read_text())["drawn"]}
    checked = subprocess.run(  # noqa: S603 - the project's own script
        [sys.executable, "-I", str(SCRIPT), str(saved)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert checked.returncode == 0 and checked.stdout.startswith("OK"), checked.stdout
    page.set_viewport_size(PHONE)
    check_axe(page, browser_tools, "the draw page (phone)")
    assert horizontal_overflow(page) <= 0
    screenshot(page, "draw-phone")
    context.close()


def test_the_citizen_chooses_english(
    site: World, live_server: Any, browser: Any, browser_tools: Tools
) -> None:
    context = browser.new_context(locale="nb-NO")
    page = context.new_page()
    login(page, live_server.url, site.users["citizen"])
    assert "Min fastlege" in page.inner_text("h1")
    page.click("footer >> text=English")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"
    assert "My GP" in page.inner_text("h1")
    check_axe(page, browser_tools, "the person's page in English (desktop)")
    screenshot(page, "citizen-english-desktop")
    page.click("text=Messages")
    assert "Messages" in page.inner_text("h1")
    page.goto(live_server.url + reverse("web:about"))
    assert "800 43 573" in page.inner_text("main")
    check_axe(page, browser_tools, "about the service in English (desktop)")
    page.set_viewport_size(PHONE)
    check_axe(page, browser_tools, "about the service in English (phone)")
    assert horizontal_overflow(page) <= 0
    screenshot(page, "about-english-phone")
    page.click("footer >> text=Norsk")
    assert page.get_attribute("html", "lang") == "nb"
    assert "Om tjenesten" in page.inner_text("h1")
    context.close()
