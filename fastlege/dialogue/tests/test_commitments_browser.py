"""The forum's agreements in a real browser, without JavaScript: the ministry updates an
agreement's completion (a percentage out of range is refused with its reason), and the
public reads the published agreements and the agreement's page with its history and
indicator chart. Every page is checked by axe-core (WCAG 2.1 AA) at desktop and phone
size (``fastlege.core.testing.browser``)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from fastlege.accounts.models import Role
from fastlege.core.testing import browser as machinery
from fastlege.core.testing.browser import AxeInspector, ensure_reference_data
from fastlege.dialogue import services
from fastlege.dialogue.models import Commitment
from fastlege.dialogue.services import commitments as svc
from fastlege.dialogue.tests.test_commitments_pages import MONTHS, nation
from fastlege.registry.tests.factories import user_with

PASSWORD = "Et-sterkt-passord-2026"  # noqa: S105


@pytest.fixture
def hod(transactional_db: Any, live_server: Any) -> Any:
    ensure_reference_data()
    user = user_with(Role.MINISTRY)
    user.set_password(PASSWORD)
    user.save()
    return user


def no_javascript(browser: Any) -> Any:
    return browser.new_context(java_script_enabled=False, locale="nb-NO").new_page()


def test_the_ministry_updates_completion_and_the_public_reads_it(
    hod: Any, live_server: Any, browser: Any, axe_inspector: AxeInspector
) -> None:
    for step, day in enumerate(MONTHS):
        nation(day, step)
    forum = services.create_forum(
        hod, name="Trepartssamarbeidet om fastlegeordningen",
        parties=[("HOD", "Helse- og omsorgsdepartementet"), ("KS", "KS")],
    )  # fmt: skip
    case = services.open_case(hod, forum.pk, title="Utdanning (ALIS)")
    commitment = svc.create_commitment(
        hod, case.pk, title="Flere ALIS-avtaler i kommunene",
        owner_id=forum.parties.get(short_name="KS").pk,
        starts_on=MONTHS[1], indicator_codes=["andel_spesialister", "lister_uten_lege"],
        published=True,
    )  # fmt: skip
    svc.add_milestone(hod, commitment.pk, title="Oversikt over ALIS-avtaler",
                      due_on=timezone.localdate() + datetime.timedelta(days=30))  # fmt: skip
    base = live_server.url
    inspector = axe_inspector

    staff = no_javascript(browser)
    machinery.login(staff, base, hod.username, PASSWORD)
    staff.goto(base + reverse("dialogue:forum", args=[forum.pk]))
    staff.click("main >> text=Avtaler og oppfølging")
    assert "Flere ALIS-avtaler i kommunene" in staff.inner_text("main")
    inspector.check(staff, "commitments overview (ministry)")
    staff.click("main >> text=Flere ALIS-avtaler i kommunene")
    inspector.check(staff, "commitment page (ministry)")

    # out of range: refused with the reason, nothing stored
    staff.fill("#id_percent", "150")
    staff.select_option("#id_status", "i_gang")
    staff.click("main form:has(#id_percent) button[type=submit]")
    assert "fra 0 til 100 prosent" in staff.inner_text("main")
    assert Commitment.objects.get().progress == 0
    inspector.check(staff, "commitment page with a refused update")

    staff.fill("#id_percent", "60")
    staff.select_option("#id_status", "i_gang")
    staff.fill("#id_comment", "Regionalt samarbeid i alle fylker.")
    staff.click("main form:has(#id_percent) button[type=submit]")
    assert "Fremdriften er registrert." in staff.inner_text("main")
    assert staff.inner_text("[data-testid=progress]") == "60 %"
    history = staff.inner_text("[data-testid=history]")
    assert "Regionalt samarbeid i alle fylker." in history and "60 %" in history
    assert Commitment.objects.get().history.count() == 2  # the first row (0 %) is kept

    public = no_javascript(browser)
    public.goto(base + reverse("dialogue:index"))
    public.click("main >> text=Avtaler og oppfølging: Trepartssamarbeidet om fastlegeordningen")
    assert public.url == base + reverse("dialogue:commitments", args=[forum.pk])
    row = public.inner_text("[data-testid=commitments]")
    assert "Flere ALIS-avtaler i kommunene" in row and "60 %" in row and "KS" in row
    assert "Andel fastleger som er spesialister i allmennmedisin" in row
    inspector.check(public, "commitments overview (public)")
    machinery.screenshots_at_both_sizes(public, "forum-commitments")
    public.click("main >> text=Flere ALIS-avtaler i kommunene")
    main = public.inner_text("main")
    assert "Regionalt samarbeid i alle fylker." in main and "Oppdater fremdrift" not in main
    assert public.locator("#graf-lister_uten_lege svg line.marker").count() == 1
    inspector.check(public, "commitment page (public)")
    machinery.screenshots_at_both_sizes(public, "forum-commitment")
    assert len(inspector.checked) == 5
