"""Written consultations: submit until the deadline, filter, mark, summarise, publish."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core import mail

from fastlege.core.models import AuditEvent
from fastlege.dialogue import exports, selectors, services
from fastlege.dialogue.models import Consultation, Submission
from fastlege.dialogue.services import Code, DialogueError
from fastlege.dialogue.tests.factories import (
    at,
    county_governor,
    docx_bytes,
    ministry,
    municipality_user,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db
THEMES = [
    "Rekruttering av unge leger",
    "Å bli i fastlegeyrket",
    "ALIS",
    "Finansiering",
    "Oppgaver",
]
# "Fram til 16. september kan du gi skriftlege innspel" (source 002)
OPENS = at(2024, 6, 25, 9, 0)
DEADLINE = at(2024, 9, 16, 23, 59)
DURING = at(2024, 8, 1, 10, 0)


def consultation(actor=None) -> Consultation:
    return services.create_consultation(
        actor or ministry(),
        title="Innspel om framtidas allmennlegeteneste",
        question="Korleis kan vi få yngre legar til å velje å bli fastlege, og bli i yrket?",
        organiser_name="Helse- og omsorgsdepartementet",
        opens_at=OPENS,
        deadline=DEADLINE,
        themes=THEMES,
    )


def data(c: Consultation, n: int, themes: list[str], **extra) -> services.SubmissionData:
    ids = [t.pk for t in c.themes.filter(name__in=themes)]
    fields: dict[str, Any] = {
        "name": f"Innsender {n}",
        "email": f"innsender{n}@example.no",
        "submitter_kind": "fastlege",
        "text": f"Innspill nummer {n}.",
        "theme_ids": ids,
    }
    fields.update(extra)
    return services.SubmissionData(**fields)


def test_submissions_until_the_deadline_and_not_after(django_capture_on_commit_callbacks):
    c = consultation()
    with django_capture_on_commit_callbacks(execute=True):
        s = services.submit(
            None,
            c.pk,
            data(
                c,
                1,
                ["ALIS"],
                file_name="innspill.pdf",
                file_content=pdf_bytes(),
                organisation="Legeforeningen",
                on_behalf_of_organisation=True,
            ),  # fmt: skip
            now=DEADLINE,
        )
    assert s.attachment.kind == "pdf" and s.author == "Legeforeningen"
    assert len(mail.outbox) == 1 and s.token in mail.outbox[0].body
    services.confirm_submission_email(s.token)
    for moment, code in (
        (DEADLINE + datetime.timedelta(minutes=1), Code.CONSULTATION_CLOSED),
        (OPENS - datetime.timedelta(minutes=1), Code.CONSULTATION_NOT_OPEN),
    ):
        with pytest.raises(DialogueError) as refused:
            services.submit(None, c.pk, data(c, 2, ["ALIS"]), now=moment)
        assert refused.value.code == code
    assert c.submissions.count() == 1


def test_a_bad_attachment_refuses_the_whole_submission():
    c = consultation()
    with pytest.raises(DialogueError) as refused:
        services.submit(
            None,
            c.pk,
            data(c, 1, [], file_name="innspill.pdf", file_content=b"bare tekst"),
            now=DURING,
        )
    assert refused.value.code == Code.FILE_NOT_PDF_OR_WORD
    assert not Submission.objects.exists()


def test_themes_of_another_consultation_and_missing_organisation_are_refused():
    c, other = consultation(), consultation()
    foreign = other.themes.get(name="ALIS")
    with pytest.raises(DialogueError) as refused:
        services.submit(None, c.pk, data(c, 1, [], theme_ids=[foreign.pk]), now=DURING)
    assert refused.value.code == Code.UNKNOWN_THEME
    with pytest.raises(DialogueError) as refused:
        services.submit(None, c.pk, data(c, 1, [], on_behalf_of_organisation=True), now=DURING)
    assert refused.value.code == Code.ORGANISATION_REQUIRED


def _filled() -> tuple[Consultation, Any]:
    hod = ministry()
    c = consultation(hod)
    private = {"requests_non_public": True, "non_public_reason": "Interne forhold"}
    services.submit(None, c.pk, data(c, 1, ["ALIS", "Finansiering"], **private), now=DURING)
    services.submit(
        None, c.pk, data(c, 2, ["ALIS"], submitter_kind="kommune",
                         file_name="x.docx", file_content=docx_bytes()),
        now=DURING,
    )  # fmt: skip
    services.submit(None, c.pk, data(c, 3, [], submitter_kind="pasient", **private), now=DURING)
    return c, hod


def test_the_organiser_filters_by_theme_and_kind_and_marks_and_comments():
    c, hod = _filled()
    alis = c.themes.get(name="ALIS")
    rows = selectors.submissions(hod, c, theme_id=alis.pk, reason="innspill")
    assert [s.name for s in rows] == ["Innsender 1", "Innsender 2"]
    rows = selectors.submissions(hod, c, theme_id=alis.pk, submitter_kind="kommune", reason="x")
    assert [s.name for s in rows] == ["Innsender 2"]
    services.mark_submission(hod, rows[0].pk, marked=True, comment="Tas med i meldingen.")
    marked = selectors.submissions(hod, c, marked=True, reason="x")
    assert [(s.name, s.organiser_comment) for s in marked] == [
        ("Innsender 2", "Tas med i meldingen.")
    ]
    assert AuditEvent.objects.filter(action="dialogue.submissions.read", actor=hod).count() == 3
    for outsider in (municipality_user(), county_governor()):
        with pytest.raises(DialogueError):
            selectors.submissions(outsider, c, reason="x")
        with pytest.raises(DialogueError):
            services.mark_submission(outsider, rows[0].pk, marked=False)


def test_summary_per_theme_as_word_pdf_and_csv():
    import docx
    from pypdf import PdfReader

    c, hod = _filled()
    rows = selectors.submissions(hod, c, reason="oppsummering")
    summary = selectors.summary_by_theme(rows, list(c.themes.all()))
    counts = {block.theme: block.count for block in summary}
    assert counts == {
        "Rekruttering av unge leger": 0,
        "Å bli i fastlegeyrket": 0,
        "ALIS": 2,
        "Finansiering": 1,
        "Oppgaver": 0,
        "Uten tema": 1,
    }
    document = docx.Document(io.BytesIO(exports.summary_docx(c, summary)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "ALIS (2)" in text and "Innspill nummer 2." in text
    assert document.tables[0].rows[3].cells[0].text == "ALIS"
    assert document.tables[0].rows[3].cells[1].text == "2"
    pdf = PdfReader(io.BytesIO(exports.summary_pdf(c, summary)))
    pdf_text = "".join(page.extract_text() for page in pdf.pages)
    assert "ALIS (2)" in pdf_text and "Å bli i fastlegeyrket: 0" in pdf_text
    csv_text = exports.summary_csv(summary).decode("utf-8-sig")
    assert "ALIS;2;;;" in csv_text.replace("\r\n", "\n")
    assert "Uten tema;;Innsender 3;pasient-, bruker- eller pårørenderepresentant;" in csv_text


def test_only_public_answers_are_published_and_only_when_the_organiser_publishes():
    c, hod = _filled()
    with pytest.raises(DialogueError):
        selectors.published_submissions(c.pk)
    services.publish_submissions(hod, c.pk, published=True)
    _consultation, rows = selectors.published_submissions(c.pk)
    assert [s.name for s in rows] == ["Innsender 2"]
    services.publish_submissions(hod, c.pk, published=False)
    with pytest.raises(DialogueError):
        selectors.published_submissions(c.pk)


def test_csv_cells_cannot_start_a_spreadsheet_formula():
    c = consultation()
    services.submit(None, c.pk, data(c, 1, ["ALIS"], text='=HYPERLINK("x")'), now=DURING)
    rows = selectors.submissions(ministry(), c, reason="x")
    text = exports.summary_csv(selectors.summary_by_theme(rows, list(c.themes.all()))).decode()
    assert "'=HYPERLINK" in text
