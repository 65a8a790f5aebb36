"""Written consultations (*innspill*): create, submit, mark and comment, publish."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fastlege.core import audit
from fastlege.core.limits import LONG_TEXT, TEXT, check_length
from fastlege.dialogue import rules
from fastlege.dialogue.formats import local_moment
from fastlege.dialogue.models import (
    Consultation,
    ConsultationSection,
    ConsultationStatus,
    ConsultationTheme,
    Phase,
    SectionComment,
    Submission,
    SubmissionAttachment,
    phase_of,
)
from fastlege.reference.models import Municipality

from . import mail
from .access import require_organiser
from .errors import Code, refuse
from .inputs import check_submission
from .registrations import new_token
from .uploads import check_attachment


@transaction.atomic
def create_consultation(
    actor: Any,
    *,
    title: str,
    question: str,
    organiser_name: str,
    opens_at: datetime.datetime,
    deadline: datetime.datetime,
    themes: Sequence[str],
    county_id: str | None = None,
    meeting_id: int | None = None,
    published: bool = True,
    personal_data_until: datetime.date | None = None,
) -> Consultation:
    """A new consultation: a draft (``published=False``; sections are written and it is
    opened later, services/consultations_phases.py) or opened at once."""
    require_organiser(actor, county_id)
    names = [t.strip() for t in themes if t.strip()]
    names = list(dict.fromkeys(names))
    if not names:
        refuse(Code.NEEDS_THEMES)
    if deadline <= opens_at:
        refuse(Code.DEADLINE_NOT_LATER, deadline=local_moment(opens_at))
    last_day = timezone.localtime(deadline).date()
    consultation = Consultation.objects.create(
        title=title.strip(),
        question=question.strip(),
        organiser_name=organiser_name.strip(),
        opens_at=opens_at,
        deadline=deadline,
        county_id=county_id,
        meeting_id=meeting_id,
        status=ConsultationStatus.OPEN if published else ConsultationStatus.DRAFT,
        personal_data_until=personal_data_until
        or last_day
        + datetime.timedelta(days=rules.param("submitter_data_retention_days", last_day)),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    ConsultationTheme.objects.bulk_create(
        ConsultationTheme(consultation=consultation, name=name[:120], position=i)
        for i, name in enumerate(names)
    )
    audit.record(actor, "dialogue.consultation.create", consultation, themes=len(names))
    return consultation


@dataclass
class SubmissionData:
    name: str
    email: str
    submitter_kind: str
    text: str
    organisation: str = ""
    on_behalf_of_organisation: bool = False
    theme_ids: list[int] = field(default_factory=list)
    requests_non_public: bool = False
    non_public_reason: str = ""
    municipality_id: str | None = None
    county_id: str | None = None
    #: section id -> the comment on that section of the draft text
    section_comments: dict[int, str] = field(default_factory=dict)
    file_name: str = ""
    file_content: bytes | None = None


@transaction.atomic
def submit(
    actor: Any,
    consultation_id: int,
    data: SubmissionData,
    *,
    now: datetime.datetime | None = None,
) -> Submission:
    """Submit input (no account needed) while the consultation is open (``phase_of``):
    a general answer and/or comments on numbered sections of the draft text. The
    answer is public unless the sender asks otherwise, with a reason."""
    now = now or timezone.now()
    check_submission(data)
    check_length("begrunnelse", data.non_public_reason, TEXT)
    consultation = (
        Consultation.objects.exclude(status=ConsultationStatus.DRAFT)
        .filter(pk=consultation_id)
        .first()
    )
    if consultation is None:
        refuse(Code.UNKNOWN_CONSULTATION)
    phase = phase_of(consultation, now)
    if phase == Phase.SCHEDULED:
        refuse(Code.CONSULTATION_NOT_OPEN, opens=local_moment(consultation.opens_at))
    if phase != Phase.OPEN:
        refuse(Code.CONSULTATION_CLOSED, deadline=local_moment(consultation.deadline))
    comments = {k: v.strip() for k, v in data.section_comments.items() if v.strip()}
    for comment in comments.values():
        check_length("kommentar til punkt", comment, LONG_TEXT)
    if not data.text.strip() and not comments:
        refuse(Code.TEXT_REQUIRED)
    if data.on_behalf_of_organisation and not data.organisation.strip():
        refuse(Code.ORGANISATION_REQUIRED)
    if data.requests_non_public and not data.non_public_reason.strip():
        refuse(Code.NON_PUBLIC_REASON_REQUIRED)
    sections = {
        s.pk: s
        for s in ConsultationSection.objects.filter(consultation=consultation, pk__in=comments)
    }
    if len(sections) != len(comments):
        refuse(Code.UNKNOWN_SECTION)
    county_id = data.county_id or None
    if data.municipality_id:
        municipality = Municipality.objects.filter(pk=data.municipality_id).first()
        if municipality is None:
            refuse(Code.UNKNOWN_MUNICIPALITY)
        county_id = municipality.county_id  # a municipality's answer counts for its county
    themes = list(consultation.themes.filter(pk__in=data.theme_ids))
    if len(themes) != len(set(data.theme_ids)):
        refuse(Code.UNKNOWN_THEME)
    checked = (
        check_attachment(data.file_name, data.file_content)
        if data.file_content is not None
        else None
    )
    submission = Submission.objects.create(
        consultation=consultation,
        name=data.name.strip(),
        email=data.email.strip().lower(),
        organisation=data.organisation.strip(),
        on_behalf_of_organisation=data.on_behalf_of_organisation,
        submitter_kind=data.submitter_kind,
        text=data.text.strip(),
        requests_non_public=data.requests_non_public,
        non_public_reason=data.non_public_reason.strip() if data.requests_non_public else "",
        municipality_id=data.municipality_id or None,
        county_id=county_id,
        token=new_token(),
        submitted_at=now,
    )
    submission.themes.set(themes)
    SectionComment.objects.bulk_create(
        SectionComment(submission=submission, section=sections[pk], text=text)
        for pk, text in comments.items()
    )
    if checked is not None:
        SubmissionAttachment.objects.create(
            submission=submission,
            file_name=checked.file_name,
            kind=checked.kind,
            size=checked.size,
            sha256=checked.sha256,
            content=checked.content,
        )
    audit.record(
        actor,
        "dialogue.submission.create",
        submission,
        themes=[t.pk for t in themes],
        attachment=checked.kind if checked else None,
        sections=sorted(sections[pk].number for pk in comments),
        non_public=data.requests_non_public,
    )
    link = mail.site_url() + reverse("dialogue:submission_confirm", args=[submission.token])
    mail.record(
        to=submission.email,
        subject=_("Bekreft innspillet ditt: %(title)s") % {"title": consultation.title},
        body=_("Takk for innspillet til %(title)s. Bekreft e-postadressen din: %(link)s")
        % {"title": consultation.title, "link": link},
        link=link,
        purpose="submission.confirm",
        submission_id=submission.pk,
    )
    return submission


@transaction.atomic
def confirm_submission_email(token: str, *, now: datetime.datetime | None = None) -> Submission:
    submission = (
        Submission.objects.select_for_update()
        .filter(token=token, anonymised_at__isnull=True)
        .first()
    )
    if submission is None:
        refuse(Code.UNKNOWN_LINK)
    if submission.email_confirmed_at is None:
        submission.email_confirmed_at = now or timezone.now()
        submission.save(update_fields=["email_confirmed_at"])
        audit.record(None, "dialogue.submission.confirm", submission)
    return submission


@transaction.atomic
def mark_submission(
    actor: Any, submission_id: int, *, marked: bool, comment: str | None = None
) -> Submission:
    submission = (
        Submission.objects.select_for_update()
        .select_related("consultation")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        refuse(Code.UNKNOWN_CONSULTATION)
    require_organiser(actor, submission.consultation.county_id)
    submission.marked = marked
    fields = ["marked"]
    if comment is not None:
        submission.organiser_comment = comment.strip()
        fields.append("organiser_comment")
    submission.save(update_fields=fields)
    audit.record(actor, "dialogue.submission.mark", submission, marked=marked)
    return submission


@transaction.atomic
def publish_submissions(actor: Any, consultation_id: int, *, published: bool) -> Consultation:
    """Make the public answers readable by anyone (or withdraw): all but those whose
    sender asked otherwise and those the organiser held back
    (``selectors_consultations.PUBLIC_ANSWER``)."""
    consultation = Consultation.objects.select_for_update().filter(pk=consultation_id).first()
    if consultation is None:
        refuse(Code.UNKNOWN_CONSULTATION)
    require_organiser(actor, consultation.county_id)
    consultation.submissions_published_at = timezone.now() if published else None
    consultation.save(update_fields=["submissions_published_at"])
    audit.record(actor, "dialogue.consultation.publish", consultation, published=published)
    return consultation
