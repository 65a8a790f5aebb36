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

from fastlege.reference.models import KostraGpFigures
from fastlege.stats.indicators import BY_CODE
from fastlege.stats.models import AreaKind, AreaMonthCount
from fastlege.stats.rounding import half_up


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
