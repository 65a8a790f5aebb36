"""Reads of the measures app, scoped to the user.

Every page is a handful of queries, never one per municipality: the county's
measures, its borders and its statistics rows are each read once and combined
here (docs/measures.md, docs/performance.md).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q

from fastlege.measures import rules
from fastlege.measures.models import (
    Demand,
    DemandList,
    Measure,
    MeasureType,
    ValueBasis,
    ValueUnit,
)
from fastlege.measures.services.access import (
    may_decide_types,
    readable_counties,
    require_read_county,
)
from fastlege.measures.services.errors import Code, refuse
from fastlege.reference.models import County, Municipality, MunicipalityBorder
from fastlege.registry.services.access import scope_of
from fastlege.stats import selectors as stats
from fastlege.stats.areas import municipalities_on, size_group
from fastlege.stats.indicators import BY_CODE, Indicator, Unit
from fastlege.stats.models import AreaKind, AreaMonthCount
from fastlege.stats.rounding import half_up, published

#: Statuses counted in a municipality's yearly value (in force: decided or active).
IN_FORCE = (Measure.Status.DECIDED, Measure.Status.ACTIVE)

#: Shown on the region's picture and to the neighbours: everything but ended measures.
CURRENT = (
    Measure.Status.CONSIDERED,
    Measure.Status.PLANNED,
    Measure.Status.DECIDED,
    Measure.Status.ACTIVE,
)


# --- scope ---------------------------------------------------------------------------


def municipality_for_reader(actor: Any, number: str) -> Municipality:
    m = Municipality.objects.select_related("county").filter(number=number).first()
    if m is None:
        refuse(Code.UNKNOWN_MUNICIPALITY)
    require_read_county(actor, m.county_id)
    return m


def county_for_reader(actor: Any, number: str) -> County:
    c = County.objects.filter(number=number).first()
    if c is None:
        refuse(Code.UNKNOWN_MUNICIPALITY)
    require_read_county(actor, c.number)
    return c


def home_for(actor: Any) -> tuple[str, str] | None:
    """Where the measures start page sends a user: their municipality or county."""
    scope = scope_of(actor)
    if scope.municipalities:
        return "municipality", sorted(scope.municipalities)[0]
    if scope.counties:
        return "county", sorted(scope.counties)[0]
    if scope.everything:
        return "counties", ""
    return None


def counties_for(actor: Any) -> list[County]:
    counties = readable_counties(actor)
    qs = County.objects.order_by("number")
    if counties is not None:
        qs = qs.filter(number__in=counties)
    return list(qs)


def neighbours(number: str) -> list[str]:
    return list(
        MunicipalityBorder.objects.filter(municipality_id=number)
        .order_by("neighbour_id")
        .values_list("neighbour_id", flat=True)
    )


# --- outbidding ----------------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    measure_id: int
    municipality: str
    type_id: int
    unit: str
    basis: str
    value: Decimal


@dataclass
class Signal:
    measure: Measure
    result: rules.Outbidding


def _offers(county_id: str) -> list[Offer]:
    rows = Measure.objects.filter(
        municipality__county_id=county_id,
        status__in=rules.OFFER_STATUSES,
        measure_type__category__in=rules.MONEY_CATEGORIES,
        unit__in=rules.MONEY_UNITS,
        value__isnull=False,
    ).values_list("pk", "municipality_id", "measure_type_id", "unit", "value_basis", "value")
    return [
        Offer(pk, muni, type_id, unit, basis, value)
        for pk, muni, type_id, unit, basis, value in rows
        if value is not None
    ]


def _borders(county_id: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for a, b in MunicipalityBorder.objects.filter(municipality__county_id=county_id).values_list(
        "municipality_id", "neighbour_id"
    ):
        out[a].add(b)
    return out


def _compare(
    offer: Offer, offers: Iterable[Offer], borders: dict[str, set[str]], margin: Decimal
) -> rules.Outbidding:
    """One offer against the other municipalities' offers of the same type, unit, basis."""
    best: dict[str, Decimal] = {}
    for o in offers:
        if o.municipality == offer.municipality or o.measure_id == offer.measure_id:
            continue
        if (o.type_id, o.unit, o.basis) != (offer.type_id, offer.unit, offer.basis):
            continue
        best[o.municipality] = max(best.get(o.municipality, o.value), o.value)
    near = borders.get(offer.municipality, set())
    return rules.outbidding(
        offer.value,
        [v for m, v in best.items() if m in near],
        sorted(best.values()),
        margin,
    )


