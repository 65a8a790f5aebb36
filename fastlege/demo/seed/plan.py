"""What to seed: calibration targets per municipality and who lives where.

Everything here is small (one record per municipality) and computed before a
single row is written.

Calibration (issue 2): for every seeded municipality with KOSTRA figures
(SSB table 12005, "per 31.12": the reference year is the latest whose 31
December is on or before the state date, ``kostra_year_on``; the default
state date is that day itself, 31.12.2025) the seeded registry has exactly
the published number of lists, lists without a regular GP, open lists and
female regular GPs, exactly the published number of residents on lists with
and without a GP, and exactly the published sum of list ceilings.

Who lives where: every municipality gets about as many residents as its
population on the 1 January after the state date (1.1.2026 for 31.12.2025).
A municipality whose lists hold more people than live there is filled with
residents of other seeded municipalities (same county first, nearest first).
When the seeded area as a whole lacks people, the missing list members are
created as *guest residents* living in the nearest municipalities outside the
seeded area (in a national seed, where nothing is outside, in the nearest
other seeded municipality). Residents whose list would lie outside the seeded
area are not created at all; that is the only way a seeded municipality ends
up with fewer residents than its population.
"""

from __future__ import annotations

import datetime
import json
import math
from dataclasses import dataclass, field
from functools import lru_cache

from fastlege.reference.loader import DATA_DIR
from fastlege.reference.models import (
    KostraGpFigures,
    Municipality,
    MunicipalityPopulation,
    PostalCode,
)
from fastlege.stats.kostra import kostra_year_on

# Residents not on any list: a realistic handful (KOSTRA's national sum of list
# members is within 0.1 % of the population).
UNASSIGNED_RATE = 0.001
OPTED_OUT_RATE = 0.0002
# Share of residents listed with a GP in another municipality even when their
# home municipality has room (commuters, students, border villages).
CROSS_BORDER_RATE = 0.02
CROSS_BORDER_RATE_SMALL = 0.03  # municipalities under 5 000 inhabitants
# Guest residents created outside the seeded area: at most this share of the
# host municipality's population, so no neighbour is swamped.
OUTSIDE_GUEST_CAP = 0.05
INFLATION_CAP = 0.005

# KOSTRA 2025 has no figures for these six municipalities (empty rows in
# fastlege_kommune_2025.csv). Their lists are invented: about one list per
# 1 000 inhabitants, 99 % of the inhabitants listed, all lists with a regular
# GP, ceilings about 6 % above the list lengths, half the lists open, and
# about 45 % female GPs.
NO_KOSTRA = frozenset({"1853", "3336", "4220", "5514", "5518", "5528"})
INVENTED_LISTED_SHARE = 0.99
INVENTED_RESIDENTS_PER_LIST = 1000
INVENTED_CAPACITY_FACTOR = 1.06
INVENTED_FEMALE_SHARE = 0.45


@dataclass(frozen=True)
class KostraTarget:
    lists_with_gp: int
    lists_without_gp: int
    members_with_gp: int
    members_without_gp: int
    capacity: int
    open_lists: int
    female_gps: int
    invented: bool = False

    @property
    def lists_total(self) -> int:
        return self.lists_with_gp + self.lists_without_gp

    @property
    def members(self) -> int:
        return self.members_with_gp + self.members_without_gp


@dataclass
class MunicipalityPlan:
    number: str
    name: str
    county: str
    centrality: int | None
    population: int
    postal_codes: list[tuple[str, str]]
    in_subset: bool = False
    target: KostraTarget | None = None
    unassigned: int = 0
    opted_out: int = 0
    # list municipality -> number of this municipality's residents on its lists
    listed_in: dict[str, int] = field(default_factory=dict)
    omitted: int = 0  # residents not created because their list is outside the subset

    @property
    def listed(self) -> int:
        return sum(self.listed_in.values())

    @property
    def residents(self) -> int:
        return self.listed + self.unassigned + self.opted_out


