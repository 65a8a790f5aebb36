"""Invitations and coverage in a real browser without JavaScript (issue 21, part 1):
the county governor invites every municipality of Trøndelag in one action and sees
the coverage as a map, a legend and a table; a municipal user of Trondheim sees the
invitation on the municipality's overview and follows it to the registration form.
Every page passed is checked by axe-core (WCAG 2.1 AA) at desktop and phone size
(the site's machinery, :mod:`fastlege.core.testing.browser`)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from fastlege.accounts.models import Role
from fastlege.core.testing import browser as machinery
from fastlege.core.testing.browser import AxeInspector
from fastlege.dialogue import services
from fastlege.dialogue.tests.factories import at, meeting, registration
from fastlege.dialogue.tests.test_browser import PASSWORD, main_text, no_javascript
from fastlege.reference.models import Municipality
from fastlege.registry.tests.factories import user_with

TITLE = "Dialogmøte om legedekningen i Trøndelag"


@pytest.fixture
def organiser(transactional_db: Any, live_server: Any) -> Any:
    """The county governor of Trøndelag, with a password for the real log-in page."""
    machinery.ensure_reference_data()
    user = user_with(Role.COUNTY_GOVERNOR, county_id="50")
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def municipal_user(organiser: Any) -> Any:
    user = user_with(Role.MUNICIPALITY, municipality_id="5001")
    user.set_password(PASSWORD)
    user.save()
    return user


def test_organiser_invites_the_county_and_the_municipality_sees_the_invitation(
    organiser: Any,
    municipal_user: Any,
    live_server: Any,
    browser: Any,
    axe_inspector: AxeInspector,
) -> None:
    inspector = axe_inspector
    base = live_server.url
    m = meeting(organiser, title=TITLE)
    n = Municipality.objects.filter(county_id="50").count()

    staff = no_javascript(browser)
    machinery.login(staff, base, organiser.username, PASSWORD)
    staff.goto(base + reverse("dialogue:organiser_meeting", args=[m.pk]))
    assert "Publisert – synlig for alle." in main_text(staff)
    staff.click("main >> text=Invitasjoner og dekning per kommune")
    inspector.check(staff, "invitations, none yet")
    staff.click("main >> text=Inviter alle kommunene i Trøndelag")
    assert f"{n} kommuner er invitert." in main_text(staff)
    assert f"{n} av {n} kommuner invitert, 0 med påmeldte" in main_text(staff)
    inspector.check(staff, "invitations, the county invited")

    # Someone from Trondheim registers; the coverage says so in the map and the table.
    services.register(
        None, m.pk, registration(m.pk, 1, municipality_id="5001"), now=at(2030, 11, 1)
    )
    staff.reload()
    assert staff.locator("svg.map path").count() == n
    row = staff.locator("#kommune-5001").inner_text()
    assert "Trondheim" in row and "påmeldt" in row
    legend = staff.locator("[data-testid=coverage-legend]").inner_text()
    assert "påmeldt (1 kommune)" in legend
    assert f"invitert, ingen påmeldt ({n - 1} kommuner)" in legend
    inspector.check(staff, "coverage with a registration")
    machinery.screenshots_at_both_sizes(staff, "dialogue-coverage")

    town = no_javascript(browser)
    machinery.login(town, base, municipal_user.username, PASSWORD)
    town.goto(base + reverse("web:municipality", args=["5001"]))
    box = town.locator("[data-testid=dialogue-invitations]").inner_text()
    assert TITLE in box and "Påmeldingsfrist: 1. desember 2030 kl. 12:00." in box
    inspector.check(town, "municipality overview with an invitation")
    machinery.screenshots_at_both_sizes(town, "dialogue-invitation-overview")
    town.click(f"text=Meld på til {TITLE}")
    assert "Påmelding" in town.inner_text("h1")
    assert town.locator("#id_municipality_id option[value='5001']").count() == 1
    inspector.check(town, "registration form from the invitation")
    assert len(inspector.checked) == 5
