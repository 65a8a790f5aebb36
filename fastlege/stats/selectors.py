"""Reads that feed the statistics pages and exports. Only the count tables are read.

Every read takes the ``Viewer``: whose figures the user may see unsuppressed. Public
figures (not logged in, or a role without an area) hide counts below
``SUPPRESSION_THRESHOLD`` and the cells that would give them away
(``fastlege.stats.disclosure``); a municipality sees its own municipality's figures as they
are, a county governor its county and the county's municipalities, a national
administrator everything (docs/indicators.md).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from fastlege.core.tabular import Column
from fastlege.monthly.models import ListMonthSnapshot
from fastlege.reference.models import County, Municipality
from fastlege.registry.services import access
from fastlege.stats import disclosure, exports, severity
from fastlege.stats.areas import area_keys, area_name, area_names, municipalities_on
from fastlege.stats.disclosure import MARK, Patterns
from fastlege.stats.indicators import (
    ALERT_SHARE_WITHOUT_GP_PCT,
    BY_CODE,
    HEADLINE,
    INDICATORS,
    SERIES,
    Indicator,
)
from fastlege.stats.models import AreaKind, AreaMonthCount, StatsFill
from fastlege.stats.numbers import num
from fastlege.stats.rounding import published

COUNT_FIELDS = [
    f.name
    for f in AreaMonthCount._meta.concrete_fields
    if f.name not in ("id", "month", "kind", "code")
]
VALUE_FIELDS = ["month", "kind", "code", *COUNT_FIELDS]

#: The mark of a hidden figure, primary or secondary (``disclosure.MARK``).
SUPPRESSED = MARK


@dataclass(frozen=True)
class Viewer:
    """The areas whose figures a user sees unsuppressed (what their role allows)."""

    everything: bool = False
    counties: frozenset[str] = frozenset()
    municipalities: frozenset[str] = frozenset()  # their own, and those of their counties

    def sees(self, kind: str, code: str) -> bool:
        """Unsuppressed figures for this area? Groups and the nation: national only."""
        if self.everything:
            return True
        if kind == AreaKind.MUNICIPALITY:
            return code in self.municipalities
        if kind == AreaKind.COUNTY:
            return code in self.counties
        return False

    @property
    def public(self) -> bool:
        """Sees only public figures."""
        return not (self.everything or self.counties or self.municipalities)


PUBLIC = Viewer()
EVERYTHING = Viewer(everything=True)


def _as_viewer(viewer: Viewer | None, public: bool | None) -> Viewer:
    """``public=`` is the older form (True: public figures; False: everything
    unsuppressed), kept for callers written before the role scope."""
    if viewer is not None:
        return viewer
    return PUBLIC if public is None or public else EVERYTHING


def viewer_for(user: Any) -> Viewer:
    """The statistics scope of a user (roles in ``fastlege.accounts``; anonymous: public).

    A citizen or a GP sees the public figures: their role gives them no area. The
    ministry (departementet) sees the whole country's figures, as national staff do,
    but no registry pages (``access.Scope.ministry``).
    """
    scope = access.scope_of(user)
    if scope.everything or scope.ministry:
        return Viewer(everything=True)
    municipalities = set(scope.municipalities)
    if scope.counties:
        municipalities.update(
            Municipality.objects.filter(county_id__in=scope.counties).values_list(
                "number", flat=True
            )
        )
    return Viewer(False, frozenset(scope.counties), frozenset(municipalities))


def latest_month() -> datetime.date | None:
    return AreaMonthCount.objects.aggregate(m=Max("month"))["m"]


def counted_on(month: datetime.date) -> datetime.date | None:
    """The day the month's figures describe (``StatsFill.as_of``): the 1st of the month
    for a month filled from its run, the 1st of the next month for a starting point."""
    return StatsFill.objects.filter(month=month).values_list("as_of", flat=True).first()


def months_available() -> list[datetime.date]:
    return list(
        AreaMonthCount.objects.filter(kind=AreaKind.NATION)
        .order_by("month")
        .values_list("month", flat=True)
    )


def shift(month: datetime.date, months: int) -> datetime.date:
    total = month.year * 12 + month.month - 1 + months
    return datetime.date(total // 12, total % 12 + 1, 1)


def display(
    indicator: Indicator,
    counts: dict[str, Any] | None,
    public: bool,
    patterns: Patterns | None = None,
) -> float | int | str | None:
    """The figure as shown and exported: rounded half up to the indicator's decimals
    (:mod:`fastlege.stats.rounding`), or «:» when public and the month's suppression
    (:mod:`fastlege.stats.disclosure`, primary and secondary) hides it. ``patterns``:
    the months' suppression, shared by the figures of one page or export."""
    if counts is None:
        return None
    value = indicator.value(counts)
    if value is None:  # no such figure (e.g. GPs started in the first month): nothing hidden
        return None
    if public and (patterns or Patterns()).hides(counts, indicator):
        return SUPPRESSED
    return published(value, indicator.decimals)


