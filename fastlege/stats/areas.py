"""Areas the statistics are grouped by: municipality, county, size group, centrality, nation."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fastlege.reference.models import County, Municipality, MunicipalityPopulation
from fastlege.stats.models import AreaKind

#: Municipality size groups by population on 1 January of the month's year: the
#: population bands of SSB's KOSTRA grouping of municipalities (kommunegrupperingen per
#: 2020, https://www.ssb.no/offentlig-sektor/kostra/statistikk/kostra-kommune-stat-rapportering/om-kostra/kostra-gruppene):
#: 0–599, 600–1 999, 2 000–9 999, 10 000–19 999, 20 000–29 999, 30 000–44 999,
#: 45 000–74 999, 75 000–300 000 and Oslo (here: 300 000 or more). SSB splits the
#: bands further by bound costs and free income, which the registry does not hold, so
#: these are the bands, not the 17 KOSTRA groups.
SIZE_GROUPS: tuple[tuple[str, int, Promise], ...] = (
    ("1", 0, _("under 600 innbyggere")),
    ("2", 600, _("600–1 999 innbyggere")),
    ("3", 2_000, _("2 000–9 999 innbyggere")),
    ("4", 10_000, _("10 000–19 999 innbyggere")),
    ("5", 20_000, _("20 000–29 999 innbyggere")),
    ("6", 30_000, _("30 000–44 999 innbyggere")),
    ("7", 45_000, _("45 000–74 999 innbyggere")),
    ("8", 75_000, _("75 000–299 999 innbyggere")),
    ("9", 300_000, _("300 000 innbyggere eller flere")),
)


def size_group(population: int) -> str:
    code = SIZE_GROUPS[0][0]
    for group, lower, _label in SIZE_GROUPS:
        if population >= lower:
            code = group
    return code


@dataclass(frozen=True)
class MunicipalityInfo:
    number: str
    name: str
    county: str
    centrality: int | None
    population: int


def municipalities_on(month: datetime.date) -> dict[str, MunicipalityInfo]:
    """Every municipality with its county, centrality and population for ``month``."""
    population: dict[str, int] = {}
    for number, _year, n in (
        MunicipalityPopulation.objects.filter(year__lte=month.year)
        .order_by("year")
        .values_list("municipality_id", "year", "population")
    ):
        population[number] = n  # the latest year wins
    return {
        number: MunicipalityInfo(number, name, county, centrality, population.get(number, 0))
        for number, name, county, centrality in Municipality.objects.values_list(
            "number", "name", "county_id", "centrality"
        )
    }


def area_keys(info: MunicipalityInfo) -> list[tuple[str, str]]:
    """The areas a municipality's figures are summed into (itself included)."""
    keys = [
        (AreaKind.MUNICIPALITY.value, info.number),
        (AreaKind.COUNTY.value, info.county),
        (AreaKind.SIZE.value, size_group(info.population)),
        (AreaKind.NATION.value, ""),
    ]
    if info.centrality is not None:
        keys.append((AreaKind.CENTRALITY.value, str(info.centrality)))
    return keys


def area_name(kind: str, code: str) -> str:
    if kind == AreaKind.NATION:
        return str(_("Hele landet"))
    if kind == AreaKind.COUNTY:
        return County.objects.filter(number=code).values_list("name", flat=True).first() or code
    if kind == AreaKind.MUNICIPALITY:
        return (
            Municipality.objects.filter(number=code).values_list("name", flat=True).first() or code
        )
    if kind == AreaKind.SIZE:
        for group, _lower, label in SIZE_GROUPS:
            if group == code:
                return str(_("Kommuner med %(label)s") % {"label": label})
    if kind == AreaKind.CENTRALITY:
        return str(_("Sentralitetsklasse %(code)s") % {"code": code})
    return code


def area_names(kind: str) -> dict[str, str]:
    """Code → name of every area of ``kind`` (one query; ``area_name`` for one area)."""
    if kind == AreaKind.COUNTY:
        return dict(County.objects.values_list("number", "name"))
    if kind == AreaKind.MUNICIPALITY:
        return dict(Municipality.objects.values_list("number", "name"))
    if kind == AreaKind.SIZE:
        return {group: area_name(kind, group) for group, _lower, _label in SIZE_GROUPS}
    if kind == AreaKind.CENTRALITY:
        return {str(c): area_name(kind, str(c)) for c in range(1, 7)}
    return {"": area_name(kind, "")}
