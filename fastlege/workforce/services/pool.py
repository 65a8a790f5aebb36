"""Writes of the regional substitute pool (vikarordning): each one transaction, an
explicit acting user, an audit row, refusals as ``PoolError`` with a Norwegian message.

Who writes (``fastlege.registry.services.access`` scopes):

- the pool (substitutes, their availability): the county governor of the pool's
  county, a municipality of that county, or national staff;
- requests and bookings: the requesting municipality's own officers or national staff
  (the registry's ``register_substitute`` asks the same).

A substitute is never booked twice for the same day: ``accept_match`` locks the
substitute's pool row and checks the bookings (every database; on SQLite the write
transaction already serialises writers), and on PostgreSQL the exclusion constraint
``pool_booking_no_overlap`` (migration 0020) refuses any overlap that gets past that.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from fastlege.core import audit
from fastlege.reference.models import Municipality
from fastlege.registry.models import Absence, Agreement, Doctor
from fastlege.registry.services import access, register_substitute
from fastlege.registry.validators import validate_hpr_number
from fastlege.workforce import pool
from fastlege.workforce.models import (
    PoolSubstitute,
    SubstituteAvailability,
    SubstituteBooking,
    SubstituteRequest,
)

from .pool_errors import PoolCode, refuse


def may_manage_pool(actor: Any, county_id: str) -> bool:
    """The county governor of the county, its municipalities, or national staff."""
    scope = access.scope_of(actor)
    if scope.everything or county_id in scope.counties:
        return True
    if not scope.municipalities:
        return False
    return Municipality.objects.filter(
        number__in=scope.municipalities, county_id=county_id
    ).exists()


def _require_pool(actor: Any, county_id: str) -> None:
    if not may_manage_pool(actor, county_id):
        refuse(PoolCode.NOT_AUTHORISED)


def _check_period(valid_from: datetime.date, valid_to: datetime.date) -> None:
    if valid_from is None or valid_to is None or valid_to <= valid_from:
        refuse(PoolCode.INVALID_PERIOD)


@transaction.atomic
def add_substitute(
    actor: Any,
    *,
    hpr_number: str,
    county_id: str,
    home_municipality_id: str,
    municipality_ids: Iterable[str] = (),
    note: str = "",
) -> PoolSubstitute:
    """Take a doctor of the registry (by HPR number) into the county's pool."""
    _require_pool(actor, county_id)
    hpr = str(hpr_number).strip()
    try:
        validate_hpr_number(hpr)
    except ValidationError:
        refuse(PoolCode.BAD_HPR)
    doctor = Doctor.objects.filter(hpr_number=hpr).first()
    if doctor is None:
        refuse(PoolCode.UNKNOWN_DOCTOR)
    if PoolSubstitute.objects.filter(doctor=doctor).exists():
        refuse(PoolCode.ALREADY_IN_POOL)
    wanted = sorted(set(municipality_ids) | {home_municipality_id})
    in_county = set(
        Municipality.objects.filter(number__in=wanted, county_id=county_id).values_list(
            "number", flat=True
        )
    )
    if in_county != set(wanted):
        refuse(PoolCode.OUTSIDE_COUNTY)
    substitute = PoolSubstitute.objects.create(
        doctor=doctor, county_id=county_id, home_municipality_id=home_municipality_id, note=note
    )
    willing = sorted(set(municipality_ids))
    substitute.municipalities.set(Municipality.objects.filter(number__in=willing))
    audit.record(
        actor,
        "workforce.pool_substitute_added",
        substitute,
        county=county_id,
        home=home_municipality_id,
        municipalities=willing,
    )
    return substitute


def _substitute(substitute: PoolSubstitute | int, *, lock: bool = False) -> PoolSubstitute:
    pk = substitute.pk if isinstance(substitute, PoolSubstitute) else substitute
    rows = PoolSubstitute.objects.filter(pk=pk)
    if lock:
        rows = rows.select_for_update()
    found = rows.first()
    if found is None:
        refuse(PoolCode.UNKNOWN_SUBSTITUTE)
    return found


@transaction.atomic
def add_availability(
    actor: Any,
    substitute: PoolSubstitute | int,
    *,
    valid_from: datetime.date,
    valid_to: datetime.date,
) -> SubstituteAvailability:
    """A period the substitute can work (half-open, ``valid_to`` excluded)."""
    sub = _substitute(substitute)
    _require_pool(actor, sub.county_id)
    _check_period(valid_from, valid_to)
    row = SubstituteAvailability.objects.create(
        substitute=sub, valid_from=valid_from, valid_to=valid_to
    )
    audit.record(
        actor,
        "workforce.pool_availability_added",
        row,
        substitute=sub.pk,
        valid_from=valid_from.isoformat(),
        valid_to=valid_to.isoformat(),
    )
    return row