def rows_for(
    kind: str, codes: list[str] | None, months: list[datetime.date] | None
) -> list[dict[str, Any]]:
    qs = AreaMonthCount.objects.filter(kind=kind)
    if codes is not None:
        qs = qs.filter(code__in=codes)
    if months is not None:
        qs = qs.filter(month__in=months)
    return list(qs.order_by("code", "month").values(*VALUE_FIELDS))


@dataclass
class Headline:
    indicator: Indicator
    value: Any
    last_month: Any
    last_year: Any
    change_month: float | None
    change_year: float | None
    worse_month: bool | None = None
    worse_year: bool | None = None


def _change(indicator: Indicator, now: Any, before: Any) -> float | int | None:
    """The change between two shown figures, to the indicator's decimals."""
    if isinstance(now, (int, float)) and isinstance(before, (int, float)):
        return published(now - before, indicator.decimals)
    return None


def _worse(indicator: Indicator, change: float | None) -> bool | None:
    if change is None or change == 0 or indicator.higher_is_worse is None:
        return None
    return (change > 0) == indicator.higher_is_worse


@dataclass
class AreaPage:
    kind: str
    code: str
    name: str
    month: datetime.date
    counts: dict[str, Any] | None
    headlines: list[Headline]
    series: dict[str, list[tuple[datetime.date, Any]]]
    children: list[dict[str, Any]] = field(default_factory=list)
    child_kind: str = ""
    suppressed: bool = True  # the area's own figures hide small counts


def area_page(
    kind: str,
    code: str,
    name: str,
    month: datetime.date,
    *,
    viewer: Viewer | None = None,
    public: bool | None = None,
    series_codes: tuple[str, ...] = SERIES,
) -> AreaPage:
    """Headline figures with change from last month and year, and the time series."""
    public = not _as_viewer(viewer, public).sees(kind, code)
    patterns = Patterns()
    rows = {r["month"]: r for r in rows_for(kind, [code], None)}
    counts = rows.get(month)
    prev, year_ago = rows.get(shift(month, -1)), rows.get(shift(month, -12))
    headlines = []
    for c in HEADLINE:
        ind = BY_CODE[c]
        now, m1, y1 = (display(ind, r, public, patterns) for r in (counts, prev, year_ago))
        cm, cy = _change(ind, now, m1), _change(ind, now, y1)
        headlines.append(Headline(ind, now, m1, y1, cm, cy, _worse(ind, cm), _worse(ind, cy)))
    series = {
        c: [
            (m, display(BY_CODE[c], r, public, patterns))
            for m, r in sorted(rows.items())
            if m <= month
        ]
        for c in series_codes
    }
    return AreaPage(kind, code, name, month, counts, headlines, series, suppressed=public)


def children(
    kind: str,
    code: str,
    month: datetime.date,
    *,
    viewer: Viewer | None = None,
    public: bool | None = None,
) -> tuple[str, list]:
    """The level below: counties of the nation, municipalities of a county."""
    viewer = _as_viewer(viewer, public)
    if kind == AreaKind.NATION:
        names = dict(County.objects.values_list("number", "name"))
        child_kind = AreaKind.COUNTY.value
        rows = rows_for(child_kind, None, [month])
    elif kind in (AreaKind.SIZE, AreaKind.CENTRALITY):
        names = {
            info.number: info.name
            for info in municipalities_on(month).values()
            if (kind, code) in area_keys(info)
        }
        child_kind = AreaKind.MUNICIPALITY.value
        rows = rows_for(child_kind, list(names), [month])
    else:
        names = dict(Municipality.objects.filter(county_id=code).values_list("number", "name"))
        child_kind = AreaKind.MUNICIPALITY.value
        rows = rows_for(child_kind, list(names), [month])
    out = []
    patterns = Patterns()
    for r in rows:
        public = not viewer.sees(child_kind, r["code"])
        out.append(
            {
                "code": r["code"],
                "name": names.get(r["code"], r["code"]),
                "values": {i.code: display(i, r, public, patterns) for i in INDICATORS},
                "suppressed": public,
            }
        )
    return child_kind, out


@dataclass
class Alert:
    municipality: str
    name: str
    kind: str
    text: str


def county_alerts(county: str, month: datetime.date) -> list[Alert]:
    """Municipalities of a county where every list is full, the share without a GP is
    above the threshold, or lists have been without a GP for more than a year (the
    alerts are defined in :mod:`fastlege.stats.severity`)."""
    names = dict(Municipality.objects.filter(county_id=county).values_list("number", "name"))
    alerts = []
    for r in rows_for(AreaKind.MUNICIPALITY, list(names), [month]):
        name = names[r["code"]]
        if severity.all_lists_full(r):
            alerts.append(Alert(r["code"], name, "fulle", _("alle lister er fulle")))
        share = severity.share_without_gp(r)
        if share is not None and severity.share_without_gp_alert(r):
            alerts.append(
                Alert(
                    r["code"],
                    name,
                    "uten_lege",
                    _("%(share)s %% av listeinnbyggerne er uten fast lege (grense %(limit)s %%)")
                    % {
                        "share": num(share, BY_CODE["andel_uten_lege"].decimals),
                        "limit": f"{ALERT_SHARE_WITHOUT_GP_PCT:g}".replace(".", ","),
                    },
                )
            )
        if r["lists_vacant_over_year"]:
            alerts.append(
                Alert(
                    r["code"],
                    name,
                    "ubesatt",
                    ngettext(
                        "%(n)s liste uten fast lege i over ett år",
                        "%(n)s lister uten fast lege i over ett år",
                        r["lists_vacant_over_year"],
                    )
                    % {"n": r["lists_vacant_over_year"]},
                )
            )
    return alerts


