"""The GPs' lists of demands to their municipality, and the municipality's answers."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from fastlege.core import audit
from fastlege.measures.models import Demand, DemandList, Measure, MeasureType
from fastlege.reference.models import Municipality

from .access import require_edit
from .errors import Code, refuse


@transaction.atomic
def create_demand_list(
    actor: Any,
    municipality_id: str,
    *,
    title: str,
    submitted_by: str,
    demands: Sequence[tuple[str, int | None]],
    received_on: datetime.date | None = None,
    document_reference: str = "",
) -> DemandList:
    """Record a GP group's list of demands: (text, measure type id or None) per demand."""
    if not Municipality.objects.filter(number=municipality_id).exists():
        refuse(Code.UNKNOWN_MUNICIPALITY)
    require_edit(actor, municipality_id)
    items = [(" ".join(text.split()), type_id) for text, type_id in demands if text.strip()]
    if not items:
        refuse(Code.DEMANDS_EMPTY)
    if not title.strip() or not submitted_by.strip():
        refuse(Code.NAME_REQUIRED)
    type_ids = {t for _text, t in items if t is not None}
    if len(set(MeasureType.objects.filter(pk__in=type_ids).values_list("pk", flat=True))) != len(
        type_ids
    ):
        refuse(Code.UNKNOWN_MEASURE_TYPE)
    demand_list = DemandList.objects.create(
        municipality_id=municipality_id,
        title=title.strip()[:200],
        submitted_by=submitted_by.strip()[:200],
        received_on=received_on,
        document_reference=document_reference.strip()[:300],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    Demand.objects.bulk_create(
        Demand(demand_list=demand_list, position=i, text=text, measure_type_id=type_id)
        for i, (text, type_id) in enumerate(items, start=1)
    )
    audit.record(actor, "measures.demands.create", demand_list, demands=len(items))
    return demand_list


@transaction.atomic
def answer_demand(
    actor: Any,
    demand_id: int,
    *,
    status: str,
    answer: str = "",
    measure_type_id: int | None = None,
    measure_id: int | None = None,
) -> Demand:
    """The municipality's answer to one demand: its status, text and the measure that meets it."""
    demand = (
        Demand.objects.select_for_update()
        .select_related("demand_list")
        .filter(pk=demand_id)
        .first()
    )
    if demand is None:
        refuse(Code.UNKNOWN_DEMAND)
    municipality_id = demand.demand_list.municipality_id
    require_edit(actor, municipality_id)
    if status not in Demand.Status.values:
        refuse(Code.BAD_STATUS)
    if measure_type_id is not None and not MeasureType.objects.filter(pk=measure_type_id).exists():
        refuse(Code.UNKNOWN_MEASURE_TYPE)
    if measure_id is not None:
        m = Measure.objects.filter(pk=measure_id).values_list("municipality_id", flat=True).first()
        if m is None:
            refuse(Code.UNKNOWN_MEASURE)
        if m != municipality_id:
            refuse(Code.MEASURE_OTHER_MUNICIPALITY)
    before = demand.status
    demand.status = status
    demand.answer = answer.strip()
    demand.measure_type_id = measure_type_id
    demand.measure_id = measure_id
    demand.save(update_fields=["status", "answer", "measure_type", "measure"])
    audit.record(actor, "measures.demand.answer", demand, before=before, after=status)
    return demand
