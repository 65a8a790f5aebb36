"""Issue 16, items 4 and 5 in a real browser (Chromium, axe-core; see test_browser.py):
the county governor keeps the follow-up list, the municipality sees the impact of a
lower ceiling before approving it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from fastlege.core.testing.browser import (
    PHONE,
    Tools,
    check_axe,
    horizontal_overflow,
)
from fastlege.dialogue.models import MunicipalityFollowUp
from fastlege.registry import rules
from fastlege.registry.models import CeilingChange, WaitingListEntry
from fastlege.registry.tests.factories import ResidentFactory, add_members, gp_list
from fastlege.web.tests.conftest import World, login


def test_county_governor_keeps_the_follow_up_list(
    site: World, live_server: Any, browser: Any, browser_tools: Tools
) -> None:
    closed = gp_list(ceiling=5, members=5, is_open=False)
    for person in ResidentFactory.create_batch(4, municipality_id="5001"):
        WaitingListEntry.objects.create(resident=person, agreement=closed)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    login(page, live_server.url, site.users["county_governor"])
    page.goto(live_server.url + reverse("web:county", args=["50"]))
    first = page.locator("[data-testid=followup-row]").first
    assert "Trondheim" in first.inner_text()
    assert "4 venter på lister som er lukket eller uten fast lege" in first.inner_text()
    check_axe(page, browser_tools, "county page with the follow-up list (phone)")
    assert horizontal_overflow(page) <= 0
    today = timezone.localdate()
    first.locator("summary").click()
    first.locator("textarea").fill("Avtalt møte med kommuneoverlegen")
    first.locator("input[type=date]").fill(today.isoformat())
    first.locator("button[type=submit]").click()
    assert "Oppfølgingen er lagret" in page.inner_text("main")
    row = page.locator("#oppfolging-5001")
    assert "Avtalt møte med kommuneoverlegen" in row.inner_text()
    assert today.strftime("%d.%m.%Y") in row.inner_text()
    saved = MunicipalityFollowUp.objects.get(municipality_id="5001")
    assert saved.last_contacted == today
    context.close()


def test_municipality_sees_the_impact_before_approving_a_lower_ceiling(
    site: World, live_server: Any, browser: Any, browser_tools: Tools
) -> None:
    today = timezone.localdate()
    source = gp_list(ceiling=20, members=0)
    for h in range(3):
        add_members(source, 2, household=900 + h)
    add_members(source, 4)  # 10 on the list: three couples and four alone
    change = CeilingChange.objects.create(
        agreement=source,
        old_ceiling=20,
        new_ceiling=5,
        requested_on=today,
        effective_on=rules.first_of_next_month(today),  # less than six months' notice
    )
    context = browser.new_context()
    page = context.new_page()
    login(page, live_server.url, site.users["municipality"])
    page.goto(live_server.url + reverse("web:municipality", args=["5001"]))
    card = page.locator("[data-testid=ceiling-change]", has_text=f"Liste {source.pk} ")
    assert "5 innbyggere må flytte til en annen liste" in card.inner_text()
    assert "fristen på 6 måneders varsel er ikke overholdt" in card.inner_text()
    card.locator("text=Se konsekvensene av det lavere listetaket").click()
    assert f"soknad={change.pk}" in page.url
    assert page.inner_text("[data-testid=impact-to-move]") == "5"
    households = page.inner_text("[data-testid=impact-households]")
    # five residents from couples and people alone: three to five households
    assert all(3 <= int(h) <= 5 for h in households.split("–"))
    receiving = page.inner_text("[data-testid=receiving-lists]")
    assert str(site.free_list.pk) in receiving
    check_axe(page, browser_tools, "impact of a lower ceiling")
    context.close()
