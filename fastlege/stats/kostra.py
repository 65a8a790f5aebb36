"""Check against reality: the system's figures beside the published KOSTRA figures.

KOSTRA publishes the lists as of 31 December of a year (SSB: «per 31.12»):
``kostra_day(year)``, the one definition of the day «KOSTRA 2025» describes.
Here that is the month of December of the year: the lists as they stand from
December's run until January's (for a registry without a December run, its
registry fill, see ``stats-fill --fra-registeret``). The seeded demo is that
day's registry (``fastlege.demo.seed.DEFAULT_STATE_DATE``).

Figures are rounded as published by the one rule of
:mod:`fastlege.stats.rounding` (half up).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.forms.models import model_to_dict

from fastlege.reference.models import KostraGpFigures, KostraGpTrend, Municipality
from fastlege.stats.disclosure import Patterns
from fastlege.stats.indicators import BY_CODE
from fastlege.stats.models import AreaKind, AreaMonthCount
from fastlege.stats.rounding import half_up
from fastlege.stats.selectors import display, rows_for


def kostra_day(year: int) -> datetime.date:
    """The day KOSTRA's figures for ``year`` describe: 31 December (SSB, «per 31.12»)."""
    return datetime.date(year, 12, 31)


def kostra_year_on(day: datetime.date) -> int:
    """The latest KOSTRA year whose day is on or before ``day``."""
    return day.year if day >= kostra_day(day.year) else day.year - 1


#: KOSTRA column → our indicator (``fastlege.stats.indicators``), rounded to the
#: indicator's decimals, which are those KOSTRA publishes.
COMPARED: dict[str, str] = {
    "agreements_with_gp": "lister_med_lege",
    "lists_without_gp": "lister_uten_lege",
    "lists_total": "lister",
    "residents_on_lists_with_gp": "listeinnbyggere_med_lege",
    "residents_on_lists_without_gp": "listeinnbyggere_uten_lege",
    "share_without_gp_pct": "andel_uten_lege",
    "open_lists": "apne_lister",
    "mean_list_length": "listelengde",
    "female_gps": "kvinnelige_fastleger",
    "share_female_gps_pct": "andel_kvinner",
    "capacity": "sum_listetak",
    "reserve_capacity": "reservekapasitet",
}


def ours(counts: dict[str, Any]) -> dict[str, Decimal | None]:
    return {
        column: half_up(BY_CODE[code].value(counts), BY_CODE[code].decimals)
        for column, code in COMPARED.items()
    }


@dataclass(frozen=True)
class Comparison:
    municipality: str
    ours: dict[str, Decimal | None]
    kostra: dict[str, Decimal | None]

    @property
    def differences(self) -> dict[str, tuple[Decimal | None, Decimal | None]]:
        return {
            k: (self.ours[k], self.kostra[k])
            for k in COMPARED
            if self.kostra[k] is not None and self.ours[k] != self.kostra[k]
        }


def compare_year(year: int, county: str | None = None) -> list[Comparison]:
    """Per municipality with filled figures for December of ``year``: ours and KOSTRA's."""
    month = datetime.date(year, 12, 1)
    rows = AreaMonthCount.objects.filter(month=month, kind=AreaKind.MUNICIPALITY)
    kostra = KostraGpFigures.objects.filter(year=year)
    if county:
        rows = rows.filter(code__startswith=county)
        kostra = kostra.filter(municipality__county_id=county)
    published = {k.municipality_id: k for k in kostra}
    out = []
    for row in rows.order_by("code"):
        k = published.get(row.code)
        if k is None:
            continue
        out.append(
            Comparison(
                row.code,
                ours(model_to_dict(row)),
                {
                    c: None if getattr(k, c) is None else Decimal(str(getattr(k, c)))
                    for c in COMPARED
                },
            )
        )
    return out


# --- The published history beside the registry's own figures -------------------------

#: The figures SSB publishes for every year (``KostraGpTrend``, filled by the loader or
#: by ``fastlege import-ssb``), by our indicator: the history the pages show.
HISTORY: tuple[str, ...] = ("andel_uten_lege", "listelengde", "reservekapasitet")
_TREND_FIELD = {code: column for column, code in COMPARED.items() if code in HISTORY}


@dataclass(frozen=True)
class HistoryYear:
    """One year: SSB's published figure and the registry's for the same day
    (``kostra_day``: its December month), each by indicator code."""

    year: int
    ssb: dict[str, int | float | None]
    registry: dict[str, Any]  # as the page shows it: rounded, «:» when hidden, None if none


def _figure(value: int | Decimal | None) -> int | float | None:
    """A published figure as the pages and JSON take numbers (a share's one decimal is
    exact in a float's shortest text)."""
    return float(value) if isinstance(value, Decimal) else value


def _published(trend: KostraGpTrend | None) -> dict[str, int | float | None]:
    return {
        code: _figure(getattr(trend, _TREND_FIELD[code])) if trend is not None else None
        for code in HISTORY
    }


def _december_rows(codes: list[str], years: set[int] | None) -> dict[tuple[str, int], dict]:
    months = sorted(datetime.date(y, 12, 1) for y in years) if years is not None else None
    rows = rows_for(AreaKind.MUNICIPALITY, codes, months)
    return {(r["code"], r["month"].year): r for r in rows if r["month"].month == 12}


def municipality_history(number: str, viewer: Any) -> list[HistoryYear]:
    """Per year, SSB's published figures for the municipality and the registry's own
    for December of the year, suppressed for ``viewer`` as on the page
    (``selectors.display``). Years of either source, oldest first."""
    trend = {t.year: t for t in KostraGpTrend.objects.filter(municipality_id=number)}
    ours_rows = {y: r for (_c, y), r in _december_rows([number], None).items()}
    public = not viewer.sees(AreaKind.MUNICIPALITY, number)
    patterns = Patterns()
    return [
        HistoryYear(
            year,
            _published(trend.get(year)),
            {
                code: display(BY_CODE[code], ours_rows.get(year), public, patterns)
                for code in HISTORY
            },
        )
        for year in sorted(set(trend) | set(ours_rows))
    ]


@dataclass(frozen=True)
class CountyHistory:
    indicator: str
    years: list[int]  # SSB's years
    registry_years: list[int]  # years with the registry's December figures
    rows: list[dict[str, Any]]  # code, name, ssb {year: value}, registry {year: value}


def county_history(county: str, indicator: str, viewer: Any) -> CountyHistory:
    """The county's municipalities, SSB's published ``indicator`` (one of ``HISTORY``)
    year by year, and the registry's own for each December it has, suppressed for
    ``viewer``."""
    names = dict(
        Municipality.objects.filter(county_id=county).order_by("name").values_list("number", "name")
    )
    field = _TREND_FIELD[indicator]
    published: dict[str, dict[int, int | float | None]] = {n: {} for n in names}
    for code, year, value in KostraGpTrend.objects.filter(
        municipality__county_id=county
    ).values_list("municipality_id", "year", field):
        published[code][year] = _figure(value)
    ours = _december_rows(list(names), None)
    patterns = Patterns()
    ind = BY_CODE[indicator]
    rows = []
    for code, name in sorted(names.items(), key=lambda kv: kv[1]):
        public = not viewer.sees(AreaKind.MUNICIPALITY, code)
        rows.append(
            {
                "code": code,
                "name": name,
                "ssb": published[code],
                "registry": {
                    y: display(ind, r, public, patterns) for (c, y), r in ours.items() if c == code
                },
            }
        )
    return CountyHistory(
        indicator,
        sorted({y for p in published.values() for y in p}),
        sorted({y for _c, y in ours}),
        rows,
    )
