"""Reads of the dialogue app, scoped to the user.

Reading registrants' or submitters' personal data (the participant list, the
submissions with names and e-mail) is audit-logged here, once per read.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from fastlege.core import audit
from fastlege.dialogue.formats import local_moment
from fastlege.dialogue.models import (
    PUBLIC_ANSWER,
    Consultation,
    ConsultationTheme,
    ForumCase,
    Meeting,
    Registration,
    Submission,
    SubmissionAttachment,
    open_q,
)
from fastlege.dialogue.services.access import is_organiser, may_organise
from fastlege.dialogue.services.errors import Code, refuse
from fastlege.registry.services.access import scope_of


def _organiser_filter(actor: Any) -> Q | None:
    """Rows of meetings/consultations ``actor`` organises; None means all."""
    scope = scope_of(actor)
    if scope.everything:
        return None
    condition = Q(county_id__in=scope.counties)
    if scope.ministry:
        condition |= Q(county_id__isnull=True)
    return condition


def public_meetings(today: datetime.date | None = None) -> QuerySet[Meeting]:
    day = today or timezone.localdate()
    return (
        Meeting.objects.filter(published=True, date__gte=day)
        .select_related("series")
        .order_by("date", "start_time")
    )


def public_consultations(now: datetime.datetime | None = None) -> QuerySet[Consultation]:
    moment = now or timezone.now()
    return Consultation.objects.filter(
        open_q(moment) | Q(submissions_published_at__isnull=False)
    ).order_by("deadline")


def meeting_for_public(meeting_id: int, actor: Any = None) -> Meeting:
    """A published meeting, or any meeting its organiser may see."""
    meeting = (
        Meeting.objects.select_related("series", "forum")
        .prefetch_related("programme")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None or not (
        meeting.published or (is_organiser(actor) and may_organise(actor, meeting.county_id))
    ):
        refuse(Code.UNKNOWN_MEETING)
    return meeting


def seats(meeting: Meeting) -> dict[str, int | None]:
    counts = dict(meeting.registrations.values_list("status").annotate(n=Count("id")).order_by())
    registered = counts.get(Registration.Status.REGISTERED, 0)
    return {
        "registered": registered,
        "waiting": counts.get(Registration.Status.WAITING, 0),
        "free": None if meeting.capacity is None else max(meeting.capacity - registered, 0),
    }


def registration_closed_reason(meeting: Meeting, now: datetime.datetime | None = None) -> str:
    """Why registration is closed now, in Norwegian; empty when it is open."""
    from django.utils.translation import gettext  # noqa: PLC0415

    moment = now or timezone.now()
    if not meeting.registration_open:
        return gettext("Påmeldingen til dette møtet er ikke åpen.")
    if meeting.registration_deadline is not None and moment > meeting.registration_deadline:
        return gettext("Påmeldingsfristen gikk ut %(deadline)s.") % {
            "deadline": local_moment(meeting.registration_deadline)
        }
    return ""


def organiser_meetings(actor: Any) -> QuerySet[Meeting]:
    if not is_organiser(actor):
        refuse(Code.NOT_AUTHORISED)
    rows = Meeting.objects.select_related("series", "county").order_by("-date")
    condition = _organiser_filter(actor)
    return rows if condition is None else rows.filter(condition)


def organiser_consultations(actor: Any) -> QuerySet[Consultation]:
    if not is_organiser(actor):
        refuse(Code.NOT_AUTHORISED)
    rows = Consultation.objects.annotate(n=Count("submissions")).order_by("-deadline")
    condition = _organiser_filter(actor)
    return rows if condition is None else rows.filter(condition)


def meeting_for_organiser(actor: Any, meeting_id: int) -> Meeting:
    meeting = Meeting.objects.select_related("series", "forum").filter(pk=meeting_id).first()
    if meeting is None:
        refuse(Code.UNKNOWN_MEETING)
    if not may_organise(actor, meeting.county_id) or not is_organiser(actor):
        refuse(Code.NOT_AUTHORISED)
    return meeting


def participants(actor: Any, meeting: Meeting, reason: str) -> list[Registration]:
    """The registrants of a meeting (personal data): organiser only, audit-logged."""
    if not is_organiser(actor) or not may_organise(actor, meeting.county_id):
        refuse(Code.NOT_AUTHORISED)
    # a pending registration (e-mail not confirmed) is nobody's place: not listed
    rows = list(
        meeting.registrations.exclude(status=Registration.Status.PENDING).order_by(
            "status", "registered_at", "id"
        )
    )
    audit.record_read(actor, meeting, reason, action="dialogue.participants.read")
    return rows


def consultation_for_organiser(actor: Any, consultation_id: int) -> Consultation:
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None:
        refuse(Code.UNKNOWN_CONSULTATION)
    if not is_organiser(actor) or not may_organise(actor, consultation.county_id):
        refuse(Code.NOT_AUTHORISED)
    return consultation


def submissions(
    actor: Any,
    consultation: Consultation,
    *,
    theme_id: int | None = None,
    submitter_kind: str = "",
    marked: bool | None = None,
    reason: str,
) -> list[Submission]:
    """Submissions with the submitters' data: organiser only, audit-logged."""
    if not is_organiser(actor) or not may_organise(actor, consultation.county_id):
        refuse(Code.NOT_AUTHORISED)
    rows = consultation.submissions.prefetch_related(
        "themes", "section_comments__section"
    ).select_related("attachment", "municipality", "county")
    if theme_id:
        rows = rows.filter(themes__id=theme_id)
    if submitter_kind:
        rows = rows.filter(submitter_kind=submitter_kind)
    if marked is not None:
        rows = rows.filter(marked=marked)
    result = list(rows.defer("attachment__content").order_by("submitted_at", "id"))
    audit.record_read(actor, consultation, reason, action="dialogue.submissions.read")
    return result


