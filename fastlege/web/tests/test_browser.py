"""End-to-end tests in a real browser: Debian's Chromium driven by Playwright (never a
browser downloaded by Playwright), against the app served on 127.0.0.1, with axe-core
(from npm) run on every page and failing on any WCAG 2.1 AA violation.

The machinery (the ``browser_tools`` and ``browser`` fixtures, ``check_axe``) is shared
with the other apps' browser tests, in :mod:`fastlege.core.testing.browser`: in CI
(``CI=true``) a missing Chromium or axe-core fails the run; on a developer's machine
these tests are skipped with the reason.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from fastlege.core.testing.browser import (
    PHONE,
    SCREENSHOTS,
    VIEWPORTS,
    Tools,
    check_axe,
    horizontal_overflow,
    screenshots_at_both_sizes,
)
from fastlege.dialogue.models import ForumCase
from fastlege.monthly.models import MonthRun
from fastlege.registry import rules
from fastlege.registry.models import (
    CeilingChange,
    DoctorPeriod,
    ListMembership,
    SwitchRequest,
    WaitingListEntry,
)
from fastlege.web.tests.conftest import World, login


def pages_of(world: World, case: ForumCase) -> dict[str, list[tuple[str, str]]]:
    """Every page of every role: (address, the heading it shows)."""
    c = world.citizen.pk
    return {
        "anonymous": [
            (reverse("home"), "fastlege – fastlegeordningen"),
            (reverse("web:login"), "Logg inn"),
            (reverse("web:find_gp") + "?kommune=5001", "Finn fastlege med ledige plasser"),
            (reverse("web:find_gp") + "?postnummer=12", "Finn fastlege med ledige plasser"),
        ],
        "citizen": [
            (reverse("web:person", args=[c]), "Min fastlege"),
            (reverse("web:person", args=[world.child.pk]), "Fastlegen til Ola"),
            (
                reverse("web:find_for", args=[c]) + "?kommune=5001",
                "Finn fastlege med ledige plasser",
            ),
            (reverse("web:history", args=[c]), "Historikk"),
            (reverse("web:notifications", args=[c]), "Meldinger"),
            (reverse("web:opt_out", args=[c]), "Reservasjon mot fastlegeordningen"),
        ],
        "gp": [(reverse("web:gp_home"), "Mine lister")],
        "municipality": [
            (reverse("web:municipality", args=["5001"]), "Fastlegeordningen i Trondheim"),
            (
                reverse("web:municipality_list", args=["5001", world.open_list.pk]),
                world.open_list.practice.name,
            ),
            (reverse("web:new_list", args=["5001"]), "Opprett ny liste"),
            (reverse("web:municipality_users", args=["5001"]), "Brukere med tilgang"),
        ],
        "county_governor": [(reverse("web:county", args=["50"]), "Fastlegeordningen i Trøndelag")],
        "national": [(reverse("web:national"), "Fastlegeordningen nasjonalt")],
        "ministry": [
            (reverse("dialogue:organiser"), "Arrangørside"),
            (reverse("dialogue:forum", args=[world.forum.pk]), world.forum.name),
            (reverse("dialogue:case", args=[case.pk]), case.title),
        ],
        "other_citizen": [(reverse("web:person", args=[c]), "Fant ikke siden")],  # the 404 page
        "other_municipality": [(reverse("web:municipality", args=["5001"]), "Ingen tilgang")],
    }


def a_forum_case(world: World) -> ForumCase:
    """A case of the tripartite forum with an indicator and a decision, as the ministry
    would have it."""
    from fastlege.dialogue import services as dialogue

    ministry = world.users["ministry"]
    case = dialogue.open_case(
        ministry,
        world.forum.pk,
        title="Rekruttering av fastleger",
        description="Flere lister uten fast lege.",
        indicator_codes=["andel_uten_lege"],
    )
    dialogue.record_decision(
        ministry, case.pk, text="Partene lager en felles plan.", decided_on=datetime.date.today()
    )
    return case


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_axe_on_every_page_of_every_role(
    site: World, live_server: Any, browser: Any, browser_tools: Tools, viewport: str
) -> None:
    from fastlege.stats.services import fill_month_from_registry

    fill_month_from_registry(None, datetime.date.today().replace(day=1))  # the county's map
    size = VIEWPORTS[viewport]
    checked = 0
    for persona, pages in pages_of(site, a_forum_case(site)).items():
        context = browser.new_context(viewport=size, locale="nb-NO")
        page = context.new_page()
        if persona != "anonymous":
            login(page, live_server.url, site.users[persona])
        for url, heading in pages:
            page.goto(live_server.url + url)
            # the page asked for, not a log-in page or a redirect that axe would check instead
            assert page.url == live_server.url + url, f"{url} as {persona} ended on {page.url}"
            assert heading in page.inner_text("h1"), f"{url} as {persona}: wrong page"
            check_axe(page, browser_tools, f"{url} as {persona} ({viewport})")
            checked += 1
            if viewport == "phone":
                overflow = horizontal_overflow(page)
                assert overflow <= 0, f"{url} scrolls sideways on a phone ({overflow}px)"
            if SCREENSHOTS and url == pages[0][0]:
                Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
                page.screenshot(
                    path=str(Path(SCREENSHOTS) / f"{persona}-{viewport}.png"), full_page=True
                )
        context.close()
    assert checked == 22


def test_citizen_switches_gp_without_javascript(
    site: World, live_server: Any, browser: Any
) -> None:
    """Find, a summary to confirm (from which day, the year's quota), a receipt, then the
    pending switch on Min fastlege, and cancelling it with its own confirmation."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    login(page, live_server.url, site.users["citizen"])
    page.click("text=Finn ny fastlege")
    page.select_option("#id_kommune", "5001")
    page.click("main form button[type=submit]")
    gp = DoctorPeriod.objects.get(agreement=site.free_list).doctor.full_name
    page.click(f"[aria-label='Bytt til {gp}']")
    effective = rules.first_of_next_month(datetime.date.today())
    assert effective.strftime("%d.%m.%Y") in page.inner_text("[data-testid=effective-on]")
    assert "nummer 1 av 2" in page.inner_text("[data-testid=quota]")
    assert not SwitchRequest.objects.exists()  # nothing before the citizen confirms
    screenshots_at_both_sizes(page, "citizen-confirm-switch")
    page.click("main form button[type=submit]")
    assert gp in page.inner_text("[data-testid=receipt]")
    screenshots_at_both_sizes(page, "citizen-switch-receipt")
    assert SwitchRequest.objects.get(resident=site.citizen).to_agreement_id == site.free_list.pk
    page.click("text=Til Min fastlege")
    assert gp in page.inner_text("[data-testid=pending-switch]")
    # While the switch waits, the search offers no second switch but the way to cancel.
    page.goto(live_server.url + reverse("web:find_for", args=[site.citizen.pk]) + "?kommune=5001")
    assert "Du har allerede bedt om å bytte" in page.inner_text("[data-testid=pending-notice]")
    assert not page.query_selector(f"[aria-label='Bytt til {gp}']")
    page.click("[data-testid=pending-notice] >> text=Kanseller byttet")
    page.click("main form button[type=submit]")
    assert "er kansellert" in page.inner_text("[data-testid=receipt]")
    switch = SwitchRequest.objects.get(resident=site.citizen)
    assert switch.status == SwitchRequest.Status.CANCELLED
    context.close()


def test_citizen_joins_a_waiting_list_and_sees_the_place(
    site: World, live_server: Any, browser: Any, browser_tools: Tools
) -> None:
    context = browser.new_context()
    page = context.new_page()
    login(page, live_server.url, site.users["citizen"])
    page.goto(live_server.url + reverse("web:find_for", args=[site.citizen.pk]) + "?kommune=5001")
    gp = DoctorPeriod.objects.get(agreement=site.full_list).doctor.full_name
    page.click(f"[aria-label='Sett på venteliste hos {gp}']")
    assert gp in page.inner_text("[data-testid=summary]")
    check_axe(page, browser_tools, "the waiting list's summary")
    screenshots_at_both_sizes(page, "citizen-confirm-waiting")
    page.click("text=Sett meg på ventelisten")
    assert "Du står nå på ventelisten" in page.inner_text("[data-testid=receipt]")
    screenshots_at_both_sizes(page, "citizen-waiting-receipt")
    check_axe(page, browser_tools, "the waiting list's receipt")
    page.click("text=Til Min fastlege")
    assert "nummer 1 av 1" in page.inner_text("[data-testid=waiting-place]")
    assert WaitingListEntry.objects.get(resident=site.citizen).agreement_id == site.full_list.pk
    # Leaving asks first, and the receipt says it is done.
    page.click("text=Meld deg av ventelisten")
    assert "mister du plassen" in page.inner_text("[data-testid=summary]")
    page.click("text=Meld meg av ventelisten")
    assert "ikke lenger på ventelisten" in page.inner_text("[data-testid=receipt]")
    assert not WaitingListEntry.objects.filter(
        resident=site.citizen, status=WaitingListEntry.Status.WAITING
    ).exists()
    context.close()


def test_municipality_approves_a_ceiling_change_and_registers_a_departure(
    site: World, live_server: Any, browser: Any, browser_tools: Tools
) -> None:
    context = browser.new_context()
    page = context.new_page()
    login(page, live_server.url, site.users["municipality"])
    assert page.url.endswith(reverse("web:municipality", args=["5001"]))
    page.click("[data-testid=ceiling-change] button[value=approve]")
    assert "Det nye listetaket er godkjent" in page.inner_text("main")
    site.change.refresh_from_db()
    assert site.change.status == CeilingChange.Status.APPROVED
    page.goto(live_server.url + reverse("web:municipality_list", args=["5001", site.open_list.pk]))
    page.fill("#id_end_date", "2027-01-01")
    page.select_option("#id_end_reason", "dod")
    page.click("text=Registrer avgang")
    assert "avgang er registrert" in page.inner_text("main")
    check_axe(page, browser_tools, "list page after a departure")
    period = DoctorPeriod.objects.get(agreement=site.open_list)
    assert period.valid_to is not None and period.valid_to.isoformat() == "2027-01-01"
    context.close()


def test_the_monthly_update_shows_the_switch_on_the_citizens_page(
    site: World, live_server: Any, browser: Any, browser_tools: Tools, monkeypatch: Any
) -> None:
    """The citizen switches; on the 1st of next month the national administrator runs the
    month from the national page (the admin's run page); the citizen's page then shows the
    new GP. (A month cannot be run before its 1st, so the clock moves to that day.)"""
    admin = site.users["national"]
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    new_gp = DoctorPeriod.objects.get(agreement=site.free_list).doctor.full_name
    old_gp = site.doctor.full_name

    citizen = browser.new_context()
    page = citizen.new_page()
    login(page, live_server.url, site.users["citizen"])
    page.goto(live_server.url + reverse("web:find_for", args=[site.citizen.pk]) + "?kommune=5001")
    page.click(f"[aria-label='Bytt til {new_gp}']")
    check_axe(page, browser_tools, "the switch's summary")
    page.click("main form button[type=submit]")
    check_axe(page, browser_tools, "the switch's receipt")
    page.click("text=Til Min fastlege")
    assert new_gp in page.inner_text("[data-testid=pending-switch]")
    assert old_gp in page.inner_text("[data-testid=current-gp]")
    switch = SwitchRequest.objects.get(resident=site.citizen)

    national = browser.new_context()
    npage = national.new_page()
    login(npage, live_server.url, admin)
    assert npage.url.endswith(reverse("web:national"))
    month = switch.effective_on.replace(day=1)
    assert month == rules.first_of_next_month(datetime.date.today())
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: month)
    npage.click("text=Kjør månedsoppdateringen")
    npage.fill("#id_month", f"{month:%Y-%m}")
    npage.click("input[type=submit]")
    assert f"Månedskjøring {month:%Y-%m} ferdig" in npage.inner_text("body")
    run = MonthRun.objects.get(month=month)
    assert run.status == MonthRun.Status.COMPLETED and run.started_by_id == admin.pk
    npage.goto(live_server.url + reverse("web:national"))
    runs = npage.locator("main table").filter(has_text="Siste kjøringer")
    cells = runs.locator("tbody tr").first.locator("td").all_inner_texts()
    # the run just made, its status and who started it, and the one switch it applied
    assert run.switches_applied == 1
    assert [c.strip() for c in cells[1:4]] == [run.get_status_display(), str(admin), "1"]
    national.close()

    page.goto(live_server.url + reverse("web:person", args=[site.citizen.pk]))
    assert new_gp in page.inner_text("[data-testid=current-gp]")
    assert not page.query_selector("[data-testid=pending-switch]")
    assert month.strftime("%d.%m.%Y") in page.inner_text("main")  # on the list since the 1st
    check_axe(page, browser_tools, "the citizen's page after the monthly update")
    page.click("text=Historikk")
    assert site.free_list.practice.name in page.inner_text("main")
    citizen.close()
    current = ListMembership.objects.get(resident=site.citizen, valid_to__isnull=True)
    assert current.agreement_id == site.free_list.pk


