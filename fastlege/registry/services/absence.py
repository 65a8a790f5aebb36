"""A GP's absence (fravær) and its cover.

The GP (or the municipality) reports an absence on a list and may propose a
substitute; covering an absence is the practice's duty, and a substitute on a
list is approved by the municipality (fastlegeforskriften § 16 (2) e; Helfo's
rules for substitutes). The municipality sees every absence on its lists and
decides: approved with a substitute (the substitute period is registered by
``register_substitute`` in the same transaction, with all its checks), approved
without a substitute (the practice covers it otherwise), or the proposed
substitute refused. An absence the municipality cannot cover can be sent to the
regional substitute pool (``fastlege.workforce``).

Dates: ``valid_to`` is the first day the GP is back (the project's periods are
half-open); the pages ask for the last day of the absence, so a one-day absence
is ``valid_from`` = the day, ``valid_to`` = the day after. Nothing in the regulation
sets a shortest absence: a one-day absence is an absence.

Until the municipality has decided, the GP may change an absence (``change_absence``):
its days, its reason and the proposed substitute; an absence whose proposed substitute
was refused may be changed too (a new proposal), and goes back to the municipality.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from fastlege.core import audit
from fastlege.registry.models import Absence, Agreement
from fastlege.registry.periods import in_force
from fastlege.registry.services import access
from fastlege.registry.services.common import doctor_by_hpr, get_agreement, today_or
from fastlege.registry.services.errors import Code, refuse
from fastlege.registry.services.municipality import register_substitute

Status = Absence.Status


@transaction.atomic
def register_absence(
    actor: Any,
    agreement: Agreement | int,
    *,
    valid_from: datetime.date,
    valid_to: datetime.date | None,
    reason: str,
    proposed_substitute_hpr: str = "",
    today: datetime.date | None = None,
) -> Absence:
    """The list's regular GP (or the municipality) reports the GP's absence, from
    ``valid_from`` until ``valid_to`` (the first day back; empty: not known yet), and
    may propose a substitute by HPR number. The municipality decides the cover
    (``decide_absence``)."""
    today = today_or(today)
    target = get_agreement(agreement, lock=True)
    access.require_gp_or_municipality(actor, target, today)
    doctor_id, proposed = _checked(target, valid_from, valid_to, reason, proposed_substitute_hpr)
    absence = Absence.objects.create(
        agreement=target,
        doctor_id=doctor_id,
        valid_from=valid_from,
        valid_to=valid_to,
        reason=reason,
        proposed_substitute=proposed,
    )
    audit.record(
        actor,
        "absence.registered",
        absence,
        agreement=target.pk,
        reason=reason,
        proposed_substitute=proposed.pk if proposed else None,
    )
    return absence


def _checked(
    agreement: Agreement,
    valid_from: datetime.date,
    valid_to: datetime.date | None,
    reason: str,
    proposed_substitute_hpr: str,
) -> tuple[int, Any]:
    """The checks of a reported or changed absence: a known reason, a period that ends
    after it starts (one day at least), inside the agreement, on a list with a regular
    GP, a proposed substitute in the registry who is not that GP. Returns (the GP's
    doctor id, the proposed substitute or None)."""
    if reason not in Absence.Reason.values:
        refuse(Code.INVALID_PERIOD)
    if valid_to is not None and valid_to <= valid_from:
        refuse(Code.INVALID_PERIOD)
    if not in_force(agreement.valid_from, agreement.valid_to, valid_from):
        refuse(Code.OUTSIDE_AGREEMENT)
    period = access.regular_gp_on(agreement.pk, valid_from)
    if period is None:
        refuse(Code.LIST_WITHOUT_GP)
    proposed = doctor_by_hpr(proposed_substitute_hpr) if proposed_substitute_hpr.strip() else None
    if proposed is not None and proposed.pk == period.doctor_id:
        refuse(Code.SUBSTITUTE_IS_LIST_GP)
    return period.doctor_id, proposed


#: An absence the GP may still change: not decided, or its proposed substitute refused.
CHANGEABLE = (Status.REPORTED, Status.REJECTED)


@transaction.atomic
def change_absence(
    actor: Any,
    absence: Absence | int,
    *,
    valid_from: datetime.date,
    valid_to: datetime.date | None,
    reason: str,
    proposed_substitute_hpr: str = "",
    today: datetime.date | None = None,
) -> Absence:
    """The list's regular GP (or the municipality) changes an absence the municipality
    has not decided: its days (``valid_to`` the first day back, empty: not known), its
    reason and the proposed substitute (empty: none). An absence whose proposed
    substitute was refused may be changed with a new proposal; it is then reported
    again and waits for the municipality (fastlegeforskriften § 16 (2) e). The same
    checks as ``register_absence``; an approved absence is refused."""
    today = today_or(today)
    pk = absence.pk if isinstance(absence, Absence) else absence
    target = Absence.objects.select_for_update().filter(pk=pk).first()
    if target is None:
        refuse(Code.UNKNOWN_ABSENCE)
    agreement = get_agreement(target.agreement_id, lock=True)
    access.require_gp_or_municipality(actor, agreement, today)
    if target.status not in CHANGEABLE:
        refuse(Code.ABSENCE_ALREADY_DECIDED)
    doctor_id, proposed = _checked(agreement, valid_from, valid_to, reason, proposed_substitute_hpr)
    before = {
        "valid_from": target.valid_from.isoformat(),
        "valid_to": target.valid_to.isoformat() if target.valid_to else None,
        "reason": target.reason,
        "proposed_substitute": target.proposed_substitute_id,
        "status": target.status,
    }
    target.doctor_id = doctor_id
    target.valid_from = valid_from
    target.valid_to = valid_to
    target.reason = reason
    target.proposed_substitute = proposed
    target.status = Status.REPORTED
    target.decided_at = None
    target.save(
        update_fields=[
            "doctor",
            "valid_from",
            "valid_to",
            "reason",
            "proposed_substitute",
            "status",
            "decided_at",
        ]
    )
    audit.record(
        actor,
        "absence.changed",
        target,
        agreement=agreement.pk,
        before=before,
        reason=reason,
        proposed_substitute=proposed.pk if proposed else None,
    )
    return target


#: The municipality's decisions on a reported absence.
APPROVE = "godkjenn"
WITHOUT_SUBSTITUTE = "uten_vikar"
REFUSE = "avslaa"
DECISIONS = (APPROVE, WITHOUT_SUBSTITUTE, REFUSE)


@transaction.atomic
def decide_absence(
    actor: Any,
    absence: Absence | int,
    decision: str,
    *,
    substitute_hpr: str = "",
    percentage: int = 100,
    note: str = "",
) -> Absence:
    """The municipality decides a reported absence:

    * ``APPROVE``: covered by a substitute — the one given by ``substitute_hpr``, or
      else the one the GP proposed — whose period (the absence's days) is registered
      by ``register_substitute`` in this transaction, with its checks (no double
      claims, not the list's own GP). An absence without an end cannot be covered
      by a substitute period until its end is known.
    * ``WITHOUT_SUBSTITUTE``: approved; the practice covers it without a substitute.
    * ``REFUSE``: the proposed substitute is refused; a reason is required.
    """
    pk = absence.pk if isinstance(absence, Absence) else absence
    target = Absence.objects.select_for_update().select_related("agreement").filter(pk=pk).first()
    if target is None:
        refuse(Code.UNKNOWN_ABSENCE)
    access.require_municipality(actor, target.agreement.municipality_id)
    if target.status != Status.REPORTED:
        refuse(Code.ABSENCE_ALREADY_DECIDED)
    if decision not in DECISIONS:
        refuse(Code.UNKNOWN_DECISION)
    note = note.strip()
    if decision == APPROVE:
        doctor = (
            doctor_by_hpr(substitute_hpr) if substitute_hpr.strip() else target.proposed_substitute
        )
        if doctor is None:
            refuse(Code.NO_SUBSTITUTE_CHOSEN)
        if target.valid_to is None:
            refuse(Code.ABSENCE_WITHOUT_END)
        target.substitute_period = register_substitute(
            actor,
            target.agreement,
            doctor,
            valid_from=target.valid_from,
            valid_to=target.valid_to,
            percentage=percentage,
        )
        target.status = Status.APPROVED
    elif decision == WITHOUT_SUBSTITUTE:
        target.status = Status.UNCOVERED
    else:
        if not note:
            refuse(Code.REASON_REQUIRED)
        target.status = Status.REJECTED
    target.decided_at = timezone.now()
    target.decision_note = note
    target.save(update_fields=["substitute_period", "status", "decided_at", "decision_note"])
    audit.record(
        actor,
        "absence.decided",
        target,
        agreement=target.agreement_id,
        decision=decision,
        substitute_period=target.substitute_period_id,
    )
    return target
