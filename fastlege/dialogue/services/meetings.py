"""Writes on meetings: create, programme, deadline, group notes and minutes (groups,
their answers and follow-up actions: services/actions.py).

Each function is one transaction, takes the acting user first, writes an audit
row in the same transaction and refuses with a :class:`DialogueError`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from fastlege.core import audit
from fastlege.dialogue import programme, rules
from fastlege.dialogue.models import (
    GroupNote,
    Meeting,
    MeetingSeries,
    ProgrammeItem,
    Registration,
    WorkGroup,
)

from .access import require_national, require_organiser
from .errors import Code, refuse


@dataclass
class MeetingData:
    title: str
    date: datetime.date
    start_time: datetime.time
    end_time: datetime.time
    organiser_name: str
    kind: str = Meeting.Kind.DIALOGUE
    description: str = ""
    doors_open: datetime.time | None = None
    place: str = ""
    address: str = ""
    video_link: str = ""
    county_id: str | None = None
    series: MeetingSeries | None = None
    moderator: str = ""
    audience: str = ""
    contact: str = ""
    registration_deadline: datetime.datetime | None = None
    capacity: int | None = None
    waiting_list: bool = True
    published: bool = False
    personal_data_until: datetime.date | None = None
    forum_id: int | None = None


def meeting_start(meeting: Meeting) -> datetime.datetime:
    """The meeting's start as an aware datetime in the local time zone."""
    return timezone.make_aware(datetime.datetime.combine(meeting.date, meeting.start_time))


def meeting_end(meeting: Meeting) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(meeting.date, meeting.end_time))


def default_personal_data_until(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=rules.param("registrant_data_retention_days", day))


def _check_meeting(data: MeetingData) -> None:
    if data.end_time <= data.start_time or (
        data.doors_open is not None and data.doors_open > data.start_time
    ):
        refuse(Code.INVALID_MEETING_TIME)
    if not data.place.strip() and not data.video_link.strip():
        refuse(Code.NO_PLACE)
    if data.registration_deadline is not None:
        start = timezone.make_aware(datetime.datetime.combine(data.date, data.start_time))
        if data.registration_deadline > start:
            refuse(Code.DEADLINE_AFTER_MEETING)