def attachment_for_organiser(actor: Any, submission_id: int) -> SubmissionAttachment:
    """A submission's file, for the organiser of its consultation; the read is audit-logged."""
    found = (
        SubmissionAttachment.objects.select_related("submission__consultation")
        .filter(submission_id=submission_id)
        .first()
    )
    if found is None:
        refuse(Code.UNKNOWN_CONSULTATION)
    consultation = found.submission.consultation
    if not is_organiser(actor) or not may_organise(actor, consultation.county_id):
        refuse(Code.NOT_AUTHORISED)
    audit.record_read(
        actor, consultation, "vedlegg", action=f"dialogue.attachment.read {submission_id}"
    )
    return found


def published_submissions(consultation_id: int) -> tuple[Consultation, list[Submission]]:
    """What anyone may read: the public answers (``PUBLIC_ANSWER``) of a consultation
    whose answers the organiser published."""
    consultation = Consultation.objects.filter(
        pk=consultation_id, submissions_published_at__isnull=False
    ).first()
    if consultation is None:
        refuse(Code.UNKNOWN_CONSULTATION)
    rows = list(
        consultation.submissions.filter(PUBLIC_ANSWER)
        .prefetch_related("themes")
        .order_by("submitted_at", "id")
    )
    return consultation, rows


@dataclass
class ThemeSummary:
    theme: str
    count: int
    submissions: list[Submission]


def summary_by_theme(rows: list[Submission], themes: list[ConsultationTheme]) -> list[ThemeSummary]:
    """Per theme: the number of submissions and the submissions themselves."""
    by_theme: dict[int, list[Submission]] = defaultdict(list)
    without: list[Submission] = []
    for row in rows:
        chosen = list(row.themes.all())
        if not chosen:
            without.append(row)
        for theme in chosen:
            by_theme[theme.pk].append(row)
    result = [ThemeSummary(t.name, len(by_theme[t.pk]), by_theme[t.pk]) for t in themes]
    if without:
        result.append(ThemeSummary("Uten tema", len(without), without))
    return result


# --- the tripartite forum -------------------------------------------------------


def cases_with_indicators(forum_id: int) -> QuerySet[ForumCase]:
    return (
        ForumCase.objects.filter(forum_id=forum_id)
        .select_related("raised_by")
        .prefetch_related("indicators", Prefetch("decisions"))
        .order_by("status", "opened_on", "id")
    )
