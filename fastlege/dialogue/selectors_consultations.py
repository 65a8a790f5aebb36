"""Reads for consultations with phases (issue 21, part 4): the public page (phase,
extensions, the draft text with its public comments), the organiser's analysis
(counts by theme, kind of sender and county) and the answers for export.

What is public is ``PUBLIC_ANSWER`` (models_consultations), and only once the
organiser has published the answers; organiser reads of submitters' data are
audit-logged, as in ``selectors.submissions``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from fastlege.core import audit
from fastlege.dialogue.models import (
    PUBLIC_ANSWER,
    Consultation,
    ConsultationSection,
    ConsultationStatus,
    DeadlineExtension,
    ParticipantRole,
    Phase,
    SectionComment,
    Submission,
    WithholdReason,
    phase_of,
)
from fastlege.dialogue.services.access import is_organiser, may_organise
from fastlege.dialogue.services.errors import Code, refuse


def consultation_for_public(consultation_id: int) -> Consultation:
    """Any consultation that is not a draft (drafts are the organiser's alone)."""
    consultation = (
        Consultation.objects.exclude(status=ConsultationStatus.DRAFT)
        .filter(pk=consultation_id)
        .first()
    )
    if consultation is None:
        refuse(Code.UNKNOWN_CONSULTATION)
    return consultation


def answers_are_public(consultation: Consultation) -> bool:
    return consultation.submissions_published_at is not None


@dataclass
class SectionView:
    section: ConsultationSection
    comments: list[SectionComment] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.comments)


def _sections(consultation: Consultation, *, public_only: bool) -> list[SectionView]:
    comments = (
        SectionComment.objects.select_related("submission")
        .filter(section__consultation=consultation)
        .order_by("submission__submitted_at", "id")
    )
    if public_only:
        comments = comments.filter(submission__in=Submission.objects.filter(PUBLIC_ANSWER))
        if not answers_are_public(consultation):
            comments = comments.none()
    sections = consultation.sections.prefetch_related(
        Prefetch("comments", queryset=comments, to_attr="shown")
    )
    return [SectionView(s, list(s.shown)) for s in sections]


def sections_with_public_comments(consultation: Consultation) -> list[SectionView]:
    """The draft text, each section with its public comments (none before the
    organiser publishes the answers)."""
    return _sections(consultation, public_only=True)


def sections_with_all_comments(actor: Any, consultation: Consultation) -> list[SectionView]:
    """The draft text with every comment, for the organiser (the Word summary)."""
    _require(actor, consultation)
    return _sections(consultation, public_only=False)


def extensions(consultation: Consultation) -> list[DeadlineExtension]:
    return list(consultation.extensions.order_by("extended_at", "id"))


def public_page(consultation: Consultation, now: datetime.datetime | None = None) -> dict[str, Any]:
    """What the public consultation page shows besides the form."""
    phase = phase_of(consultation, now)
    return {
        "phase": phase,
        "is_open": phase == Phase.OPEN,
        "extensions": extensions(consultation),
        "sections": sections_with_public_comments(consultation),
    }


def public_answers(consultation_id: int) -> tuple[Consultation, list[Submission]]:
    """The public answers of a consultation whose answers are published (for the
    public CSV); never those the sender asked to keep back or the organiser held back."""
    consultation = consultation_for_public(consultation_id)
    if not answers_are_public(consultation):
        refuse(Code.UNKNOWN_CONSULTATION)
    rows = list(_with_details(consultation.submissions.filter(PUBLIC_ANSWER)))
    return consultation, rows


def _with_details(rows: QuerySet[Submission]) -> QuerySet[Submission]:
    return (
        rows.select_related("municipality", "county")
        .prefetch_related(
            "themes",
            Prefetch(
                "section_comments",
                queryset=SectionComment.objects.select_related("section").order_by(
                    "section__number"
                ),
            ),
        )
        .order_by("submitted_at", "id")
    )


def _require(actor: Any, consultation: Consultation) -> None:
    if not is_organiser(actor) or not may_organise(actor, consultation.county_id):
        refuse(Code.NOT_AUTHORISED)


def answers_for_organiser(actor: Any, consultation: Consultation, reason: str) -> list[Submission]:
    """All answers with their details, for the organiser's export; audit-logged."""
    _require(actor, consultation)
    rows = list(_with_details(consultation.submissions.all()))
    audit.record_read(actor, consultation, reason, action="dialogue.submissions.read")
    return rows


@dataclass
class Analysis:
    """Counts of a consultation's answers (all of them: the organiser's view)."""

    total: int
    by_theme: list[tuple[str, int]]
    by_kind: list[tuple[str, int]]
    by_county: list[tuple[str, int]]
    non_public: int
    withheld: int


def analysis(actor: Any, consultation: Consultation) -> Analysis:
    """Counts by theme (an answer may have several), by kind of sender and by county
    (a municipality's answer counts for its county), computed in the database."""
    _require(actor, consultation)
    answers = consultation.submissions.all()
    themes = consultation.themes.annotate(n=Count("submissions")).order_by("position", "name")
    by_theme = [(t.name, t.n) for t in themes]
    without = answers.filter(themes__isnull=True).count()
    if without:
        by_theme.append((_("uten tema"), without))
    kinds = dict(ParticipantRole.choices)
    by_kind = [
        (str(kinds.get(row["submitter_kind"], row["submitter_kind"])), row["n"])
        for row in answers.values("submitter_kind")
        .annotate(n=Count("id"))
        .order_by("-n", "submitter_kind")
    ]
    by_county = [
        (row["county__name"] or _("uten fylke"), row["n"])
        for row in answers.values("county__name")
        .annotate(n=Count("id"))
        .order_by("-n", "county__name")
    ]
    return Analysis(
        total=answers.count(),
        by_theme=by_theme,
        by_kind=by_kind,
        by_county=by_county,
        non_public=answers.filter(requests_non_public=True).count(),
        withheld=answers.exclude(withheld_reason="").count(),
    )


def organiser_panel(
    consultation: Consultation, now: datetime.datetime | None = None
) -> dict[str, Any]:
    """The phase panel on the organiser's consultation page."""
    phase = phase_of(consultation, now)
    return {
        "phase": phase,
        "extensions": extensions(consultation),
        "sections": list(consultation.sections.annotate(n=Count("comments"))),
        "sections_text": "\n\n".join(
            f"# {s.heading}\n{s.text}".strip() for s in consultation.sections.all()
        ),
        "may_open": phase == Phase.DRAFT,
        "may_extend": phase in (Phase.OPEN, Phase.SCHEDULED),
        "may_publish_summary": phase == Phase.CLOSED,
        "withhold_reasons": WithholdReason.choices,
        "public_answers": consultation.submissions.filter(PUBLIC_ANSWER).count(),
        "not_public": consultation.submissions.exclude(PUBLIC_ANSWER).count(),
    }
