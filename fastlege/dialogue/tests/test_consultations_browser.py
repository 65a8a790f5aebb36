"""A consultation through its phases in a real browser, without JavaScript: the county
governor writes the draft text in numbered sections, opens the consultation,
extends the deadline; a citizen reads the announcement and answers with a comment
on a section; the organiser closes it, reads the analysis and publishes the
summary; the citizen reads the summary and the public comment. Every page is
checked by axe-core at desktop and phone size (``axe_inspector``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from fastlege.core.testing import browser as machinery
from fastlege.core.testing.browser import AxeInspector
from fastlege.dialogue.models import Consultation, DeadlineExtension, Submission
from fastlege.dialogue.tests.test_browser import (
    PASSWORD,
    local,
    main_text,
    no_javascript,
    organiser,  # noqa: F401 (fixture)
)

TITLE = "Høring om legevakt og fastleger i Trøndelag"
SECTIONS = """# Bakgrunn
Kommunene i Trøndelag deler legevakt.

# Forslag om felles legevakt
Statsforvalteren foreslår én interkommunal legevakt per region.

# Økonomi
Kostnadene fordeles etter innbyggertall.
"""
COMMENT = "Felles legevakt må ikke gi lengre reisevei enn 90 minutter."


def test_organiser_runs_a_consultation_through_its_phases_and_a_citizen_comments(
    organiser: Any,  # noqa: F811
    live_server: Any,
    browser: Any,
    axe_inspector: AxeInspector,
) -> None:
    inspector = axe_inspector
    base = live_server.url
    staff = no_javascript(browser)
    machinery.login(staff, base, organiser.username, PASSWORD)
    staff.goto(base + reverse("dialogue:consultation_create"))
    now = timezone.now()
    staff.fill("#id_title", TITLE)
    staff.fill("#id_question", "Hva mener dere om forslaget?")
    staff.fill("#id_organiser_name", "Statsforvalteren i Trøndelag")
    staff.select_option("#id_county", "50")
    staff.fill("#id_opens_at", local(now - datetime.timedelta(days=1)))
    staff.fill("#id_deadline", local(now + datetime.timedelta(days=20)))
    staff.fill("#id_themes", "Legevakt\nØkonomi")
    staff.click("main form button[type=submit]")
    consultation = Consultation.objects.get()
    assert "Fase: utkast" in main_text(staff)
    # a draft is not public
    citizen = no_javascript(browser)
    gone = citizen.goto(base + reverse("dialogue:consultation", args=[consultation.pk]))
    assert gone is not None and gone.status == 404

    staff.fill("#id_text", SECTIONS)
    staff.click("main >> text=Lagre høringsteksten")
    assert "Høringsteksten er lagret." in main_text(staff)
    assert [s.heading for s in consultation.sections.order_by("number")] == [
        "Bakgrunn",
        "Forslag om felles legevakt",
        "Økonomi",
    ]
    inspector.check(staff, "organiser's draft consultation")
    machinery.screenshots_at_both_sizes(staff, "consultation-draft")
    staff.click("main >> text=Åpne innspillsrunden")
    assert "Innspillsrunden er åpnet." in main_text(staff) and "Fase: åpen" in main_text(staff)

    old = consultation.deadline
    new = old + datetime.timedelta(days=14)
    staff.fill("#id_new_deadline", local(new))
    staff.fill("#id_reason", "Kommunestyrene møtes først i neste måned.")
    staff.click("main button:has-text('Forleng fristen')")
    assert "Fristen er forlenget." in main_text(staff)
    extension = DeadlineExtension.objects.get()
    assert extension.old_deadline == old and extension.extended_by == organiser
    inspector.check(staff, "organiser's open consultation with an extension")

    # The citizen: the announcement, the draft, an answer with a section comment.
    citizen.goto(base + reverse("dialogue:consultation", args=[consultation.pk]))
    shown = main_text(citizen)
    assert "Fristen er forlenget fra" in shown
    assert "Kommunestyrene møtes først i neste måned." in shown
    assert "2. Forslag om felles legevakt" in shown
    inspector.check(citizen, "public consultation, open, with sections")
    machinery.screenshots_at_both_sizes(citizen, "consultation-open")
    section = consultation.sections.get(number=2)
    citizen.fill("#id_name", "Kari Nordmann")
    citizen.fill("#id_email", "kari@example.no")
    citizen.fill("#id_organisation", "Trondheim kommune")
    citizen.check("#id_on_behalf_of_organisation")
    citizen.select_option("#id_submitter_kind", "kommune")
    citizen.select_option("#id_municipality", "5001")
    citizen.check("main label:has-text('Legevakt') >> input")
    citizen.fill(f"#id_punkt_{section.pk}", COMMENT)
    citizen.click("main form button[type=submit]")
    assert "Takk for innspillet" in citizen.inner_text("h1")
    submission = Submission.objects.get()
    assert submission.county_id == "50" and not submission.requests_non_public
    assert list(submission.section_comments.values_list("section__number", "text")) == [
        (2, COMMENT)
    ]

    # The organiser closes, reads the analysis, publishes the summary.
    staff.goto(base + reverse("dialogue:organiser_consultation", args=[consultation.pk]))
    assert COMMENT in main_text(staff)
    staff.click("main >> text=Lukk innspillsrunden nå")
    assert "Innspillsrunden er lukket." in main_text(staff)
    staff.click("main >> text=Analyse og eksport av alle svar")
    assert "Trøndelag" in staff.inner_text("table#fylke")
    inspector.check(staff, "consultation analysis")
    machinery.screenshots_at_both_sizes(staff, "consultation-analysis")
    staff.go_back()
    staff.fill("#id_summary", "Kommunene støtter felles legevakt med krav til reisetid.")
    staff.click("main >> text=Publiser oppsummeringen")
    assert "Oppsummeringen er publisert." in main_text(staff)
    assert "Fase: oppsummering publisert" in main_text(staff)
    inspector.check(staff, "organiser's consultation with the summary")
    staff.context.close()

    citizen.goto(base + reverse("dialogue:consultation", args=[consultation.pk]))
    shown = main_text(citizen)
    assert "Kommunene støtter felles legevakt med krav til reisetid." in shown
    assert COMMENT in shown and "1 offentlig kommentar" in shown
    assert "Send inn innspill" not in shown and "kari@example.no" not in shown
    inspector.check(citizen, "public consultation with the summary")
    machinery.screenshots_at_both_sizes(citizen, "consultation-summary")
    citizen.context.close()
    assert len(inspector.checked) == 6