@transaction.atomic
def create_request(
    actor: Any,
    agreement: Agreement | int,
    *,
    reason: str,
    valid_from: datetime.date,
    valid_to: datetime.date,
    absence: Absence | int | None = None,
    needs: str = "",
) -> SubstituteRequest:
    """The municipality asks the pool for a substitute on one of its lists: for a vacant
    list (no regular GP on the first day) or for a GP's absence on that list."""
    pk = agreement.pk if isinstance(agreement, Agreement) else agreement
    target = Agreement.objects.filter(pk=pk).first()
    if target is None:
        refuse(PoolCode.UNKNOWN_REQUEST)
    if not access.scope_of(actor).everything and (
        target.municipality_id not in access.scope_of(actor).municipalities
    ):
        refuse(PoolCode.NOT_AUTHORISED)
    _check_period(valid_from, valid_to)
    absence_row = None
    if reason == SubstituteRequest.Reason.ABSENCE:
        absence_pk = absence.pk if isinstance(absence, Absence) else absence
        if absence_pk is None:
            refuse(PoolCode.ABSENCE_NOT_ON_LIST)
        absence_row = Absence.objects.filter(pk=absence_pk, agreement_id=target.pk).first()
        if absence_row is None:
            refuse(PoolCode.ABSENCE_NOT_ON_LIST)
    elif reason == SubstituteRequest.Reason.VACANT:
        if access.regular_gp_on(target.pk, valid_from) is not None:
            refuse(PoolCode.LIST_HAS_GP)
    else:
        refuse(PoolCode.INVALID_PERIOD)
    request = SubstituteRequest.objects.create(
        municipality_id=target.municipality_id,
        agreement=target,
        reason=reason,
        absence=absence_row,
        valid_from=valid_from,
        valid_to=valid_to,
        needs=needs,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor,
        "workforce.pool_request_created",
        request,
        agreement=target.pk,
        reason=reason,
        valid_from=valid_from.isoformat(),
        valid_to=valid_to.isoformat(),
    )
    return request


def overlapping_booking(
    substitute_id: int, valid_from: datetime.date, valid_to: datetime.date
) -> SubstituteBooking | None:
    """A booking of the substitute sharing a day with ``[valid_from, valid_to)``."""
    return (
        SubstituteBooking.objects.filter(
            substitute_id=substitute_id, valid_from__lt=valid_to, valid_to__gt=valid_from
        )
        .order_by("valid_from")
        .first()
    )


def _refuse_double(existing: SubstituteBooking | None) -> None:
    if existing is not None:
        refuse(
            PoolCode.DOUBLE_BOOKING,
            valid_from=existing.valid_from.strftime("%d.%m.%Y"),
            valid_to=(existing.valid_to - datetime.timedelta(days=1)).strftime("%d.%m.%Y"),
        )


@transaction.atomic
def accept_match(
    actor: Any,
    request: SubstituteRequest | int,
    substitute: PoolSubstitute | int,
    *,
    cost: Decimal | None = None,
) -> SubstituteBooking:
    """Book a pool substitute for a request: the substitute period (LPVI) is registered on
    the list by the registry's ``register_substitute`` (its own rules and audit row), the
    booking is saved and the request marked booked, all in this one transaction.

    Refused, with nothing saved: a closed request, a substitute not willing to work in
    the municipality or not available for the whole period, and a substitute already
    booked on any of its days (``pool_double_booking``).
    """
    req_pk = request.pk if isinstance(request, SubstituteRequest) else request
    req = SubstituteRequest.objects.select_for_update().filter(pk=req_pk).first()
    if req is None:
        refuse(PoolCode.UNKNOWN_REQUEST)
    if not (
        access.scope_of(actor).everything
        or req.municipality_id in access.scope_of(actor).municipalities
    ):
        refuse(PoolCode.NOT_AUTHORISED)
    if req.status != SubstituteRequest.Status.OPEN:
        refuse(PoolCode.REQUEST_NOT_OPEN)
    if cost is not None and cost < 0:
        refuse(PoolCode.NEGATIVE_COST)
    # The lock on the substitute's row serialises bookings of one substitute.
    sub = _substitute(substitute, lock=True)
    willing = set(sub.municipalities.values_list("number", flat=True))
    if not sub.active or (willing and req.municipality_id not in willing):
        refuse(PoolCode.NOT_WILLING)
    period = (req.valid_from, req.valid_to)
    available = [(a, b) for a, b in sub.availabilities.values_list("valid_from", "valid_to")]
    if pool.free_days(period, pool.merge(available)) < (period[1] - period[0]).days:
        refuse(PoolCode.NOT_AVAILABLE)
    _refuse_double(overlapping_booking(sub.pk, req.valid_from, req.valid_to))
    doctor_period = register_substitute(
        actor, req.agreement_id, sub.doctor_id, valid_from=req.valid_from, valid_to=req.valid_to
    )
    try:
        with transaction.atomic():
            booking = SubstituteBooking.objects.create(
                request=req,
                substitute=sub,
                valid_from=req.valid_from,
                valid_to=req.valid_to,
                doctor_period=doctor_period,
                cost=cost,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        # PostgreSQL's exclusion constraint: a booking committed since our check.
        _refuse_double(overlapping_booking(sub.pk, req.valid_from, req.valid_to))
        raise
    if req.absence_id is not None:
        Absence.objects.filter(pk=req.absence_id, substitute_period__isnull=True).update(
            substitute_period=doctor_period
        )
    req.status = SubstituteRequest.Status.BOOKED
    req.save(update_fields=["status"])
    audit.record(
        actor,
        "workforce.pool_substitute_booked",
        booking,
        request=req.pk,
        substitute=sub.pk,
        doctor_period=doctor_period.pk,
        valid_from=req.valid_from.isoformat(),
        valid_to=req.valid_to.isoformat(),
        cost=str(cost) if cost is not None else None,
    )
    return booking
