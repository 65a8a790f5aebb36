"""The projection as a table file (CSV for people and programs, Excel) through
``fastlege.core.tabular``, the project's one export path (docs/exports.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from fastlege.core.tabular import Column
from fastlege.stats.rounding import half_up
from fastlege.workforce.selectors import AreaProjection

COLUMNS: tuple[Column, ...] = (
    Column("omrade", _("Område")),
    Column("scenario", _("Scenario")),
    Column("ar", _("År")),
    Column("folkemengde", _("Folkemengde"), 0),
    Column("leger_trengs", _("Leger som trengs (årsverk)"), 1),
    Column("leger_ventes", _("Leger som ventes (årsverk)"), 1),
    Column("gap", _("Gap (årsverk)"), 1),
)


def rows(page: AreaProjection) -> list[Sequence[Any]]:
    """One row per scenario and year, rounded half up as on the page."""
    out: list[Sequence[Any]] = []
    for result in page.results:
        for r in result.rows:
            out.append(
                (
                    page.area.name,
                    result.scenario.name,
                    r.year,
                    half_up(r.population, 0),
                    half_up(r.needed, 1),
                    half_up(r.expected, 1),
                    half_up(r.gap, 1),
                )
            )
    return out
