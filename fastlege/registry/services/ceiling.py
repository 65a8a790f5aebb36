"""List ceiling (listetak): asked for by the GP, decided by the municipality (§§ 10–11).

* at most 2 500; under 500 only with the municipality's approval (§ 10);
* the municipality cannot lower an agreed ceiling on its own (§ 11 merknad);
* a reduction needs six months' notice unless the municipality agrees to a
  shorter one (§ 11);
* any change is approved by the municipality (Helfo form 05-04.27).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from fastlege.core import audit
from fastlege.registry import rules
from fastlege.registry.models import Agreement, CeilingChange
from fastlege.registry.services import access
from fastlege.registry.services.common import (
    get_agreement,
    require_active,
    require_first_of_month,
    today_or,
)
from fastlege.registry.services.errors import Code, refuse

Status = CeilingChange.Status
OPEN_STATUSES = (Status.REQUESTED, Status.APPROVED)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _lock_change(change: CeilingChange | int) -> CeilingChange:
    pk = change.pk if isinstance(change, CeilingChange) else change
    try:
        return CeilingChange.objects.select_for_update().get(pk=pk)
    except (CeilingChange.DoesNotExist, ValueError, TypeError):
        refuse(Code.CEILING_CHANGE_NOT_PENDING)


@transaction.atomic
def request_ceiling_change(
    actor: Any,
    agreement: Agreement | int,
    new_ceiling: int,
    *,
    effective_on: datetime.date,
    today: datetime.date | None = None,
) -> CeilingChange:
    """The GP asks for a new ceiling from the 1st of a month. A raise may also be
    registered by the municipality; a reduction only comes from the GP."""
    today = today_or(today)
    target = get_agreement(agreement, lock=True)
    scope, as_gp = access.require_gp_or_municipality(actor, target, today)
    require_first_of_month(effective_on)
    if effective_on <= today:
        refuse(Code.DATE_IN_PAST)
    require_active(target, effective_on)
    if not isinstance(new_ceiling, int) or not rules.ceiling_in_range(new_ceiling, effective_on):
        low, high = rules.ceiling_limits(effective_on)
        refuse(Code.CEILING_OUT_OF_RANGE, low=low, high=high)
    if new_ceiling == target.ceiling:
        refuse(Code.CEILING_UNCHANGED, ceiling=target.ceiling)
    if new_ceiling < target.ceiling and not (as_gp or scope.everything):
        refuse(Code.REDUCTION_FROM_GP_ONLY)
    if CeilingChange.objects.filter(agreement_id=target.pk, status__in=OPEN_STATUSES).exists():
        refuse(Code.CEILING_CHANGE_PENDING)
    change = CeilingChange.objects.create(
        agreement=target,
        old_ceiling=target.ceiling,
        new_ceiling=new_ceiling,
        requested_on=today,
        effective_on=effective_on,
        requested_by=_user(actor),
    )
    audit.record(
        actor,
        "ceiling.requested",
        change,
        agreement=target.pk,
        old=target.ceiling,
        new=new_ceiling,
        by_gp=as_gp,
    )
    return change


def _apply(change: CeilingChange, agreement: Agreement) -> None:
    agreement.ceiling = change.new_ceiling
    agreement.low_ceiling_approved = change.low_ceiling_approved
    agreement.save(update_fields=["ceiling", "low_ceiling_approved"])
    change.status = Status.APPLIED
    change.save(update_fields=["status"])


@transaction.atomic
def approve_ceiling_change(
    actor: Any,
    change: CeilingChange | int,
    *,
    shorter_notice_approved: bool = False,
    low_ceiling_approved: bool = False,
    today: datetime.date | None = None,
) -> CeilingChange:
    """The municipality approves. A reduction with less than six months' notice needs
    ``shorter_notice_approved``; a ceiling under 500 needs ``low_ceiling_approved``.
    Applied at once when it is already in force, otherwise by the monthly update."""
    today = today_or(today)
    cc = _lock_change(change)
    target = get_agreement(cc.agreement_id, lock=True)
    access.require_municipality(actor, target.municipality_id)
    if cc.status != Status.REQUESTED:
        refuse(Code.CEILING_CHANGE_NOT_PENDING)
    if cc.new_ceiling < cc.old_ceiling and not rules.reduction_notice_ok(
        cc.requested_on, cc.effective_on, shorter_notice_approved
    ):
        refuse(
            Code.NOTICE_TOO_SHORT,
            months=rules.param("reduction_notice_months", cc.requested_on),
            basis="fastlegeforskriften § 11",
        )
    if rules.ceiling_needs_approval(cc.new_ceiling, cc.effective_on) and not low_ceiling_approved:
        refuse(Code.LOW_CEILING_NEEDS_APPROVAL)
    cc.status = Status.APPROVED
    cc.decided_by = _user(actor)
    cc.decided_at = timezone.now()
    cc.shorter_notice_approved = shorter_notice_approved
    cc.low_ceiling_approved = rules.ceiling_needs_approval(cc.new_ceiling, cc.effective_on)
    cc.save(
        update_fields=[
            "status",
            "decided_by",
            "decided_at",
            "shorter_notice_approved",
            "low_ceiling_approved",
        ]
    )
    if cc.effective_on <= today:
        _apply(cc, target)
    audit.record(
        actor,
        "ceiling.approved",
        cc,
        agreement=target.pk,
        shorter_notice=shorter_notice_approved,
        applied=cc.status == Status.APPLIED,
    )
    return cc


@transaction.atomic
def refuse_ceiling_change(
    actor: Any, change: CeilingChange | int, *, reason: str = ""
) -> CeilingChange:
    """The municipality refuses the request, with a reason."""
    cc = _lock_change(change)
    target = get_agreement(cc.agreement_id)
    access.require_municipality(actor, target.municipality_id)
    if cc.status != Status.REQUESTED:
        refuse(Code.CEILING_CHANGE_NOT_PENDING)
    cc.status = Status.REFUSED
    cc.decided_by = _user(actor)
    cc.decided_at = timezone.now()
    cc.reason = reason
    cc.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    audit.record(actor, "ceiling.refused", cc, agreement=target.pk)
    return cc


@transaction.atomic
def withdraw_ceiling_change(
    actor: Any, change: CeilingChange | int, *, today: datetime.date | None = None
) -> CeilingChange:
    """The GP (or municipality) withdraws a request that is not yet decided."""
    today = today_or(today)
    cc = _lock_change(change)
    target = get_agreement(cc.agreement_id)
    access.require_gp_or_municipality(actor, target, today)
    if cc.status != Status.REQUESTED:
        refuse(Code.CEILING_CHANGE_NOT_PENDING)
    cc.status = Status.WITHDRAWN
    cc.save(update_fields=["status"])
    audit.record(actor, "ceiling.withdrawn", cc, agreement=target.pk)
    return cc


@transaction.atomic
def apply_ceiling_change(
    actor: Any, change: CeilingChange | int, *, today: datetime.date | None = None
) -> CeilingChange:
    """Put an approved change into force once its date has come (for the monthly update)."""
    today = today_or(today)
    cc = _lock_change(change)
    target = get_agreement(cc.agreement_id, lock=True)
    access.require_municipality(actor, target.municipality_id)
    if cc.status != Status.APPROVED:
        refuse(Code.CEILING_CHANGE_NOT_PENDING)
    if cc.effective_on > today:
        refuse(Code.DATE_IN_FUTURE)
    _apply(cc, target)
    audit.record(actor, "ceiling.applied", cc, agreement=target.pk, ceiling=cc.new_ceiling)
    return cc


def ceiling_in_force(agreement: Agreement, on: datetime.date) -> tuple[int, CeilingChange | None]:
    """The ceiling that will apply on ``on``: the latest approved change in force by then."""
    change = (
        CeilingChange.objects.filter(
            agreement_id=agreement.pk,
            status__in=[Status.APPROVED, Status.APPLIED],
            effective_on__lte=on,
        )
        .order_by("-effective_on", "-id")
        .first()
    )
    if change is None or change.status == Status.APPLIED:
        # An applied change is already the agreement's ceiling.
        return agreement.ceiling, change
    return change.new_ceiling, change
