"""Matching the regional substitute pool (vikarordning): pure arithmetic, no database.

Periods are half-open, ``[start, end)``, like every period in the registry; a day is a
date. A candidate for a request is a pool substitute who is free (available and not
booked) on at least one day of the request and willing to work in its municipality.

Ranking (docs/workforce.md, «Vikarpoolen»), in this order of weight:

1. the share of the request's days the substitute is free, highest first
   (:func:`overlap_share`);
2. the distance from the substitute's home municipality to the requesting one
   (:func:`distance`): :data:`SAME_MUNICIPALITY` 0, :data:`BORDERING` 1 (shares a border
   on the map, ``reference.MunicipalityBorder``), :data:`SAME_COUNTY` 2, :data:`FARTHER` 3;
3. the substitute's id, so the order is stable.

The share is compared exactly (a fraction), so distance only decides between
candidates who cover the same share of the request.
"""

from __future__ import annotations

import datetime
import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import NamedTuple

Period = tuple[datetime.date, datetime.date]

SAME_MUNICIPALITY = 0
BORDERING = 1
SAME_COUNTY = 2
FARTHER = 3


def overlap_days(a: Period, b: Period) -> int:
    """Days the half-open periods ``a`` and ``b`` share (0 if none)."""
    start = max(a[0], b[0])
    end = min(a[1], b[1])
    return max(0, (end - start).days)


def merge(periods: Iterable[Period]) -> list[Period]:
    """The union of periods as sorted, disjoint periods (touching ones joined)."""
    merged: list[Period] = []
    for start, end in sorted(p for p in periods if p[1] > p[0]):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def covered_days(periods: Iterable[Period]) -> int:
    """Days in the union of the periods (a day covered twice counts once)."""
    return sum((end - start).days for start, end in merge(periods))


def subtract(periods: Iterable[Period], taken: Iterable[Period]) -> list[Period]:
    """The days of ``periods`` not in ``taken``, as sorted, disjoint periods."""
    free = merge(periods)
    for t_start, t_end in merge(taken):
        rest: list[Period] = []
        for start, end in free:
            if t_end <= start or t_start >= end:
                rest.append((start, end))
                continue
            if start < t_start:
                rest.append((start, t_start))
            if t_end < end:
                rest.append((t_end, end))
        free = rest
    return free


def free_periods(available: Iterable[Period], booked: Iterable[Period]) -> list[Period]:
    """When a substitute can still be booked: available and not already booked."""
    return subtract(available, booked)


def free_days(request: Period, free: Sequence[Period]) -> int:
    """Days of ``request`` on which the substitute is free (``free`` disjoint)."""
    return sum(overlap_days(request, p) for p in free)


def overlap_share(request: Period, free: Sequence[Period]) -> Fraction:
    """The share of the request's days the substitute is free (0 to 1)."""
    total = (request[1] - request[0]).days
    return Fraction(free_days(request, free), total) if total > 0 else Fraction(0)


def distance(
    home: str,
    target: str,
    borders: Mapping[str, frozenset[str]] | Mapping[str, set[str]],
    county_of: Mapping[str, str],
) -> int:
    """Distance class from municipality ``home`` to ``target`` (numbers)."""
    if home == target:
        return SAME_MUNICIPALITY
    if target in borders.get(home, ()):
        return BORDERING
    if county_of.get(home) is not None and county_of.get(home) == county_of.get(target):
        return SAME_COUNTY
    return FARTHER


@dataclass(frozen=True)
class Substitute:
    """What matching needs of a pool substitute."""

    id: int
    home: str
    #: municipalities they will work in; empty: any municipality
    willing: frozenset[str]
    #: free periods (``free_periods``), sorted and disjoint
    free: tuple[Period, ...]
    #: the same as day numbers (``date.toordinal``), for speed
    free_ordinal: tuple[tuple[int, int], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ordinal = tuple((a.toordinal(), b.toordinal()) for a, b in self.free)
        object.__setattr__(self, "free_ordinal", ordinal)


class Candidate(NamedTuple):
    """A substitute's fit for one request (a tuple: cheap to make by the thousand)."""

    substitute_id: int
    free_days: int
    #: the request's length in days
    request_days: int
    distance: int

    @property
    def share(self) -> Fraction:
        """The share of the request's days the substitute is free."""
        return Fraction(self.free_days, self.request_days)

    @property
    def percent(self) -> int:
        """The share as a whole percentage, for pages."""
        return self.free_days * 100 // self.request_days


def sort_key(candidate: Candidate) -> tuple[Fraction, int, int]:
    """Ranking: share first (highest), then distance (nearest), then id."""
    return (-candidate.share, candidate.distance, candidate.substitute_id)


def rank(
    request: Period,
    municipality: str,
    substitutes: Iterable[Substitute],
    borders: Mapping[str, frozenset[str]] | Mapping[str, set[str]],
    county_of: Mapping[str, str],
    limit: int | None = None,
) -> list[Candidate]:
    """The candidates for a request in ``municipality``, best first (:func:`sort_key`).

    Within one request every share has the same denominator, so the candidates are
    sorted by free days, which orders them exactly as :func:`sort_key` does."""
    start, end = request[0].toordinal(), request[1].toordinal()
    total = end - start
    if total <= 0:
        return []
    found: list[Candidate] = []
    for sub in substitutes:
        if sub.willing and municipality not in sub.willing:
            continue
        days = 0
        for a, b in sub.free_ordinal:
            if a < end and b > start:
                days += (b if b < end else end) - (a if a > start else start)
        if days == 0:
            continue
        found.append(
            Candidate(sub.id, days, total, distance(sub.home, municipality, borders, county_of))
        )
    key = _fast_key
    if limit is None:
        return sorted(found, key=key)
    return heapq.nsmallest(limit, found, key=key)


def _fast_key(candidate: Candidate) -> tuple[int, int, int]:
    return (-candidate.free_days, candidate.distance, candidate.substitute_id)
