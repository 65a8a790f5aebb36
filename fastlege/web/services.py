"""Writes the web pages need that the registry did not have yet. Each is one
transaction with an explicit acting user and an audit row; refusals raise the
registry's ``DomainError`` codes (``fastlege.registry.services.errors``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from fastlege.core import audit
from fastlege.reference.models import Municipality
from fastlege.registry.models import Absence, Agreement
from fastlege.registry.services import access
from fastlege.registry.services.common import get_agreement, today_or
from fastlege.registry.services.errors import Code, refuse


@transaction.atomic
def set_automatic_placement(
    actor: Any, municipality: Municipality | str, *, on: bool
) -> Municipality:
    """The municipality asks Helfo to switch automatic placement of the unassigned
    (ufordelte) on or off (domain brief § 3.4, Helfo's page on ufordelte)."""
    number = str(getattr(municipality, "pk", municipality))
    access.require_municipality(actor, number)
    muni = Municipality.objects.select_for_update().filter(number=number).first()
    if muni is None:
        refuse(Code.UNKNOWN_MUNICIPALITY)
    if muni.automatic_placement != on:
        muni.automatic_placement = on
        muni.save(update_fields=["automatic_placement"])
        audit.record(actor, "municipality.automatic_placement", muni, on=on)
    return muni


@transaction.atomic
def register_absence(
    actor: Any,
    agreement: Agreement | int,
    *,
    valid_from: datetime.date,
    valid_to: datetime.date | None,
    reason: str,
    today: datetime.date | None = None,
) -> Absence:
    """The list's regular GP (or the municipality) registers the GP's absence. Covering
    it is the practice's duty (fastlegeforskriften § 16 (2) e); a substitute is then
    registered and approved by the municipality (``register_substitute``)."""
    today = today_or(today)
    target = get_agreement(agreement, lock=True)
    access.require_gp_or_municipality(actor, target, today)
    if reason not in Absence.Reason.values:
        refuse(Code.INVALID_PERIOD)
    if valid_to is not None and valid_to <= valid_from:
        refuse(Code.INVALID_PERIOD)
    if valid_from < target.valid_from or (
        target.valid_to is not None and valid_from >= target.valid_to
    ):
        refuse(Code.OUTSIDE_AGREEMENT)
    period = access.regular_gp_on(target.pk, valid_from)
    if period is None:
        refuse(Code.LIST_WITHOUT_GP)
    absence = Absence.objects.create(
        agreement=target,
        doctor_id=period.doctor_id,
        valid_from=valid_from,
        valid_to=valid_to,
        reason=reason,
    )
    audit.record(actor, "absence.registered", absence, agreement=target.pk, reason=reason)
    return absence
