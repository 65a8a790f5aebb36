"""In a real browser, without JavaScript: Trondheim's officer goes from the workforce
home to the tools for a list without a GP — opens a recruitment case on it, asks the
substitute pool for a substitute and books the one offered, and reads the ALIS page;
the county governor reads the county's recruitment, ALIS and pool pages.

Every page is checked by axe-core (WCAG 2.1 AA) at desktop and phone size; with
``FASTLEGE_SCREENSHOTS`` set, the officer's pages are saved there."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from fastlege.accounts.models import Role
from fastlege.core.testing import browser as machinery
from fastlege.core.testing.browser import SCREENSHOTS, AxeInspector, ensure_reference_data
from fastlege.registry import rules
from fastlege.registry.models import DoctorPeriod
from fastlege.registry.tests.factories import DoctorFactory, gp_list, user_with
from fastlege.workforce.models import RecruitmentCase, SubstituteBooking
from fastlege.workforce.services import pool

from .conftest import TRONDHEIM

PASSWORD = "passord-for-test-123"


@pytest.fixture
def site(transactional_db: Any, live_server: Any) -> dict[str, Any]:
    ensure_reference_data()
    gp_list(ceiling=100, members=5)
    vacant = gp_list(ceiling=100, members=8, with_gp=False)
    locum = DoctorFactory.create(first_name="Vera", last_name="Vikar")
    substitute = pool.add_substitute(
        None, hpr_number=locum.hpr_number, county_id="50", home_municipality_id=TRONDHEIM
    )
    first = rules.first_of_next_month(datetime.date.today())
    pool.add_availability(None, substitute, valid_from=first, valid_to=rules.add_months(first, 3))
    users = {
        "officer": user_with(Role.MUNICIPALITY, municipality_id=TRONDHEIM),
        "county": user_with(Role.COUNTY_GOVERNOR, county_id="50"),
    }
    for user in users.values():
        user.set_password(PASSWORD)
        user.save()
    return {"users": users, "vacant": vacant, "locum": locum, "first": first}


def _page(browser: Any) -> Any:
    return browser.new_context(java_script_enabled=False, locale="nb-NO").new_page()


def _shot(page: Any, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"workforce-{name}.png"), full_page=True)


def test_the_officer_recruits_books_a_substitute_and_reads_alis(
    site: dict[str, Any], live_server: Any, browser: Any, axe_inspector: AxeInspector
) -> None:
    base, vacant = live_server.url, site["vacant"]
    page = _page(browser)
    machinery.login(page, base, site["users"]["officer"].username, PASSWORD)
    page.goto(base + reverse("workforce:index"))
    tools = page.locator("[data-testid=workforce-tools]")

    tools.locator("text=Rekrutteringssaker").click()
    assert page.url == base + reverse("workforce:recruitment_municipality", args=[TRONDHEIM])
    page.select_option("select[name=agreement]", str(vacant.pk))
    page.click("main form button[type=submit]")
    assert RecruitmentCase.objects.filter(agreement=vacant).exists()
    axe_inspector.check(page, "the new recruitment case")
    page.goto(base + reverse("workforce:recruitment_municipality", args=[TRONDHEIM]))
    assert str(vacant.pk) in page.inner_text("[data-testid=open-cases]")
    axe_inspector.check(page, "recruitment cases with the new case")
    _shot(page, "recruitment")

    page.goto(base + reverse("workforce:index"))
    tools.locator("text=Be om vikar").click()
    assert page.url == base + reverse("workforce:pool_municipality", args=[TRONDHEIM])
    page.select_option("select[name=agreement]", str(vacant.pk))
    page.select_option("select[name=reason]", "ubesatt")
    page.fill("input[name=valid_from]", site["first"].isoformat())
    page.fill("input[name=valid_to]", rules.add_months(site["first"], 1).isoformat())
    page.click("text=Send forespørselen")
    candidate = page.locator("[data-testid=pool-candidate]").first
    assert "Vera Vikar" in candidate.inner_text()
    axe_inspector.check(page, "the pool with a candidate")
    _shot(page, "pool")
    candidate.locator("button").click()
    booking = SubstituteBooking.objects.get()
    assert booking.doctor_period.role == DoctorPeriod.Role.SUBSTITUTE
    assert booking.doctor_period.agreement_id == vacant.pk

    page.goto(base + reverse("workforce:index"))
    tools.locator("text=ALIS-avtaler").click()
    assert page.url == base + reverse("workforce:alis", args=[TRONDHEIM])
    assert page.locator("[data-testid=alis-new]").count() == 1
    axe_inspector.check(page, "ALIS agreements")
    _shot(page, "alis")


def test_the_county_governor_reads_the_countys_tools(
    site: dict[str, Any], live_server: Any, browser: Any, axe_inspector: AxeInspector
) -> None:
    base = live_server.url
    page = _page(browser)
    machinery.login(page, base, site["users"]["county"].username, PASSWORD)
    for name in ("recruitment_county", "alis_county", "pool_county"):
        response = page.goto(base + reverse(f"workforce:{name}", args=["50"]))
        assert response is not None and response.status == 200, name
        assert "Trondheim" in page.inner_text("main") or name == "recruitment_county", name
        axe_inspector.check(page, name)
