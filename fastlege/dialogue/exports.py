"""Files made from the dialogue data: iCalendar, CSV, Excel, Word and PDF.

Each function takes rows already read (and audit-logged) by a selector and
returns bytes; the views only choose the content type.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from fastlege.core import tabular
from fastlege.core.limits import cut_for_export
from fastlege.core.tabular import Column
from fastlege.dialogue.formats import local_moment
from fastlege.dialogue.models import Consultation, Meeting, Registration, Submission
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


#: Every answer to a consultation, one line each (CSV and Excel): the same columns
#: for the organiser's export (all answers) and the public one (public answers only).
ANSWER_COLUMNS = [
    Column("nr", "Nr."),
    Column("sendt_inn", "Sendt inn"),
    Column("innsender", "Innsender"),
    Column("innsendertype", "Innsendertype"),
    Column("kommune", "Kommune"),
    Column("fylke", "Fylke"),
    Column("temaer", "Temaer"),
    Column("offentlig", "Offentlig"),
    Column("innspill", "Innspill"),
    Column("kommentarer", "Kommentarer til punkter"),
]


def _section_comments(s: Submission) -> str:
    return "\n\n".join(
        f"{c.section.number}. {c.section.heading}: {c.text}" for c in s.section_comments.all()
    )


def _answer_row(s: Submission) -> list[object]:
    public = not s.requests_non_public and not s.withheld_reason
    return [
        s.pk,
        s.submitted_at,
        s.author,
        s.get_submitter_kind_display(),
        s.municipality.name if s.municipality else "",
        s.county.name if s.county else "",
        ", ".join(t.name for t in s.themes.all()),
        public,
        cut_for_export(s.text),
        cut_for_export(_section_comments(s)),
    ]


def answers_csv(rows: Sequence[Submission]) -> bytes:
    """For Norwegian Excel (``fastlege.core.tabular.human_csv``)."""
    return tabular.human_csv(ANSWER_COLUMNS, [_answer_row(s) for s in rows])


def answers_xlsx(consultation: Consultation, rows: Sequence[Submission]) -> bytes:
    return tabular.xlsx(
        ANSWER_COLUMNS,
        [_answer_row(s) for s in rows],
        "Svar",
        title=consultation.title,
        widths=(6, 16, 30, 24, 18, 16, 30, 9, 80, 80),
    )


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


def _count_table(document: Any, heading: str, rows: Sequence[tuple[str, int]]) -> None:
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = heading
    table.rows[0].cells[1].text = "Antall innspill"
    for label, count in rows:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = str(count)


def summary_docx(
    consultation: Consultation,
    summary: Sequence[ThemeSummary],
    *,
    analysis: Any = None,
    extensions: Sequence[Any] = (),
    sections: Sequence[Any] = (),
) -> bytes:
    """The Word summary: the question, the deadline and its extensions, the
    organiser's published summary, counts (by theme; with ``analysis`` also by kind
    of sender and by county), the answers by theme, and the comments per section
    (``sections``: ``selectors_consultations.SectionView``)."""
    import docx  # noqa: PLC0415

    document = docx.Document()
    document.add_heading(f"Oppsummering av innspill: {consultation.title}", level=0)
    document.add_paragraph(consultation.question)
    document.add_paragraph(
        f"Frist: {local_moment(consultation.deadline)}. Arrangør: {consultation.organiser_name}."
    )
    for e in extensions:
        document.add_paragraph(
            f"Fristen ble forlenget fra {local_moment(e.old_deadline)} "
            f"til {local_moment(e.new_deadline)} ({e.extended_at:%d.%m.%Y}): {e.reason}"
        )
    if consultation.summary:
        document.add_heading("Arrangørens oppsummering", level=1)
        for part in consultation.summary.split("\n\n"):
            document.add_paragraph(part)
    _count_table(document, "Tema", [(block.theme, block.count) for block in summary])
    if analysis is not None:
        document.add_heading(f"Antall innspill: {analysis.total}", level=1)
        document.add_paragraph("Etter type innsender")
        _count_table(document, "Innsendertype", analysis.by_kind)
        document.add_paragraph("Etter fylke")
        _count_table(document, "Fylke", analysis.by_county)
    for block in summary:
        document.add_heading(f"{block.theme} ({block.count})", level=1)
        for s in block.submissions:
            document.add_heading(f"{_author(s)} – {s.get_submitter_kind_display()}", level=2)
            for part in cut_for_export(s.text).split("\n\n"):
                document.add_paragraph(part)
    if any(view.comments for view in sections):
        document.add_heading("Kommentarer til punktene i høringsteksten", level=1)
    for view in sections:
        if not view.comments:
            continue
        document.add_heading(
            f"{view.section.number}. {view.section.heading} ({view.count})", level=2
        )
        for c in view.comments:
            document.add_paragraph(f"{_author(c.submission)}: {cut_for_export(c.text)}")
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
