"""In a real browser without JavaScript (Playwright + Debian's Chromium, axe-core at
desktop and phone size): a citizen finds «E-postvarsler» in the header, chooses the weekly
digest for follow-up actions and none for consultations, and saves; then, logged out,
opens the unsubscribe link from an e-mail, is asked first, and unsubscribes with one
button. Skipped with the reason where Chromium or axe is missing."""

from __future__ import annotations

from typing import Any

from fastlege.core.testing.browser import (
    VIEWPORTS,
    AxeInspector,
    Tools,
    screenshots_at_both_sizes,
)
from fastlege.notices import tokens
from fastlege.notices.models import Frequency, Kind, NoticePreference
from fastlege.web.tests.conftest import World, login, site

__all__ = ["site"]  # the web app's committed world, for the live server


def chosen(user: Any) -> dict[str, str]:
    return dict(NoticePreference.objects.filter(user=user).values_list("kind", "frequency"))


def test_a_citizen_chooses_notices_and_unsubscribes_with_one_click(
    site: World, live_server: Any, browser: Any, browser_tools: Tools
) -> None:
    user = site.users["citizen"]
    user.email = "ingrid@example.no"
    user.save(update_fields=["email"])
    axe = AxeInspector(browser, browser_tools, VIEWPORTS)
    page = browser.new_context(java_script_enabled=False, locale="nb-NO").new_page()
    page.set_viewport_size(VIEWPORTS["phone"])
    login(page, live_server.url, user)
    page.click("header >> text=E-postvarsler")
    assert page.inner_text("h1") == "Varsler på e-post"
    axe.check(page, "the notice settings")

    page.check(f"#id_{Kind.ACTION}_2")  # weekly (daily is the default)
    page.check(f"#id_{Kind.CONSULTATION}_3")  # none
    page.click("text=Lagre valgene")
    assert "lagret" in page.inner_text("main")
    assert page.is_checked(f"#id_{Kind.ACTION}_2")
    assert chosen(user) == {Kind.ACTION: Frequency.WEEKLY, Kind.CONSULTATION: Frequency.NONE}
    axe.check(page, "the notice settings after saving")
    screenshots_at_both_sizes(page, "notices-settings")

    stranger = browser.new_context(java_script_enabled=False, locale="nb-NO").new_page()
    stranger.goto(live_server.url + tokens.url(user.pk, Kind.INVITATION).split("8000", 1)[1])
    assert "Vil du slutte å få invitasjoner til møter" in stranger.inner_text("main")
    assert chosen(user)[Kind.ACTION] == Frequency.WEEKLY and Kind.INVITATION not in chosen(user)
    axe.check(stranger, "the unsubscribe question")
    stranger.click("button:has-text('Meld av')")
    assert "ikke lenger" in stranger.inner_text("main")
    assert chosen(user)[Kind.INVITATION] == Frequency.NONE
    axe.check(stranger, "unsubscribed")

    stranger.goto(live_server.url + "/varsler/avmeld/endret-lenke/")
    assert "ikke gyldig" in stranger.inner_text("main")
    axe.check(stranger, "a changed link")