def check_offer(
    municipality: Municipality,
    *,
    measure_type: MeasureType,
    status: str,
    unit: str,
    basis: str,
    value: Decimal | None,
    measure_id: int | None = None,
    on: datetime.date | None = None,
) -> rules.Outbidding | None:
    """The signal a measure would raise if saved so (``None``: not a money offer, or quiet)."""
    if not rules.is_offer(measure_type.category, unit, status, value):
        return None
    assert value is not None
    offer = Offer(measure_id or 0, municipality.number, measure_type.pk, unit, basis, value)
    result = _compare(
        offer,
        _offers(municipality.county_id),
        _borders(municipality.county_id),
        rules.param("outbidding_margin", on),
    )
    return result if result.fires else None


def county_signals(county_id: str, *, on: datetime.date | None = None) -> list[Signal]:
    """Every offer in the county that signals outbidding, with the reason."""
    offers = _offers(county_id)
    borders = _borders(county_id)
    margin = rules.param("outbidding_margin", on)
    firing = {}
    for offer in offers:
        result = _compare(offer, offers, borders, margin)
        if result.fires:
            firing[offer.measure_id] = result
    measures = Measure.objects.filter(pk__in=firing).select_related("municipality", "measure_type")
    return sorted(
        (Signal(m, firing[m.pk]) for m in measures),
        key=lambda s: (s.measure.municipality_id, s.measure.measure_type.position),
    )


def signals_for_municipality(municipality: Municipality) -> list[Signal]:
    """Signals the municipality sees: its own offers and its neighbours'."""
    near = set(neighbours(municipality.number)) | {municipality.number}
    return [s for s in county_signals(municipality.county_id) if s.measure.municipality_id in near]


# --- the region's picture ------------------------------------------------------------


@dataclass
class RegionRow:
    number: str
    name: str
    gps: int | None
    cells: list[list[Measure]]
    yearly_per_gp: Decimal | None
    yearly_total: Decimal | None
    once_per_gp: Decimal | None


@dataclass
class Region:
    county: County
    month: datetime.date | None
    types: list[MeasureType]
    rows: list[RegionRow]
    signals: list[Signal]
    map_values: dict[str, float] = field(default_factory=dict)


def _gps(numbers: list[str], month: datetime.date | None) -> dict[str, int]:
    if month is None:
        return {}
    return dict(
        AreaMonthCount.objects.filter(
            kind=AreaKind.MUNICIPALITY, code__in=numbers, month=month
        ).values_list("code", "gps")
    )


def _value_per_gp(
    measures: list[Measure], gps: int | None, unit: str
) -> tuple[Decimal | None, Decimal | None]:
    """(per GP, total) of the in-force measures in ``unit``."""
    in_force = [m for m in measures if m.status in IN_FORCE and m.unit == unit and m.value]
    per_gp = [m.value for m in in_force if m.value_basis == ValueBasis.PER_GP and m.value]
    totals = [m.value for m in in_force if m.value_basis == ValueBasis.TOTAL and m.value]
    if not in_force:
        return Decimal(0), Decimal(0)
    value = rules.yearly_value_per_gp(per_gp, totals, gps)
    total = None if value is None or not gps else half_up(value * gps)
    return half_up(value), total


def region(actor: Any, county_number: str) -> Region:
    county = county_for_reader(actor, county_number)
    municipalities = list(
        Municipality.objects.filter(county_id=county.number)
        .order_by("name")
        .values_list("number", "name")
    )
    measures = list(
        Measure.objects.filter(municipality__county_id=county.number, status__in=CURRENT)
        .select_related("measure_type")
        .order_by("measure_type__position", "-value")
    )
    types = sorted({m.measure_type for m in measures}, key=lambda t: (t.position, t.name))
    col = {t.pk: i for i, t in enumerate(types)}
    by_muni: dict[str, list[Measure]] = defaultdict(list)
    for m in measures:
        by_muni[m.municipality_id].append(m)
    month = stats.latest_month()
    gps = _gps([n for n, _ in municipalities], month)
    rows = []
    for number, name in municipalities:
        own = by_muni.get(number, [])
        cells: list[list[Measure]] = [[] for _ in types]
        for m in own:
            cells[col[m.measure_type_id]].append(m)
        per_gp, total = _value_per_gp(own, gps.get(number), ValueUnit.KR_PER_YEAR)
        once, _t = _value_per_gp(own, gps.get(number), ValueUnit.KR_ONCE)
        rows.append(RegionRow(number, name, gps.get(number), cells, per_gp, total, once))
    values = {r.number: float(r.yearly_per_gp) for r in rows if r.yearly_per_gp is not None}
    return Region(county, month, types, rows, county_signals(county.number), values)


