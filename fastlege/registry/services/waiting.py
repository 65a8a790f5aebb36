"""Waiting lists (venteliste): one at a time per person; joining another replaces the first.

Source: domain brief § 3.3 (helsenorge.no; Helsedirektoratet). Order in the
queue is first come, first served — a named, unverified parameter
(``rules.param("waiting_list_order")``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from fastlege.core import audit
from fastlege.registry import rules
from fastlege.registry.models import (
    Agreement,
    Notification,
    Resident,
    SwitchRequest,
    WaitingListEntry,
)
from fastlege.registry.services import access, notifications
from fastlege.registry.services.citizen import check_quota, counts_against_quota, exempt_reason
from fastlege.registry.services.common import (
    free_places,
    get_agreement,
    get_resident,
    is_closed_for_new,
    open_membership,
    pending_switch,
    removal_blocks,
    require_active,
    require_resident,
    today_or,
)
from fastlege.registry.services.errors import Code, refuse

Status = WaitingListEntry.Status


@transaction.atomic
def join_waiting_list(
    actor: Any,
    resident: Resident | int,
    agreement: Agreement | int,
    *,
    parental_consent: bool = False,
    today: datetime.date | None = None,
) -> WaitingListEntry:
    """Stand in the queue for a full (or closed) list. Replaces any other waiting list."""
    today = today_or(today)
    person = get_resident(resident, lock=True)
    acting = access.require_for_resident(actor, person, today, parental_consent=parental_consent)
    require_resident(person)
    target = get_agreement(agreement)
    require_active(target, today)
    current = open_membership(person.pk)
    if current is not None and current.agreement_id == target.pk:
        refuse(Code.ALREADY_ON_LIST)
    pending = pending_switch(person.pk)
    if pending is not None and pending.to_agreement_id == target.pk:
        refuse(Code.SWITCH_ALREADY_PENDING)
    if removal_blocks(person.pk, target, today):
        refuse(Code.REMOVED_FROM_GP)
    if not is_closed_for_new(target) and free_places(target) > 0:
        refuse(Code.LIST_HAS_FREE_PLACES)
    existing = (
        WaitingListEntry.objects.select_for_update()
        .filter(resident_id=person.pk, status=Status.WAITING)
        .order_by("pk")
        .first()
    )
    if existing is not None and existing.agreement_id == target.pk:
        refuse(Code.ALREADY_WAITING)
    now = timezone.now()
    if existing is not None:
        existing.status = Status.REPLACED
        existing.ended_at = now
        existing.save(update_fields=["status", "ended_at"])
    try:
        with transaction.atomic():
            entry = WaitingListEntry.objects.create(
                resident=person, agreement=target, joined_at=now
            )
    except IntegrityError:  # a concurrent join for the same person won
        refuse(Code.ALREADY_WAITING)
    audit.record(
        actor,
        "waiting_list.joined",
        entry,
        resident=person.pk,
        agreement=target.pk,
        replaced=existing.pk if existing else None,
        acting_as=acting,
    )
    return entry


@transaction.atomic
def leave_waiting_list(
    actor: Any, resident: Resident | int, *, today: datetime.date | None = None
) -> WaitingListEntry:
    """Leave the waiting list the person stands on."""
    today = today_or(today)
    person = get_resident(resident, lock=True)
    access.require_for_resident(actor, person, today, parental_consent=True)
    entry = (
        WaitingListEntry.objects.select_for_update()
        .filter(resident_id=person.pk, status=Status.WAITING)
        .order_by("pk")
        .first()
    )
    if entry is None:
        refuse(Code.NOT_WAITING)
    entry.status = Status.LEFT
    entry.ended_at = timezone.now()
    entry.save(update_fields=["status", "ended_at"])
    audit.record(actor, "waiting_list.left", entry, resident=person.pk)
    return entry


@transaction.atomic
def place_from_waiting_list(
    actor: Any, entry: WaitingListEntry | int, *, today: datetime.date | None = None
) -> SwitchRequest:
    """Give a waiting person a free place: a switch from the 1st of next month, and a letter.

    Called by the monthly update (or by hand by the list's municipality). The
    place must be free counting pending moves; an ordinary switch counts
    against the person's two a year.
    """
    today = today_or(today)
    pk = entry.pk if isinstance(entry, WaitingListEntry) else entry
    try:
        waiting = WaitingListEntry.objects.select_for_update().get(pk=pk)
    except (WaitingListEntry.DoesNotExist, ValueError, TypeError):
        refuse(Code.NOT_WAITING)
    if waiting.status != Status.WAITING:
        refuse(Code.NOT_WAITING)
    person = get_resident(waiting.resident_id, lock=True)
    target = get_agreement(waiting.agreement_id, lock=True)
    access.require_municipality(actor, target.municipality_id)
    require_resident(person)
    effective_on = rules.switch_effective_on(today)
    require_active(target, effective_on)
    if pending_switch(person.pk) is not None:
        refuse(Code.SWITCH_ALREADY_PENDING)
    if free_places(target) < 1:
        refuse(Code.LIST_FULL)
    current = open_membership(person.pk)
    exempt = exempt_reason(person, current)
    counts = counts_against_quota(current is not None, exempt)
    if counts:
        check_quota(person, today, effective_on)
    switch = SwitchRequest.objects.create(
        resident=person,
        from_agreement_id=current.agreement_id if current else None,
        to_agreement=target,
        reason=SwitchRequest.Reason.WAITING_LIST,
        counts_against_quota=counts,
        effective_on=effective_on,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    waiting.status = Status.PLACED
    waiting.ended_at = timezone.now()
    waiting.save(update_fields=["status", "ended_at"])
    notifications.notify(
        [person.pk],
        Notification.Kind.WAITING_LIST_PLACEMENT,
        agreement=target,
        effective_on=effective_on,
        context={"new": notifications.list_label(target, effective_on)},
    )
    audit.record(
        actor,
        "waiting_list.placed",
        switch,
        resident=person.pk,
        agreement=target.pk,
        entry=waiting.pk,
        counts_against_quota=counts,
    )
    return switch
