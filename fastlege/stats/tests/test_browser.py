"""The statistics pages in a real browser: the public national and county pages, and a
municipality's own page after logging in as its officer (figures unsuppressed there).

Each page is checked by axe-core for WCAG 2.1 AA at desktop and phone size, and must not
scroll sideways (:class:`~fastlege.core.testing.browser.AxeInspector`); the pages work
without JavaScript.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.management import call_command

from fastlege.accounts.models import Role
from fastlege.core.testing.browser import AxeInspector, ensure_reference_data, login
from fastlege.monthly.services import run_month
from fastlege.registry.tests.factories import user_with
from fastlege.stats.indicators import SUPPRESSION_THRESHOLD
from fastlege.stats.models import AreaKind, AreaMonthCount
from fastlege.stats.selectors import SUPPRESSED
from fastlege.stats.services import fill_month_from_registry, stats_fill

PASSWORD = "Et-sterkt-passord-2026"  # noqa: S105
JAN = datetime.date(2026, 1, 1)


@pytest.fixture
def world(transactional_db: Any, live_server: Any) -> Any:
    ensure_reference_data()
    call_command(
        "seed", "--kommune", "5022", "--kommune", "5026", "--months", "0", stdout=io.StringIO()
    )
    fill_month_from_registry(None, datetime.date(2025, 12, 1))
    run_month(None, JAN)
    stats_fill(None)
    AreaMonthCount.objects.filter(month=JAN, kind=AreaKind.MUNICIPALITY, code="5022").update(
        unassigned=2
    )
    officer = user_with(Role.MUNICIPALITY, municipality_id="5022")
    officer.set_password(PASSWORD)
    officer.save()
    return officer


def headline(page: Any, name: str) -> str:
    """The value shown in the key-figure box whose title is exactly ``name``."""
    boxes = page.locator(".headline")
    for i in range(boxes.count()):
        box = boxes.nth(i)
        if box.locator("div").first.inner_text().strip() == name:
            return str(box.locator(".value").inner_text()).strip()
    raise AssertionError(f"no key figure {name!r}")


def test_public_and_own_statistics_pages_are_accessible(
    browser: Any, world: Any, live_server: Any, axe_inspector: AxeInspector
) -> None:
    page = browser.new_context(java_script_enabled=False, locale="nb-NO").new_page()
    base = live_server.url
    for path, where in [
        ("/statistikk/", "national statistics"),
        ("/statistikk/fylke/50/", "county statistics"),
        ("/statistikk/kart/?fylke=50", "map of the county (public)"),
        ("/statistikk/kommune/5022/", "municipality statistics (public)"),
    ]:
        page.goto(base + path)
        assert page.locator("h1").count() == 1
        axe_inspector.check(page, where)
    assert "vises som" in page.inner_text("main")
    # Rennebu's small counts are hidden in public ...
    hidden = SUPPRESSED
    row = AreaMonthCount.objects.get(month=JAN, kind=AreaKind.MUNICIPALITY, code="5022")
    assert 0 < row.gps < SUPPRESSION_THRESHOLD and row.unassigned == 2
    assert (headline(page, "Fastleger"), headline(page, "Ufordelte")) == (hidden, hidden)

    login(page, base, world.username, PASSWORD)
    page.goto(base + "/statistikk/kommune/5022/")
    assert "rollen din gjelder" in page.inner_text("main")
    # ... and shown to the municipality's own officer
    assert (headline(page, "Fastleger"), headline(page, "Ufordelte")) == (str(row.gps), "2")
    axe_inspector.check(page, "municipality statistics (own, logged in)")


def test_charts_are_readable_on_a_phone_and_have_their_figures_in_a_table(
    browser: Any, world: Any, live_server: Any
) -> None:
    """On a 360 px wide phone the smallest chart text is 12 px or more, the axis starts
    at zero, and each chart's figures open as a table (no JavaScript needed)."""
    context = browser.new_context(
        java_script_enabled=False, locale="nb-NO", viewport={"width": 360, "height": 800}
    )
    page = context.new_page()
    page.goto(live_server.url + "/statistikk/fylke/50/")
    smallest = page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('svg.chart text')].map(
            t => parseFloat(getComputedStyle(t).fontSize)
                 * t.ownerSVGElement.getBoundingClientRect().width
                 / t.ownerSVGElement.viewBox.baseVal.width))"""
    )
    assert smallest >= 12, smallest
    chart = page.locator("figure.chart-figure").first
    assert chart.locator("svg.chart text", has_text="jan. 2026").count() == 1
    assert chart.locator("svg.chart text").filter(has_text="0").count() >= 1
    table = chart.locator("details table")
    assert not table.is_visible()
    chart.locator("summary").click()
    assert table.is_visible()
    assert "januar 2026" in table.inner_text()
    context.close()