def comparison(
    municipality: str,
    month: datetime.date,
    *,
    viewer: Viewer | None = None,
    public: bool | None = None,
) -> list[dict[str, Any]]:
    """A municipality beside its county, the nation, its size group and its centrality class."""
    viewer = _as_viewer(viewer, public)
    info = municipalities_on(month)[municipality]
    keys = area_keys(info)
    order = [
        AreaKind.MUNICIPALITY,
        AreaKind.COUNTY,
        AreaKind.SIZE,
        AreaKind.CENTRALITY,
        AreaKind.NATION,
    ]
    found = {
        (r["kind"], r["code"]): r for kind, code in keys for r in rows_for(kind, [code], [month])
    }
    out = []
    patterns = Patterns()
    for kind in order:
        for k, code in keys:
            if k == kind:
                r = found.get((k, code))
                public = not viewer.sees(k, code)
                out.append(
                    {
                        "kind": k,
                        "code": code,
                        "name": area_name(k, code),
                        "values": {i.code: display(i, r, public, patterns) for i in INDICATORS},
                        "suppressed": public,
                    }
                )
    return out


def map_values(
    indicator: Indicator,
    month: datetime.date,
    *,
    viewer: Viewer | None = None,
    public: bool | None = None,
) -> dict[str, Any]:
    """Per municipality number, the indicator's figure for the month."""
    viewer = _as_viewer(viewer, public)
    patterns = Patterns()
    return {
        r["code"]: display(
            indicator, r, not viewer.sees(AreaKind.MUNICIPALITY, r["code"]), patterns
        )
        for r in AreaMonthCount.objects.filter(kind=AreaKind.MUNICIPALITY, month=month).values(
            *VALUE_FIELDS
        )
    }


def export_rows(
    kind: str,
    codes: list[str] | None,
    months: list[datetime.date] | None,
    *,
    viewer: Viewer | None = None,
    public: bool | None = None,
) -> tuple[list[Column], list[list[Any]]]:
    """Long table for CSV/Excel: one line per area and month (the area's name next to
    its code), one column per indicator."""
    viewer = _as_viewer(viewer, public)
    names = area_names(kind)
    columns = [
        exports.MONTH,
        exports.AREA_KIND,
        exports.AREA_CODE,
        exports.AREA_NAME,
        *exports.INDICATOR_COLUMNS,
    ]
    lines = []
    patterns = Patterns()
    for r in rows_for(kind, codes, months):
        lines.append(
            [
                r["month"].strftime("%Y-%m"),
                r["kind"],
                r["code"],
                names.get(r["code"], r["code"]),
                *[display(i, r, not viewer.sees(kind, r["code"]), patterns) for i in INDICATORS],
            ]
        )
    return columns, lines


#: The lists table of a municipality (its page, the page's downloads, the open data).
LIST_COLUMNS = [
    Column("liste", _lazy("Liste (avtalenummer)")),
    Column("legekontor", _lazy("Legekontor")),
    Column("listetak", _lazy("Listetak")),
    Column("listelengde", _lazy("Listelengde")),
    Column("fast_lege", _lazy("Fast lege")),
    Column("apen", _lazy("Åpen for nye")),
    Column("venteliste", _lazy("På venteliste")),
]


def list_rows(
    month: datetime.date, *, public: bool, municipality: str | None = None
) -> list[list[Any]]:
    """The month's lists (of one municipality, or all): the municipality number, then
    the ``LIST_COLUMNS``, by municipality, practice name and agreement. ``public``:
    list lengths and waiting counts hidden as the month's suppression says
    (``disclosure``: of 1–4, and complements that stop them being recomputed from the
    municipality's totals)."""
    pattern = disclosure.month_pattern(month) if public else None
    snapshots = ListMonthSnapshot.objects.filter(month=month)
    if municipality is not None:
        snapshots = snapshots.filter(municipality_id=municipality)
    rows = []
    for muni, pk, practice, ceiling, length, has_gp, is_open, waiting in snapshots.order_by(
        "municipality_id", "practice__name", "agreement_id"
    ).values_list(
        "municipality_id",
        "agreement_id",
        "practice__name",
        "ceiling",
        "length",
        "has_regular_gp",
        "is_open",
        "waiting_count",
    ):
        shown: list[Any] = [length, waiting]
        if pattern is not None:
            shown = [
                SUPPRESSED if pattern.hides_list(pk, count) else n
                for n, count in zip(
                    shown, (disclosure.LIST_LENGTH, disclosure.LIST_WAITING), strict=True
                )
            ]
        rows.append([muni, pk, practice, ceiling, shown[0], has_gp, is_open, shown[1]])
    return rows
