"""Check against reality: the system's figures beside the published KOSTRA figures.

KOSTRA publishes the lists as of 31 December of a year. Here that is the
month of December of the year: the lists as they stand from December's run
until January's (for a registry without a December run, its registry fill,
see ``stats-fill --fra-registeret``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.forms.models import model_to_dict

from fastlege.reference.models import KostraGpFigures
from fastlege.stats.indicators import compute
from fastlege.stats.models import AreaKind, AreaMonthCount


def half_up(value: float | None, decimals: int = 0) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


#: KOSTRA column → (our figure from the counts, decimals KOSTRA publishes).
COMPARED: dict[str, tuple[str, int]] = {
    "agreements_with_gp": ("lister_med_lege", 0),
    "lists_without_gp": ("lister_uten_lege", 0),
    "lists_total": ("lister", 0),
    "residents_on_lists_with_gp": ("listeinnbyggere_med_lege", 0),
    "residents_on_lists_without_gp": ("listeinnbyggere_uten_lege", 0),
    "share_without_gp_pct": ("andel_uten_lege", 1),
    "open_lists": ("apne_lister", 0),
    "mean_list_length": ("listelengde", 0),
    "female_gps": ("kvinnelige_fastleger", 0),
    "capacity": ("sum_listetak", 0),
    "reserve_capacity": ("reservekapasitet", 0),
}


def ours(counts: dict[str, Any]) -> dict[str, Decimal | None]:
    values: dict[str, Any] = dict(compute(counts))
    values["kvinnelige_fastleger"] = counts["gps_female"]
    values["sum_listetak"] = counts["ceiling_sum"]
    return {
        column: half_up(values[code], decimals) for column, (code, decimals) in COMPARED.items()
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
