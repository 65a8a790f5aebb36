"""Municipality side: lists, regular GPs, substitutes, closing an agreement, placing the unassigned.

Rules: fastlegeforskriften (FOR-2025-12-02-2405) §§ 8–12 and 16; Helfo's rules
for substitutes (vikar). The municipality acts only on its own lists.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from fastlege.core import audit
from fastlege.registry import rules
from fastlege.registry.models import (
    Agreement,
    Doctor,
    DoctorPeriod,
    Notification,
    Practice,
    Resident,
    SwitchRequest,
    WaitingListEntry,
)
from fastlege.registry.periods import in_force_on, not_ended_by, overlaps
from fastlege.registry.services import access, agreements, notifications
from fastlege.registry.services.citizen import check_room
from fastlege.registry.services.common import (
    PENDING,
    agreement_active_on,
    free_places,
    get_agreement,
    get_doctor,
    get_resident,
    lock_agreements,
    members_of,
    open_membership,
    pending_switch,
    pk_of,
    removal_blocks,
    require_active,
    require_first_of_month,
    require_resident,
    today_or,
)
from fastlege.registry.services.errors import Code, refuse
from fastlege.registry.services.households import members_for_draw

Role = DoctorPeriod.Role


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def check_ceiling(ceiling: int, *, low_ceiling_approved: bool, on: datetime.date) -> None:
    """§ 10: at most 2 500; under 500 only when the municipality has approved it."""
    if not isinstance(ceiling, int) or not rules.ceiling_in_range(ceiling, on):
        low, high = rules.ceiling_limits(on)
        refuse(Code.CEILING_OUT_OF_RANGE, low=low, high=high)
    if rules.ceiling_needs_approval(ceiling, on) and not low_ceiling_approved:
        refuse(Code.LOW_CEILING_NEEDS_APPROVAL)


@transaction.atomic
def create_list(
    actor: Any,
    practice: Practice | int,
    *,
    ceiling: int,
    valid_from: datetime.date,
    low_ceiling_approved: bool = False,
    is_shared_list: bool = False,
    is_salaried: bool = False,
    is_open: bool = True,
    today: datetime.date | None = None,
) -> Agreement:
    """Opprette en liste (fastlegeavtale, § 8). Every new list starts empty: a nulliste.

    It has no regular GP until one is assigned (``assign_gp``).
    """
    today = today_or(today)
    try:
        office = Practice.objects.get(pk=getattr(practice, "pk", practice))
    except (Practice.DoesNotExist, ValueError, TypeError):
        refuse(Code.UNKNOWN_PRACTICE)
    access.require_municipality(actor, office.municipality_id)
    if valid_from < today:
        refuse(Code.DATE_IN_PAST)
    check_ceiling(ceiling, low_ceiling_approved=low_ceiling_approved, on=valid_from)
    agreement = Agreement.objects.create(
        municipality_id=office.municipality_id,
        practice=office,
        ceiling=ceiling,
        low_ceiling_approved=rules.ceiling_needs_approval(ceiling, valid_from)
        and low_ceiling_approved,
        is_shared_list=is_shared_list,
        is_salaried=is_salaried,
        is_open=is_open,
        locked_by_hand=not is_open,
        valid_from=valid_from,
    )
    audit.record(
        actor, "agreement.created", agreement, ceiling=ceiling, practice=office.pk, zero_list=True
    )
    return agreement


def _assign(
    actor: Any,
    agreement: Agreement,
    doctor: Doctor,
    valid_from: datetime.date,
    percentage: int,
    *,
    take_over: bool,
) -> DoctorPeriod:
    require_active(agreement, valid_from)
    if not 1 <= percentage <= 100:
        refuse(Code.PERCENTAGE_OUT_OF_RANGE)
    agreements.require_may_get_list(agreement, doctor, valid_from)
    running = DoctorPeriod.objects.filter(agreement_id=agreement.pk, role=Role.REGULAR).filter(
        not_ended_by(valid_from)
    )
    previous = None
    if take_over:
        current = list(running)
        if any(p.valid_from >= valid_from for p in current):
            refuse(Code.LIST_HAS_GP)
        for period in current:
            period.valid_to = valid_from
            period.end_reason = DoctorPeriod.EndReason.TAKEN_OVER
            period.save(update_fields=["valid_to", "end_reason"])
            previous = period
    elif running.exists():
        refuse(Code.LIST_HAS_GP)
    period = DoctorPeriod.objects.create(
        agreement=agreement,
        doctor=doctor,
        role=Role.REGULAR,
        percentage=percentage,
        valid_from=valid_from,
    )
    member_ids = list(members_of(agreement.pk).values_list("resident_id", flat=True))
    notified = notifications.notify(
        member_ids,
        Notification.Kind.NEW_GP,
        agreement=agreement,
        effective_on=valid_from,
        context={"doctor": doctor.full_name, "practice": agreement.practice.name},
    )
    audit.record(
        actor,
        "agreement.gp_taken_over" if take_over else "agreement.gp_assigned",
        period,
        agreement=agreement.pk,
        doctor=doctor.pk,
        previous_period=previous.pk if previous else None,
        notified=notified,
    )
    return period


@transaction.atomic
def assign_gp(
    actor: Any,
    agreement: Agreement | int,
    doctor: Doctor | int,
    *,
    valid_from: datetime.date,
    percentage: int = 100,
) -> DoctorPeriod:
    """Give a list without a regular GP (new, or vacant) a regular GP (LPFL).

    Everyone on the list is told who the new GP is and of their right to
    switch (fastlegeforskriften § 9).
    """
    target = get_agreement(agreement, lock=True)
    access.require_municipality(actor, target.municipality_id)
    return _assign(actor, target, get_doctor(doctor), valid_from, percentage, take_over=False)


@transaction.atomic
def take_over_list(
    actor: Any,
    agreement: Agreement | int,
    doctor: Doctor | int,
    *,
    valid_from: datetime.date,
    percentage: int = 100,
) -> DoctorPeriod:
    """A new GP takes the list over (§ 9): the residents stay and are told.

    If the leaving GP's period is still running it ends the day the new one
    starts (end reason: taken over).
    """
    target = get_agreement(agreement, lock=True)
    access.require_municipality(actor, target.municipality_id)
    return _assign(actor, target, get_doctor(doctor), valid_from, percentage, take_over=True)


@transaction.atomic
def gp_leaves(
    actor: Any,
    agreement: Agreement | int,
    *,
    end_date: datetime.date,
    end_reason: DoctorPeriod.EndReason | str,
    notice_given_on: datetime.date | None = None,
    shorter_notice_agreed: bool = False,
    reason_text: str = "",
    today: datetime.date | None = None,
) -> DoctorPeriod:
    """The regular GP leaves: the list becomes a list without a regular GP (ubesatt).

    The residents stay on the list and are told. On fastlegeforskriften § 12's
    terms (``agreements.check_ending_terms``): a self-employed GP who resigns,
    and the municipality that terminates, give six months' notice unless a
    shorter one is agreed (salaried GPs follow employment law); the municipality
    gives a written, valid reason; a serious breach ends the agreement at once
    (with a written reason), and so does loss of authorisation. The age limit is
    the GP's 70th birthday or the end of an extension.
    """
    today = today_or(today)
    target = get_agreement(agreement, lock=True)
    access.require_municipality(actor, target.municipality_id)
    try:
        reason = DoctorPeriod.EndReason(end_reason)
    except ValueError:
        refuse(Code.INVALID_END_REASON)
    period = (
        DoctorPeriod.objects.select_for_update(of=("self",))
        .select_related("doctor")
        .filter(agreement_id=target.pk, role=Role.REGULAR, valid_to__isnull=True)
        .order_by("pk")
        .first()
    )
    if period is None:
        refuse(Code.LIST_WITHOUT_GP)
    if end_date <= period.valid_from:
        refuse(Code.INVALID_PERIOD)
    notice = notice_given_on or today
    agreements.check_ending_terms(
        target,
        period,
        reason,
        end_date=end_date,
        notice_given_on=notice,
        shorter_notice_agreed=shorter_notice_agreed,
        reason_text=reason_text,
    )
    agreements.end_regular_period(
        actor,
        target,
        period,
        end_date=end_date,
        reason=reason,
        action="agreement.gp_leaves",
        notice_given_on=notice,
        reason_text=reason_text,
    )
    return period


@dataclass(frozen=True)
class Closure:
    agreement: Agreement
    moved: dict[int, int]  # target list id -> number of residents moved there

    @property
    def total(self) -> int:
        return sum(self.moved.values())


@transaction.atomic
def close_agreement(
    actor: Any,
    agreement: Agreement | int,
    *,
    end_date: datetime.date,
    end_reason: Agreement.EndReason | str,
    reason_text: str = "",
    targets: Sequence[Agreement | int] | None = None,
    allow_over_ceiling: bool = False,
    notice_given_on: datetime.date | None = None,
    shorter_notice_agreed: bool = False,
    today: datetime.date | None = None,
) -> Closure:
    """Avslutte en fastlegeavtale and move its residents (FLR "end agreement and move patients").

    Residents move on ``end_date`` (the 1st of a month) to ``targets`` (or
    every open list in the municipality with free places), households kept
    together. The move does not count as one of their switches, and each is
    told. With ``allow_over_ceiling`` the municipality may place them above a
    target's ceiling (e.g. when merging lists). Refused when there is not room.

    The municipality ends the agreement, so it gives its reason in writing
    (``reason_text``); if a regular GP still holds the list on ``end_date`` it is
    a termination with six months' notice unless a shorter one is agreed with
    the GP (fastlegeforskriften § 12; salaried GPs follow employment law). For a
    serious breach or loss of authorisation, end the GP's period first
    (``gp_leaves``), then close the list.
    """
    today = today_or(today)
    try:
        reason = Agreement.EndReason(end_reason)
    except ValueError:
        refuse(Code.INVALID_END_REASON)
    closing = get_agreement(agreement)
    access.require_municipality(actor, closing.municipality_id)
    require_first_of_month(end_date)
    if end_date <= today:
        refuse(Code.DATE_IN_PAST)
    if not agreement_active_on(closing, today) and closing.valid_from <= today:
        refuse(Code.LIST_ENDED)
    if end_date <= closing.valid_from:
        refuse(Code.INVALID_PERIOD)
    if not reason_text.strip():
        refuse(Code.TERMINATION_REASON_REQUIRED)
    notice = notice_given_on or today
    gp_holds_list = (
        DoctorPeriod.objects.filter(agreement_id=closing.pk, role=Role.REGULAR)
        .filter(valid_from__lt=end_date)
        .filter(not_ended_by(end_date))
        .exists()
    )
    if (
        gp_holds_list
        and not closing.is_salaried
        and not rules.agreement_notice_ok(notice, end_date, shorter_notice_agreed)
    ):
        refuse(
            Code.TERMINATION_NOTICE_TOO_SHORT,
            months=rules.param("agreement_notice_months", notice),
        )

    if targets is not None:
        target_ids = [int(pk_of(t)) for t in targets]
    else:
        target_ids = list(
            Agreement.objects.filter(municipality_id=closing.municipality_id)
            .exclude(pk=closing.pk)
            .filter(in_force_on(end_date))
            .filter(is_open=True, locked_by_hand=False)
            .values_list("pk", flat=True)
        )
    if closing.pk in target_ids:
        refuse(Code.TARGET_SAME_LIST)
    locked = lock_agreements([closing.pk, *target_ids])
    closing = locked[closing.pk]

    room: dict[int, int] = {}
    for tid in target_ids:
        target = locked[tid]
        if target.municipality_id != closing.municipality_id:
            refuse(Code.TARGET_OTHER_MUNICIPALITY)
        require_active(target, end_date)
        room[tid] = free_places(target)

    leaving = set(
        SwitchRequest.objects.filter(
            status=PENDING,
            effective_on__lte=end_date,
            resident__memberships__agreement_id=closing.pk,
            resident__memberships__valid_to__isnull=True,
        ).values_list("resident_id", flat=True)
    )
    members = [m for m in members_for_draw(closing.pk) if m.id not in leaving]
    units = rules.household_units(members, end_date)
    total = sum(len(u) for u in units)
    if allow_over_ceiling and target_ids:
        for tid in target_ids:
            room[tid] = max(room[tid], total)

    blocked = _removal_blocked_pairs([m.id for m in members], target_ids, end_date)
    moves: dict[int, list[int]] = {tid: [] for tid in target_ids}
    for unit in units:
        choices = sorted(
            (
                tid
                for tid in target_ids
                if room[tid] >= len(unit) and not any((rid, tid) in blocked for rid in unit)
            ),
            key=lambda tid: (-room[tid], tid),
        )
        if not choices:
            refuse(Code.INSUFFICIENT_CAPACITY, needed=total, free=sum(room.values()))
        chosen = choices[0]
        room[chosen] -= len(unit)
        moves[chosen].extend(unit)

    moved_ids = [rid for ids in moves.values() for rid in ids]
    now = timezone.now()
    SwitchRequest.objects.filter(resident_id__in=moved_ids, status=PENDING).update(
        status=SwitchRequest.Status.CANCELLED, decided_at=now
    )
    SwitchRequest.objects.bulk_create(
        [
            SwitchRequest(
                resident_id=rid,
                from_agreement_id=closing.pk,
                to_agreement_id=tid,
                reason=SwitchRequest.Reason.AGREEMENT_CLOSED,
                counts_against_quota=False,
                effective_on=end_date,
                requested_at=now,
                requested_by=_user(actor),
            )
            for tid, ids in moves.items()
            for rid in ids
        ],
        batch_size=1000,
    )
    refused = SwitchRequest.objects.filter(to_agreement_id=closing.pk, status=PENDING).update(
        status=SwitchRequest.Status.REFUSED, decided_at=now
    )
    WaitingListEntry.objects.filter(
        agreement_id=closing.pk, status=WaitingListEntry.Status.WAITING
    ).update(status=WaitingListEntry.Status.ENDED, ended_at=now)

    old_label = notifications.list_label(closing, today)
    closing.valid_to = end_date
    closing.end_reason = reason
    closing.end_reason_text = reason_text.strip()
    closing.is_open = False
    closing.locked_by_hand = True
    closing.save(
        update_fields=["valid_to", "end_reason", "end_reason_text", "is_open", "locked_by_hand"]
    )
    running = DoctorPeriod.objects.filter(agreement_id=closing.pk, valid_from__lt=end_date)
    for period in running.filter(not_ended_by(end_date)):
        period.valid_to = end_date
        if period.role == Role.SUBSTITUTE:
            period.end_reason = DoctorPeriod.EndReason.PERIOD_ENDED
            period.save(update_fields=["valid_to", "end_reason"])
            continue
        period.end_reason = (
            DoctorPeriod.EndReason.TERMINATED
            if reason == Agreement.EndReason.TERMINATED
            else DoctorPeriod.EndReason.OTHER
        )
        period.notice_given_on = notice
        period.end_reason_text = reason_text.strip()
        period.save(update_fields=["valid_to", "end_reason", "notice_given_on", "end_reason_text"])

    for tid, ids in moves.items():
        if ids:
            notifications.notify(
                ids,
                Notification.Kind.AGREEMENT_CLOSED,
                agreement=locked[tid],
                effective_on=end_date,
                context={"old": old_label, "new": notifications.list_label(locked[tid], end_date)},
            )
    moved = {tid: len(ids) for tid, ids in moves.items() if ids}
    audit.record(
        actor,
        "agreement.closed",
        closing,
        end_date=end_date.isoformat(),
        end_reason=str(reason),
        moved={str(k): v for k, v in moved.items()},
        refused_incoming=refused,
        over_ceiling_allowed=allow_over_ceiling,
    )
    return Closure(closing, moved)


def _removal_blocked_pairs(
    resident_ids: list[int], target_ids: list[int], on: datetime.date
) -> set[tuple[int, int]]:
    from fastlege.registry.models import RemovalDecision

    with_decisions = set(
        RemovalDecision.objects.filter(resident_id__in=resident_ids).values_list(
            "resident_id", flat=True
        )
    )
    if not with_decisions:
        return set()
    targets = {a.pk: a for a in Agreement.objects.filter(pk__in=target_ids)}
    return {
        (rid, tid)
        for rid in with_decisions
        for tid in target_ids
        if removal_blocks(rid, targets[tid], on)
    }


@transaction.atomic
def register_substitute(
    actor: Any,
    agreement: Agreement | int,
    doctor: Doctor | int,
    *,
    valid_from: datetime.date,
    valid_to: datetime.date,
    percentage: int = 100,
) -> DoctorPeriod:
    """Register a substitute (vikar, LPVI) on a list for a period, approved by the municipality.

    No double claims for the same time (Helfo): the substitutes on one list
    together, and one substitute across all lists, never exceed 100 % on any
    day. The substitute cannot be the list's own regular GP.
    """
    target = get_agreement(agreement, lock=True)
    access.require_municipality(actor, target.municipality_id)
    locum = get_doctor(doctor)
    Doctor.objects.select_for_update(no_key=True).filter(pk=locum.pk).order_by("pk").first()
    if valid_to <= valid_from:
        refuse(Code.INVALID_PERIOD)
    if valid_from < target.valid_from or (
        target.valid_to is not None and valid_to > target.valid_to
    ):
        refuse(Code.OUTSIDE_AGREEMENT)
    if not 1 <= percentage <= 100:
        refuse(Code.PERCENTAGE_OUT_OF_RANGE)
    regular = access.regular_gp_on(target.pk, valid_from)
    if regular is not None and regular.doctor_id == locum.pk:
        refuse(Code.SUBSTITUTE_IS_LIST_GP)
    overlapping = overlaps(valid_from, valid_to)
    new: rules.Period = (valid_from, valid_to, percentage)
    on_list = DoctorPeriod.objects.filter(overlapping, agreement_id=target.pk, role=Role.SUBSTITUTE)
    by_locum = DoctorPeriod.objects.filter(overlapping, doctor_id=locum.pk, role=Role.SUBSTITUTE)
    for periods in (on_list, by_locum):
        existing = [(p.valid_from, p.valid_to, p.percentage) for p in periods]
        if not rules.substitute_load_ok([*existing, new], valid_from):
            refuse(Code.SUBSTITUTE_DOUBLE_CLAIM)
    period = DoctorPeriod.objects.create(
        agreement=target,
        doctor=locum,
        role=Role.SUBSTITUTE,
        substitute_for=regular.doctor if regular else None,
        percentage=percentage,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    audit.record(
        actor,
        "agreement.substitute_registered",
        period,
        agreement=target.pk,
        doctor=locum.pk,
        percentage=percentage,
    )
    return period


@transaction.atomic
def set_list_open(
    actor: Any,
    agreement: Agreement | int,
    *,
    is_open: bool,
    today: datetime.date | None = None,
) -> Agreement:
    """Open or close a list for new residents by hand (at the GP's or municipality's wish)."""
    today = today_or(today)
    target = get_agreement(agreement, lock=True)
    access.require_gp_or_municipality(actor, target, today)
    require_active(target, today)
    target.is_open = is_open
    target.locked_by_hand = not is_open
    target.save(update_fields=["is_open", "locked_by_hand"])
    audit.record(actor, "agreement.opened" if is_open else "agreement.closed_for_new", target)
    return target


@transaction.atomic
def place_unassigned(
    actor: Any,
    resident: Resident | int,
    agreement: Agreement | int,
    *,
    today: datetime.date | None = None,
) -> SwitchRequest:
    """Place an unassigned resident (ufordelt) on a list in their municipality.

    Takes effect on the 1st of next month; the list needs a free place counting
    pending moves (children of members may join a closed list, § 4 a). The
    resident gets a letter. This is the only way a D-number holder (asylum
    seeker, ``Resident.has_d_number``) gets a list: the monthly update never
    places them (domain brief § 3.1, ``d_number_placed_by_hand``).
    """
    today = today_or(today)
    person = get_resident(resident, lock=True)
    access.require_municipality(actor, person.municipality_id)
    require_resident(person)
    if open_membership(person.pk) is not None:
        refuse(Code.ALREADY_ON_A_LIST)
    if pending_switch(person.pk) is not None:
        refuse(Code.SWITCH_ALREADY_PENDING)
    target = get_agreement(agreement, lock=True)
    if target.municipality_id != person.municipality_id:
        refuse(Code.TARGET_OTHER_MUNICIPALITY)
    effective_on = rules.switch_effective_on(today)
    require_active(target, effective_on)
    if removal_blocks(person.pk, target, effective_on):
        refuse(Code.REMOVED_FROM_GP)
    exception = check_room(person, target, effective_on)
    switch = SwitchRequest.objects.create(
        resident=person,
        to_agreement=target,
        reason=SwitchRequest.Reason.PLACEMENT,
        counts_against_quota=False,
        effective_on=effective_on,
        requested_by=_user(actor),
        closed_list_exception=exception or "",
    )
    notifications.notify(
        [person.pk],
        Notification.Kind.PLACEMENT,
        agreement=target,
        effective_on=effective_on,
        context={"new": notifications.list_label(target, effective_on)},
    )
    audit.record(actor, "resident.placed", switch, resident=person.pk, agreement=target.pk)
    return switch
