"""A consultation's phases (issue 21, part 4): draft → open → closed → summary
published, the draft text's numbered sections, the deadline extension log and the
organiser's holding back of an answer.

Each write is one transaction with the acting user and an audit row; a wrong
transition is refused with a coded error naming the phase the consultation is in.
The phase itself is ``models_consultations.phase_of`` — an opened consultation
past its deadline is closed here even before ``dialogue_close_consultations`` ran.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fastlege.accounts.models import Role
from fastlege.core import audit
from fastlege.core.limits import LONG_TEXT, TEXT, check_length
from fastlege.dialogue.formats import local_moment
from fastlege.dialogue.models import (
    Consultation,
    ConsultationSection,
    ConsultationStatus,
    DeadlineExtension,
    Phase,
    Submission,
    WithholdReason,
    due_to_close_q,
    phase_of,
)
from fastlege.notices import services as notices
from fastlege.notices.models import Kind as NoticeKind

from .access import require_organiser
from .errors import Code, refuse


def _locked(actor: Any, consultation_id: int) -> Consultation:
    consultation = Consultation.objects.select_for_update().filter(pk=consultation_id).first()
    if consultation is None:
        refuse(Code.UNKNOWN_CONSULTATION)
    require_organiser(actor, consultation.county_id)
    return consultation


def _phase_label(phase: Phase) -> str:
    return str(phase.label)


def announce(consultation: Consultation, subject: str, body: str) -> int:
    """Tell those a consultation is for — the municipalities' and county governors' users
    of its county, or of every county for a national one — as each chose for
    consultations (``notices``, kind ``horing``: the weekly digest by default). In the
    caller's transaction; the number of users told by e-mail."""
    roles = Q(roles__role=Role.MUNICIPALITY) | Q(roles__role=Role.COUNTY_GOVERNOR)
    if consultation.county_id is not None:
        roles = Q(
            roles__role=Role.MUNICIPALITY,
            roles__municipality__county_id=consultation.county_id,
        ) | Q(roles__role=Role.COUNTY_GOVERNOR, roles__county_id=consultation.county_id)
    users = get_user_model().objects.filter(roles, is_active=True).distinct()
    told = notices.notify_many(
        users=users,
        kind=NoticeKind.CONSULTATION,
        subject=subject,
        body=body,
        url=reverse("dialogue:consultation", args=[consultation.pk]),
    )
    return len(told)


@transaction.atomic
def open_consultation(
    actor: Any, consultation_id: int, *, now: datetime.datetime | None = None
) -> Consultation:
    """Open a draft. It takes answers from ``opens_at`` (today, if that is past) to the
    deadline; a deadline already past is refused (set a new one first)."""
    now = now or timezone.now()
    consultation = _locked(actor, consultation_id)
    phase = phase_of(consultation, now)
    if phase != Phase.DRAFT:
        refuse(Code.CONSULTATION_NOT_DRAFT, phase=_phase_label(phase))
    if consultation.deadline <= now:
        refuse(Code.DEADLINE_PASSED_BEFORE_OPENING, deadline=local_moment(consultation.deadline))
    consultation.status = ConsultationStatus.OPEN
    consultation.save(update_fields=["status"])
    audit.record(actor, "dialogue.consultation.open", consultation)
    announce(
        consultation,
        _("Ny innspillsrunde: %(title)s") % {"title": consultation.title},
        _("Innspillsrunden «%(title)s» er åpen. Frist: %(deadline)s.")
        % {"title": consultation.title, "deadline": local_moment(consultation.deadline)},
    )
    return consultation


@transaction.atomic
def extend_deadline(
    actor: Any,
    consultation_id: int,
    *,
    new_deadline: datetime.datetime,
    reason: str,
    now: datetime.datetime | None = None,
) -> DeadlineExtension:
    """Extend the deadline of an open (or announced) consultation; the old and new
    deadline, who, when and why are kept and shown on the public page."""
    now = now or timezone.now()
    consultation = _locked(actor, consultation_id)
    phase = phase_of(consultation, now)
    if phase not in (Phase.OPEN, Phase.SCHEDULED):
        refuse(Code.CONSULTATION_NOT_RUNNING, phase=_phase_label(phase))
    if not reason.strip():
        refuse(Code.REASON_REQUIRED)
    check_length("begrunnelse", reason, TEXT)
    if new_deadline <= consultation.deadline:
        refuse(Code.EXTENSION_NOT_LATER, deadline=local_moment(consultation.deadline))
    extension = DeadlineExtension.objects.create(
        consultation=consultation,
        old_deadline=consultation.deadline,
        new_deadline=new_deadline,
        reason=reason.strip(),
        extended_by=actor if getattr(actor, "pk", None) else None,
        extended_at=now,
    )
    consultation.deadline = new_deadline
    consultation.save(update_fields=["deadline"])
    audit.record(
        actor,
        "dialogue.consultation.extend",
        consultation,
        old=extension.old_deadline.isoformat(),
        new=new_deadline.isoformat(),
    )
    announce(
        consultation,
        _("Fristen er forlenget: %(title)s") % {"title": consultation.title},
        _("Fristen for innspillsrunden «%(title)s» er forlenget fra %(old)s til %(new)s.")
        % {
            "title": consultation.title,
            "old": local_moment(extension.old_deadline),
            "new": local_moment(new_deadline),
        },
    )
    return extension


