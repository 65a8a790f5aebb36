"""Statistics pages: nation, county, municipality, map, comparisons and exports.

Public figures hide small counts (``SUPPRESSION_THRESHOLD``); a logged-in user sees the
areas their role covers unsuppressed (``selectors.Viewer``): a municipality its own, a
county governor the county and its municipalities, a national administrator all.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from functools import wraps
from html import escape
from itertools import repeat
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from fastlege.core.tabular import Column
from fastlege.reference.models import County, Municipality
from fastlege.registry import figures
from fastlege.stats import exports, kostra, opendata, selectors
from fastlege.stats.areas import area_name
from fastlege.stats.definitions import definitions, method_text
from fastlege.stats.indicators import (
    ALERT_SHARE_WITHOUT_GP_PCT,
    BY_CODE,
    INDICATORS,
    SUPPRESSION_THRESHOLD,
)
from fastlege.stats.models import AreaKind
from fastlege.stats.numbers import num
from fastlege.stats.svg import chart_figure, choropleth, month_label
from fastlege.stats.units import unit_label

#: The decimals of each indicator's column, in table order.
DECIMALS = [i.decimals for i in INDICATORS]


def _viewer(request: HttpRequest) -> selectors.Viewer:
    return selectors.viewer_for(request.user)


class _NotFilled(Exception):
    """No month of statistics has been filled yet."""


def needs_statistics(view: Any) -> Any:
    """Before the first fill, a statistics page says so (status 200) instead of a 404."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except _NotFilled:
            return render(request, "stats/not_filled.html")

    return wrapped


def _month(request: HttpRequest) -> datetime.date:
    text = request.GET.get("maned", "")
    if text:
        try:
            year, month = (int(p) for p in text.split("-")[:2])
            return datetime.date(year, month, 1)
        except ValueError:
            raise Http404(_("Ugyldig måned.")) from None
    latest = selectors.latest_month()
    if latest is None:
        raise _NotFilled
    return latest


def _sorted(rows: list[dict[str, Any]], request: HttpRequest) -> tuple[list, str, bool]:
    key = request.GET.get("sorter", "")
    desc = request.GET.get("retning") == "synkende"
    if key in BY_CODE:
        numeric = [r for r in rows if isinstance(r["values"][key], (int, float))]
        other = [r for r in rows if r not in numeric]
        numeric.sort(key=lambda r: r["values"][key], reverse=desc)
        return numeric + other, key, desc
    if key == "navn":
        return sorted(rows, key=lambda r: r["name"], reverse=desc), key, desc
    return rows, key, desc


def _children_table(child_rows: list[dict[str, Any]]) -> tuple[list[Column], list[list[Any]]]:
    columns = [exports.CODE, exports.NAME, *exports.INDICATOR_COLUMNS]
    lines = [[r["code"], r["name"], *[r["values"][i.code] for i in INDICATORS]] for r in child_rows]
    return columns, lines


def _cells(values: Iterable[Any], decimals: Iterable[int | None] | None = None) -> str:
    """Table cells, escaped (``html.escape``: thousands of cells, format_html is too slow);
    ``decimals``: per cell, the indicator's decimals (``num``)."""
    places = decimals if decimals is not None else repeat(None)
    return "".join(f"<td>{escape(num(v, d))}</td>" for v, d in zip(values, places, strict=False))


def _definition_link(code: str, text: str) -> str:
    """``text`` (escaped) as a link to the indicator's definition."""
    href = f"{reverse('stats:definitions')}#{code}"
    return f'<a href="{escape(href)}">{escape(text)}</a>'


def _rows(rows: Iterable[tuple[str, str]]) -> SafeString:
    """Rows of (first cell HTML, escaped cells)."""
    return mark_safe("".join(f"<tr><td>{first}</td>{cells}</tr>" for first, cells in rows))  # noqa: S308


def _page_json(page: selectors.AreaPage, extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "omrade": {"type": page.kind, "kode": page.code, "navn": page.name},
        "maned": page.month,
        "skjermingsgrense": SUPPRESSION_THRESHOLD,
        "skjermet": page.suppressed,
        "nokkeltall": [
            {
                "indikator": h.indicator.code,
                "navn": str(h.indicator.name),
                "verdi": h.value,
                "forrige_maned": h.last_month,
                "i_fjor": h.last_year,
            }
            for h in page.headlines
        ],
        "tidsserier": {k: [[m, v] for m, v in pts] for k, pts in page.series.items()},
        **extra,
    }