def test_county_governor_map_and_tables_load(
    site: World, live_server: Any, browser: Any, browser_tools: Tools
) -> None:
    from fastlege.stats.services import fill_month_from_registry

    month = rules.first_of_next_month(datetime.date.today())
    fill_month_from_registry(None, rules.add_months(month, -1))
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    login(page, live_server.url, site.users["county_governor"])
    table = page.inner_text("[data-testid=county-table]")
    assert "Trondheim" in table
    figure = page.locator("[data-testid=county-map] svg.map")
    assert figure.count() == 1
    # every municipality of Trøndelag is on the map, none from elsewhere
    shapes = page.locator("[data-testid=county-map] svg.map path")
    from fastlege.reference.models import Municipality

    assert shapes.count() == Municipality.objects.filter(county_id="50").count()
    titles = page.locator("[data-testid=county-map] svg.map title").all_text_contents()
    assert any(t.startswith("Trondheim") for t in titles)
    assert not any(t.startswith("Oslo") for t in titles)
    assert "Trondheim" in page.inner_text("[data-testid=county-map-table]")
    check_axe(page, browser_tools, "county governor's map and tables (phone)")
    assert horizontal_overflow(page) <= 0
    page.select_option("#id_indikator", "lister_uten_lege")
    page.click("[data-testid=county-map] button[type=submit]")
    assert "indikator=lister_uten_lege" in page.url
    assert "Lister uten fast lege per kommune" in page.inner_text("[data-testid=county-map-table]")
    page.click("[data-testid=county-table] >> text=Trondheim")
    assert "Fastlegeordningen i Trondheim" in page.inner_text("h1")
    context.close()


def test_the_axe_check_fails_on_a_violation(
    site: World, live_server: Any, browser: Any, browser_tools: Tools
) -> None:
    """The accessibility check is real: an image without a text alternative fails it."""
    page = browser.new_page()
    page.goto(live_server.url + reverse("home"))
    page.evaluate("document.querySelector('main').appendChild(document.createElement('img'))")
    with pytest.raises(AssertionError, match="image-alt"):
        check_axe(page, browser_tools, "home with an image without alt")
    page.close()
