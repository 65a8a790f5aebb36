"""The journey in a real browser (Playwright + Debian's Chromium, axe-core on each page):
a citizen finds «Si fra når det blir plass» on Min fastlege, reads that watching holds no
place, watches a full list and a search, is told after the monthly update that a place
opened, and stops watching. Skipped with the reason where Chromium or axe is missing."""

from __future__ import annotations

import datetime
from typing import Any

from fastlege.core.testing.browser import VIEWPORTS, Tools, check_axe, screenshots_at_both_sizes
from fastlege.watches import services
from fastlege.watches.models import Watch
from fastlege.watches.tests.test_notify import a_run, snapshot
from fastlege.web.tests.conftest import World, login, site

__all__ = ["site"]  # the web app's committed world, for the live server


def test_citizen_watches_a_full_list_and_a_search_and_is_told_when_a_place_opens(
    site: World, live_server: Any, browser: Any, browser_tools: Tools
) -> None:
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="nb-NO")
    page = context.new_page()
    login(page, live_server.url, site.users["citizen"])
    page.click("[data-testid=watch-link]")
    assert "holder ingen plass" in page.inner_text("[data-testid=holds-no-place]")
    check_axe(page, browser_tools, "the watch page (phone)")

    page.select_option("#id_liste", str(site.full_list.pk))
    page.click("text=Følg med på listen")
    assert "Det holder ingen plass" in page.inner_text("main")
    page.select_option("#id_kommune", "5001")
    page.select_option("#id_kjonn", "K")
    page.click("text=Følg med på søket")
    watches = page.inner_text("[data-testid=watches]")
    assert site.full_list.practice.name in watches and "kvinnelig lege" in watches
    assert f"(liste {site.full_list.pk})" in watches  # which list, by its number
    assert Watch.objects.filter(resident=site.citizen, ended_at__isnull=True).count() == 2

    # The monthly update: the full list was full in January and has a place in February.
    jan, feb = a_run(datetime.date(2026, 1, 1)), a_run(datetime.date(2026, 2, 1))
    snapshot(jan, site.full_list, site.full_list.ceiling)
    snapshot(feb, site.full_list, site.full_list.ceiling - 1, regular_gp_sex="M")
    assert services.notify_watchers(datetime.date(2026, 2, 1)).notices == 1  # not the search

    page.reload()
    notices = page.inner_text("[data-testid=notices]")
    assert "02.2026" in notices and site.full_list.practice.name in notices
    assert "(1 ledig etter oppdateringen)" in notices  # one place: singular
    check_axe(page, browser_tools, "the watch page with a notice (phone)")
    screenshots_at_both_sizes(page, "citizen-watches")
    page.set_viewport_size(VIEWPORTS["desktop"])
    check_axe(page, browser_tools, "the watch page with a notice (desktop)")

    page.click("[data-testid=watches] li:first-child >> text=Slutt å følge med")
    assert "ikke lenger med" in page.inner_text("main")
    assert Watch.objects.filter(resident=site.citizen, ended_at__isnull=True).count() == 1
    context.close()
