"""Reading what the projection needs, and the projection of an area under scenarios.

The registry gives today's regular GPs by age (``gp_ages``) and the recent
recruitment rate (``measured_recruitment``); the reference data the 2020–2026
population; ``PopulationProjection`` a loaded projection. ``area_projection`` runs
``projection.project`` for every municipality of an area and sums them.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from fastlege.reference.models import County, Municipality, MunicipalityPopulation
from fastlege.registry import rules
from fastlege.registry.models import DoctorPeriod
from fastlege.registry.periods import in_force, in_force_on
from fastlege.registry.services.access import scope_of
from fastlege.registry.services.agreements import extensions_until
from fastlege.workforce import projection
from fastlege.workforce.models import PopulationProjection, Scenario
from fastlege.workforce.parameters import FIRST_YEAR, LAST_YEAR, value

#: Full years before the projection's first day over which recruitment is measured.
RECRUITMENT_YEARS = 3

NATION = "nation"
COUNTY = "county"
MUNICIPALITY = "municipality"
#: At most this many scenarios side by side.
MAX_SCENARIOS = 3


@dataclass(frozen=True)
class Area:
    kind: str
    code: str
    name: str
    municipalities: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.name


def nation_area() -> Area:
    numbers = tuple(Municipality.objects.order_by("number").values_list("number", flat=True))
    return Area(NATION, "", _("Hele landet"), numbers)


def county_area(county: County) -> Area:
    numbers = tuple(
        Municipality.objects.filter(county=county)
        .order_by("number")
        .values_list("number", flat=True)
    )
    return Area(COUNTY, county.number, county.name, numbers)


def municipality_area(municipality: Municipality) -> Area:
    return Area(MUNICIPALITY, municipality.number, municipality.name, (municipality.number,))


@dataclass
class Stock:
    """Today's regular GPs of the municipalities: by age (``projection.stock_vector``),
    those with an extension in the registry apart, by the day their agreement ends for
    age (``rules.agreement_ends_for_age_on``) and their age."""

    ages: dict[str, list[float]]
    extended: dict[str, list[tuple[datetime.date, int]]]

    def extended_until(self, municipality: str) -> list[datetime.date]:
        return [end for end, _age in self.extended.get(municipality, [])]


def gp_stock(on: datetime.date, municipalities: Sequence[str] | None = None) -> Stock:
    """Regular GPs (LPFL) in force on ``on`` per municipality; a doctor with two lists in
    a municipality counts once. Two queries (periods, extensions)."""
    qs = DoctorPeriod.objects.filter(in_force_on(on), role=DoctorPeriod.Role.REGULAR)
    if municipalities is not None:
        qs = qs.filter(agreement__municipality_id__in=municipalities)
    rows = list(
        qs.values_list(
            "agreement__municipality_id", "doctor_id", "doctor__birth_date", "agreement_id"
        ).order_by()
    )
    extensions = extensions_until((a, d) for _m, d, _b, a in rows)
    births: dict[tuple[str, int], datetime.date] = {}
    until: dict[tuple[str, int], datetime.date] = {}
    for muni, doctor, birth, agreement in rows:
        births[(muni, doctor)] = birth
        ext = extensions.get((agreement, doctor))
        if ext is not None and ((muni, doctor) not in until or ext > until[(muni, doctor)]):
            until[(muni, doctor)] = ext
    ages: dict[str, list[int]] = defaultdict(list)
    extended: dict[str, list[tuple[datetime.date, int]]] = defaultdict(list)
    for key, birth in births.items():
        age = rules.age_on(birth, on)
        if key in until:
            extended[key[0]].append((rules.agreement_ends_for_age_on(birth, until[key]), age))
        else:
            ages[key[0]].append(age)
    return Stock(
        ages={m: projection.stock_vector(a) for m, a in ages.items()},
        extended=dict(extended),
    )


def gp_ages(
    on: datetime.date, municipalities: Sequence[str] | None = None
) -> dict[str, list[float]]:
    """Every regular GP in force on ``on`` per municipality, by age (extended or not)."""
    stock = gp_stock(on, municipalities)
    out = {m: list(v) for m, v in stock.ages.items()}
    for muni, rows in stock.extended.items():
        vector = out.setdefault(muni, [0.0] * (projection.MAX_AGE + 1))
        for _end, age in rows:
            vector[min(max(age, 0), projection.MAX_AGE)] += 1.0
    return out


def measured_recruitment(on: datetime.date) -> float | None:
    """New regular GPs per year as a share of the GPs at the start of the year, over the
    ``RECRUITMENT_YEARS`` full years before ``on``, nationally. A new GP is a doctor whose
    first regular period starts that year (Hdir's «started»: no agreement before).
    ``None`` when the registry has no GPs in those years. One query; the periods are
    judged in memory by ``periods.in_force``."""
    years = range(on.year - RECRUITMENT_YEARS, on.year)
    first_days = [datetime.date(y, 1, 1) for y in years]
    first_start: dict[int, datetime.date] = {}
    in_force_on: list[set[int]] = [set() for _ in first_days]
    for doctor, start, end in (
        DoctorPeriod.objects.filter(role=DoctorPeriod.Role.REGULAR)
        .values_list("doctor_id", "valid_from", "valid_to")
        .order_by()
    ):
        if doctor not in first_start or start < first_start[doctor]:
            first_start[doctor] = start
        for i, day in enumerate(first_days):
            if in_force(start, end, day):
                in_force_on[i].add(doctor)
    stock = sum(len(s) for s in in_force_on)
    if stock == 0:
        return None
    new = sum(1 for d in first_start.values() if first_days[0] <= d < datetime.date(on.year, 1, 1))
    return new / stock


def recruitment_rate(on: datetime.date) -> tuple[float, bool]:
    """(the rate, measured from the registry?); the documented default when it cannot be."""
    measured = measured_recruitment(on)
    if measured is None:
        return float(value("recruitment_rate")), False
    return measured, True


def population_history(municipalities: Iterable[str]) -> dict[str, dict[int, int]]:
    out: dict[str, dict[int, int]] = defaultdict(dict)
    for muni, year, people in MunicipalityPopulation.objects.filter(
        municipality_id__in=list(municipalities)
    ).values_list("municipality_id", "year", "population"):
        out[muni][year] = people
    return out


def loaded_projection(municipalities: Iterable[str]) -> dict[str, dict[int, int]]:
    out: dict[str, dict[int, int]] = defaultdict(dict)
    for muni, year, people in PopulationProjection.objects.filter(
        municipality_id__in=list(municipalities)
    ).values_list("municipality_id", "year", "people"):
        out[muni][year] = people
    return out


def projection_years(on: datetime.date) -> list[int]:
    return list(range(max(on.year, FIRST_YEAR), LAST_YEAR + 1))


@dataclass
class Inputs:
    """Everything the projection reads from the database, for a set of municipalities."""

    on: datetime.date
    years: list[int]
    stock: dict[str, list[float]]
    extended: Stock
    history: dict[str, dict[int, int]]
    loaded: dict[str, dict[int, int]]
    recruitment: float
    recruitment_measured: bool
    empty_stock: list[float] = field(default_factory=lambda: [0.0] * (projection.MAX_AGE + 1))


def inputs(municipalities: Sequence[str], on: datetime.date) -> Inputs:
    rate, measured = recruitment_rate(on)
    stock = gp_stock(on, municipalities)
    return Inputs(
        on=on,
        years=projection_years(on),
        stock=stock.ages,
        extended=stock,
        history=population_history(municipalities),
        loaded=loaded_projection(municipalities),
        recruitment=rate,
        recruitment_measured=measured,
    )


def figures(scenario: Scenario, recruitment: float) -> projection.Figures:
    return projection.Figures.of(
        scenario,
        measured_recruitment=recruitment,
        entry_age=int(value("entry_age")),
        growth_offset=float(value("population_growth_offset")),
    )


def project_municipalities(
    data: Inputs, municipalities: Sequence[str], scenario: Scenario
) -> dict[str, list[projection.YearRow]]:
    f = figures(scenario, data.recruitment)
    limits = projection.age_limits(data.years, f)
    return {
        m: projection.project(
            data.stock.get(m, data.empty_stock),
            data.history.get(m, {}),
            data.years,
            f,
            data.loaded.get(m),
            limits,
            data.extended.extended_until(m),
        )
        for m in municipalities
    }


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    rows: list[projection.YearRow]


@dataclass(frozen=True)
class AreaProjection:
    area: Area
    on: datetime.date
    years: list[int]
    results: list[ScenarioResult]
    gps_today: int
    recruitment: float
    recruitment_measured: bool
    loaded_years: tuple[int, ...]

    @property
    def by_year(self) -> list[tuple[int, list[NamedRow]]]:
        """Each year with the scenarios' rows side by side."""
        return [
            (y, [NamedRow(r.scenario.name, r.rows[i]) for r in self.results])
            for i, y in enumerate(self.years)
        ]


@dataclass(frozen=True)
class NamedRow:
    """A year's row of one scenario, for the side-by-side table."""

    scenario_name: str
    row: projection.YearRow

    @property
    def needed(self) -> float:
        return self.row.needed

    @property
    def expected(self) -> float:
        return self.row.expected

    @property
    def gap(self) -> float:
        return self.row.gap


def area_projection(area: Area, scenarios: Sequence[Scenario], on: datetime.date) -> AreaProjection:
    data = inputs(area.municipalities, on)
    results = []
    for scenario in scenarios:
        per_muni = project_municipalities(data, area.municipalities, scenario)
        results.append(ScenarioResult(scenario, projection.total(per_muni.values(), data.years)))
    loaded_years = sorted({y for rows in data.loaded.values() for y in rows})
    return AreaProjection(
        area=area,
        on=on,
        years=data.years,
        results=results,
        gps_today=round(sum(sum(v) for v in data.stock.values()))
        + sum(len(v) for v in data.extended.extended.values()),
        recruitment=data.recruitment,
        recruitment_measured=data.recruitment_measured,
        loaded_years=tuple(loaded_years),
    )


# --- Scenarios a user sees ---------------------------------------------------------


def visible_q(actor: Any) -> Q:
    """The scenarios ``actor`` sees: the presets, their own, and (read only) those made
    for an area of their region: a county governor's county, a municipality officer's
    county; national staff see all. The one definition for pages and services."""
    presets = ~Q(preset="")
    if not getattr(actor, "is_authenticated", False):
        return presets
    scope = scope_of(actor)
    if scope.everything:
        return Q()
    counties = set(scope.counties)
    if scope.municipalities:
        counties.update(
            Municipality.objects.filter(number__in=scope.municipalities).values_list(
                "county_id", flat=True
            )
        )
    return (
        presets
        | Q(created_by_id=actor.pk)
        | Q(county_id__in=counties)
        | Q(municipality__county_id__in=counties)
    )


def visible_scenarios(actor: Any) -> list[Scenario]:
    """``visible_q``: presets first (in their fixed order), then the others by age."""
    return list(
        Scenario.objects.filter(visible_q(actor))
        .select_related("municipality", "county", "created_by")
        .order_by("created_at", "pk")
    )


def may_edit(actor: Any, scenario: Scenario) -> bool:
    """Only the author edits a scenario; presets are read only."""
    return not scenario.is_preset and scenario.created_by_id == getattr(actor, "pk", None)


def chosen_scenarios(actor: Any, ids: Sequence[str]) -> list[Scenario]:
    """The scenarios asked for (visible ones, at most ``MAX_SCENARIOS``, in the order
    asked); none asked or none valid: «som i dag»."""
    visible = {s.pk: s for s in visible_scenarios(actor)}
    out: list[Scenario] = []
    for raw in ids:
        if not raw.isdigit():
            continue
        s = visible.get(int(raw))
        if s is not None and s not in out:
            out.append(s)
        if len(out) == MAX_SCENARIOS:
            break
    if not out:
        default = next((s for s in visible.values() if s.preset == "som_i_dag"), None)
        if default is not None:
            out.append(default)
    return out
