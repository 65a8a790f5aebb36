"""Helpers shared by the registry's services: fetching with locks, capacity, moves."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from fastlege.core import fastpath
from fastlege.registry import capacity
from fastlege.registry.models import (
    Agreement,
    Doctor,
    ListMembership,
    RemovalDecision,
    Resident,
    SwitchRequest,
)
from fastlege.registry.periods import in_force
from fastlege.registry.services.access import regular_gp_on
from fastlege.registry.services.errors import Code, refuse

PENDING = SwitchRequest.Status.PENDING


def today_or(day: datetime.date | None) -> datetime.date:
    return day or timezone.localdate()


def pk_of(obj: Any) -> Any:
    return obj.pk if hasattr(obj, "pk") else obj


def get_resident(resident: Resident | int, *, lock: bool = False) -> Resident:
    """The resident, fresh from the database (locked for the transaction if ``lock``)."""
    try:
        if lock:
            found = fastpath.fetch_locked(Resident, pk_of(resident))
        else:
            found = Resident.objects.filter(pk=pk_of(resident)).first()
    except (ValidationError, ValueError, TypeError):
        found = None
    if found is None:
        refuse(Code.UNKNOWN_PERSON)
    return found


def get_agreement(agreement: Agreement | int, *, lock: bool = False) -> Agreement:
    """The list, fresh from the database; ``lock`` serialises checks of its free places."""
    try:
        if lock:
            found = fastpath.fetch_locked(Agreement, pk_of(agreement))
        else:
            found = Agreement.objects.filter(pk=pk_of(agreement)).first()
    except (ValidationError, ValueError, TypeError):
        found = None
    if found is None:
        refuse(Code.UNKNOWN_LIST)
    return found


def lock_agreements(ids: list[int]) -> dict[int, Agreement]:
    """Lock several lists in id order (a fixed order, so two operations never deadlock)."""
    found = {
        a.pk: a
        for a in Agreement.objects.select_for_update(no_key=True)
        .filter(pk__in=sorted(set(ids)))
        .order_by("pk")
    }
    if len(found) != len(set(ids)):
        refuse(Code.UNKNOWN_LIST)
    return found


def get_doctor(doctor: Doctor | int) -> Doctor:
    try:
        return Doctor.objects.get(pk=pk_of(doctor))
    except (Doctor.DoesNotExist, ValueError, TypeError):
        refuse(Code.UNKNOWN_DOCTOR)


def doctor_by_hpr(hpr_number: str) -> Doctor:
    """The doctor with this HPR number; refused (``UNKNOWN_DOCTOR``) when unknown."""
    doctor = Doctor.objects.filter(hpr_number=hpr_number.strip()).first()
    if doctor is None:
        refuse(Code.UNKNOWN_DOCTOR)
    return doctor


def require_resident(resident: Resident, *, in_scheme: bool = True) -> None:
    """The person has the right to a GP (§ 2): registered as resident, and in the scheme."""
    if resident.status != Resident.Status.RESIDENT:
        refuse(Code.PERSON_NOT_RESIDENT)
    if in_scheme and not resident.in_scheme:
        refuse(Code.NOT_IN_SCHEME)


def require_first_of_month(day: datetime.date) -> None:
    from fastlege.registry import rules

    if not rules.is_first_of_month(day):
        refuse(Code.NOT_FIRST_OF_MONTH)


def agreement_active_on(agreement: Agreement, day: datetime.date) -> bool:
    """The agreement is in force on ``day`` (``registry.periods.in_force``)."""
    return in_force(agreement.valid_from, agreement.valid_to, day)


def require_active(agreement: Agreement, day: datetime.date) -> None:
    if not agreement_active_on(agreement, day):
        refuse(Code.LIST_ENDED)


def open_membership(resident_id: int) -> ListMembership | None:
    return (
        ListMembership.objects.filter(resident_id=resident_id, valid_to__isnull=True)
        .order_by("pk")
        .first()
    )


def pending_switch(resident_id: int) -> SwitchRequest | None:
    pending = SwitchRequest.objects.filter(resident_id=resident_id, status=PENDING)
    return pending.order_by("pk").first()


def free_places(agreement: Agreement) -> int:
    """``capacity.free_places`` of the list (ceiling − members − pending incoming moves)."""
    return capacity.list_free_places(agreement)


def is_closed_for_new(agreement: Agreement) -> bool:
    """Closed by status or by hand (§ 10: a list that has reached its ceiling is closed too)."""
    return not agreement.is_open or agreement.locked_by_hand


def removal_blocks(resident_id: int, agreement: Agreement, day: datetime.date) -> bool:
    """§ 2 last paragraph: a person removed for threats or violence cannot choose that GP."""
    decisions = list(
        RemovalDecision.objects.filter(resident_id=resident_id).values_list(
            "agreement_id", "doctor_id"
        )
    )
    if not decisions:
        return False
    period = regular_gp_on(agreement.pk, day)
    doctor_id = period.doctor_id if period else None
    for agreement_id, removed_doctor in decisions:
        if removed_doctor is not None and removed_doctor == doctor_id:
            return True
        if removed_doctor is None and agreement_id == agreement.pk:
            return True
    return False


def members_of(agreement_id: int) -> Any:
    return ListMembership.objects.filter(agreement_id=agreement_id, valid_to__isnull=True)


def end_membership(
    membership: ListMembership, on: datetime.date, reason: ListMembership.EndReason
) -> None:
    """Close an open membership at ``on`` (half-open: the person is off the list from ``on``).

    A membership that began on ``on`` itself keeps one day, so the period is never empty.
    """
    membership.valid_to = max(on, membership.valid_from + datetime.timedelta(days=1))
    membership.end_reason = reason
    membership.save(update_fields=["valid_to", "end_reason"])


def cancel_pending(
    resident_id: int, *, status: SwitchRequest.Status = SwitchRequest.Status.CANCELLED
) -> list[int]:
    """Cancel the person's pending switch, if any. Returns the ids cancelled."""
    ids = list(
        SwitchRequest.objects.filter(resident_id=resident_id, status=PENDING).values_list(
            "pk", flat=True
        )
    )
    if ids:
        SwitchRequest.objects.filter(pk__in=ids).update(status=status, decided_at=timezone.now())
    return ids


def pending_outgoing_resident_ids(agreement_id: int, by: datetime.date) -> set[int]:
    """Members of the list with a pending move that takes effect on or before ``by``."""
    return set(
        SwitchRequest.objects.filter(
            status=PENDING,
            effective_on__lte=by,
            resident__memberships__agreement_id=agreement_id,
            resident__memberships__valid_to__isnull=True,
        ).values_list("resident_id", flat=True)
    )


def members_q(agreement_id: int) -> Q:
    return Q(memberships__agreement_id=agreement_id, memberships__valid_to__isnull=True)
