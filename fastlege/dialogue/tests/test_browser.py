"""The dialogue's two user journeys in a real browser, without JavaScript: an organiser
creates a meeting (in a new series) with a programme pasted verbatim from the sources,
and a citizen without an account registers for it and sends input to a written
consultation with a real PDF attached.

The browser and axe-core machinery is the site's, shared with the web app's browser
tests (:mod:`fastlege.core.testing.browser`; in CI a missing Chromium or axe-core
fails the run). The journeys run with JavaScript off, as the forms must work without
it; every dialogue page they pass through (including the ones only a POST produces)
is checked by axe-core for WCAG 2.1 AA at desktop and phone size by an
:class:`~fastlege.core.testing.browser.AxeInspector` (fixture ``axe_inspector``).
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from fastlege.accounts.models import Role
from fastlege.core.testing import browser as machinery
from fastlege.core.testing.browser import AxeInspector, ensure_reference_data
from fastlege.dialogue.models import (
    Consultation,
    Meeting,
    Registration,
    Submission,
)
from fastlege.dialogue.sources import SOURCE_000_PROGRAMME
from fastlege.registry.tests.factories import user_with

PASSWORD = "Et-sterkt-passord-2026"  # noqa: S105
SERIES = "Dialogmøter om fastlegeordningen i Trøndelag"
MEETING = "Dialogmøte om fastlegeordningen"
CONSULTATION = "Innspill om rekruttering og stabilitet i Trøndelag"
THEMES = ["Rekruttering av unge leger", "Å bli i yrket", "ALIS", "Finansiering", "Oppgaver"]
INPUT = "Kommunene må samarbeide om ALIS-stillinger i stedet for å konkurrere om legene."


def pdf_file(directory: Path) -> Path:
    """A small, real PDF, made here with fpdf2."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "Innspill fra Eldreradet i Trondheim: flere ALIS-stillinger.")
    path = directory / "innspill.pdf"
    path.write_bytes(bytes(pdf.output()))
    return path


def local(moment: datetime.datetime) -> str:
    """A datetime as a ``datetime-local`` input takes it, in the site's time zone."""
    return f"{timezone.localtime(moment):%Y-%m-%dT%H:%M}"


@pytest.fixture
def organiser(transactional_db: Any, live_server: Any) -> Any:
    """The county governor of Trøndelag, with a password for the real log-in page."""
    ensure_reference_data()
    user = user_with(Role.COUNTY_GOVERNOR, county_id="50")
    user.set_password(PASSWORD)
    user.save()
    return user


def no_javascript(browser: Any) -> Any:
    return browser.new_context(java_script_enabled=False, locale="nb-NO").new_page()


def main_text(page: Any) -> str:
    return str(page.inner_text("main"))