@dataclass
class SeedPlan:
    state_date: datetime.date
    kostra_year: int
    population_year: int
    municipalities: dict[str, MunicipalityPlan]
    subset: list[str]

    def homes(self) -> list[MunicipalityPlan]:
        """Every municipality that gets residents, in number order."""
        return [m for _, m in sorted(self.municipalities.items()) if m.residents > 0]


class ReferenceDataMissing(Exception):
    pass


@lru_cache(maxsize=1)
def centroids() -> dict[str, tuple[float, float]]:
    """(longitude, latitude) of each municipality: mean of its largest ring's vertices."""
    with open(DATA_DIR / "kommuner_2024.geojson", encoding="utf-8") as fh:
        data = json.load(fh)
    out: dict[str, tuple[float, float]] = {}
    for feature in data["features"]:
        geom = feature["geometry"]
        polygons = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        ring = max((poly[0] for poly in polygons), key=len)
        lon = sum(p[0] for p in ring) / len(ring)
        lat = sum(p[1] for p in ring) / len(ring)
        out[feature["properties"]["kommunenummer"]] = (lon, lat)
    return out


def distance_km(a: str, b: str) -> float:
    c = centroids()
    if a not in c or b not in c:  # should not happen; fall back on number order
        return abs(int(a) - int(b)) * 10.0
    (lon1, lat1), (lon2, lat2) = c[a], c[b]
    x = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = lat2 - lat1
    return math.hypot(x, y) * 111.2


def _latest_year(years: set[int], at_most: int) -> int | None:
    """The latest year up to ``at_most``; the earliest there is when all are later."""
    eligible = [y for y in years if y <= at_most]
    if eligible:
        return max(eligible)
    return min(years) if years else None


def build_plan(
    state_date: datetime.date,
    *,
    counties: list[str] | None = None,
    municipalities: list[str] | None = None,
    national: bool = False,
) -> SeedPlan:
    """Targets and residence flows for the chosen area."""
    munis = list(Municipality.objects.values_list("number", "name", "county_id", "centrality"))
    if not munis:
        raise ReferenceDataMissing
    pop_years = set(MunicipalityPopulation.objects.values_list("year", flat=True).distinct())
    kostra_years = set(KostraGpFigures.objects.values_list("year", flat=True).distinct())
    # The population on 1 January after the state date (SSB counts 1.1: for the
    # default 31.12.2025, the population 1.1.2026), and the KOSTRA year whose day
    # (31.12) is on or before the state date.
    population_year = _latest_year(pop_years, (state_date + datetime.timedelta(days=1)).year)
    kostra_year = _latest_year(kostra_years, kostra_year_on(state_date))
    if population_year is None or kostra_year is None:
        raise ReferenceDataMissing
    population = dict(
        MunicipalityPopulation.objects.filter(year=population_year).values_list(
            "municipality_id", "population"
        )
    )
    postal: dict[str, list[tuple[str, str]]] = {}
    for code, place, muni in PostalCode.objects.exclude(municipality=None).values_list(
        "code", "place", "municipality_id"
    ):
        postal.setdefault(muni, []).append((code, place))

    plans: dict[str, MunicipalityPlan] = {}
    for number, name, county, centrality in munis:
        plans[number] = MunicipalityPlan(
            number=number,
            name=name,
            county=county,
            centrality=centrality,
            population=population.get(number, 0),
            postal_codes=sorted(postal.get(number, [])),
        )

    if national:
        subset = sorted(plans)
    else:
        chosen = set(municipalities or [])
        for county in counties or []:
            chosen.update(n for n, p in plans.items() if p.county == county)
        subset = sorted(chosen)

    kostra = {k.municipality_id: k for k in KostraGpFigures.objects.filter(year=kostra_year)}
    for number in subset:
        plan = plans[number]
        plan.in_subset = True
        plan.target = _target(plan, kostra.get(number))
        plan.unassigned = round(plan.population * UNASSIGNED_RATE)
        plan.opted_out = round(plan.population * OPTED_OUT_RATE)
    _residence_flows(plans, subset)
    return SeedPlan(state_date, kostra_year, population_year, plans, subset)


