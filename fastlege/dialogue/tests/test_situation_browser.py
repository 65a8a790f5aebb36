"""The situation report in a real browser, without JavaScript: the county governor makes
it from the meeting page, reads it, opens the PDF and makes a new version; a citizen
reads the public rendering from the published meeting's page. Every page is checked by
axe-core (WCAG 2.1 AA) at desktop and phone size and must not scroll sideways."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.urls import reverse

from fastlege.accounts.models import Role
from fastlege.core.testing import browser as machinery
from fastlege.core.testing.browser import AxeInspector, ensure_reference_data
from fastlege.dialogue.models_situation import SituationReport
from fastlege.dialogue.tests.factories import meeting
from fastlege.dialogue.tests.test_situation import MONTH, fill_statistics, shown_headlines
from fastlege.measures.catalogue import sync_catalogue
from fastlege.measures.tests.factories import MELHUS, TRONDHEIM, measure
from fastlege.registry.tests.factories import user_with

PASSWORD = "Et-sterkt-passord-2026"  # noqa: S105


@pytest.fixture
def governor(transactional_db: Any, live_server: Any) -> Any:
    ensure_reference_data()
    sync_catalogue()  # transactional tests before this one empty the migration's measure types
    user = user_with(Role.COUNTY_GOVERNOR, county_id="50")
    user.set_password(PASSWORD)
    user.save()
    return user


def no_javascript(browser: Any) -> Any:
    return browser.new_context(java_script_enabled=False, locale="nb-NO").new_page()


def test_the_organiser_makes_the_report_and_the_public_reads_it(
    governor: Any, live_server: Any, browser: Any, axe_inspector: AxeInspector
) -> None:
    fill_statistics()
    measure(TRONDHEIM, status="aktiv", value=200_000)
    measure(MELHUS, status="aktiv", value=500_000)
    m = meeting(governor)
    base = live_server.url
    staff = no_javascript(browser)
    machinery.login(staff, base, governor.username, PASSWORD)
    staff.goto(base + reverse("dialogue:organiser_meeting", args=[m.pk]))
    assert "Ikke laget ennå" in staff.inner_text("[data-testid=situation-section]")
    axe_inspector.check(staff, "organiser's meeting page, no report yet")

    staff.click("main >> text=Lag situasjonsbilde")
    report = SituationReport.objects.get()
    assert staff.url == base + reverse("dialogue:situation_version", args=[m.pk, 1])
    text = staff.inner_text("main")
    assert "Situasjonsbilde Trøndelag – november 2026" in text
    assert "Gjeldende versjon." in text
    assert "Melhus" in staff.inner_text("[data-testid=situation-signals]")
    assert "Trondheim" in staff.inner_text("[data-testid=situation-followup]")
    stats_page = staff.context.request.get(
        base + reverse("stats:county", args=["50"]) + f"?maned={MONTH:%Y-%m}"
    ).text()
    assert shown_headlines(unescape(staff.content())) == shown_headlines(unescape(stats_page))
    axe_inspector.check(staff, "situation report (organiser)")
    machinery.screenshots_at_both_sizes(staff, "dialogue-situation-report")

    pdf = staff.context.request.get(base + staff.get_attribute("main a[href$='.pdf']", "href"))
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body() == bytes(report.pdf)

    staff.goto(base + reverse("dialogue:organiser_meeting", args=[m.pk]))
    assert "versjon 1 (gjeldende)" in staff.inner_text("[data-testid=situation-section]")
    staff.click("main >> text=Lag ny versjon av situasjonsbildet")
    assert "Versjon 2" in staff.inner_text("[data-testid=situation-version]")
    assert SituationReport.objects.count() == 2
    axe_inspector.check(staff, "situation report, second version")

    citizen = no_javascript(browser)
    citizen.goto(base + reverse("dialogue:meeting", args=[m.pk]))
    axe_inspector.check(citizen, "public meeting page with the report")
    citizen.click("main >> text=/Situasjonsbilde versjon 2/")
    public = citizen.inner_text("main")
    assert "ikke offentlige" in public
    assert "Melhus: " not in public
    assert re.search(r"Offentlige tall", public)
    axe_inspector.check(citizen, "situation report (public)")
