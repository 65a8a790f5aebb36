"""In a real browser, without JavaScript: Melhus' officer registers a planned
establishment grant above its neighbour Trondheim's, sees the outbidding warning
before saving, saves anyway; Trondheim's officer then finds the planned measure and
the notice on Trondheim's page, and the county governor on the county's page.

Every page passed through is checked by axe-core (WCAG 2.1 AA) at desktop and phone
size (:class:`~fastlege.core.testing.browser.AxeInspector`)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from fastlege.accounts.models import Role
from fastlege.core.testing import browser as machinery
from fastlege.core.testing.browser import AxeInspector, ensure_reference_data
from fastlege.measures.catalogue import sync_catalogue
from fastlege.measures.models import Measure
from fastlege.measures.tests.factories import MELHUS, PASSWORD, TRONDHEIM, measure, mtype
from fastlege.registry.tests.factories import user_with


@pytest.fixture
def officers(transactional_db: Any, live_server: Any) -> dict[str, Any]:
    ensure_reference_data()
    sync_catalogue()  # transactional tests empty the tables the migration filled
    users = {
        "melhus": user_with(Role.MUNICIPALITY, municipality_id=MELHUS),
        "trondheim": user_with(Role.MUNICIPALITY, municipality_id=TRONDHEIM),
        "county": user_with(Role.COUNTY_GOVERNOR, county_id="50"),
    }
    for user in users.values():
        user.set_password(PASSWORD)
        user.save()
    measure(TRONDHEIM, value=200_000, status="aktiv")
    return users


def no_javascript(browser: Any) -> Any:
    return browser.new_context(java_script_enabled=False, locale="nb-NO").new_page()


def test_a_planned_measure_appears_on_the_neighbours_page_with_the_notice(
    officers: dict[str, Any], live_server: Any, browser: Any, axe_inspector: AxeInspector
) -> None:
    inspector = axe_inspector
    base = live_server.url
    melhus = no_javascript(browser)
    machinery.login(melhus, base, officers["melhus"].username, PASSWORD)
    melhus.goto(base + reverse("measures:index"))
    assert melhus.url == base + reverse("measures:municipality", args=[MELHUS])
    inspector.check(melhus, "Melhus' measures, none yet")
    melhus.click("main >> text=Registrer tiltak")
    inspector.check(melhus, "new measure form")

    melhus.select_option("#id_measure_type", str(mtype("etableringstilskudd").pk))
    melhus.select_option("#id_status", "planlagt")
    melhus.fill("#id_value", "300000")
    melhus.select_option("#id_value_basis", "per_lege")
    melhus.select_option("#id_target_group", "nye_fastleger")
    melhus.fill("#id_description", "Etableringstilskudd for nye fastleger i Melhus.")
    melhus.click("main form button[type=submit]")
    warning = melhus.inner_text("[data-testid=outbidding-warning]")
    assert "Varsel om overbud" in warning and "200\xa0000" in warning
    assert not Measure.objects.filter(municipality_id=MELHUS).exists()
    inspector.check(melhus, "new measure form with the outbidding warning")

    melhus.check("#id_confirm_outbidding")
    melhus.click("main form button[type=submit]")
    saved = Measure.objects.get(municipality_id=MELHUS)
    assert melhus.url == base + reverse("measures:measure", args=[saved.pk])
    assert "Tiltaket er lagret." in melhus.inner_text("main")
    inspector.check(melhus, "the saved measure")
    melhus.context.close()

    trondheim = no_javascript(browser)
    machinery.login(trondheim, base, officers["trondheim"].username, PASSWORD)
    trondheim.goto(base + reverse("measures:municipality", args=[TRONDHEIM]))
    neighbours = trondheim.inner_text("[data-testid=neighbour-measures]")
    assert "Melhus" in neighbours and "Etableringstilskudd for nye praksiser" in neighbours
    assert "planlagt" in neighbours and "300\xa0000" in neighbours
    assert "Varsel om overbud" in trondheim.inner_text("main")
    inspector.check(trondheim, "Trondheim's page with the neighbour's planned measure")
    trondheim.context.close()

    county = no_javascript(browser)
    machinery.login(county, base, officers["county"].username, PASSWORD)
    county.goto(base + reverse("measures:county", args=["50"]))
    assert "Melhus" in county.inner_text("[data-testid=signal]")
    inspector.check(county, "the county's measures: table, map and notice")
    county.context.close()
    assert len(inspector.checked) == 6
