"""Reads for /fhir/: the public GP data the API's public resources show
(``api.selectors``), never a resident's. The list figures come from the registry's one
definition of free places (``registry.capacity`` through ``web.selectors.with_free``).

Each search function returns a query ordered by primary key (the page key); the
``*_resources`` functions turn one page into FHIR resources in a fixed number of
queries, however long the page.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Q, QuerySet

from fastlege.api import selectors as public
from fastlege.fhir import resources
from fastlege.registry.models import Agreement, Doctor, DoctorPeriod, Practice
from fastlege.registry.periods import in_force_on
from fastlege.web.selectors import with_free

REGULAR = DoctorPeriod.Role.REGULAR
SUBSTITUTE = DoctorPeriod.Role.SUBSTITUTE


def words_match(fields: tuple[str, ...], value: str) -> Q:
    """FHIR string search: every word of ``value`` begins one of the words of one of
    ``fields`` (case-insensitive); "kari nord" finds Kari Nordmann."""
    condition = Q()
    for word in value.split():
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__istartswith": word})
            any_field |= Q(**{f"{field}__icontains": f" {word}"})
            any_field |= Q(**{f"{field}__icontains": f"-{word}"})
        condition &= any_field
    return condition


# --- Practitioner: doctors with a period (GP or substitute) on a list in force --------


def practitioners(
    day: datetime.date, *, name: str | None = None, municipality: str | None = None
) -> QuerySet[Doctor]:
    qs = public.doctors(day, municipality=municipality)
    if name:
        qs = qs.filter(words_match(("first_name", "last_name"), name))
    return qs.order_by("pk")


def practitioner_resources(rows: list[Doctor], day: datetime.date) -> list[dict[str, Any]]:
    return [resources.practitioner(d) for d in rows]


# --- Organization and Location: the practices ----------------------------------------


def practices(*, name: str | None = None, municipality: str | None = None) -> QuerySet[Practice]:
    qs = public.practices(municipality=municipality)
    if name:
        qs = qs.filter(words_match(("name",), name))
    return qs.order_by("pk")


def organization_resources(rows: list[Practice], day: datetime.date) -> list[dict[str, Any]]:
    return [resources.organization(p) for p in rows]


def location_resources(rows: list[Practice], day: datetime.date) -> list[dict[str, Any]]:
    return [resources.location(p) for p in rows]


# --- PractitionerRole: the lists in force, each as the role of its GP now -------------


def lists(
    day: datetime.date,
    *,
    municipality: str | None = None,
    practitioner: str | None = None,
    organization: str | None = None,
) -> QuerySet[Agreement]:
    """Lists in force on ``day``; ``practitioner``: the HPR number of the list's regular
    GP on ``day``; ``organization``: the practice's organisation number."""
    qs = public.agreements(day, municipality=municipality)
    if practitioner:
        gp = DoctorPeriod.objects.filter(
            in_force_on(day), role=REGULAR, doctor__hpr_number=practitioner
        )
        qs = qs.filter(pk__in=gp.values("agreement_id"))
    if organization:
        qs = qs.filter(practice__org_number=organization)
    return qs.order_by("pk")


def role_resources(rows: list[Agreement], day: datetime.date) -> list[dict[str, Any]]:
    """One query for the doctors of the whole page; free places by the one definition."""
    with_free(rows)
    regular: dict[int, DoctorPeriod] = {}
    substitutes: dict[int, list[DoctorPeriod]] = defaultdict(list)
    periods = (
        DoctorPeriod.objects.filter(in_force_on(day), agreement_id__in=[a.pk for a in rows])
        .select_related("doctor")
        .order_by("valid_from", "pk")
    )
    for period in periods:
        if period.role == REGULAR:
            regular[period.agreement_id] = period
        else:
            substitutes[period.agreement_id].append(period)
    return [resources.practitioner_role(a, regular.get(a.pk), substitutes[a.pk]) for a in rows]
