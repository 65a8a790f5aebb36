"""Waiting lists: one at a time, place in the queue, leaving, placement with a letter."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from fastlege.accounts.models import Role
from fastlege.core.errors import DomainError
from fastlege.registry import selectors
from fastlege.registry.models import Notification, SwitchRequest, WaitingListEntry
from fastlege.registry.services import (
    Code,
    join_waiting_list,
    leave_waiting_list,
    place_from_waiting_list,
    request_switch,
)
from fastlege.registry.tests.factories import gp_list, member, user_with

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 3, 10)


def test_queue_positions_first_come_first_served():
    full = gp_list(ceiling=2, members=2)
    home = gp_list(members=1)
    people = [member(home) for _ in range(4)]
    for p in people:
        join_waiting_list(None, p, full, today=TODAY)
    places = [selectors.waiting_position(None, p) for p in people]
    assert [q.position for q in places if q] == [1, 2, 3, 4]
    assert {q.waiting for q in places if q} == {4}
    leave_waiting_list(None, people[1], today=TODAY)
    assert selectors.waiting_position(None, people[3]).position == 3  # type: ignore[union-attr]
    assert selectors.waiting_position(None, people[1]) is None


def test_joining_another_waiting_list_replaces_the_first():
    full1, full2 = gp_list(ceiling=1, members=1), gp_list(ceiling=1, members=1)
    person = member(gp_list(members=1))
    first = join_waiting_list(None, person, full1, today=TODAY)
    second = join_waiting_list(None, person, full2, today=TODAY)
    first.refresh_from_db()
    assert first.status == WaitingListEntry.Status.REPLACED and first.ended_at
    assert second.status == WaitingListEntry.Status.WAITING
    assert WaitingListEntry.objects.filter(resident=person, status="venter").count() == 1
    with pytest.raises(DomainError) as exc:
        join_waiting_list(None, person, full2, today=TODAY)
    assert exc.value.code == Code.ALREADY_WAITING


def test_a_list_with_free_places_has_no_waiting_list():
    roomy = gp_list(ceiling=10, members=1)
    with pytest.raises(DomainError) as exc:
        join_waiting_list(None, member(gp_list(members=1)), roomy, today=TODAY)
    assert exc.value.code == Code.LIST_HAS_FREE_PLACES


def test_a_closed_list_with_free_places_can_be_waited_for():
    closed = gp_list(ceiling=10, members=1, is_open=False)
    entry = join_waiting_list(None, member(gp_list(members=1)), closed, today=TODAY)
    assert entry.status == "venter"


def test_leave_when_not_waiting():
    with pytest.raises(DomainError) as exc:
        leave_waiting_list(None, member(gp_list(members=1)), today=TODAY)
    assert exc.value.code == Code.NOT_WAITING


def test_placement_from_the_waiting_list_makes_a_switch_and_a_letter():
    target = gp_list(ceiling=2, members=2)
    person = member(gp_list(members=1))
    entry = join_waiting_list(None, person, target, today=TODAY)
    with pytest.raises(DomainError) as exc:
        place_from_waiting_list(None, entry, today=TODAY)
    assert exc.value.code == Code.LIST_FULL
    target.ceiling = 3
    target.save()
    switch = place_from_waiting_list(None, entry, today=TODAY)
    assert switch.reason == SwitchRequest.Reason.WAITING_LIST
    assert switch.effective_on == D(2026, 4, 1)
    entry.refresh_from_db()
    assert entry.status == WaitingListEntry.Status.PLACED
    note = Notification.objects.get(resident=person)
    assert note.kind == Notification.Kind.WAITING_LIST_PLACEMENT
    assert "01.04.2026" in note.body and "ventelisten" in note.body


def test_switching_directly_to_the_waited_for_list_ends_the_entry():
    target = gp_list(ceiling=1, members=1)
    person = member(gp_list(members=1))
    entry = join_waiting_list(None, person, target, today=TODAY)
    target.ceiling = 2
    target.save()
    request_switch(None, person, target, today=TODAY)
    entry.refresh_from_db()
    assert entry.status == WaitingListEntry.Status.ENDED


def test_only_the_person_or_staff_see_the_place_in_the_queue():
    full = gp_list(ceiling=1, members=1)
    person, stranger = member(gp_list(members=1)), member(gp_list(members=1))
    join_waiting_list(None, person, full, today=TODAY)
    own = user_with(Role.CITIZEN, resident=person)
    assert selectors.waiting_position(own, person).position == 1  # type: ignore[union-attr]
    with pytest.raises(DomainError) as exc:
        selectors.waiting_position(user_with(Role.CITIZEN, resident=stranger), person)
    assert exc.value.code == Code.NOT_AUTHORISED
    staff = user_with(Role.NATIONAL)
    assert selectors.waiting_position(staff, person).waiting == 1  # type: ignore[union-attr]
    from fastlege.core.models import AuditEvent

    read = AuditEvent.objects.get(kind="read", actor=staff)
    assert read.object_id == str(person.pk) and read.at <= timezone.now()
