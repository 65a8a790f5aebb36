"""The forum's one way to the statistics: indicator names, choices and figures.

A forum case or agreement stores the statistics app's own indicator code
(``fastlege.stats.indicators.INDICATORS``). Everything the forum shows of an
indicator — its Norwegian name, unit, decimals, the national figure of a month and
whether it is hidden in public — comes from the statistics app, read through the
same selector the national statistics page uses (``stats.selectors.area_page``),
so the forum and ``/statistikk/`` cannot disagree. Nothing is computed again here
except the difference between two published figures (rounded by the statistics'
own rule, ``stats.rounding.published``).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from fastlege.stats import selectors as stats
from fastlege.stats.indicators import BY_CODE, INDICATORS, Indicator
from fastlege.stats.models import AreaKind
from fastlege.stats.rounding import published
from fastlege.stats.svg import chart_figure
from fastlege.stats.units import unit_label

Point = tuple[datetime.date, Any]


def indicator_name(code: str) -> str:
    """The indicator's Norwegian name as the statistics pages show it."""
    indicator = BY_CODE.get(code)
    return str(indicator.name) if indicator is not None else code


def choices() -> list[tuple[str, str]]:
    """Every indicator of the statistics app, by its name, in the statistics' order."""
    return [(i.code, str(i.name)) for i in INDICATORS]


def known(code: str) -> bool:
    return code in BY_CODE


@dataclass
class Series:
    """One indicator's national figures, as the statistics page shows them."""

    indicator: Indicator
    points: list[Point]
    since: Point | None = None  # the first month on or after a start date
    latest: Point | None = None

    @property
    def name(self) -> str:
        return str(self.indicator.name)

    @property
    def unit(self) -> str:
        return unit_label(self.indicator)

    @property
    def change(self) -> float | int | None:
        """Latest figure − the figure at the start, rounded as the statistics round."""
        if self.since is None or self.latest is None:
            return None
        now, before = self.latest[1], self.since[1]
        if isinstance(now, (int, float)) and isinstance(before, (int, float)):
            return published(now - before, self.indicator.decimals)
        return None

    @property
    def direction(self) -> str:
        """«bedre», «verre» or '' (no change, or neither better nor worse)."""
        change, worse = self.change, self.indicator.higher_is_worse
        if not change or worse is None:
            return ""
        return _("verre") if (change > 0) == worse else _("bedre")


def national_points(codes: Sequence[str], viewer: stats.Viewer) -> dict[str, list[Point]]:
    """The national monthly figures of ``codes`` up to the latest month, for ``viewer``
    (public: hidden as the statistics page hides them): one read of the statistics
    for a whole page."""
    wanted = [c for c in dict.fromkeys(codes) if c in BY_CODE]
    month = stats.latest_month()
    if not wanted or month is None:
        return {}
    page = stats.area_page(
        AreaKind.NATION, "", _("Hele landet"), month, viewer=viewer, series_codes=tuple(wanted)
    )
    return {code: page.series.get(code, []) for code in wanted}


def series_since(
    points: dict[str, list[Point]], codes: Sequence[str], since: datetime.date | None
) -> dict[str, Series]:
    """Each of ``codes`` with its figures, the figure at ``since`` (its month, or the
    first month with figures after it) and the latest figure."""
    start = since.replace(day=1) if since else None
    out = {}
    for code in dict.fromkeys(codes):
        if code not in points:
            continue
        shown = points[code]
        after = [p for p in shown if start is None or p[0] >= start]
        out[code] = Series(
            BY_CODE[code],
            shown,
            since=after[0] if after else None,
            latest=shown[-1] if shown else None,
        )
    return out


def national_series(
    codes: Sequence[str], viewer: stats.Viewer, since: datetime.date | None = None
) -> dict[str, Series]:
    """:func:`national_points` of ``codes`` as :func:`series_since` ``since``."""
    return series_since(national_points(codes, viewer), codes, since)


def series_charts(
    series: dict[str, Series], start: datetime.date | None, start_label: str
) -> list[SafeString]:
    """Each series as the statistics pages draw it (``stats.svg.chart_figure``: the
    line, and its figures as a table), with ``start`` marked as ``start_label``."""
    marker = (start.replace(day=1), start_label) if start is not None else None
    return [
        chart_figure(
            s.points,
            s.name,
            unit=s.unit,
            decimals=s.indicator.decimals,
            chart_id=f"graf-{code}",
            marker=marker,
        )
        for code, s in series.items()
    ]