def organiser_creates_meeting_and_consultation(
    page: Any, base: str, organiser: Any, inspector: AxeInspector
) -> tuple[Meeting, Consultation]:
    machinery.login(page, base, organiser.username, PASSWORD)
    page.goto(base + reverse("dialogue:organiser"))
    inspector.check(page, "organiser home")
    page.click("main >> text=Nytt møte")
    assert "Nytt møte" in page.inner_text("h1")
    inspector.check(page, "new meeting form")

    page.fill("#id_new_series", SERIES)
    page.select_option("#id_kind", "dialogmote")
    page.fill("#id_title", MEETING)
    page.fill("#id_date", "2030-12-07")
    page.fill("#id_start_time", "09:00")
    page.fill("#id_end_time", "12:00")
    page.fill("#id_place", "Teams")
    page.fill("#id_organiser_name", "Statsforvalteren i Trøndelag")
    page.select_option("#id_county", "50")
    page.fill("#id_moderator", "Fylkeslege Jan Vaage")
    page.fill("#id_audience", "Kommuneoverleger, fastleger og tillitsvalgte i Trøndelag")
    page.fill("#id_registration_deadline", "2030-12-01T12:00")
    page.fill("#id_capacity", "80")
    page.check("#id_published")

    # Two items that overlap: refused with the reason, nothing stored.
    page.fill("#id_programme", SOURCE_000_PROGRAMME.replace("09:35 - 09:40", "09:30 - 09:40"))
    page.click("main form button[type=submit]")
    assert "overlapper" in main_text(page)
    assert not Meeting.objects.exists()
    inspector.check(page, "new meeting form with an error")

    # The programme as it stands in the invitation (source 000), pasted as it is.
    page.fill("#id_programme", SOURCE_000_PROGRAMME)
    page.click("main form button[type=submit]")
    meeting = Meeting.objects.select_related("series").get()
    assert page.url == base + reverse("dialogue:organiser_meeting", args=[meeting.pk])
    assert meeting.series is not None and meeting.series.title == SERIES
    assert meeting.county_id == "50" and meeting.programme.count() == 9
    assert "Møtet er opprettet." in main_text(page)
    shown = page.inner_text("table.program")
    for line in (
        "09:10–09:35",
        "Fastlegeordningen – trender, utfordringer og fremtid.",
        "ALIS ordningen – hvordan fungerer dette",
        "Innlegg fra tillitsvalgte i legeföreningene i Trøndelag",
        "11:05–11:30",
        "Gruppearbeid – status fastlegeordningen i Trøndelag",
        "Diskusjon og oppsummering – veien videre",
    ):
        assert line in shown, line
    inspector.check(page, "organiser's meeting page")

    page.click("main >> text=Utskriftsvennlig program")
    assert "09:35–09:40" in page.inner_text("table.program")
    inspector.check(page, "printable programme")
    page.go_back()
    page.click("main >> text=Deltakerliste")
    assert "Ingen påmeldte." in main_text(page)
    inspector.check(page, "participants, empty")

    page.goto(base + reverse("dialogue:organiser"))
    page.click("main >> text=Ny innspillsrunde")
    inspector.check(page, "new consultation form")
    now = timezone.now()
    page.fill("#id_title", CONSULTATION)
    page.fill("#id_question", "Hva skal til for at fastleger blir og trives i kommunene?")
    page.fill("#id_organiser_name", "Statsforvalteren i Trøndelag")
    page.select_option("#id_county", "50")
    page.fill("#id_opens_at", local(now - datetime.timedelta(days=1)))
    page.fill("#id_deadline", local(now + datetime.timedelta(days=30)))
    page.fill("#id_themes", "\n".join(THEMES))
    page.click("main form button[type=submit]")
    consultation = Consultation.objects.get()
    assert [t.name for t in consultation.themes.order_by("pk")] == THEMES
    assert page.url == base + reverse("dialogue:organiser_consultation", args=[consultation.pk])
    page.click("main >> text=Åpne innspillsrunden")
    assert "Innspillsrunden er åpnet." in main_text(page)
    inspector.check(page, "organiser's consultation page, no input yet")
    return meeting, consultation


