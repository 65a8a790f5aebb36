"""The tripartite forum: parties, standing cases, agendas from open cases, decisions."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max

from fastlege.core import audit
from fastlege.dialogue import indicators
from fastlege.dialogue.models import (
    AgendaItem,
    CaseDecision,
    CaseIndicator,
    Forum,
    ForumCase,
    ForumParty,
    Meeting,
)

from .access import require_national
from .errors import Code, refuse


@transaction.atomic
def create_forum(
    actor: Any, *, name: str, parties: Sequence[tuple[str, str]], description: str = ""
) -> Forum:
    """A forum with its parties, given as (short name, full name)."""
    require_national(actor)
    forum = Forum.objects.create(name=name.strip(), description=description.strip())
    ForumParty.objects.bulk_create(
        ForumParty(forum=forum, short_name=short.strip(), name=full.strip())
        for short, full in parties
    )
    audit.record(actor, "dialogue.forum.create", forum, parties=[s for s, _ in parties])
    return forum


@transaction.atomic
def add_party(actor: Any, forum_id: int, *, short_name: str, name: str) -> ForumParty:
    require_national(actor)
    party, _created = ForumParty.objects.update_or_create(
        forum_id=forum_id, short_name=short_name.strip(), defaults={"name": name, "active": True}
    )
    audit.record(actor, "dialogue.forum.party", party)
    return party


def check_indicators(codes: Sequence[str]) -> list[str]:
    """The statistics app's indicator codes, each once; an unknown code is refused."""
    clean = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
    for code in clean:
        if not indicators.known(code):
            refuse(Code.UNKNOWN_INDICATOR, indicator=code)
    return clean


@transaction.atomic
def open_case(
    actor: Any,
    forum_id: int,
    *,
    title: str,
    description: str = "",
    indicator_codes: Sequence[str] = (),
    raised_by_id: int | None = None,
    opened_on: datetime.date | None = None,
) -> ForumCase:
    require_national(actor)
    if not title.strip():
        refuse(Code.TEXT_REQUIRED)
    codes = check_indicators(indicator_codes)
    case = ForumCase(
        forum_id=forum_id,
        title=title.strip(),
        description=description.strip(),
        raised_by_id=raised_by_id,
    )
    if opened_on is not None:
        case.opened_on = opened_on
    case.save()
    CaseIndicator.objects.bulk_create(CaseIndicator(case=case, code=c) for c in codes)
    audit.record(actor, "dialogue.case.open", case, indicators=codes)
    return case


@transaction.atomic
def set_case_indicators(actor: Any, case_id: int, codes: Sequence[str]) -> ForumCase:
    require_national(actor)
    case = ForumCase.objects.select_for_update().filter(pk=case_id).first()
    if case is None:
        refuse(Code.UNKNOWN_CASE)
    clean = check_indicators(codes)
    case.indicators.exclude(code__in=clean).delete()
    existing = set(case.indicators.values_list("code", flat=True))
    CaseIndicator.objects.bulk_create(
        CaseIndicator(case=case, code=c) for c in clean if c not in existing
    )
    audit.record(actor, "dialogue.case.indicators", case, indicators=clean)
    return case


@transaction.atomic
def build_agenda(actor: Any, meeting_id: int) -> list[AgendaItem]:
    """Put every open case of the meeting's forum not yet on the agenda onto it."""
    require_national(actor)
    meeting = Meeting.objects.select_for_update().filter(pk=meeting_id).first()
    if meeting is None:
        refuse(Code.UNKNOWN_MEETING)
    if meeting.forum_id is None:
        refuse(Code.NOT_A_FORUM_MEETING)
    on_agenda = set(meeting.agenda.values_list("case_id", flat=True))
    position = meeting.agenda.aggregate(m=Max("position"))["m"] or 0
    added = []
    for case in ForumCase.objects.filter(
        forum_id=meeting.forum_id, status=ForumCase.Status.OPEN
    ).order_by("opened_on", "id"):
        if case.pk in on_agenda:
            continue
        position += 1
        added.append(AgendaItem(meeting=meeting, case=case, position=position))
    AgendaItem.objects.bulk_create(added)
    audit.record(actor, "dialogue.meeting.agenda", meeting, added=[a.case_id for a in added])
    return list(meeting.agenda.select_related("case"))


@transaction.atomic
def record_decision(
    actor: Any,
    case_id: int,
    *,
    text: str,
    decided_on: datetime.date,
    meeting_id: int | None = None,
    closes_case: bool = False,
) -> CaseDecision:
    require_national(actor)
    case = ForumCase.objects.select_for_update().filter(pk=case_id).first()
    if case is None:
        refuse(Code.UNKNOWN_CASE)
    if case.status == ForumCase.Status.CLOSED:
        refuse(Code.CASE_CLOSED)
    if not text.strip():
        refuse(Code.TEXT_REQUIRED)
    if meeting_id is not None:
        meeting = Meeting.objects.filter(pk=meeting_id).first()
        if meeting is None:
            refuse(Code.UNKNOWN_MEETING)
        if meeting.forum_id != case.forum_id:
            refuse(Code.CASE_OTHER_FORUM)
    decision = CaseDecision.objects.create(
        case=case,
        meeting_id=meeting_id,
        decided_on=decided_on,
        text=text.strip(),
        closes_case=closes_case,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    if closes_case:
        case.status = ForumCase.Status.CLOSED
        case.closed_on = decided_on
        case.save(update_fields=["status", "closed_on"])
    audit.record(actor, "dialogue.case.decision", decision, closes_case=closes_case)
    return decision