# --- a municipality's page ------------------------------------------------------------


@dataclass
class MunicipalityMeasures:
    municipality: Municipality
    measures: list[Measure]
    neighbour_measures: list[Measure]
    county_planned: list[Measure]
    neighbours: list[Municipality]
    demand_lists: list[DemandList]
    signals: list[Signal]


def municipality_page(actor: Any, number: str) -> MunicipalityMeasures:
    m = municipality_for_reader(actor, number)
    near = neighbours(number)
    own = list(
        Measure.objects.filter(municipality_id=number)
        .select_related("measure_type")
        .order_by("status", "measure_type__position")
    )
    others = list(
        Measure.objects.filter(municipality__county_id=m.county_id, status__in=CURRENT)
        .exclude(municipality_id=number)
        .select_related("measure_type", "municipality")
        .order_by("-created_at")
    )
    demand_lists = list(
        DemandList.objects.filter(municipality_id=number).prefetch_related(
            Prefetch(
                "demands",
                queryset=Demand.objects.select_related("measure_type", "measure").order_by(
                    "position"
                ),
            )
        )
    )
    return MunicipalityMeasures(
        municipality=m,
        measures=own,
        neighbour_measures=[x for x in others if x.municipality_id in near],
        county_planned=[
            x
            for x in others
            if x.municipality_id not in near
            and x.status in (Measure.Status.PLANNED, Measure.Status.CONSIDERED)
        ],
        neighbours=list(Municipality.objects.filter(number__in=near).order_by("name")),
        demand_lists=demand_lists,
        signals=signals_for_municipality(m),
    )


def measure_for_reader(actor: Any, measure_id: int) -> Measure:
    measure = (
        Measure.objects.select_related("municipality", "municipality__county", "measure_type")
        .filter(pk=measure_id)
        .first()
    )
    if measure is None:
        refuse(Code.UNKNOWN_MEASURE)
    require_read_county(actor, measure.municipality.county_id)
    return measure


# --- catalogue -----------------------------------------------------------------------


def catalogue(actor: Any) -> tuple[list[MeasureType], list[MeasureType]]:
    """(approved types, proposals the user may see: their county's or all for national)."""
    approved = list(MeasureType.objects.filter(status=MeasureType.Status.APPROVED))
    proposals = MeasureType.objects.exclude(status=MeasureType.Status.APPROVED).select_related(
        "proposed_by_municipality"
    )
    counties = readable_counties(actor)
    if counties is not None:
        proposals = proposals.filter(proposed_by_municipality__county_id__in=counties)
    shown = list(proposals.order_by("status", "-created_at"))
    for t in shown:
        county = t.proposed_by_municipality.county_id if t.proposed_by_municipality else None
        t.may_decide = t.status == MeasureType.Status.PROPOSED and may_decide_types(  # type: ignore[attr-defined]
            actor, county
        )
    return approved, shown


def types_for(municipality_id: str) -> Any:
    """Types a municipality may register: approved ones and its own pending proposals."""
    return MeasureType.objects.filter(
        Q(status=MeasureType.Status.APPROVED)
        | Q(status=MeasureType.Status.PROPOSED, proposed_by_municipality_id=municipality_id)
    ).order_by("position", "name")


# --- effect view ---------------------------------------------------------------------

#: The indicators of the effect view (codes of :mod:`fastlege.stats.indicators`).
EFFECT_INDICATORS = (
    "lister_uten_lege",
    "ubesatt_varighet",
    "lister_ubesatt_over_ett_ar",
    "fastleger_startet",
    "fastleger_sluttet",
    "ledige_plasser",
)
#: Months shown before and after the start of a measure.
EFFECT_WINDOW_MONTHS = 12


@dataclass
class EffectRow:
    month: datetime.date
    after: bool
    own: dict[str, Any]
    comparison: dict[str, Any]


