"""Reads of the regional substitute pool: the pool, the requests, the ranked candidates
(``fastlege.workforce.pool``) and the locum dependency indicator.

Scope: a municipality's officers see their own requests and the candidates for them
(the pool of their county); the county governor sees the county's pool and every
request in it; national staff see everything. The area checks are the web's
(``municipality_for_viewer``, ``county_for_viewer``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from fastlege.reference.models import County, Municipality, MunicipalityBorder
from fastlege.registry.models import Agreement, DoctorPeriod
from fastlege.registry.periods import overlaps
from fastlege.workforce import pool
from fastlege.workforce.models import (
    PoolSubstitute,
    SubstituteAvailability,
    SubstituteBooking,
    SubstituteRequest,
)

#: Candidates shown per request.
CANDIDATES_SHOWN = 5


def pool_substitutes(county_id: str) -> list[pool.Substitute]:
    """The county's active pool substitutes as matching needs them (four queries)."""
    ids_home = dict(
        PoolSubstitute.objects.filter(county_id=county_id, active=True).values_list(
            "pk", "home_municipality_id"
        )
    )
    willing: dict[int, set[str]] = defaultdict(set)
    through = PoolSubstitute.municipalities.through
    for sub_id, number in through.objects.filter(poolsubstitute__county_id=county_id).values_list(
        "poolsubstitute_id", "municipality_id"
    ):
        willing[sub_id].add(number)
    available: dict[int, list[pool.Period]] = defaultdict(list)
    for sub_id, start, end in SubstituteAvailability.objects.filter(
        substitute__county_id=county_id
    ).values_list("substitute_id", "valid_from", "valid_to"):
        available[sub_id].append((start, end))
    booked: dict[int, list[pool.Period]] = defaultdict(list)
    for sub_id, start, end in SubstituteBooking.objects.filter(
        substitute__county_id=county_id
    ).values_list("substitute_id", "valid_from", "valid_to"):
        booked[sub_id].append((start, end))
    return [
        pool.Substitute(
            id=pk,
            home=home,
            willing=frozenset(willing.get(pk, ())),
            free=tuple(pool.free_periods(available.get(pk, []), booked.get(pk, []))),
        )
        for pk, home in sorted(ids_home.items())
    ]


def map_data() -> tuple[dict[str, set[str]], dict[str, str]]:
    """Neighbours of every municipality (the map) and the county of each."""
    borders: dict[str, set[str]] = defaultdict(set)
    for a, b in MunicipalityBorder.objects.values_list("municipality_id", "neighbour_id"):
        borders[a].add(b)
    county_of = dict(Municipality.objects.values_list("number", "county_id"))
    return borders, county_of


def match_requests(
    requests: list[SubstituteRequest], county_id: str, limit: int | None = CANDIDATES_SHOWN
) -> dict[int, list[pool.Candidate]]:
    """The ranked candidates from the county's pool for each request."""
    substitutes = pool_substitutes(county_id)
    borders, county_of = map_data()
    return {
        r.pk: pool.rank(
            (r.valid_from, r.valid_to), r.municipality_id, substitutes, borders, county_of, limit
        )
        for r in requests
    }


def open_requests(
    *, county: County | None = None, municipality: Municipality | None = None
) -> list[SubstituteRequest]:
    rows = SubstituteRequest.objects.filter(status=SubstituteRequest.Status.OPEN)
    if municipality is not None:
        rows = rows.filter(municipality=municipality)
    elif county is not None:
        rows = rows.filter(municipality__county=county)
    return list(rows.select_related("municipality", "agreement").order_by("valid_from", "pk"))


def county_matching(county: County) -> dict[int, list[pool.Candidate]]:
    """Matching the whole county: every open request against the county's pool."""
    return match_requests(open_requests(county=county), county.number)


def substitutes_by_id(ids: set[int]) -> dict[int, PoolSubstitute]:
    return {
        s.pk: s
        for s in PoolSubstitute.objects.filter(pk__in=ids).select_related(
            "doctor", "home_municipality"
        )
    }


