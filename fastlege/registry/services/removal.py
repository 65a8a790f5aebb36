"""Removal from a list for threats or violence (fastlegeforskriften §§ 38–39).

The GP asks; the municipality decides (an individual decision that can be
appealed to the county governor). The person is moved to another list from
the 1st of next month, which does not count as a switch, and can never again
choose that GP (pasientrettighetsforskriften § 2 last paragraph).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from fastlege.core import audit
from fastlege.registry import rules
from fastlege.registry.models import (
    Agreement,
    ListMembership,
    Notification,
    RemovalDecision,
    Resident,
    SwitchRequest,
    WaitingListEntry,
)
from fastlege.registry.periods import in_force_on
from fastlege.registry.services import access, notifications
from fastlege.registry.services.citizen import check_room
from fastlege.registry.services.common import (
    PENDING,
    agreement_active_on,
    free_places,
    get_agreement,
    get_resident,
    is_closed_for_new,
    removal_blocks,
    require_active,
    require_resident,
    today_or,
)
from fastlege.registry.services.errors import Code, refuse


def _candidate_lists(person: Resident, source: Agreement, on: datetime.date) -> list[Agreement]:
    """Open lists with a free place in the person's municipality, most free places first."""
    municipalities = {person.municipality_id, source.municipality_id}
    lists = [
        a
        for a in Agreement.objects.filter(municipality_id__in=municipalities)
        .exclude(pk=source.pk)
        .filter(in_force_on(on))
        .filter(is_open=True, locked_by_hand=False)
        .select_related("practice")
        .order_by("pk")
        if agreement_active_on(a, on) and not is_closed_for_new(a)
    ]
    scored = [(free_places(a), a) for a in lists]
    scored.sort(key=lambda fa: (fa[1].municipality_id != person.municipality_id, -fa[0], fa[1].pk))
    return [a for free, a in scored if free > 0]


@transaction.atomic
def remove_resident_for_threats(
    actor: Any,
    resident: Resident | int,
    agreement: Agreement | int,
    *,
    reason: str,
    decided_on: datetime.date | None = None,
    requested_on: datetime.date | None = None,
    target: Agreement | int | None = None,
    allow_over_ceiling: bool = False,
    today: datetime.date | None = None,
) -> RemovalDecision:
    """Vedtak om stryking: record the decision, move the person, tell them.

    ``target`` is the list they move to; without one, the open list with most
    free places in their municipality. ``allow_over_ceiling`` lets the
    municipality place them on a full list (§ 39: the municipality must secure
    GP services for the person).
    """
    today = today_or(today)
    decided_on = decided_on or today
    person = get_resident(resident, lock=True)
    source = get_agreement(agreement)
    access.require_municipality(actor, source.municipality_id)
    if not reason or not reason.strip():
        refuse(Code.REASON_REQUIRED)
    if decided_on > today:
        refuse(Code.DATE_IN_FUTURE)
    require_resident(person)
    membership = (
        ListMembership.objects.filter(
            resident_id=person.pk, agreement_id=source.pk, valid_to__isnull=True
        )
        .order_by("pk")
        .first()
    )
    if membership is None:
        refuse(Code.NOT_A_MEMBER)
    effective_on = rules.switch_effective_on(today)
    gp = access.regular_gp_on(source.pk, decided_on)
    doctor = gp.doctor if gp else None

    if target is None:
        choices = [
            a
            for a in _candidate_lists(person, source, effective_on)
            if not removal_blocks(person.pk, a, effective_on)
            and not _same_gp(doctor, a, effective_on)
        ]
        if not choices:
            refuse(Code.NO_FREE_LIST)
        new_list = get_agreement(choices[0], lock=True)
    else:
        new_list = get_agreement(target, lock=True)
    if new_list.pk == source.pk:
        refuse(Code.TARGET_SAME_LIST)
    require_active(new_list, effective_on)
    if removal_blocks(person.pk, new_list, effective_on) or _same_gp(
        doctor, new_list, effective_on
    ):
        refuse(Code.REMOVED_FROM_GP)
    exception = None if allow_over_ceiling else check_room(person, new_list, effective_on)

    now = timezone.now()
    SwitchRequest.objects.filter(resident_id=person.pk, status=PENDING).update(
        status=SwitchRequest.Status.CANCELLED, decided_at=now
    )
    WaitingListEntry.objects.filter(
        resident_id=person.pk, agreement_id=source.pk, status=WaitingListEntry.Status.WAITING
    ).update(status=WaitingListEntry.Status.ENDED, ended_at=now)
    move = SwitchRequest.objects.create(
        resident=person,
        from_agreement=source,
        to_agreement=new_list,
        reason=SwitchRequest.Reason.REMOVED,
        counts_against_quota=False,
        effective_on=effective_on,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        closed_list_exception=exception or "",
    )
    decision = RemovalDecision.objects.create(
        resident=person,
        agreement=source,
        doctor=doctor,
        reason=reason.strip(),
        requested_on=requested_on,
        decided_on=decided_on,
        decided_by=actor if getattr(actor, "is_authenticated", False) else None,
        switch_request=move,
    )
    notifications.notify(
        [person.pk],
        Notification.Kind.REMOVAL,
        agreement=new_list,
        effective_on=effective_on,
        context={
            "old": notifications.list_label(source, decided_on),
            "new": notifications.list_label(new_list, effective_on),
        },
    )
    # The reason is confidential: it stays in the decision, not in the audit trail.
    audit.record(
        actor,
        "resident.removed_for_threats",
        decision,
        resident=person.pk,
        agreement=source.pk,
        doctor=doctor.pk if doctor else None,
        to_agreement=new_list.pk,
        over_ceiling_allowed=allow_over_ceiling,
    )
    return decision


def _same_gp(doctor: Any, agreement: Agreement, on: datetime.date) -> bool:
    if doctor is None:
        return False
    period = access.regular_gp_on(agreement.pk, on)
    return period is not None and period.doctor_id == doctor.pk
