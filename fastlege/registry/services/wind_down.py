"""Shared-list wind-downs (deleliste): a regular GP of 60 or more winds down and hands
the practice over to a successor (Helfo, «kommunen sitt ansvar for legetenesta»;
domain.md § 2).

The municipality registers the agreement on a list: the outgoing GP is the list's
regular GP on the start day and must have turned ``wind_down_min_age`` (60) that day
(``rules.old_enough_to_wind_down``); the successor may be named then or later; the
outgoing GP leaves on ``hand_over_on``. The source's remaining conditions are cut off
and not checked (``wind_down_other_conditions_checked``, verified=False): the
municipality checks them itself. One open wind-down per list.

The hand-over itself is registered as a take-over (``take_over_list``) when the day
comes; until then the vacancy early warning (``fastlege.workforce.early_warning``)
reads the open wind-downs: one without a successor is a likely vacancy on the
hand-over day.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from fastlege.core import audit
from fastlege.registry import rules
from fastlege.registry.models import Agreement, Doctor, WindDown
from fastlege.registry.periods import in_force
from fastlege.registry.services import access
from fastlege.registry.services.common import doctor_by_hpr, get_agreement
from fastlege.registry.services.errors import Code, refuse

Status = WindDown.Status


def _successor(hpr_number: str, outgoing_id: int) -> Doctor | None:
    """The successor named by HPR number (blank: none yet); not the outgoing GP."""
    if not hpr_number.strip():
        return None
    doctor = doctor_by_hpr(hpr_number)
    if doctor.pk == outgoing_id:
        refuse(Code.WIND_DOWN_SUCCESSOR_IS_OUTGOING)
    return doctor


@transaction.atomic
def register_wind_down(
    actor: Any,
    agreement: Agreement | int,
    *,
    valid_from: datetime.date,
    hand_over_on: datetime.date,
    successor_hpr: str = "",
    note: str = "",
) -> WindDown:
    """The municipality registers a shared-list wind-down (deleliste) on one of its
    lists: the list's regular GP on ``valid_from`` winds down and leaves on
    ``hand_over_on`` (after ``valid_from``, inside the agreement), handing over to the
    doctor ``successor_hpr`` (blank: not known yet). Refused when the GP has not turned
    ``wind_down_min_age`` on ``valid_from``, when the list has no regular GP that day,
    or when the list already has an open wind-down."""
    target = get_agreement(agreement, lock=True)
    access.require_municipality(actor, target.municipality_id)
    if hand_over_on <= valid_from:
        refuse(Code.WIND_DOWN_HAND_OVER_NOT_AFTER_START)
    if not in_force(target.valid_from, target.valid_to, valid_from) or (
        target.valid_to is not None and hand_over_on > target.valid_to
    ):
        refuse(Code.OUTSIDE_AGREEMENT)
    period = access.regular_gp_on(target.pk, valid_from)
    if period is None:
        refuse(Code.LIST_WITHOUT_GP)
    outgoing = period.doctor
    if not rules.old_enough_to_wind_down(outgoing.birth_date, valid_from):
        refuse(
            Code.WIND_DOWN_TOO_YOUNG,
            age=rules.param("wind_down_min_age", valid_from),
            actual=rules.age_on(outgoing.birth_date, valid_from),
            date=f"{valid_from:%d.%m.%Y}",
        )
    if WindDown.objects.filter(agreement=target, status=Status.ACTIVE).exists():
        refuse(Code.WIND_DOWN_EXISTS)
    successor = _successor(successor_hpr, outgoing.pk)
    wind_down = WindDown.objects.create(
        agreement=target,
        outgoing=outgoing,
        successor=successor,
        valid_from=valid_from,
        hand_over_on=hand_over_on,
        note=note.strip(),
        registered_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor,
        "wind_down.registered",
        wind_down,
        agreement=target.pk,
        outgoing=outgoing.pk,
        successor=successor.pk if successor else None,
        valid_from=valid_from.isoformat(),
        hand_over_on=hand_over_on.isoformat(),
    )
    return wind_down


def _open_wind_down(wind_down: WindDown | int) -> WindDown:
    pk = wind_down.pk if isinstance(wind_down, WindDown) else wind_down
    found = WindDown.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        refuse(Code.UNKNOWN_WIND_DOWN)
    return found


@transaction.atomic
def name_successor(actor: Any, wind_down: WindDown | int, successor_hpr: str) -> WindDown:
    """The municipality names (or changes) the doctor who takes over the list; blank
    takes the successor away again (not known after all). Only an open wind-down."""
    target = _open_wind_down(wind_down)
    access.require_municipality(
        actor, Agreement.objects.get(pk=target.agreement_id).municipality_id
    )
    if target.status != Status.ACTIVE:
        refuse(Code.WIND_DOWN_NOT_ACTIVE)
    successor = _successor(successor_hpr, target.outgoing_id)
    before = target.successor_id
    target.successor = successor
    target.save(update_fields=["successor"])
    audit.record(
        actor,
        "wind_down.successor_named",
        target,
        agreement=target.agreement_id,
        successor=successor.pk if successor else None,
        previous=before,
    )
    return target


@transaction.atomic
def cancel_wind_down(actor: Any, wind_down: WindDown | int, *, note: str = "") -> WindDown:
    """The municipality cancels an open wind-down (the GP stays, or the agreement
    fell through); it stays in the registry as cancelled."""
    target = _open_wind_down(wind_down)
    access.require_municipality(
        actor, Agreement.objects.get(pk=target.agreement_id).municipality_id
    )
    if target.status != Status.ACTIVE:
        refuse(Code.WIND_DOWN_NOT_ACTIVE)
    target.status = Status.CANCELLED
    target.ended_at = timezone.now()
    if note.strip():
        target.note = (target.note + "\n" + note.strip()).strip()
    target.save(update_fields=["status", "ended_at", "note"])
    audit.record(actor, "wind_down.cancelled", target, agreement=target.agreement_id)
    return target
