"""The outbidding rule (*overbudssignal*) and the yearly value of a municipality's offer.

Nothing here comes from the GP regulation. The sources ask the municipalities of
Trøndelag "not to outcompete each other" and to "inform each other about planned
measures" (source 001, Trondheim's chief municipal medical officer, 2019); the
county governor notes that "the municipalities outbid each other to attract
doctors" (source 000, 2021). The numbers below are the project's documented
choices, versioned by effective date like the other apps' rule parameters, and
described in ``docs/measures.md``.

The rule
--------
A measure *signals outbidding* when all of these hold:

1. its type's category is one of :data:`MONEY_CATEGORIES` and its unit one of
   :data:`MONEY_UNITS` (money to the GP, in kroner);
2. its status is one of :data:`OFFER_STATUSES` (planned, decided or active);
3. its value is **strictly greater** than ``reference × (1 + margin)``, where
   ``margin`` is ``outbidding_margin`` and ``reference`` is either
   (a) the highest value among the *neighbouring* municipalities' offers of the
   same type, unit and basis (neighbours share a border on the map), or
   (b) the median of the offers of the same type, unit and basis of the *other*
   municipalities of the county.

An offer is another municipality's measure that itself satisfies 1 and 2. When
no other municipality offers the type, there is nothing to outbid and no signal.
A value exactly at the margin does not signal.
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

MONEY_CATEGORIES: frozenset[str] = frozenset({"penger"})
"""Categories of measure types whose value is money to the GP (``Category.MONEY``)."""

MONEY_UNITS: frozenset[str] = frozenset({"kr_per_ar", "kr_engang"})
"""Units in kroner; other units (hours, places, posts) are not compared."""

OFFER_STATUSES: frozenset[str] = frozenset({"planlagt", "vedtatt", "aktiv"})
"""Statuses that count as an offer: planned, decided, active (not considered, not ended)."""


@dataclass(frozen=True)
class Parameter:
    name: str
    value: Any
    effective_from: datetime.date
    basis: str
    note: str = ""


_START = datetime.date(2019, 1, 1)

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "outbidding_margin",
        Decimal("0.20"),
        _START,
        "prosjektets valg (kilde 001: «ikke utkonkurrere hverandre»)",
        note=(
            "Et pengetiltak varsles når verdien er mer enn 20 % over nabokommunenes høyeste "
            "eller fylkets median for samme tiltakstype."
        ),
    ),
)


def param(name: str, on: datetime.date | None = None) -> Any:
    """The value of ``name`` in force on ``on`` (default today)."""
    day = on or datetime.date.today()
    rows = [p for p in PARAMETERS if p.name == name and p.effective_from <= day]
    if not rows:
        raise KeyError(f"no rule parameter {name!r} in force on {day}")
    return max(rows, key=lambda p: p.effective_from).value


def is_money(category: str, unit: str) -> bool:
    return category in MONEY_CATEGORIES and unit in MONEY_UNITS


def is_offer(category: str, unit: str, status: str, value: Decimal | None) -> bool:
    """Does a measure count in the comparison (money, offered, with a value)?"""
    return is_money(category, unit) and status in OFFER_STATUSES and value is not None


@dataclass(frozen=True)
class Outbidding:
    """Why a value signals: against the neighbours' highest and/or the county's median."""

    value: Decimal
    margin: Decimal
    neighbour_max: Decimal | None
    county_median: Decimal | None
    over_neighbours: bool
    over_county: bool

    @property
    def fires(self) -> bool:
        return self.over_neighbours or self.over_county


def _over(value: Decimal, reference: Decimal | None, margin: Decimal) -> bool:
    return reference is not None and value > reference * (1 + margin)


def outbidding(
    value: Decimal,
    neighbour_values: Iterable[Decimal],
    county_values: Sequence[Decimal],
    margin: Decimal,
) -> Outbidding:
    """Compare one offer with the neighbours' offers and the other county municipalities'.

    ``neighbour_values``: the neighbours' offers of the same type, unit and basis;
    ``county_values``: the offers of the other municipalities of the county (one
    value per municipality: its highest).
    """
    neighbours = list(neighbour_values)
    neighbour_max = max(neighbours) if neighbours else None
    county_median = Decimal(statistics.median(county_values)) if county_values else None
    return Outbidding(
        value,
        margin,
        neighbour_max,
        county_median,
        _over(value, neighbour_max, margin),
        _over(value, county_median, margin),
    )


def yearly_value_per_gp(
    per_gp_yearly: Iterable[Decimal], total_yearly: Iterable[Decimal], gps: int | None
) -> Decimal | None:
    """The yearly money a municipality offers per GP: the sum of its per-GP yearly
    amounts plus its whole-municipality yearly amounts divided by its number of GPs.

    ``None`` when there are whole-municipality amounts and no GPs to divide by.
    """
    per_gp = sum(per_gp_yearly, Decimal(0))
    totals = sum(total_yearly, Decimal(0))
    if totals:
        if not gps:
            return None
        return per_gp + totals / gps
    return per_gp
