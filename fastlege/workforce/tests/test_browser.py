"""In a real browser, without JavaScript: Trondheim's officer opens the workforce
projection from the menu, compares two scenarios, copies a preset, is refused a list
length outside the range, corrects it and sees the copy beside «Som i dag»; the
county governor reads the county's projection.

Every page passed through is checked by axe-core (WCAG 2.1 AA) at desktop and phone
size (:class:`~fastlege.core.testing.browser.AxeInspector`)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from fastlege.accounts.models import Role
from fastlege.core.testing import browser as machinery
from fastlege.core.testing.browser import AxeInspector, ensure_reference_data
from fastlege.registry.tests.factories import user_with
from fastlege.workforce.models import Scenario
from fastlege.workforce.presets import sync_presets

from .conftest import TRONDHEIM

PASSWORD = "passord-for-test-123"


@pytest.fixture
def planners(transactional_db: Any, live_server: Any) -> dict[str, Any]:
    ensure_reference_data()
    sync_presets(Scenario)  # transactional tests empty the tables the migration filled
    users = {
        "officer": user_with(Role.MUNICIPALITY, municipality_id=TRONDHEIM),
        "county": user_with(Role.COUNTY_GOVERNOR, county_id="50"),
    }
    for user in users.values():
        user.set_password(PASSWORD)
        user.save()
    return users


def no_javascript(browser: Any) -> Any:
    return browser.new_context(java_script_enabled=False, locale="nb-NO").new_page()


def test_an_officer_compares_and_makes_a_scenario(
    planners: dict[str, Any], live_server: Any, browser: Any, axe_inspector: AxeInspector
) -> None:
    base = live_server.url
    page = no_javascript(browser)
    machinery.login(page, base, planners["officer"].username, PASSWORD)
    page.goto(base + reverse("workforce:index"))
    page.click("nav.main-nav >> text=Arbeidskraft")
    axe_inspector.check(page, "workforce home")
    page.click("[data-testid=workforce-areas] >> text=Trondheim")
    assert page.url == base + reverse("workforce:municipality", args=[TRONDHEIM])
    assert page.locator("figure.chart-figure svg").count() == 1
    axe_inspector.check(page, "Trondheim's projection, one scenario")

    page.check("input[name=s] >> nth=1")
    page.click("main form button[type=submit]")
    assert page.locator("figure.chart-figure svg").count() == 2
    axe_inspector.check(page, "two scenarios side by side")

    page.goto(base + reverse("workforce:scenarios"))
    axe_inspector.check(page, "scenario list")
    page.click("[data-testid=scenario-table] >> text=Kopier Mindre lister")
    axe_inspector.check(page, "editing the copy")
    page.fill("#id_name", "Trondheim med 700")
    page.fill("#id_target_list_length", "100")
    page.click("main form button[type=submit]")
    assert "Må være mellom 300 og 2\xa0500." in page.inner_text("main")
    axe_inspector.check(page, "the form with an error")
    page.fill("#id_target_list_length", "700")
    page.click("main form button[type=submit]")
    assert "Scenarioet er lagret." in page.inner_text("main")
    mine = Scenario.objects.get(name="Trondheim med 700")
    assert mine.target_list_length == 700

    preset = Scenario.objects.get(preset="som_i_dag")
    url = reverse("workforce:municipality", args=[TRONDHEIM])
    page.goto(f"{base}{url}?s={preset.pk}&s={mine.pk}")
    table = page.inner_text("[data-testid=projection-table]")
    assert "Som i dag" in table and "Trondheim med 700" in table
    page.context.close()

    county = no_javascript(browser)
    machinery.login(county, base, planners["county"].username, PASSWORD)
    county.goto(base + reverse("workforce:county", args=["50"]))
    assert "Trøndelag" in county.inner_text("h1")
    axe_inspector.check(county, "the county's projection")
    county.context.close()
