"""Reads of the API. The public resources (areas, practices, GPs, lists) hold what the
public GP search shows; the numbers on a list (length, free places, waiting) are
computed by the registry's one definition (``registry.capacity`` through
``web.selectors.with_free``), never here."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from fastlege.reference.models import County, Municipality
from fastlege.registry import capacity
from fastlege.registry.models import Agreement, Doctor, DoctorPeriod, Practice
from fastlege.registry.periods import in_force_on
from fastlege.registry.selectors import waiting_on_list
from fastlege.registry.services.access import scope_of
from fastlege.stats.indicators import SUPPRESSION_THRESHOLD
from fastlege.web.models import ListLength
from fastlege.web.selectors import annotate_gp, with_free


def counties() -> QuerySet[County]:
    return County.objects.all()


def municipalities(*, county: str | None = None) -> QuerySet[Municipality]:
    qs = Municipality.objects.select_related("county")
    return qs.filter(county_id=county) if county else qs


def practices(*, municipality: str | None = None, county: str | None = None) -> QuerySet[Practice]:
    qs = Practice.objects.select_related("municipality", "postal_code")
    if municipality:
        qs = qs.filter(municipality_id=municipality)
    if county:
        qs = qs.filter(municipality__county_id=county)
    return qs


def doctors(
    day: datetime.date, *, municipality: str | None = None, county: str | None = None
) -> QuerySet[Doctor]:
    """Doctors with a GP period (regular or substitute) in force on ``day``."""
    periods = DoctorPeriod.objects.filter(in_force_on(day))
    if municipality:
        periods = periods.filter(agreement__municipality_id=municipality)
    if county:
        periods = periods.filter(agreement__municipality__county_id=county)
    return Doctor.objects.filter(pk__in=periods.values("doctor_id"))


def agreements(
    day: datetime.date,
    *,
    municipality: str | None = None,
    county: str | None = None,
    practice: int | None = None,
    gp: str | None = None,
) -> QuerySet[Agreement]:
    """Lists in force on ``day``, annotated with what the rows need: ``members`` (the
    list-length table), ``incoming`` (promised moves), ``waiting``, the GP and the
    substitute now. ``with_free`` adds the free places to a page of them."""
    zero = Value(0, output_field=IntegerField())
    members = ListLength.objects.filter(agreement_id=OuterRef("pk")).values("members")
    qs = Agreement.objects.filter(in_force_on(day)).select_related("practice", "municipality")
    if municipality:
        qs = qs.filter(municipality_id=municipality)
    if county:
        qs = qs.filter(municipality__county_id=county)
    if practice:
        qs = qs.filter(practice_id=practice)
    if gp:
        serving = DoctorPeriod.objects.filter(in_force_on(day), doctor__hpr_number=gp)
        qs = qs.filter(pk__in=serving.values("agreement_id"))
    qs = qs.annotate(
        members=Coalesce(Subquery(members, output_field=IntegerField()), zero),
        incoming=capacity.occupancy_annotations()["incoming"],
        waiting=waiting_on_list(),
    )
    return annotate_gp(qs, day)


def agreement_rows(rows: list[Agreement], actor: Any) -> list[Agreement]:
    """Free places by the registry's definition; the waiting count hidden below the
    statistics' threshold unless the caller's area covers the list."""
    with_free(rows)
    scope = scope_of(actor)
    for a in rows:
        exact = scope.everything or a.municipality_id in scope.municipalities
        exact = exact or a.municipality.county_id in scope.counties
        waiting: int = a.waiting  # type: ignore[attr-defined]
        shown = waiting if exact or not 0 < waiting < SUPPRESSION_THRESHOLD else None
        a.waiting_shown = shown  # type: ignore[attr-defined]
    return rows
