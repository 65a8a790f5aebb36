"""The GP supply and demand projection: pure arithmetic, no database (docs/workforce.md).

**Demand** in year *Y*, in GP full-time equivalents (årsverk)::

    needed(Y) = population(Y) × listing_rate ÷ target_list_length

**Supply**: the regular GPs on the first day, counted by age (integer age on that
day). From one year to the next each age group

1. loses its attrition rate (per age band, ``attrition_rate``);
2. grows one year older;
3. leaves at the agreement's end age (``agreement_end_age``, 70, fastlegeforskriften
   § 12, read from ``fastlege.registry.rules`` for the year), except the share granted
   a time-limited extension, who stay ``extension_years`` more, never past the
   extension cap (``agreement_extension_age_cap``, 80). A GP whose extension is in
   the registry already leaves on its day instead (``supply``'s ``extended_until``);

and the year's joiners — ``recruitment_rate`` of the GPs on the first day plus
``alis_completions_per_100`` per 100 of them, the same number every year (an intake,
not compound growth) — enter at ``entry_age``::

    expected(Y) = GPs(Y) × fte_per_gp          gap(Y) = needed(Y) − expected(Y)

A positive gap is a shortage. Counts are fractional (expected values); the pages
round them. Municipalities are projected one by one; a county or the nation is the
sum of its municipalities.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from fastlege.registry import rules

#: Ages tracked; a GP older than this is past every extension cap.
MAX_AGE = 100


@dataclass(frozen=True)
class Figures:
    """A scenario's figures as numbers (``Figures.of`` reads a ``Scenario``)."""

    target_list_length: float
    listing_rate: float
    population_variant: str
    attrition_under_40: float
    attrition_40_54: float
    attrition_55_64: float
    attrition_65_plus: float
    share_extended: float
    extension_years: int
    recruitment_rate: float
    alis_completions_per_100: float
    fte_per_gp: float
    entry_age: int
    growth_offset: float

    @classmethod
    def of(
        cls, scenario: Any, *, measured_recruitment: float, entry_age: int, growth_offset: float
    ) -> Figures:
        """The figures of ``scenario``; an empty recruitment rate means ``measured_recruitment``."""
        rate = scenario.recruitment_rate
        return cls(
            target_list_length=float(scenario.target_list_length),
            listing_rate=float(scenario.listing_rate),
            population_variant=str(scenario.population_variant),
            attrition_under_40=float(scenario.attrition_under_40),
            attrition_40_54=float(scenario.attrition_40_54),
            attrition_55_64=float(scenario.attrition_55_64),
            attrition_65_plus=float(scenario.attrition_65_plus),
            share_extended=float(scenario.share_extended),
            extension_years=int(scenario.extension_years),
            recruitment_rate=measured_recruitment if rate is None else float(rate),
            alis_completions_per_100=float(scenario.alis_completions_per_100),
            fte_per_gp=float(scenario.fte_per_gp),
            entry_age=entry_age,
            growth_offset=growth_offset,
        )


def attrition_rate(f: Figures, age: int) -> float:
    """The share of GPs of ``age`` who leave during a year, besides the age limit."""
    if age < 40:
        return f.attrition_under_40
    if age < 55:
        return f.attrition_40_54
    if age < 65:
        return f.attrition_55_64
    return f.attrition_65_plus


@dataclass(frozen=True)
class AgeLimit:
    """The age limit in force in a year: end age, and the last age (exclusive) an
    extended GP may reach: ``min(end_age + extension_years, cap)``."""

    end_age: int
    extended_until: int


def age_limit(year: int, extension_years: int) -> AgeLimit:
    """§ 12 as in force on 1 January ``year`` (``rules.PARAMETERS``, the one definition)."""
    day = datetime.date(year, 1, 1)
    end = int(rules.param("agreement_end_age", day))
    cap = int(rules.param("agreement_extension_age_cap", day))
    return AgeLimit(end, min(end + extension_years, cap))


@lru_cache(maxsize=1024)
def survival(f: Figures, limit: AgeLimit) -> tuple[float, ...]:
    """``survival[a]``: the share of GPs aged ``a`` still GPs a year later, aged
    ``a + 1``: attrition, and the age limit (module docstring). The same for every
    municipality, so computed once per scenario and year."""
    out = []
    for age in range(MAX_AGE + 1):
        new_age = age + 1
        if new_age >= limit.extended_until:
            out.append(0.0)
            continue
        stays = 1.0 - attrition_rate(f, age)
        if new_age >= limit.end_age > age:  # reaches the end age this year
            stays *= f.share_extended
        out.append(stays)
    return tuple(out)


def step(stock: Sequence[float], f: Figures, limit: AgeLimit, joiners: float) -> list[float]:
    """One year on: attrition, ageing, the age limit and ``joiners`` entering at
    ``entry_age`` (module docstring). ``stock[a]`` is the GPs aged ``a`` (``MAX_AGE``
    + 1 ages); the result has the same length."""
    out = [0.0]
    out.extend(map(operator.mul, stock[:-1], survival(f, limit)[:-1]))
    out[f.entry_age] += joiners
    return out