def _area(
    request: HttpRequest,
    kind: str,
    code: str,
    name: str,
    template: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    month = _month(request)
    viewer = _viewer(request)
    page = selectors.area_page(kind, code, name, month, viewer=viewer)
    if page.counts is None:
        raise Http404(_("Ingen tall for området denne måneden."))
    extra = dict(extra or {})
    child_kind: str = ""
    child_rows: list[dict[str, Any]] = []
    if kind != AreaKind.MUNICIPALITY:
        child_kind, child_rows = selectors.children(kind, code, month, viewer=viewer)
    child_rows, sort_key, desc = _sorted(child_rows, request)
    fmt = request.GET.get("format", "")
    filename = f"fastlege-{kind}-{code or 'norge'}-{month:%Y-%m}"
    if child_rows or "lists" in extra:
        if child_rows:
            header, lines = _children_table(child_rows)
        else:
            header, lines = LIST_COLUMNS, extra["lists"]
        response = exports.table(fmt, header, lines, filename)
        if response is not None:
            return response
    if fmt == "json":
        data = {
            "underomrader": child_rows,
            **{
                k: v
                for k, v in extra.items()
                if k in ("varsler", "sammenligning", "lister", "ssb_historikk")
            },
        }
        return exports.json_response(_page_json(page, data))
    charts = [
        chart_figure(
            pts,
            str(BY_CODE[c].name),
            unit=unit_label(BY_CODE[c]),
            decimals=BY_CODE[c].decimals,
            chart_id=f"graf-{c}",
        )
        for c, pts in page.series.items()
    ]
    child_url = "stats:county" if child_kind == AreaKind.COUNTY else "stats:municipality"
    # Tables are rendered to HTML here: thousands of cells through template filters
    # cost more than the rest of the page (docs/performance.md).
    child_html = _rows(
        (
            f'<a href="{escape(reverse(child_url, args=[r["code"]]))}">{escape(r["name"])}</a>',
            _cells((r["values"][i.code] for i in INDICATORS), DECIMALS),
        )
        for r in child_rows
    )
    if "comparison" in extra:
        extra["comparison_html"] = _rows(
            (
                _definition_link(i.code, str(i.name)),
                _cells(
                    (c["values"][i.code] for c in extra["comparison"]),
                    repeat(i.decimals),
                ),
            )
            for i in INDICATORS
        )
    if "lists" in extra:
        extra["lists_html"] = _rows(
            (escape(str(row[1])), _cells([str(row[0]), *row[2:]])) for row in extra["lists"]
        )
    context = {
        "page": page,
        "charts": charts,
        "child_rows": child_rows,
        "child_html": child_html,
        "child_kind": child_kind,
        "indicators": INDICATORS,
        "sort_key": sort_key,
        "desc": desc,
        "public": not viewer.everything,  # some figures on the page may be hidden
        "own_areas": not viewer.public,
        "threshold": SUPPRESSION_THRESHOLD,
        "months": selectors.months_available(),
        "counted_on": selectors.counted_on(month),
        **extra,
    }
    return render(request, template, context)


@needs_statistics
def national(request: HttpRequest) -> HttpResponse:
    return _area(request, AreaKind.NATION, "", _("Hele landet"), "stats/area.html")


@needs_statistics
def county(request: HttpRequest, number: str) -> HttpResponse:
    c = get_object_or_404(County, number=number)
    month = _month(request)
    alerts = selectors.county_alerts(number, month)
    history_code = request.GET.get("historikk", kostra.HISTORY[0])
    if history_code not in kostra.HISTORY:
        raise Http404(_("Ukjent indikator."))
    history = kostra.county_history(number, history_code, _viewer(request))
    extra = {
        "alerts": alerts,
        "alert_threshold": ALERT_SHARE_WITHOUT_GP_PCT,
        "varsler": [a.__dict__ for a in alerts],
        "county_history": history,
        "history_indicators": [BY_CODE[c] for c in kostra.HISTORY],
        "history_indicator": BY_CODE[history_code],
        "ssb_historikk": {
            "indikator": history_code,
            "kommuner": [
                {
                    "kode": r["code"],
                    "ssb": {str(y): v for y, v in r["ssb"].items()},
                    "registeret_desember": {str(y): v for y, v in r["registry"].items()},
                }
                for r in history.rows
            ],
        },
    }
    return _area(request, AreaKind.COUNTY, number, c.name, "stats/area.html", extra)


#: The lists table of a municipality (page and downloads): ``selectors.LIST_COLUMNS``.
LIST_COLUMNS = selectors.LIST_COLUMNS


def _lists(municipality: str, month: datetime.date, public: bool) -> tuple[list, list]:
    """The lists table: in public, list lengths and waiting counts hidden as the month's
    suppression says (``selectors.list_rows``)."""
    header = [c.key for c in LIST_COLUMNS]
    rows = [r[1:] for r in selectors.list_rows(month, public=public, municipality=municipality)]
    return header, rows


@needs_statistics
def municipality(request: HttpRequest, number: str) -> HttpResponse:
    m = get_object_or_404(Municipality, number=number)
    month = _month(request)
    viewer = _viewer(request)
    header, lists = _lists(number, month, not viewer.sees(AreaKind.MUNICIPALITY, number))
    comparison = selectors.comparison(number, month, viewer=viewer)
    history = kostra.municipality_history(number, viewer)
    extra = {
        "municipality": m,
        "history": history,
        "history_indicators": [BY_CODE[c] for c in kostra.HISTORY],
        "ssb_historikk": [
            {"ar": h.year, "ssb": h.ssb, "registeret_desember": h.registry} for h in history
        ],
        "comparison": comparison,
        "sammenligning": comparison,
        "lists_header": header,
        "lists": lists,
        "lister": [dict(zip(header, r, strict=True)) for r in lists],
    }
    return _area(request, AreaKind.MUNICIPALITY, number, m.name, "stats/area.html", extra)


@needs_statistics
def group(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """A municipality-size group or a centrality class, with its municipalities."""
    if kind not in (AreaKind.SIZE, AreaKind.CENTRALITY):
        raise Http404(_("Ukjent gruppe."))
    return _area(request, kind, code, area_name(kind, code), "stats/area.html")


@needs_statistics
def map_view(request: HttpRequest) -> HttpResponse:
    month = _month(request)
    viewer = _viewer(request)
    code = request.GET.get("indikator", "andel_uten_lege")
    indicator = BY_CODE.get(code)
    if indicator is None:
        raise Http404(_("Ukjent indikator."))
    county_number = request.GET.get("fylke", "")
    munis = Municipality.objects.order_by("number")
    if county_number:
        munis = munis.filter(county_id=county_number)
    numbers = list(munis.values_list("number", flat=True))
    values = selectors.map_values(indicator, month, viewer=viewer)
    if request.GET.get("format") == "json":
        return exports.json_response(
            {
                "maned": month,
                "indikator": indicator.code,
                "fylke": county_number or None,
                "verdier": {n: values.get(n) for n in numbers},
            }
        )
    link = reverse("stats:municipality", args=["0000"]).replace("0000", "{}")
    svg, legend = choropleth(
        values,
        numbers,
        higher_is_worse=indicator.higher_is_worse,
        link=link,
        label=f"{indicator.name}, {month_label(month, long=True)}",
        unit=unit_label(indicator),
        decimals=indicator.decimals,
    )
    return render(
        request,
        "stats/map.html",
        {
            "svg": svg,
            "legend": legend,
            "rows": [
                (name, values.get(n))
                for n, name in munis.order_by("name").values_list("number", "name")
            ],
            "indicator": indicator,
            "indicators": INDICATORS,
            "counties": County.objects.order_by("number"),
            "county": county_number,
            "month": month,
            "threshold": SUPPRESSION_THRESHOLD,
        },
    )


def export_all(request: HttpRequest) -> HttpResponse:
    """Every area of a kind × every indicator × every month, as CSV (for Excel or for
    programs) or Excel."""
    kind = request.GET.get("omrade", AreaKind.MUNICIPALITY)
    if kind not in AreaKind.values:
        raise Http404(_("Ukjent områdetype."))
    header, rows = selectors.export_rows(kind, None, None, viewer=_viewer(request))
    fmt = request.GET.get("format", exports.HUMAN_CSV)
    response = exports.table(fmt, header, rows, f"fastlege-{kind}-alle-maneder")
    if response is None:
        raise Http404(_("Ukjent format."))
    return response


def definitions_view(request: HttpRequest) -> HttpResponse:
    """Every indicator with its name, formula, unit, source and suppression: made from
    the registry (``fastlege.stats.definitions``), as docs/indicators.md is."""
    return render(
        request,
        "stats/definitions.html",
        {
            "definitions": definitions(),
            "suppression_method": method_text(),
            "threshold": SUPPRESSION_THRESHOLD,
            "live_figures": figures.FIGURES,
        },
    )


def open_data(request: HttpRequest) -> HttpResponse:
    """The months of open data with their files (``fastlege.stats.opendata``)."""
    return render(
        request,
        "stats/open_data.html",
        {
            "months": [(m, opendata.file_names(m)) for m in opendata.months()],
            "licence": opendata.LICENCE,
            "threshold": SUPPRESSION_THRESHOLD,
        },
    )


def open_data_file(request: HttpRequest, month: str, name: str) -> HttpResponse:
    """One file of a month's open data, made as ``fastlege open-data`` writes it."""
    try:
        year, number = (int(p) for p in month.split("-"))
        day = datetime.date(year, number, 1)
    except ValueError:
        raise Http404(_("Ugyldig måned.")) from None
    if day not in opendata.months() or name not in opendata.file_names(day):
        raise Http404(_("Ukjent fil."))
    found = next(f for f in opendata.month_files(day) if f.name == name)
    response = HttpResponse(found.content, content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{found.name}"'
    return response
