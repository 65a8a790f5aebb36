"""Group work and what each does next, in a real browser without JavaScript: the county
governor (organiser) makes a group with two questions and a registered participant as
rapporteur, records the group's answers and gives Trondheim an action with a due
date; Trondheim's municipal user finds the action on the municipality's overview,
marks it done with a comment, and it leaves the overview. Every page passed through
is checked by axe-core (WCAG 2.1 AA) at desktop and phone size (``axe_inspector``)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from fastlege.accounts.models import Role
from fastlege.core.testing import browser as machinery
from fastlege.core.testing.browser import AxeInspector, ensure_reference_data
from fastlege.dialogue import services
from fastlege.dialogue.models import ActionStatusChange, FollowUpAction, WorkGroup
from fastlege.registry.tests.factories import user_with

from .factories import meeting, registration
from .test_browser import PASSWORD, main_text, no_javascript

QUESTIONS = [
    "Hvilke utfordringer har kommunene med fastlegeordningen?",
    "Hvilke grep har dere tatt, og med hvilken effekt?",
]
ACTION = "Lage en felles vikarordning for kommunene i Trondheimsregionen"


def with_password(user: Any) -> Any:
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def people(transactional_db: Any, live_server: Any) -> dict[str, Any]:
    ensure_reference_data()
    governor = with_password(user_with(Role.COUNTY_GOVERNOR, county_id="50"))
    officer = with_password(user_with(Role.MUNICIPALITY, municipality_id="5001"))
    m = meeting(governor, "09:00-12:00 Dialogmøte", date=datetime.date(2030, 12, 7))
    services.register(
        None,
        m.pk,
        registration(m.pk, 1, name="Kari Kommuneoverlege", email="kari@trondheim.kommune.no"),
        email_confirmed=True,
    )
    return {"governor": governor, "officer": officer, "meeting": m}


def test_the_organiser_records_group_work_and_the_municipality_completes_its_action(
    people: dict[str, Any], live_server: Any, browser: Any, axe_inspector: AxeInspector
) -> None:
    inspector = axe_inspector
    base = live_server.url
    m = people["meeting"]

    staff = no_javascript(browser)
    staff.set_default_timeout(20_000)
    machinery.login(staff, base, people["governor"].username, PASSWORD)
    staff.goto(base + reverse("dialogue:organiser_meeting", args=[m.pk]))
    inspector.check(staff, "organiser's meeting page without groups")

    # A group with its questions and a registered participant as rapporteur.
    staff.fill("#gruppe_name", "Gruppe 1")
    staff.fill("#gruppe_questions", "\n".join(QUESTIONS))
    staff.select_option("#gruppe_rapporteur_id", label="Kari Kommuneoverlege, Trondheim kommune")
    staff.click("#gruppearbeid form[action$='ny-gruppe/'] button[type=submit]")
    assert "Gruppen er lagret." in main_text(staff)
    group = WorkGroup.objects.get()
    assert [q.text for q in group.questions.order_by("position")] == QUESTIONS
    assert group.rapporteur is not None and group.rapporteur.name == "Kari Kommuneoverlege"
    shown = staff.inner_text("[data-testid=group]")
    assert "Kari Kommuneoverlege" in shown and QUESTIONS[1] in shown
    inspector.check(staff, "organiser's meeting page with a group")

    # The group's answers.
    staff.click("main >> text=Registrer svarene fra Gruppe 1")
    inspector.check(staff, "group answers form")
    machinery.screenshots_at_both_sizes(staff, "dialogue-group-answers")
    first, second = group.questions.order_by("position")
    staff.fill(f"#id_svar_{first.pk}", "Ingen ledige listeplasser i flere kommuner.")
    staff.fill(f"#id_svar_{second.pk}", "ALIS-avtaler og felles vikarpool.")
    staff.click("main form button[type=submit]")
    assert "Svarene er lagret." in main_text(staff)
    inspector.check(staff, "group answers saved")
    first.refresh_from_db()
    assert first.answer == "Ingen ledige listeplasser i flere kommuner."

    # An action for Trondheim, from the group, with a due date.
    staff.goto(base + reverse("dialogue:organiser_meeting", args=[m.pk]))
    staff.fill("#tiltak_what", ACTION)
    staff.select_option("#tiltak_owner_kind", "kommune")
    staff.select_option("#tiltak_municipality", "5001")
    staff.fill("#tiltak_due", "2031-03-01")
    staff.select_option("#tiltak_group_id", label="Gruppe 1")
    staff.click("#tiltak form[action$='nytt-tiltak/'] button[type=submit]")
    assert "Oppfølgingspunktet er lagret." in main_text(staff)
    action = FollowUpAction.objects.get()
    assert (action.municipality_id, action.due, action.status) == (
        "5001",
        datetime.date(2031, 3, 1),
        "apen",
    )
    row = staff.inner_text("[data-testid=action-row]")
    assert ACTION in row and "Trondheim" in row and "planlagt" in row
    inspector.check(staff, "organiser's meeting page with an action")
    machinery.screenshots_at_both_sizes(staff, "dialogue-organiser-group-work")
    staff.context.close()

    # Trondheim's municipal user: the action is on the overview until it is done.
    officer = no_javascript(browser)
    officer.set_default_timeout(20_000)
    machinery.login(officer, base, people["officer"].username, PASSWORD)
    officer.goto(base + reverse("web:municipality", args=["5001"]))
    listed = officer.inner_text("[data-testid=owner-actions]")
    assert ACTION in listed and "1.3.2031" in listed and "planlagt" in listed
    inspector.check(officer, "municipality overview with an action")
    machinery.screenshots_at_both_sizes(officer, "dialogue-municipality-actions")
    officer.select_option(f"#status-{action.pk}", "ferdig")
    officer.fill(f"#kommentar-{action.pk}", "Avtalen er signert av alle kommunene.")
    officer.click(f"#tiltak-{action.pk} button[type=submit]")
    assert officer.url.split("?")[0] == base + reverse("web:municipality", args=["5001"])
    assert "er nå «utført»" in main_text(officer)
    assert officer.locator("[data-testid=owner-action]").count() == 0
    inspector.check(officer, "municipality overview after the action is done")
    change = ActionStatusChange.objects.latest("changed_at")
    assert (change.old_status, change.new_status, change.changed_by_id) == (
        "apen",
        "ferdig",
        people["officer"].pk,
    )
    assert change.comment == "Avtalen er signert av alle kommunene."
    officer.context.close()