def stock_vector(ages: Iterable[int]) -> list[float]:
    """GPs by age: one per age given (ages above ``MAX_AGE`` are put at it)."""
    out = [0.0] * (MAX_AGE + 1)
    for age in ages:
        out[min(max(age, 0), MAX_AGE)] += 1.0
    return out


def age_limits(years: Sequence[int], f: Figures) -> dict[int, AgeLimit]:
    """``age_limit`` for each year (read once per scenario, not per municipality)."""
    return {y: age_limit(y, f.extension_years) for y in years}


def supply(
    stock: Sequence[float],
    years: Sequence[int],
    f: Figures,
    limits: Mapping[int, AgeLimit] | None = None,
    extended_until: Sequence[datetime.date] = (),
) -> list[float]:
    """GPs (headcount) in each of ``years`` (consecutive, the first is the stock's).

    ``extended_until``: GPs with an extension in the registry, outside ``stock``, by
    the day their agreement ends for age (``rules.agreement_ends_for_age_on``). Each
    counts in a year whose 1 January is before that day, thinned by the 65+ attrition
    rate, instead of by the scenario's share and years of extension."""
    total = float(sum(stock)) + len(extended_until)
    if total == 0.0:
        return [0.0 for _ in years]  # no GPs, no intake
    out = [total]
    current = list(stock)
    joiners = total * (f.recruitment_rate + f.alis_completions_per_100 / 100.0)
    limits = limits if limits is not None else age_limits(years, f)
    stays = 1.0 - f.attrition_65_plus
    for k, year in enumerate(years[1:], start=1):
        current = step(current, f, limits[year], joiners)
        first_day = datetime.date(year, 1, 1)
        kept = sum(1 for end in extended_until if end > first_day) * stays**k
        out.append(sum(current) + kept)
    return out


def trend_growth(history: Mapping[int, int]) -> float:
    """The yearly growth rate (compound) from the first to the last year of ``history``."""
    if len(history) < 2:
        return 0.0
    first, last = min(history), max(history)
    if history[first] <= 0:
        return 0.0
    return float((history[last] / history[first]) ** (1.0 / (last - first)) - 1.0)


def population(
    history: Mapping[int, int],
    years: Sequence[int],
    f: Figures,
    loaded: Mapping[int, int] | None = None,
) -> list[float]:
    """The population in each year: a known year as known; later years grown from the
    last known year at the trend rate (``trend_growth``), plus or minus
    ``growth_offset`` for the high and low variants. The loaded variant takes the
    loaded projection where it has the year, else the trend."""
    if not history:
        return [0.0 for _ in years]
    growth = trend_growth(history)
    if f.population_variant == "hoy":
        growth += f.growth_offset
    elif f.population_variant == "lav":
        growth -= f.growth_offset
    last = max(history)
    out = []
    for year in years:
        if f.population_variant == "innlest" and loaded and year in loaded:
            out.append(float(loaded[year]))
        elif year in history:
            out.append(float(history[year]))
        else:
            out.append(history[last] * (1.0 + growth) ** (year - last))
    return out


@dataclass(frozen=True)
class YearRow:
    year: int
    population: float
    needed: float
    expected: float

    @property
    def gap(self) -> float:
        """GPs needed minus GPs expected (full-time equivalents); positive: a shortage."""
        return self.needed - self.expected


def project(
    stock: Sequence[float],
    history: Mapping[int, int],
    years: Sequence[int],
    f: Figures,
    loaded: Mapping[int, int] | None = None,
    limits: Mapping[int, AgeLimit] | None = None,
    extended_until: Sequence[datetime.date] = (),
) -> list[YearRow]:
    """One municipality's projection over ``years`` (``limits``: ``age_limits``, given
    when many municipalities are projected under one scenario; ``extended_until``: see
    ``supply``)."""
    people = population(history, years, f, loaded)
    gps = supply(stock, years, f, limits, extended_until)
    return [
        YearRow(
            year=y,
            population=p,
            needed=p * f.listing_rate / f.target_list_length,
            expected=g * f.fte_per_gp,
        )
        for y, p, g in zip(years, people, gps, strict=True)
    ]


def total(rows_by_area: Iterable[Sequence[YearRow]], years: Sequence[int]) -> list[YearRow]:
    """The sum of several areas' projections, year by year."""
    pop = [0.0] * len(years)
    need = [0.0] * len(years)
    exp = [0.0] * len(years)
    for rows in rows_by_area:
        for i, r in enumerate(rows):
            pop[i] += r.population
            need[i] += r.needed
            exp[i] += r.expected
    return [
        YearRow(year=y, population=pop[i], needed=need[i], expected=exp[i])
        for i, y in enumerate(years)
    ]
