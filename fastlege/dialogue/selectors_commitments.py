"""Reads of the forum's agreements (commitments), scoped to the reader.

The ministry and the national administrator (who run the forum) see every agreement
and the national figures unsuppressed; everyone else — the public, without logging
in — sees the published agreements only, with the national figures as the public
statistics page shows them (small counts hidden, ``fastlege.stats.disclosure``).
The indicator figures come from the statistics app (``fastlege.dialogue.indicators``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from fastlege.core.tabular import Column
from fastlege.dialogue.indicators import (
    Series,
    national_points,
    national_series,
    series_charts,
    series_since,
)
from fastlege.dialogue.models import (
    Commitment,
    CommitmentMilestone,
    CommitmentProgress,
    CommitmentStatus,
    Forum,
)
from fastlege.dialogue.services.access import is_national
from fastlege.dialogue.services.errors import Code, refuse
from fastlege.stats.selectors import Viewer, viewer_for


def may_edit(actor: Any) -> bool:
    """Runs the forum: the ministry and the national administrator."""
    return bool(getattr(actor, "is_authenticated", False)) and is_national(actor)


def visible_commitments(actor: Any) -> QuerySet[Commitment]:
    qs = Commitment.objects.all()
    return qs if may_edit(actor) else qs.filter(published=True)


def forum_or_none(forum_id: int) -> Forum | None:
    return Forum.objects.prefetch_related("parties").filter(pk=forum_id).first()


@dataclass
class Row:
    commitment: Commitment
    next_milestone: CommitmentMilestone | None
    indicators: list[Series]


@dataclass
class Overview:
    forum: Forum
    rows: list[Row]
    editable: bool
    public: bool  # figures as the public statistics show them
    latest_month: datetime.date | None = None


def _next(milestones: list[CommitmentMilestone]) -> CommitmentMilestone | None:
    open_ = [m for m in milestones if m.done_on is None]
    return min(open_, key=lambda m: (m.due_on, m.pk)) if open_ else None


def _series_for(commitment: Commitment, viewer: Viewer) -> dict[str, Series]:
    codes = [i.code for i in commitment.indicators.all()]
    return national_series(codes, viewer, since=commitment.starts_on)


def overview(actor: Any, forum: Forum) -> Overview:
    """The forum's agreements the reader may see, each with its owner, completion, next
    milestone and indicators (latest national figure and change since the agreement)."""
    viewer = viewer_for(actor)
    commitments = list(
        visible_commitments(actor)
        .filter(forum=forum)
        .select_related("owner", "case")
        .prefetch_related("indicators", "milestones")
        .order_by("starts_on", "id")
    )
    points = national_points(
        [i.code for c in commitments for i in c.indicators.all()], viewer
    )  # one read of the statistics for the whole table
    rows = []
    latest = None
    for c in commitments:
        series = series_since(points, [i.code for i in c.indicators.all()], c.starts_on)
        for s in series.values():
            if s.latest and (latest is None or s.latest[0] > latest):
                latest = s.latest[0]
        rows.append(Row(c, _next(list(c.milestones.all())), list(series.values())))
    return Overview(forum, rows, may_edit(actor), not viewer.everything, latest)


@dataclass
class Detail:
    commitment: Commitment
    history: list[CommitmentProgress]
    milestones: list[CommitmentMilestone]
    series: list[Series]
    charts: list[SafeString]
    editable: bool
    public: bool
    statuses: list[tuple[str, str]] = field(default_factory=list)


def commitment_for(actor: Any, commitment_id: int) -> Commitment:
    """The agreement, if the reader may see it (unpublished: the forum's own users)."""
    commitment = (
        visible_commitments(actor)
        .select_related("forum", "owner", "case", "decision")
        .prefetch_related(
            "indicators",
            Prefetch("history", CommitmentProgress.objects.select_related("recorded_by")),
            "milestones",
        )
        .filter(pk=commitment_id)
        .first()
    )
    if commitment is None:
        refuse(Code.UNKNOWN_COMMITMENT)
    return commitment


def milestone_of(milestone_id: int, commitment_id: int) -> bool:
    return CommitmentMilestone.objects.filter(pk=milestone_id, commitment_id=commitment_id).exists()


def detail(actor: Any, commitment_id: int) -> Detail:
    """The agreement with its completion history (newest first), milestones, and the
    national series of its indicators with the agreement's start marked."""
    commitment = commitment_for(actor, commitment_id)
    viewer = viewer_for(actor)
    series = _series_for(commitment, viewer)
    history = sorted(commitment.history.all(), key=lambda p: (p.recorded_on, p.pk), reverse=True)
    return Detail(
        commitment,
        history,
        list(commitment.milestones.all()),
        list(series.values()),
        series_charts(series, commitment.starts_on, _("avtalt")),
        may_edit(actor),
        not viewer.everything,
        [(str(v), str(label)) for v, label in CommitmentStatus.choices],
    )


#: The overview as a table (CSV for Excel or programs, Excel): one line per agreement
#: and indicator (an agreement without indicators: one line with them empty).
EXPORT_COLUMNS = [
    Column("avtale", _lazy("Avtale")),
    Column("sak", _lazy("Sak")),
    Column("ansvarlig", _lazy("Ansvarlig part")),
    Column("avtalt", _lazy("Avtalt dato")),
    Column("status", _lazy("Status"), choices=dict(CommitmentStatus.choices)),
    Column("fullfort_prosent", _lazy("Fullført (prosent)")),
    Column("neste_milepael", _lazy("Neste milepæl")),
    Column("neste_frist", _lazy("Frist")),
    Column("indikator", _lazy("Indikator (kode)")),
    Column("indikatornavn", _lazy("Indikator")),
    Column("maned", _lazy("Siste måned")),
    Column("verdi", _lazy("Siste verdi")),
    Column("maned_start", _lazy("Måned ved avtalt dato")),
    Column("verdi_start", _lazy("Verdi ved avtalt dato")),
    Column("endring", _lazy("Endring siden avtalt dato")),
]


def export_rows(view: Overview) -> list[list[Any]]:
    lines = []
    for row in view.rows:
        c, nxt = row.commitment, row.next_milestone
        head = [
            c.title,
            c.case.title,
            c.owner.short_name,
            c.starts_on,
            c.status,
            c.progress,
            nxt.title if nxt else "",
            nxt.due_on if nxt else None,
        ]
        if not row.indicators:
            lines.append([*head, "", "", "", None, "", None, None])
        for s in row.indicators:
            lines.append(
                [
                    *head,
                    s.indicator.code,
                    s.name,
                    s.latest[0].strftime("%Y-%m") if s.latest else "",
                    s.latest[1] if s.latest else None,
                    s.since[0].strftime("%Y-%m") if s.since else "",
                    s.since[1] if s.since else None,
                    s.change,
                ]
            )
    return lines
