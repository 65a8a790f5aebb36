"""Files made from the dialogue data: iCalendar, CSV, Excel, Word and PDF.

Each function takes rows already read (and audit-logged) by a selector and
returns bytes; the views only choose the content type.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from fastlege.core import tabular
from fastlege.core.limits import cut_for_export
from fastlege.core.tabular import Column
from fastlege.dialogue.models import Consultation, Meeting, Registration
from fastlege.dialogue.selectors import ThemeSummary

#: The participant list (CSV and Excel): code key, Norwegian label.
PARTICIPANT_COLUMNS = [
    Column("navn", "Navn"),
    Column("epost", "E-post"),
    Column("organisasjon", "Organisasjon"),
    Column("rolle", "Rolle"),
    Column("matbehov", "Matbehov"),
    Column("status", "Status"),
    Column("epost_bekreftet", "E-post bekreftet"),
    Column("pameldt", "Påmeldt"),
]

#: The summary of a consultation's submissions by theme (CSV).
SUMMARY_COLUMNS = [
    Column("tema", "Tema"),
    Column("antall_innspill", "Antall innspill"),
    Column("innsender", "Innsender"),
    Column("innsendertype", "Innsendertype"),
    Column("innspill", "Innspill"),
]


def meeting_ics(meeting: Meeting, url: str = "") -> bytes:
    """One VEVENT for the meeting, in the local time zone, with the programme as description."""
    import icalendar  # noqa: PLC0415

    zone = ZoneInfo(settings.TIME_ZONE)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//fastlege//dialog//NO")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", f"meeting-{meeting.pk}@fastlege")
    event.add("summary", meeting.title)
    event.add("dtstart", datetime.datetime.combine(meeting.date, meeting.start_time, zone))
    event.add("dtend", datetime.datetime.combine(meeting.date, meeting.end_time, zone))
    event.add("dtstamp", timezone.now())
    location = ", ".join(p for p in (meeting.place, meeting.address) if p) or meeting.video_link
    event.add("location", location)
    lines = [meeting.description] if meeting.description else []
    if meeting.video_link:
        lines.append(f"Videolenke: {meeting.video_link}")
    programme = list(meeting.programme.all())
    if programme:
        lines.append("Program:")
        lines.extend(
            f"{p.start_time:%H:%M}–{p.end_time:%H:%M} {p.title}"
            + (f" ({p.speaker})" if p.speaker else "")
            for p in programme
        )
    event.add("description", "\n".join(lines))
    event.add("organizer", meeting.organiser_name, parameters={"cn": meeting.organiser_name})
    if url:
        event.add("url", url)
    cal.add_component(event)
    return cal.to_ical()


def _participant_row(r: Registration) -> list[object]:
    return [
        r.name,
        r.email,
        r.organisation,
        r.get_role_display(),
        r.dietary_needs,
        r.get_status_display(),
        r.email_confirmed_at is not None,
        r.registered_at,
    ]


def participants_csv(rows: Sequence[Registration]) -> bytes:
    """For Norwegian Excel (``fastlege.core.tabular.human_csv``)."""
    return tabular.human_csv(PARTICIPANT_COLUMNS, [_participant_row(r) for r in rows])


def participants_xlsx(meeting: Meeting, rows: Sequence[Registration]) -> bytes:
    return tabular.xlsx(
        PARTICIPANT_COLUMNS,
        [_participant_row(r) for r in rows],
        "Deltakere",
        title=f"{meeting.title} {meeting.date:%d.%m.%Y}",
        widths=(30, 32, 30, 28, 24, 14, 10, 18),
    )


def _author(s: object) -> str:
    return str(getattr(s, "author", ""))


def summary_csv(summary: Sequence[ThemeSummary]) -> bytes:
    """For Norwegian Excel: a line per theme with its count, then its submissions."""
    lines: list[list[object]] = []
    for block in summary:
        lines.append([block.theme, block.count, "", "", ""])
        for s in block.submissions:
            lines.append([block.theme, None, _author(s), s.get_submitter_kind_display(), s.text])
    return tabular.human_csv(SUMMARY_COLUMNS, lines)


def summary_docx(consultation: Consultation, summary: Sequence[ThemeSummary]) -> bytes:
    import docx  # noqa: PLC0415

    document = docx.Document()
    document.add_heading(f"Oppsummering av innspill: {consultation.title}", level=0)
    document.add_paragraph(consultation.question)
    document.add_paragraph(
        f"Frist: {timezone.localtime(consultation.deadline):%d.%m.%Y kl. %H:%M}. "
        f"Arrangør: {consultation.organiser_name}."
    )
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Tema"
    table.rows[0].cells[1].text = "Antall innspill"
    for block in summary:
        cells = table.add_row().cells
        cells[0].text = block.theme
        cells[1].text = str(block.count)
    for block in summary:
        document.add_heading(f"{block.theme} ({block.count})", level=1)
        for s in block.submissions:
            document.add_heading(f"{_author(s)} – {s.get_submitter_kind_display()}", level=2)
            for part in cut_for_export(s.text).split("\n\n"):
                document.add_paragraph(part)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


_PDF_REPLACEMENTS = str.maketrans(
    {"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "•": "*"}
)


def _latin1(text: str) -> str:
    """The PDF core fonts cover Latin-1 (æ, ø, å included); other characters become '?'."""
    return text.translate(_PDF_REPLACEMENTS).encode("latin-1", "replace").decode("latin-1")


def summary_pdf(consultation: Consultation, summary: Sequence[ThemeSummary]) -> bytes:
    from fpdf import FPDF  # noqa: PLC0415

    pdf = FPDF(format="A4")
    pdf.set_title(_latin1(f"Oppsummering av innspill: {consultation.title}"))
    pdf.add_page()
    width = pdf.epw
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(width, 8, _latin1(f"Oppsummering av innspill: {consultation.title}"))
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(width, 6, _latin1(consultation.question))
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(width, 7, "Antall innspill per tema", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    for block in summary:
        pdf.cell(width, 6, _latin1(f"{block.theme}: {block.count}"), new_x="LMARGIN", new_y="NEXT")
    for block in summary:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 13)
        pdf.multi_cell(width, 7, _latin1(f"{block.theme} ({block.count})"))
        for s in block.submissions:
            pdf.set_font("Helvetica", "B", 11)
            pdf.multi_cell(width, 6, _latin1(f"{_author(s)} - {s.get_submitter_kind_display()}"))
            pdf.set_font("Helvetica", "", 11)
            pdf.multi_cell(width, 6, _latin1(cut_for_export(s.text)))
            pdf.ln(1)
    return bytes(pdf.output())