@dataclass
class Effect:
    measure: Measure
    start: datetime.date | None
    indicators: list[Indicator]
    rows: list[EffectRow]
    comparators: list[str]
    comparator_rule: str
    summary: list[dict[str, Any]]


def _sum_counts(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The comparators' counts added up; a count some of them lack (a month filled
    before the count existed, or with no month before) is left empty. Medians do not
    add up and are left empty."""
    out: dict[str, Any] = {}
    for name in stats.COUNT_FIELDS:
        values = [r.get(name) for r in rows]
        out[name] = None if any(v is None for v in values) else sum(values)
    out["agreement_median_days"] = None
    out["vacancy_median_days"] = None
    return out


def _comparison(ind: Indicator, summed: dict[str, Any], n: int) -> float | None:
    """The comparators' figure: a count as the average per municipality; a mean, share
    or rate over the comparators taken together (the indicator on their summed counts,
    e.g. the mean time without a GP over all their lists without a GP)."""
    value = stats.display(ind, summed, public=False)
    if not isinstance(value, (int, float)):
        return None
    if ind.unit == Unit.COUNT:
        return published(value / n, 1)
    return value


def _mean(values: list[Any], decimals: int = 1) -> float | None:
    nums = [v for v in values if isinstance(v, (int, float))]
    return published(sum(nums) / len(nums), max(1, decimals)) if nums else None


def comparators(measure: Measure, month: datetime.date) -> tuple[list[str], str]:
    """Municipalities of the county without a measure of the same type (other than one
    only considered), of the same size group if there are any, else of any size."""
    having = set(
        Measure.objects.filter(measure_type_id=measure.measure_type_id)
        .exclude(status=Measure.Status.CONSIDERED)
        .values_list("municipality_id", flat=True)
    )
    info = municipalities_on(month)
    own = info[measure.municipality_id]
    pool = [
        i
        for i in info.values()
        if i.county == own.county and i.number not in having and i.number != own.number
    ]
    same = [i.number for i in pool if size_group(i.population) == size_group(own.population)]
    if same:
        return sorted(same), "samme_storrelse"
    return sorted(i.number for i in pool), "fylket"


def effect(actor: Any, measure_id: int) -> Effect:
    """The municipality's indicators before and after the measure started, beside the
    comparable municipalities without it. Figures come from the statistics app's count
    tables and indicator definitions, not computed again here."""
    measure = measure_for_reader(actor, measure_id)
    indicators = [BY_CODE[c] for c in EFFECT_INDICATORS]
    start = measure.starts_on.replace(day=1) if measure.starts_on else None
    if start is None:
        return Effect(measure, None, indicators, [], [], "", [])
    months = [stats.shift(start, k) for k in range(-EFFECT_WINDOW_MONTHS, EFFECT_WINDOW_MONTHS)]
    own_rows = {
        r["month"]: r
        for r in stats.rows_for(AreaKind.MUNICIPALITY, [measure.municipality_id], months)
    }
    others, rule = comparators(measure, start)
    by_month: dict[datetime.date, list[dict[str, Any]]] = defaultdict(list)
    for r in stats.rows_for(AreaKind.MUNICIPALITY, others, months):
        by_month[r["month"]].append(r)
    rows = []
    for month in months:
        if month not in own_rows:
            continue
        comp = by_month.get(month, [])
        summed = _sum_counts(comp) if comp else None
        comparison = {
            ind.code: _comparison(ind, summed, len(comp)) if summed else None for ind in indicators
        }
        rows.append(
            EffectRow(
                month,
                month >= start,
                {i.code: stats.display(i, own_rows[month], public=False) for i in indicators},
                comparison,
            )
        )
    summary = []
    for ind in indicators:
        before = [r for r in rows if not r.after]
        after = [r for r in rows if r.after]
        summary.append(
            {
                "indicator": ind,
                "own_before": _mean([r.own[ind.code] for r in before], ind.decimals),
                "own_after": _mean([r.own[ind.code] for r in after], ind.decimals),
                "comparison_before": _mean([r.comparison[ind.code] for r in before], ind.decimals),
                "comparison_after": _mean([r.comparison[ind.code] for r in after], ind.decimals),
            }
        )
    return Effect(measure, start, indicators, rows, others, rule, summary)