@transaction.atomic
def create_series(
    actor: Any, *, title: str, organiser_name: str, county_id: str | None, description: str = ""
) -> MeetingSeries:
    require_organiser(actor, county_id)
    series = MeetingSeries.objects.create(
        title=title,
        organiser_name=organiser_name,
        county_id=county_id,
        description=description,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(actor, "dialogue.series.create", series)
    return series


@transaction.atomic
def create_meeting(actor: Any, data: MeetingData, programme_text: str = "") -> Meeting:
    """Create a meeting, and its programme if ``programme_text`` is given."""
    require_organiser(actor, data.county_id)
    if data.forum_id is not None:
        require_national(actor)
    if data.series is not None and data.series.county_id != data.county_id:
        require_organiser(actor, data.series.county_id)
    _check_meeting(data)
    meeting = Meeting.objects.create(
        series=data.series,
        forum_id=data.forum_id,
        kind=data.kind,
        title=data.title,
        description=data.description,
        date=data.date,
        start_time=data.start_time,
        end_time=data.end_time,
        doors_open=data.doors_open,
        place=data.place,
        address=data.address,
        video_link=data.video_link,
        organiser_name=data.organiser_name,
        county_id=data.county_id,
        moderator=data.moderator,
        audience=data.audience,
        contact=data.contact,
        registration_deadline=data.registration_deadline,
        original_registration_deadline=data.registration_deadline,
        capacity=data.capacity,
        waiting_list=data.waiting_list,
        published=data.published,
        personal_data_until=data.personal_data_until or default_personal_data_until(data.date),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(actor, "dialogue.meeting.create", meeting)
    if programme_text.strip():
        _replace_programme(meeting, programme_text)
    return meeting


def _replace_programme(meeting: Meeting, text: str) -> list[ProgrammeItem]:
    items = programme.parse(text, meeting.end_time)
    programme.check(
        items,
        meeting_start=meeting.start_time,
        meeting_end=meeting.end_time,
        doors_open=meeting.doors_open,
    )
    meeting.programme.all().delete()
    return ProgrammeItem.objects.bulk_create(
        ProgrammeItem(
            meeting=meeting,
            kind=item.kind,
            start_time=item.start,
            end_time=item.end or item.start,
            title=item.title[:300],
            speaker=item.speaker[:200],
            description=item.description,
            minutes_per_speaker=item.minutes_per_speaker,
        )
        for item in items
    )


def _locked_meeting(meeting_id: int) -> Meeting:
    meeting = Meeting.objects.select_for_update().filter(pk=meeting_id).first()
    if meeting is None:
        refuse(Code.UNKNOWN_MEETING)
    return meeting


@transaction.atomic
def set_programme(actor: Any, meeting_id: int, text: str) -> list[ProgrammeItem]:
    """Replace the whole programme by the one written in ``text``."""
    meeting = _locked_meeting(meeting_id)
    require_organiser(actor, meeting.county_id)
    items = _replace_programme(meeting, text)
    audit.record(actor, "dialogue.meeting.programme", meeting, items=len(items))
    return items


@transaction.atomic
def extend_registration_deadline(
    actor: Any,
    meeting_id: int,
    new_deadline: datetime.datetime,
    *,
    now: datetime.datetime | None = None,
) -> Meeting:
    """Move the deadline later (as the ministry did in the sources); the first one is kept.
    Not for a meeting that has ended (issue 21: a 2021 meeting offered «Forleng fristen»)."""
    meeting = _locked_meeting(meeting_id)
    require_organiser(actor, meeting.county_id)
    if (now or timezone.now()) >= meeting_end(meeting):
        refuse(Code.MEETING_ENDED, date=f"{meeting.date:%d.%m.%Y}")
    current = meeting.registration_deadline
    if current is not None and new_deadline <= current:
        refuse(
            Code.DEADLINE_NOT_LATER,
            deadline=f"{timezone.localtime(current):%d.%m.%Y %H:%M}",
        )
    if new_deadline > meeting_start(meeting):
        refuse(Code.DEADLINE_AFTER_MEETING)
    meeting.registration_deadline = new_deadline
    if meeting.original_registration_deadline is None:
        meeting.original_registration_deadline = current or new_deadline
    meeting.save(update_fields=["registration_deadline", "original_registration_deadline"])
    audit.record(
        actor,
        "dialogue.meeting.extend_deadline",
        meeting,
        old=current.isoformat() if current else None,
        new=new_deadline.isoformat(),
    )
    return meeting


@transaction.atomic
def set_capacity(actor: Any, meeting_id: int, capacity: int | None) -> Meeting:
    meeting = _locked_meeting(meeting_id)
    require_organiser(actor, meeting.county_id)
    registered = meeting.registrations.filter(status=Registration.Status.REGISTERED).count()
    if capacity is not None and capacity < max(registered, 1):
        refuse(Code.CAPACITY_BELOW_REGISTERED, registered=registered)
    meeting.capacity = capacity
    meeting.save(update_fields=["capacity"])
    audit.record(actor, "dialogue.meeting.capacity", meeting, capacity=capacity)
    from .registrations import promote_waiting  # noqa: PLC0415 - avoid an import cycle

    promote_waiting(meeting)
    return meeting


@transaction.atomic
def set_published(actor: Any, meeting_id: int, published: bool) -> Meeting:
    meeting = _locked_meeting(meeting_id)
    require_organiser(actor, meeting.county_id)
    meeting.published = published
    meeting.save(update_fields=["published"])
    audit.record(actor, "dialogue.meeting.publish", meeting, published=published)
    return meeting


@transaction.atomic
def add_group_note(actor: Any, group_id: int, text: str) -> GroupNote:
    group = WorkGroup.objects.select_related("meeting").filter(pk=group_id).first()
    if group is None:
        refuse(Code.UNKNOWN_MEETING)
    require_organiser(actor, group.meeting.county_id)
    if not text.strip():
        refuse(Code.TEXT_REQUIRED)
    note = GroupNote.objects.create(
        group=group, text=text.strip(), written_by=actor if getattr(actor, "pk", None) else None
    )
    audit.record(actor, "dialogue.group.note", note)
    return note


@transaction.atomic
def save_minutes(actor: Any, meeting_id: int, *, minutes: str, summary: str) -> Meeting:
    meeting = _locked_meeting(meeting_id)
    require_organiser(actor, meeting.county_id)
    meeting.minutes = minutes.strip()
    meeting.summary = summary.strip()
    meeting.save(update_fields=["minutes", "summary"])
    audit.record(actor, "dialogue.meeting.minutes", meeting)
    return meeting