def test_organiser_creates_a_meeting_and_a_citizen_registers_and_sends_input(
    organiser: Any, live_server: Any, browser: Any, axe_inspector: AxeInspector, tmp_path: Path
) -> None:
    inspector = axe_inspector
    base = live_server.url
    staff = no_javascript(browser)
    meeting, consultation = organiser_creates_meeting_and_consultation(
        staff, base, organiser, inspector
    )

    # A citizen, no account: finds the meeting and registers.
    citizen = no_javascript(browser)
    citizen.goto(base + reverse("dialogue:index"))
    inspector.check(citizen, "dialogue front page")
    citizen.click(f"main >> text={MEETING}")
    assert citizen.url == base + reverse("dialogue:meeting", args=[meeting.pk])
    assert SERIES in main_text(citizen)
    assert "Gruppearbeid – status fastlegeordningen i Trøndelag" in citizen.inner_text(
        "table.program"
    )
    inspector.check(citizen, "public meeting page")
    citizen.click("main >> text=Meld deg på")
    inspector.check(citizen, "registration form")
    citizen.click("main form button[type=submit]")
    assert "Feltet er påkrevet." in main_text(citizen)
    assert not Registration.objects.exists()
    inspector.check(citizen, "registration form with errors")
    citizen.fill("#id_name", "Kari Nordmann")
    citizen.fill("#id_email", "kari@example.no")
    citizen.fill("#id_organisation", "Eldrerådet i Trondheim")
    citizen.select_option("#id_role", "pasient")
    citizen.fill("#id_dietary_needs", "laktosefri")
    citizen.click("main form button[type=submit]")
    # Two steps (issue 18, finding 10): no seat until the e-mailed link is confirmed.
    assert "Sjekk e-posten din" in citizen.inner_text("h1")
    inspector.check(citizen, "registration waiting for confirmation")
    registration = Registration.objects.get()
    assert (registration.name, registration.status) == ("Kari Nordmann", "ubekreftet")
    found = re.search(r"https?://\S+/bekreft/", str(mail.outbox[-1].body))
    assert found is not None
    citizen.goto(base + urlsplit(found.group(0)).path)
    assert "Bekreft påmeldingen" in citizen.inner_text("h1")
    inspector.check(citizen, "confirmation page")
    citizen.click("main form button[type=submit]")
    assert "Påmeldingen er bekreftet" in citizen.inner_text("h1")
    inspector.check(citizen, "registration confirmed")
    registration.refresh_from_db()
    assert registration.status == "pameldt"

    # Another citizen opens the form; the deadline passes; the registration a minute
    # after it is refused with the Norwegian message.
    late = no_javascript(browser)
    late.goto(base + reverse("dialogue:register", args=[meeting.pk]))
    late.fill("#id_name", "Ola Nordmann")
    late.fill("#id_email", "ola@example.no")
    late.select_option("#id_role", "fastlege")
    Meeting.objects.filter(pk=meeting.pk).update(
        registration_deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    late.click("main form button[type=submit]")
    assert "Påmeldingsfristen gikk ut" in main_text(late)
    assert not Registration.objects.filter(email="ola@example.no").exists()
    inspector.check(late, "registration refused after the deadline")

    # The citizen sends input to the consultation, with a PDF attached.
    citizen.goto(base + reverse("dialogue:index"))
    citizen.click(f"main >> text={CONSULTATION}")
    inspector.check(citizen, "consultation form")
    citizen.fill("#id_name", "Kari Nordmann")
    citizen.fill("#id_email", "kari@example.no")
    citizen.fill("#id_organisation", "Eldrerådet i Trondheim")
    citizen.check("#id_on_behalf_of_organisation")
    citizen.select_option("#id_submitter_kind", "pasient")
    citizen.check("main label:has-text('ALIS') >> input")
    citizen.check("main label:has-text('Rekruttering av unge leger') >> input")
    citizen.fill("#id_text", INPUT)
    pdf = pdf_file(tmp_path)
    citizen.set_input_files("#id_attachment", str(pdf))
    citizen.click("main form button[type=submit]")
    assert "Takk for innspillet" in citizen.inner_text("h1")
    inspector.check(citizen, "input received")
    submission = Submission.objects.select_related("attachment").get()
    assert submission.text == INPUT and submission.on_behalf_of_organisation
    assert sorted(t.name for t in submission.themes.all()) == ["ALIS", THEMES[0]]
    assert submission.attachment.kind == "pdf"
    assert bytes(submission.attachment.content) == pdf.read_bytes()

    # The organiser sees the registration and the input, and publishes the input.
    staff.goto(base + reverse("dialogue:participants", args=[meeting.pk]))
    assert "Kari Nordmann" in main_text(staff) and "laktosefri" in main_text(staff)
    inspector.check(staff, "participants")
    staff.goto(base + reverse("dialogue:organiser_consultation", args=[consultation.pk]))
    assert INPUT in main_text(staff) and "innspill.pdf" in main_text(staff)
    inspector.check(staff, "organiser's consultation page with input")
    staff.click("main >> text=Publiser de offentlige svarene")
    staff.context.close()

    citizen.goto(base + reverse("dialogue:consultation", args=[consultation.pk]))
    citizen.click("main >> text=Les publiserte innspill")
    published = main_text(citizen)
    assert INPUT in published and "kari@example.no" not in published
    inspector.check(citizen, "published input")
    citizen.context.close()
    late.context.close()
    assert len(inspector.checked) == 21