def county_pool(county: County) -> QuerySet[PoolSubstitute]:
    """The county's pool by name (the page shows it a page at a time)."""
    return (
        PoolSubstitute.objects.filter(county=county)
        .select_related("doctor", "home_municipality")
        .prefetch_related("municipalities", "availabilities")
        .order_by("doctor__last_name", "doctor__first_name", "pk")
    )


def bookings(
    *, county: County | None = None, municipality: Municipality | None = None
) -> list[SubstituteBooking]:
    rows = SubstituteBooking.objects.select_related(
        "request__municipality", "substitute__doctor"
    ).order_by("-valid_from")
    if municipality is not None:
        rows = rows.filter(request__municipality=municipality)
    elif county is not None:
        rows = rows.filter(request__municipality__county=county)
    return list(rows[:200])


# --- Locum dependency (vikaravhengighet) ----------------------------------------------


@dataclass(frozen=True)
class Dependency:
    """Days a list (or a municipality's lists together) was covered by substitute
    periods (``DoctorPeriod`` role LPVI) in ``[start, end)``, and what the pool's
    bookings cost in those days where a cost was entered."""

    key: str
    label: str
    lists: int
    days_covered: int
    days_in_period: int
    cost: Decimal | None

    @property
    def percent(self) -> float:
        """Covered days as a share of list-days, in percent (one decimal)."""
        total = self.days_in_period * self.lists
        return round(100 * self.days_covered / total, 1) if total else 0.0


def locum_dependency(
    municipality_ids: list[str], start: datetime.date, end: datetime.date
) -> tuple[list[Dependency], list[Dependency]]:
    """The indicator for ``[start, end)``: per list with substitute days, and per
    municipality (all its lists in the period counted as list-days).

    Days: the union of a list's substitute periods clipped to the period (two
    substitutes on the same day count once). Cost: each booking's cost spread evenly
    over its days, the days inside the period counted; bookings without a cost add
    nothing, and a list with no entered cost shows none.
    """
    days_total = (end - start).days
    periods: dict[int, list[pool.Period]] = defaultdict(list)
    list_muni: dict[int, str] = {}
    for agreement_id, muni, v_from, v_to in DoctorPeriod.objects.filter(
        overlaps(start, end),
        role=DoctorPeriod.Role.SUBSTITUTE,
        agreement__municipality_id__in=municipality_ids,
    ).values_list("agreement_id", "agreement__municipality_id", "valid_from", "valid_to"):
        periods[agreement_id].append((max(v_from, start), min(v_to or end, end)))
        list_muni[agreement_id] = muni
    cost: dict[int, Decimal] = {}
    for agreement_id, v_from, v_to, amount in SubstituteBooking.objects.filter(
        request__agreement__municipality_id__in=municipality_ids,
        cost__isnull=False,
        valid_from__lt=end,
        valid_to__gt=start,
    ).values_list("request__agreement_id", "valid_from", "valid_to", "cost"):
        inside = pool.overlap_days((start, end), (v_from, v_to))
        share = Decimal(amount or 0) * inside / (v_to - v_from).days
        cost[agreement_id] = cost.get(agreement_id, Decimal(0)) + share
    per_list = [
        Dependency(
            key=str(agreement_id),
            label=list_muni[agreement_id],
            lists=1,
            days_covered=pool.covered_days(ps),
            days_in_period=days_total,
            cost=cost[agreement_id].quantize(Decimal("1")) if agreement_id in cost else None,
        )
        for agreement_id, ps in sorted(periods.items())
    ]
    lists_in_force: dict[str, int] = defaultdict(int)
    for muni in Agreement.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=start),
        municipality_id__in=municipality_ids,
        valid_from__lt=end,
    ).values_list("municipality_id", flat=True):
        lists_in_force[muni] += 1
    names = dict(
        Municipality.objects.filter(number__in=municipality_ids).values_list("number", "name")
    )
    per_muni = []
    for number in sorted(municipality_ids):
        rows = [d for d in per_list if d.label == number]
        costs = [d.cost for d in rows if d.cost is not None]
        per_muni.append(
            Dependency(
                key=number,
                label=names.get(number, number),
                lists=lists_in_force.get(number, 0),
                days_covered=sum(d.days_covered for d in rows),
                days_in_period=days_total,
                cost=sum(costs, Decimal(0)) if costs else None,
            )
        )
    return per_list, per_muni
