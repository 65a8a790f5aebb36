"""Proposing measure types and approving them into the shared catalogue."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from fastlege.core import audit
from fastlege.measures.models import Category, MeasureType, ValueUnit
from fastlege.reference.models import Municipality

from .access import may_decide_types, require_edit
from .errors import Code, refuse


def _unique_code(name: str) -> str:
    base = slugify(name.replace("æ", "ae").replace("ø", "o").replace("å", "a"))[:50] or "tiltak"
    code, n = base, 2
    while MeasureType.objects.filter(code=code).exists():
        code, n = f"{base}-{n}", n + 1
    return code


@transaction.atomic
def propose_type(
    actor: Any,
    municipality_id: str,
    *,
    name: str,
    category: str,
    unit: str,
    description: str = "",
) -> MeasureType:
    """A municipality proposes a new measure type; the county governor decides it."""
    if not Municipality.objects.filter(number=municipality_id).exists():
        refuse(Code.UNKNOWN_MUNICIPALITY)
    require_edit(actor, municipality_id)
    name = " ".join(name.split())
    if not name:
        refuse(Code.NAME_REQUIRED)
    if category not in Category.values:
        refuse(Code.BAD_CHOICE, field="category")
    if unit not in ValueUnit.values:
        refuse(Code.BAD_CHOICE, field="unit")
    if MeasureType.objects.filter(name__iexact=name).exists():
        refuse(Code.TYPE_NAME_TAKEN)
    mtype = MeasureType.objects.create(
        code=_unique_code(name),
        name=name[:200],
        category=category,
        unit=unit,
        description=description.strip(),
        source=f"Foreslått av kommune {municipality_id}",
        status=MeasureType.Status.PROPOSED,
        proposed_by_municipality_id=municipality_id,
        proposed_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(actor, "measures.type.propose", mtype, municipality=municipality_id)
    return mtype


@transaction.atomic
def decide_type(actor: Any, type_id: int, *, approve: bool) -> MeasureType:
    """The county governor approves a proposal into the catalogue, or rejects it."""
    mtype = (
        MeasureType.objects.select_for_update(of=("self",))
        .select_related("proposed_by_municipality")
        .filter(pk=type_id)
        .first()
    )
    if mtype is None:
        refuse(Code.UNKNOWN_MEASURE_TYPE)
    county = mtype.proposed_by_municipality.county_id if mtype.proposed_by_municipality else None
    if not may_decide_types(actor, county):
        refuse(Code.NOT_AUTHORISED)
    if mtype.status != MeasureType.Status.PROPOSED:
        refuse(Code.TYPE_ALREADY_DECIDED)
    mtype.status = MeasureType.Status.APPROVED if approve else MeasureType.Status.REJECTED
    mtype.decided_by = actor if getattr(actor, "pk", None) else None
    mtype.decided_at = timezone.now()
    mtype.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(actor, "measures.type.decide", mtype, status=mtype.status)
    return mtype
