"""Reading ALIS agreements and the ALIS indicators, scoped to the viewer.

Who sees what: a municipality's officers their own municipality's agreements, the
county governor the county's, national staff (and the system) all
(:func:`visible_q`). Pages first check the area with
``fastlege.web.selectors.municipality_for_viewer`` / ``county_for_viewer``.

The indicators use the rules of :mod:`fastlege.workforce.alis`, once each:

* competence shares: the regular GPs (LPFL) in force on the day per municipality
  (a doctor with two lists in a municipality counts once, as ``selectors.gp_ages``),
  each judged by ``alis.competence_status`` from the registry's doctor and all of
  the doctor's ALIS agreements (in any municipality);
* completions per year and the share staying: the municipality's agreements.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from fastlege.reference.models import County, Municipality
from fastlege.registry.models import DoctorPeriod
from fastlege.registry.periods import in_force_on
from fastlege.registry.services.access import scope_of
from fastlege.workforce import alis
from fastlege.workforce.models import AlisAgreement


def visible_q(actor: Any) -> Q:
    """The ALIS agreements ``actor`` may read (nothing for citizens and GPs)."""
    scope = scope_of(actor)
    if scope.everything:
        return Q()
    q = Q(pk__in=[])
    if scope.municipalities:
        q |= Q(municipality_id__in=scope.municipalities)
    if scope.counties:
        q |= Q(municipality__county_id__in=scope.counties)
    return q


def visible_agreements(actor: Any) -> QuerySet[AlisAgreement]:
    return AlisAgreement.objects.filter(visible_q(actor))


def agreements_of(actor: Any, municipality_id: str) -> list[AlisAgreement]:
    """The municipality's agreements the viewer may read, newest start first."""
    return list(
        visible_agreements(actor)
        .filter(municipality_id=municipality_id)
        .select_related("doctor", "supervisor", "agreement")
        .order_by("-start", "pk")
    )


def dates_of(a: AlisAgreement) -> alis.AlisDates:
    return alis.AlisDates(a.start, a.planned_completion, a.completed_on)


def status_of(a: AlisAgreement, on: datetime.date) -> alis.Status:
    return alis.agreement_status(dates_of(a), on)


def competence_statuses(
    municipalities: Sequence[str], on: datetime.date
) -> dict[str, list[alis.Competence]]:
    """Per municipality, the competence status of each regular GP in force on ``on``."""
    rows = (
        DoctorPeriod.objects.filter(
            in_force_on(on),
            role=DoctorPeriod.Role.REGULAR,
            agreement__municipality_id__in=municipalities,
        )
        .values_list(
            "agreement__municipality_id",
            "doctor_id",
            "doctor__specialty",
            "doctor__alis_from",
            "doctor__alis_to",
        )
        .order_by()
    )
    gps: dict[tuple[str, int], tuple[str, Any, Any]] = {}
    for muni, doctor, specialty, alis_from, alis_to in rows:
        gps.setdefault((muni, doctor), (specialty, alis_from, alis_to))
    doctors = {d for _m, d in gps}
    agreements: dict[int, list[alis.AlisDates]] = defaultdict(list)
    for doctor, start, planned, completed in AlisAgreement.objects.filter(
        doctor_id__in=doctors
    ).values_list("doctor_id", "start", "planned_completion", "completed_on"):
        agreements[doctor].append(alis.AlisDates(start, planned, completed))
    out: dict[str, list[alis.Competence]] = {m: [] for m in municipalities}
    for (muni, doctor), (specialty, alis_from, alis_to) in gps.items():
        out[muni].append(
            alis.competence_status(
                on,
                specialty=specialty,
                agreements=agreements.get(doctor, ()),
                registry_alis_from=alis_from,
                registry_alis_to=alis_to,
            )
        )
    return out


@dataclass
class AlisIndicators:
    """The ALIS indicators of one municipality or of a sum of municipalities."""

    name: str
    code: str
    competence: alis.CompetenceShares
    completions: dict[int, int] = field(default_factory=dict)
    stays: alis.StayShare = field(default_factory=lambda: alis.StayShare(0, 0, 0))
    in_progress: int = 0
    grant_applied: int = 0
    grant_received: int = 0


@dataclass
class AlisIndicatorTable:
    on: datetime.date
    rows: list[AlisIndicators]
    total: AlisIndicators
    years: list[int]


def indicators(
    municipalities: Sequence[tuple[str, str]],
    on: datetime.date,
    total_name: str,
    total_code: str = "",
) -> AlisIndicatorTable:
    """The indicators per municipality (``(number, name)`` pairs) and their sum."""
    return _grouped_indicators(
        [(number, name, [number]) for number, name in municipalities], on, total_name, total_code
    )


def indicators_by_county(on: datetime.date, total_name: str) -> AlisIndicatorTable:
    """The national page: the indicators per county (each the sum of its
    municipalities, counted as on the county's page) and for the whole country. The
    caller checks that the viewer is national staff."""
    groups: dict[str, list[str]] = defaultdict(list)
    for number, county_id in Municipality.objects.order_by("number").values_list(
        "number", "county_id"
    ):
        groups[county_id].append(number)
    return _grouped_indicators(
        [
            (c.number, c.name, groups.get(c.number, []))
            for c in County.objects.order_by("number").only("number", "name")
        ],
        on,
        total_name,
    )


def _grouped_indicators(
    groups: Sequence[tuple[str, str, list[str]]],
    on: datetime.date,
    total_name: str,
    total_code: str = "",
) -> AlisIndicatorTable:
    """The indicators per group of municipalities (``(code, name, numbers)``) and the
    sum of all groups: one reading of the registry and the agreements, the same rules
    (``alis``) for each row and the total."""
    numbers = [n for _code, _name, members in groups for n in members]
    statuses = competence_statuses(numbers, on)
    per_muni: dict[str, list[AlisAgreement]] = defaultdict(list)
    for a in AlisAgreement.objects.filter(municipality_id__in=numbers).only(
        "municipality_id",
        "start",
        "planned_completion",
        "completed_on",
        "stays_after_completion",
        "grant_applied_amount",
        "grant_received_amount",
    ):
        per_muni[a.municipality_id].append(a)

    def build(name: str, code: str, members: list[str]) -> AlisIndicators:
        comp = [s for n in members for s in statuses.get(n, [])]
        agr = [a for n in members for a in per_muni.get(n, [])]
        completed = [a for a in agr if a.completed_on is not None and a.completed_on <= on]
        return AlisIndicators(
            name=name,
            code=code,
            competence=alis.competence_shares(comp),
            completions=alis.completions_per_year((a.completed_on for a in agr), on),
            stays=alis.stay_share(a.stays_after_completion for a in completed),
            in_progress=sum(1 for a in agr if alis.in_progress(dates_of(a), on)),
            grant_applied=int(sum(a.grant_applied_amount or 0 for a in agr)),
            grant_received=int(sum(a.grant_received_amount or 0 for a in agr)),
        )

    rows = [build(name, code, members) for code, name, members in groups]
    total = build(total_name, total_code, numbers)
    return AlisIndicatorTable(on=on, rows=rows, total=total, years=sorted(total.completions))
