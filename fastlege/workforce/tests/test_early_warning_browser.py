"""The early warning in a real browser (Chromium, axe-core): the county governor opens
the county's page and sees a list at risk, on a phone, without WCAG violations."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from fastlege.core.testing import browser as machinery
from fastlege.core.testing.browser import PHONE, Tools, check_axe, horizontal_overflow
from fastlege.workforce.tests.test_early_warning_pages import Site, make_site

PASSWORD = "Et-sterkt-passord-2026"  # noqa: S105


@pytest.fixture
def live_site(transactional_db: Any, live_server: Any) -> Site:
    """The lists and users, committed, for the server thread."""
    machinery.ensure_reference_data()
    site = make_site()
    for user in site.users.values():
        user.set_password(PASSWORD)
        user.save()
    return site


def test_county_governor_sees_a_list_at_risk(
    live_site: Site, live_server: Any, browser: Any, browser_tools: Tools
) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    machinery.login(page, live_server.url, live_site.users["county_governor"].username, PASSWORD)
    page.goto(live_server.url + reverse("workforce:early_warning_county", args=["50"]))
    row = page.locator("[data-testid=horizon-6] [data-testid=risk-row]").first
    text = row.inner_text()
    assert live_site.gp_name in text
    assert "Fastlegen når aldersgrensen" in text
    assert "12" in page.inner_text("[data-testid=horizon-6-total]")
    check_axe(page, browser_tools, "early warning, county (phone)")
    assert horizontal_overflow(page) <= 0
    row.locator("a").first.click()
    page.wait_for_load_state()
    assert page.url.endswith(
        reverse("web:municipality_list", args=["5001", live_site.trondheim.pk])
    )
    context.close()
