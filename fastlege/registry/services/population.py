"""Population side: events as the national population register (Folkeregisteret) reports them.

* a new resident arrives: in the register, without a list (ufordelt) until placed;
* a newborn: on the mother's list from the birth date, also when it is closed
  or full (Helsedirektoratet; pasientrettighetsforskriften § 5);
* a move to another municipality: the person keeps the GP and gets a switch
  that does not count (§§ 2 and 6), and is told;
* death or emigration: the list place ends on that date.

Only the system (the register feed) and national staff report these.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from fastlege.core import audit
from fastlege.core.identity import parse_nin
from fastlege.reference.models import Municipality, PostalCode
from fastlege.registry.models import (
    ListMembership,
    Notification,
    PopulationEvent,
    Resident,
    WaitingListEntry,
)
from fastlege.registry.services import access, notifications
from fastlege.registry.services.common import (
    cancel_pending,
    end_membership,
    get_resident,
    open_membership,
    pk_of,
    today_or,
)
from fastlege.registry.services.errors import Code, refuse

Kind = PopulationEvent.Kind
_UNSET: Any = object()


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _municipality(value: Municipality | str) -> Municipality:
    try:
        return Municipality.objects.get(pk=getattr(value, "pk", value))
    except (Municipality.DoesNotExist, ValueError, TypeError):
        refuse(Code.UNKNOWN_MUNICIPALITY)


def _parse(nin: str) -> Any:
    try:
        return parse_nin(nin)
    except ValidationError as exc:  # the message never repeats the number
        refuse(Code.INVALID_NIN, detail=" ".join(str(m) for m in exc.messages))


def _event(
    actor: Any,
    person: Resident,
    kind: str,
    on: datetime.date,
    *,
    from_municipality: str | None = None,
    to_municipality: str | None = None,
) -> PopulationEvent:
    return PopulationEvent.objects.create(
        resident=person,
        kind=kind,
        occurred_on=on,
        from_municipality_id=from_municipality,
        to_municipality_id=to_municipality,
        recorded_by=_user(actor),
    )


@transaction.atomic
def register_arrival(
    actor: Any,
    *,
    nin: str,
    first_name: str,
    last_name: str,
    municipality: Municipality | str,
    arrived_on: datetime.date,
    postal_code: PostalCode | str | None = None,
    household: int | None = None,
    mother: Resident | int | None = None,
    father: Resident | int | None = None,
    today: datetime.date | None = None,
) -> Resident:
    """A new resident (immigration, or a change of status to resident). Unassigned until placed.

    A person who emigrated earlier and comes back is the same person again.
    """
    today = today_or(today)
    access.require_system_or_national(actor)
    parsed = _parse(nin)
    if arrived_on > today:
        refuse(Code.DATE_IN_FUTURE)
    home = _municipality(municipality)
    mother_obj = get_resident(mother) if mother is not None else None
    father_obj = get_resident(father) if father is not None else None
    existing = Resident.objects.select_for_update().filter(nin=parsed.number).first()
    fields = {
        "first_name": first_name,
        "last_name": last_name,
        "birth_date": parsed.birth_date,
        "sex": parsed.sex,
        "municipality": home,
        "postal_code_id": pk_of(postal_code),
        "household": household,
        "status": Resident.Status.RESIDENT,
        "status_changed_on": arrived_on,
        "resident_since": arrived_on,
    }
    if mother_obj is not None:
        fields["mother"] = mother_obj
    if father_obj is not None:
        fields["father"] = father_obj
    returning = existing is not None
    if existing is not None:
        if existing.status != Resident.Status.EMIGRATED:
            refuse(Code.RESIDENT_EXISTS)
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save()
        person = existing
    else:
        try:
            with transaction.atomic():
                person = Resident.objects.create(nin=parsed.number, **fields)
        except IntegrityError:  # registered at the same moment by someone else
            refuse(Code.RESIDENT_EXISTS)
    _event(actor, person, Kind.ARRIVED, arrived_on, to_municipality=home.pk)
    audit.record(actor, "resident.arrived", person, municipality=home.pk, returning=returning)
    return person


@transaction.atomic
def register_birth(
    actor: Any,
    *,
    nin: str,
    first_name: str,
    last_name: str,
    mother: Resident | int,
    father: Resident | int | None = None,
    household: int | None = _UNSET,
    today: datetime.date | None = None,
) -> Resident:
    """A newborn: on the mother's list from the birth date, also when it is closed or full.

    Without a mother on a list, the father's list if he lives with the child
    (§ 5); otherwise the child is unassigned until placed.
    """
    today = today_or(today)
    access.require_system_or_national(actor)
    parsed = _parse(nin)
    born = parsed.birth_date
    if born > today:
        refuse(Code.DATE_IN_FUTURE)
    try:
        mum = Resident.objects.get(pk=getattr(mother, "pk", mother))
    except (Resident.DoesNotExist, ValueError, TypeError):
        refuse(Code.UNKNOWN_MOTHER)
    dad = get_resident(father) if father is not None else None
    child_household = mum.household if household is _UNSET else household
    try:
        with transaction.atomic():
            child = Resident.objects.create(
                nin=parsed.number,
                first_name=first_name,
                last_name=last_name,
                birth_date=born,
                sex=parsed.sex,
                municipality_id=mum.municipality_id,
                postal_code_id=mum.postal_code_id,
                household=child_household,
                mother=mum,
                father=dad,
                resident_since=born,
                status_changed_on=born,
            )
    except IntegrityError:
        refuse(Code.RESIDENT_EXISTS)
    _event(actor, child, Kind.BORN, born, to_municipality=mum.municipality_id)

    parent_list = open_membership(mum.pk)
    via = "mother"
    if (
        parent_list is None
        and dad is not None
        and (child_household is not None and dad.household == child_household)
    ):
        parent_list = open_membership(dad.pk)
        via = "father"
    membership = None
    if parent_list is not None:
        membership = ListMembership.objects.create(
            resident=child,
            agreement_id=parent_list.agreement_id,
            valid_from=born,
            begin_reason=ListMembership.BeginReason.NEWBORN,
        )
    audit.record(
        actor,
        "resident.born",
        child,
        agreement=membership.agreement_id if membership else None,
        via=via if membership else None,
    )
    return child


@transaction.atomic
def register_move(
    actor: Any,
    resident: Resident | int,
    *,
    to_municipality: Municipality | str,
    moved_on: datetime.date,
    postal_code: PostalCode | str | None = None,
    household: int | None = _UNSET,
    today: datetime.date | None = None,
) -> Resident:
    """A move to another municipality: the person keeps the GP and gets a switch that
    does not count against the two a year; they are told about GPs in the new place."""
    today = today_or(today)
    access.require_system_or_national(actor)
    person = get_resident(resident, lock=True)
    if person.status != Resident.Status.RESIDENT:
        refuse(Code.PERSON_NOT_RESIDENT)
    new_home = _municipality(to_municipality)
    if new_home.pk == person.municipality_id:
        refuse(Code.SAME_MUNICIPALITY)
    if moved_on > today:
        refuse(Code.DATE_IN_FUTURE)
    old_home = person.municipality_id
    person.municipality = new_home
    person.postal_code_id = pk_of(postal_code)
    if household is not _UNSET:
        person.household = household
    person.resident_since = moved_on
    person.save(update_fields=["municipality", "postal_code", "household", "resident_since"])
    _event(
        actor, person, Kind.MOVED, moved_on, from_municipality=old_home, to_municipality=new_home.pk
    )
    if person.in_scheme:
        notifications.notify(
            [person.pk],
            Notification.Kind.MOVED_MUNICIPALITY,
            effective_on=moved_on,
            context={"municipality": new_home.name},
        )
    audit.record(
        actor, "resident.moved", person, from_municipality=old_home, to_municipality=new_home.pk
    )
    return person


def _end_residence(
    actor: Any,
    resident: Resident | int,
    on: datetime.date,
    today: datetime.date | None,
    *,
    status: Resident.Status,
    kind: str,
    end_reason: ListMembership.EndReason,
) -> Resident:
    today = today_or(today)
    access.require_system_or_national(actor)
    person = get_resident(resident, lock=True)
    if person.status != Resident.Status.RESIDENT:
        refuse(Code.PERSON_NOT_RESIDENT)
    if on > today:
        refuse(Code.DATE_IN_FUTURE)
    person.status = status
    person.status_changed_on = on
    person.save(update_fields=["status", "status_changed_on"])
    membership = open_membership(person.pk)
    if membership is not None:
        end_membership(membership, on, end_reason)
    cancelled = cancel_pending(person.pk)
    WaitingListEntry.objects.filter(
        Q(resident_id=person.pk), status=WaitingListEntry.Status.WAITING
    ).update(status=WaitingListEntry.Status.ENDED, ended_at=timezone.now())
    _event(actor, person, kind, on, from_municipality=person.municipality_id)
    audit.record(
        actor,
        f"resident.{kind}",
        person,
        ended_membership=membership.pk if membership else None,
        cancelled_switches=cancelled,
    )
    return person


@transaction.atomic
def register_death(
    actor: Any,
    resident: Resident | int,
    *,
    died_on: datetime.date,
    today: datetime.date | None = None,
) -> Resident:
    """The person has died: the list place ends on that date."""
    return _end_residence(
        actor,
        resident,
        died_on,
        today,
        status=Resident.Status.DEAD,
        kind=Kind.DIED,
        end_reason=ListMembership.EndReason.DIED,
    )


@transaction.atomic
def register_emigration(
    actor: Any,
    resident: Resident | int,
    *,
    emigrated_on: datetime.date,
    today: datetime.date | None = None,
) -> Resident:
    """The person has emigrated: the list place ends on that date."""
    return _end_residence(
        actor,
        resident,
        emigrated_on,
        today,
        status=Resident.Status.EMIGRATED,
        kind=Kind.EMIGRATED,
        end_reason=ListMembership.EndReason.EMIGRATED,
    )