@transaction.atomic
def close_consultation(
    actor: Any, consultation_id: int, *, now: datetime.datetime | None = None
) -> Consultation:
    """Close an open consultation before its deadline (no more answers)."""
    now = now or timezone.now()
    consultation = _locked(actor, consultation_id)
    phase = phase_of(consultation, now)
    if phase not in (Phase.OPEN, Phase.SCHEDULED):
        refuse(Code.CONSULTATION_NOT_RUNNING, phase=_phase_label(phase))
    consultation.status = ConsultationStatus.CLOSED
    consultation.closed_at = now
    consultation.save(update_fields=["status", "closed_at"])
    audit.record(actor, "dialogue.consultation.close", consultation, early=True)
    return consultation


@transaction.atomic
def close_due(now: datetime.datetime | None = None) -> int:
    """Store the closing of every opened consultation whose deadline has passed
    (``fastlege dialogue_close_consultations``). Idempotent: a second run finds none.
    The pages already treat them as closed; this records when, and audits it."""
    now = now or timezone.now()
    rows = list(Consultation.objects.select_for_update().filter(due_to_close_q(now)))
    for consultation in rows:
        consultation.status = ConsultationStatus.CLOSED
        consultation.closed_at = consultation.deadline
        consultation.save(update_fields=["status", "closed_at"])
        audit.record(None, "dialogue.consultation.close", consultation, early=False)
    return len(rows)


@transaction.atomic
def publish_summary(
    actor: Any, consultation_id: int, *, summary: str, now: datetime.datetime | None = None
) -> Consultation:
    """Publish the organiser's summary of a closed consultation; the public answers are
    published with it (if not already)."""
    now = now or timezone.now()
    consultation = _locked(actor, consultation_id)
    phase = phase_of(consultation, now)
    if phase != Phase.CLOSED:
        refuse(Code.CONSULTATION_NOT_CLOSED, phase=_phase_label(phase))
    if not summary.strip():
        refuse(Code.SUMMARY_REQUIRED)
    check_length("oppsummering", summary, LONG_TEXT)
    if consultation.closed_at is None:  # closed by the clock, before the command ran
        consultation.closed_at = consultation.deadline
    consultation.status = ConsultationStatus.SUMMARY
    consultation.summary = summary.strip()
    consultation.summary_published_at = now
    consultation.submissions_published_at = consultation.submissions_published_at or now
    consultation.save(
        update_fields=[
            "status",
            "closed_at",
            "summary",
            "summary_published_at",
            "submissions_published_at",
        ]
    )
    audit.record(actor, "dialogue.consultation.summary", consultation)
    return consultation


def parse_sections(text: str) -> list[tuple[str, str]]:
    """``# Heading`` lines start sections; the lines below are the section's text."""
    sections: list[tuple[str, list[str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#"):
            sections.append((line.lstrip("#").strip()[:200], []))
        elif sections:
            sections[-1][1].append(line)
        elif line.strip():
            refuse(Code.SECTIONS_BAD_TEXT, line=number)
    return [(heading, "\n".join(lines).strip()) for heading, lines in sections if heading]


@transaction.atomic
def set_sections(actor: Any, consultation_id: int, text: str) -> list[ConsultationSection]:
    """Replace the draft text's sections (numbered 1, 2, 3 … in order). Only while a
    draft: once open, comments are anchored to the numbers."""
    consultation = _locked(actor, consultation_id)
    phase = phase_of(consultation)
    if phase != Phase.DRAFT:
        refuse(Code.SECTIONS_LOCKED)
    check_length("høringstekst", text, LONG_TEXT * 5)
    parsed = parse_sections(text)
    consultation.sections.all().delete()
    rows = ConsultationSection.objects.bulk_create(
        ConsultationSection(consultation=consultation, number=i, heading=h, text=t)
        for i, (h, t) in enumerate(parsed, start=1)
    )
    audit.record(actor, "dialogue.consultation.sections", consultation, sections=len(rows))
    return rows


@transaction.atomic
def withhold_submission(
    actor: Any,
    submission_id: int,
    *,
    reason: str,
    note: str = "",
    now: datetime.datetime | None = None,
) -> Submission:
    """Hold an answer back from publication for one of the listed lawful reasons
    (``WithholdReason``), or release it (``reason=""``). Logged with the reason."""
    submission = (
        Submission.objects.select_for_update()
        .select_related("consultation")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        refuse(Code.UNKNOWN_SUBMISSION)
    require_organiser(actor, submission.consultation.county_id)
    if reason and reason not in WithholdReason.values:
        refuse(Code.UNKNOWN_WITHHOLD_REASON)
    check_length("merknad", note, TEXT)
    submission.withheld_reason = reason
    submission.withheld_note = note.strip() if reason else ""
    submission.withheld_by = actor if reason and getattr(actor, "pk", None) else None
    submission.withheld_at = (now or timezone.now()) if reason else None
    submission.save(
        update_fields=["withheld_reason", "withheld_note", "withheld_by", "withheld_at"]
    )
    audit.record(
        actor,
        "dialogue.submission.withhold" if reason else "dialogue.submission.release",
        submission,
        reason=reason,
    )
    return submission
