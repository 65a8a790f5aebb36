"""Registering and changing a municipality's measures."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from fastlege.core import audit
from fastlege.measures.models import Measure, MeasureType, TargetGroup, ValueBasis, ValueUnit
from fastlege.reference.models import Municipality

from .access import require_edit
from .errors import Code, refuse


@dataclass
class MeasureData:
    measure_type_id: int
    status: str
    value: Decimal | None = None
    unit: str = ""
    value_basis: str = ValueBasis.PER_GP
    target_group: str = TargetGroup.ALL_GPS
    decision_body: str = ""
    decided_on: datetime.date | None = None
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    description: str = ""
    document_reference: str = ""


def _check(data: MeasureData, municipality_id: str) -> MeasureType:
    mtype = MeasureType.objects.filter(pk=data.measure_type_id).first()
    if mtype is None:
        refuse(Code.UNKNOWN_MEASURE_TYPE)
    if mtype.status != MeasureType.Status.APPROVED and not (
        mtype.status == MeasureType.Status.PROPOSED
        and mtype.proposed_by_municipality_id == municipality_id
    ):
        refuse(Code.TYPE_NOT_APPROVED)
    if data.status not in Measure.Status.values:
        refuse(Code.BAD_STATUS)
    if not data.unit:
        data.unit = mtype.unit
    for field, allowed in (
        ("unit", ValueUnit.values),
        ("value_basis", ValueBasis.values),
        ("target_group", TargetGroup.values),
    ):
        if getattr(data, field) not in allowed:
            refuse(Code.BAD_CHOICE, field=field)
    if data.value is not None:
        if data.value < 0:
            refuse(Code.NEGATIVE_VALUE)
        if data.unit == ValueUnit.NONE:
            refuse(Code.VALUE_WITHOUT_UNIT)
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        refuse(Code.ENDS_BEFORE_START)
    if data.status in (Measure.Status.DECIDED, Measure.Status.ACTIVE) and not (
        data.decision_body.strip() and data.decided_on
    ):
        refuse(Code.DECIDED_NEEDS_DATE)
    return mtype


def _fields(data: MeasureData) -> dict[str, Any]:
    out = asdict(data)
    for key in ("decision_body", "description", "document_reference"):
        out[key] = out[key].strip()
    return out


@transaction.atomic
def create_measure(actor: Any, municipality_id: str, data: MeasureData) -> Measure:
    """Register a measure; it is visible to the whole county at once."""
    if not Municipality.objects.filter(number=municipality_id).exists():
        refuse(Code.UNKNOWN_MUNICIPALITY)
    require_edit(actor, municipality_id)
    _check(data, municipality_id)
    measure = Measure.objects.create(
        municipality_id=municipality_id,
        created_by=actor if getattr(actor, "pk", None) else None,
        **_fields(data),
    )
    audit.record(
        actor,
        "measures.measure.create",
        measure,
        municipality=municipality_id,
        type=measure.measure_type_id,
        status=measure.status,
    )
    return measure


@transaction.atomic
def update_measure(actor: Any, measure_id: int, data: MeasureData) -> Measure:
    measure = Measure.objects.select_for_update().filter(pk=measure_id).first()
    if measure is None:
        refuse(Code.UNKNOWN_MEASURE)
    require_edit(actor, measure.municipality_id)
    _check(data, measure.municipality_id)
    before = {"status": measure.status, "value": str(measure.value)}
    for key, value in _fields(data).items():
        setattr(measure, key, value)
    measure.updated_at = timezone.now()
    measure.save()
    audit.record(
        actor,
        "measures.measure.update",
        measure,
        before=before,
        after={"status": measure.status, "value": str(measure.value)},
    )
    return measure
