"""The tripartite forum's agreements as commitments (Decidim's accountability model).

An agreement of the parties (usually a decision on a forum case) gets an owner
party, milestones, a completion percentage and a status. Each change of completion
is a new :class:`CommitmentProgress` row (value, day, who, comment); rows are never
changed, so the history is the record. The forum is run nationally: the ministry
and the national administrator write (``access.require_national``; the parties KS
and Legeforeningen have no user role of their own in the project). Every write is
one transaction with its audit row; bad input is refused with a code and changes
nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from fastlege.core import audit
from fastlege.dialogue.models import (
    CaseDecision,
    Commitment,
    CommitmentIndicator,
    CommitmentMilestone,
    CommitmentProgress,
    CommitmentStatus,
    ForumCase,
    ForumParty,
)

from .access import require_national
from .errors import Code, refuse
from .forum import check_indicators


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _locked(commitment_id: int) -> Commitment:
    commitment = Commitment.objects.select_for_update().filter(pk=commitment_id).first()
    if commitment is None:
        refuse(Code.UNKNOWN_COMMITMENT)
    return commitment


def _not_future(day: datetime.date) -> None:
    if day > timezone.localdate():
        refuse(Code.DATE_IN_FUTURE)


@transaction.atomic
def create_commitment(
    actor: Any,
    case_id: int,
    *,
    title: str,
    owner_id: int,
    starts_on: datetime.date,
    description: str = "",
    ends_on: datetime.date | None = None,
    indicator_codes: Sequence[str] = (),
    decision_id: int | None = None,
    published: bool = False,
) -> Commitment:
    """An agreement on ``case_id`` owned by one of the forum's active parties, with
    the indicators (statistics codes) it should move. Its history starts at 0 %
    on ``starts_on``."""
    require_national(actor)
    case = ForumCase.objects.filter(pk=case_id).first()
    if case is None:
        refuse(Code.UNKNOWN_CASE)
    if not title.strip():
        refuse(Code.TEXT_REQUIRED)
    if not ForumParty.objects.filter(pk=owner_id, forum_id=case.forum_id, active=True).exists():
        refuse(Code.OWNER_NOT_A_PARTY)
    if (
        decision_id is not None
        and not CaseDecision.objects.filter(pk=decision_id, case_id=case.pk).exists()
    ):
        refuse(Code.DECISION_OTHER_CASE)
    if ends_on is not None and ends_on < starts_on:
        refuse(Code.ENDS_BEFORE_START)
    codes = check_indicators(indicator_codes)
    commitment = Commitment.objects.create(
        forum_id=case.forum_id,
        case=case,
        decision_id=decision_id,
        title=title.strip(),
        description=description.strip(),
        owner_id=owner_id,
        starts_on=starts_on,
        ends_on=ends_on,
        published=published,
        created_by=_actor(actor),
    )
    CommitmentIndicator.objects.bulk_create(
        CommitmentIndicator(commitment=commitment, code=c) for c in codes
    )
    CommitmentProgress.objects.create(
        commitment=commitment,
        percent=0,
        status=CommitmentStatus.NOT_STARTED,
        recorded_on=starts_on,
        recorded_by=_actor(actor),
        comment="",
    )
    audit.record(actor, "dialogue.commitment.create", commitment, indicators=codes, owner=owner_id)
    return commitment


@transaction.atomic
def record_progress(
    actor: Any,
    commitment_id: int,
    *,
    percent: int,
    status: str,
    comment: str = "",
    on: datetime.date | None = None,
) -> CommitmentProgress:
    """A new completion value and status, as of ``on`` (default today): a new row of
    the history, never a change of an old one."""
    require_national(actor)
    commitment = _locked(commitment_id)
    day = on or timezone.localdate()
    if not isinstance(percent, int) or isinstance(percent, bool) or not 0 <= percent <= 100:
        refuse(Code.PERCENT_OUT_OF_RANGE, percent=percent)
    if status not in CommitmentStatus.values:
        refuse(Code.UNKNOWN_STATUS, status=status[:40])
    if status == CommitmentStatus.DONE and percent != 100:
        refuse(Code.DONE_NEEDS_100)
    _not_future(day)
    if day < commitment.starts_on:
        refuse(Code.PROGRESS_BEFORE_START, start=f"{commitment.starts_on:%d.%m.%Y}")
    last = commitment.history.order_by("-recorded_on", "-id").first()
    if last is not None and day < last.recorded_on:
        refuse(Code.PROGRESS_BEFORE_LAST, last=f"{last.recorded_on:%d.%m.%Y}")
    row = CommitmentProgress.objects.create(
        commitment=commitment,
        percent=percent,
        status=status,
        recorded_on=day,
        recorded_by=_actor(actor),
        comment=comment.strip(),
    )
    before = (commitment.progress, commitment.status)
    commitment.progress, commitment.status = percent, status
    commitment.save(update_fields=["progress", "status"])
    audit.record(
        actor,
        "dialogue.commitment.progress",
        commitment,
        before=list(before),
        after=[percent, status],
        on=day.isoformat(),
    )
    return row


@transaction.atomic
def add_milestone(
    actor: Any, commitment_id: int, *, title: str, due_on: datetime.date
) -> CommitmentMilestone:
    require_national(actor)
    commitment = _locked(commitment_id)
    if not title.strip():
        refuse(Code.TEXT_REQUIRED)
    if due_on < commitment.starts_on:
        refuse(Code.MILESTONE_DUE_BEFORE_START, start=f"{commitment.starts_on:%d.%m.%Y}")
    milestone = CommitmentMilestone.objects.create(
        commitment=commitment, title=title.strip(), due_on=due_on
    )
    audit.record(actor, "dialogue.commitment.milestone", milestone, due_on=due_on.isoformat())
    return milestone


@transaction.atomic
def complete_milestone(
    actor: Any, milestone_id: int, *, done_on: datetime.date | None = None
) -> CommitmentMilestone:
    """Record the day a milestone was reached (default today); once."""
    require_national(actor)
    milestone = (
        CommitmentMilestone.objects.select_for_update()
        .select_related("commitment")
        .filter(pk=milestone_id)
        .first()
    )
    if milestone is None:
        refuse(Code.UNKNOWN_MILESTONE)
    day = done_on or timezone.localdate()
    if milestone.done_on is not None:
        refuse(Code.MILESTONE_ALREADY_DONE)
    start = milestone.commitment.starts_on
    if day < start:
        refuse(Code.MILESTONE_DONE_BEFORE_START, start=f"{start:%d.%m.%Y}")
    _not_future(day)
    milestone.done_on = day
    milestone.save(update_fields=["done_on"])
    audit.record(actor, "dialogue.commitment.milestone_done", milestone, done_on=day.isoformat())
    return milestone


@transaction.atomic
def set_commitment_published(actor: Any, commitment_id: int, published: bool) -> Commitment:
    """Show the agreement (or not) on the forum's public page."""
    require_national(actor)
    commitment = _locked(commitment_id)
    commitment.published = published
    commitment.save(update_fields=["published"])
    audit.record(actor, "dialogue.commitment.publish", commitment, published=published)
    return commitment


@transaction.atomic
def set_commitment_indicators(actor: Any, commitment_id: int, codes: Sequence[str]) -> Commitment:
    require_national(actor)
    commitment = _locked(commitment_id)
    clean = check_indicators(codes)
    commitment.indicators.exclude(code__in=clean).delete()
    existing = set(commitment.indicators.values_list("code", flat=True))
    CommitmentIndicator.objects.bulk_create(
        CommitmentIndicator(commitment=commitment, code=c) for c in clean if c not in existing
    )
    audit.record(actor, "dialogue.commitment.indicators", commitment, indicators=clean)
    return commitment