def _target(plan: MunicipalityPlan, k: KostraGpFigures | None) -> KostraTarget:
    if k is not None and k.lists_total:
        with_gp = k.agreements_with_gp or 0
        without = k.lists_without_gp or 0
        members_with = k.residents_on_lists_with_gp or 0
        members_without = k.residents_on_lists_without_gp or 0
        lists = with_gp + without
        members = members_with + members_without
        capacity = k.capacity if k.capacity is not None else round(members * 1.02)
        return KostraTarget(
            lists_with_gp=with_gp,
            lists_without_gp=without,
            members_with_gp=members_with,
            members_without_gp=members_without,
            capacity=min(capacity, lists * 2500),
            open_lists=min(k.open_lists or 0, lists),
            female_gps=min(k.female_gps or 0, with_gp),
        )
    # Invented (see NO_KOSTRA): plausible lists for a municipality without figures.
    lists = max(1, round(plan.population / INVENTED_RESIDENTS_PER_LIST))
    members = round(plan.population * INVENTED_LISTED_SHARE)
    return KostraTarget(
        lists_with_gp=lists,
        lists_without_gp=0,
        members_with_gp=members,
        members_without_gp=0,
        capacity=min(round(members * INVENTED_CAPACITY_FACTOR), lists * 2500),
        open_lists=math.ceil(lists / 2),
        female_gps=round(lists * INVENTED_FEMALE_SHARE),
        invented=True,
    )


def _residence_flows(plans: dict[str, MunicipalityPlan], subset: list[str]) -> None:
    """Decide how many residents of each municipality sit on each municipality's lists.

    Greedy transport: each municipality keeps most of its residents on its own
    lists; the rest (surplus residents and a small cross-border share) fill
    other municipalities' free list places, same county first, nearest first.
    """
    spare_residents: dict[str, int] = {}
    spare_places: dict[str, int] = {}
    for number in subset:
        p = plans[number]
        assert p.target is not None
        supply = max(0, p.population - p.unassigned - p.opted_out)
        demand = p.target.members
        rate = CROSS_BORDER_RATE_SMALL if p.population < 5000 else CROSS_BORDER_RATE
        home = min(supply, demand)
        home -= round(home * rate)
        p.listed_in = {number: home}
        spare_residents[number] = supply - home
        spare_places[number] = demand - home

    def add(home: str, lists_in: str, count: int) -> None:
        flows = plans[home].listed_in
        flows[lists_in] = flows.get(lists_in, 0) + count

    pairs = sorted(
        (plans[a].county != plans[b].county, distance_km(a, b), a, b)
        for a in subset
        if spare_residents[a]
        for b in subset
        if b != a and spare_places[b]
    )
    for _, _, a, b in pairs:
        count = min(spare_residents[a], spare_places[b])
        if count:
            add(a, b, count)
            spare_residents[a] -= count
            spare_places[b] -= count
    # Back home with whatever could not be placed elsewhere.
    for number in subset:
        count = min(spare_residents[number], spare_places[number])
        if count:
            add(number, number, count)
            spare_residents[number] -= count
            spare_places[number] -= count

    # Places still free: guest residents from outside the seeded area.
    chosen = set(subset)
    outside = [n for n in plans if n not in chosen and plans[n].population > 0]
    room = {n: max(1, math.floor(plans[n].population * OUTSIDE_GUEST_CAP)) for n in outside}
    for number in subset:
        missing = spare_places[number]
        if not missing:
            continue
        county = plans[number].county
        if outside:
            hosts = sorted(
                outside, key=lambda n: (plans[n].county != county, distance_km(number, n))
            )
        else:  # national seed: inflate the nearest other seeded municipalities a little
            hosts = sorted((n for n in subset if n != number), key=lambda n: distance_km(number, n))
            for n in hosts:
                room.setdefault(n, max(1, math.floor(plans[n].population * INFLATION_CAP)))
        for host in hosts:
            count = min(missing, room[host])
            if count <= 0:
                continue
            add(host, number, count)
            room[host] -= count
            missing -= count
            if not missing:
                break
        if missing:  # everything capped: put the rest on the nearest host anyway
            add(hosts[0] if hosts else number, number, missing)
        spare_places[number] = 0

    for number in subset:
        plans[number].omitted = spare_residents[number]
