"""Reads for a meeting's situation report (*situasjonsbilde*).

:func:`report_data` gathers what a report shows, every figure through the
statistics app's own selectors (``fastlege.stats.selectors``: the same definitions,
rounding and suppression as the statistics pages — nothing is recomputed here), the
follow-up list (:mod:`fastlege.dialogue.followup`) and the outbidding signals
(``fastlege.measures.selectors.county_signals``). The result is plain JSON: it is
stored with the version and every later showing renders from the stored copy.

Who sees which rendering (:func:`shows_internal`): those who may organise the
county's meetings (its governor, national staff) see ``data``; everyone else sees
``public_data`` once the meeting is published.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.utils import timezone

from fastlege.dialogue.followup import county_followup
from fastlege.dialogue.models import Meeting
from fastlege.dialogue.models_situation import SituationReport
from fastlege.dialogue.services.access import may_organise
from fastlege.dialogue.services.errors import Code, refuse
from fastlege.measures import selectors as measure_selectors
from fastlege.measures.rules import param
from fastlege.measures.templatetags.measures_tags import amount, value_of
from fastlege.reference.models import County, Municipality
from fastlege.stats import selectors as stats
from fastlege.stats.indicators import BY_CODE
from fastlege.stats.models import AreaKind
from fastlege.stats.numbers import num
from fastlege.stats.units import change_unit_label, unit_label

#: The columns of the municipalities table (a selection of the statistics page's
#: headline figures that fits a printed page).
MUNICIPALITY_COLUMNS = (
    "listeinnbyggere",
    "fastleger",
    "lister_uten_lege",
    "andel_uten_lege",
    "ufordelte",
    "venteliste",
    "apne_lister",
    "lister_ubesatt_over_ett_ar",
)

#: Months of each trend kept in the report (this month and the twelve before it).
TREND_MONTHS = 13


def county_viewer(county_id: str) -> stats.Viewer:
    """The statistics scope of the county's governor: the county and its
    municipalities unsuppressed (``stats.selectors.viewer_for`` gives them the same)."""
    munis = Municipality.objects.filter(county_id=county_id).values_list("number", flat=True)
    return stats.Viewer(False, frozenset({county_id}), frozenset(munis))


def _figures(county: County, month: datetime.date, viewer: stats.Viewer) -> dict[str, Any]:
    page = stats.area_page(AreaKind.COUNTY, county.number, county.name, month, viewer=viewer)
    _kind, children = stats.children(AreaKind.COUNTY, county.number, month, viewer=viewer)
    first = stats.shift(month, -(TREND_MONTHS - 1))
    return {
        "county": {"number": county.number, "name": county.name},
        "month": month,
        "counted_on": stats.counted_on(month),
        "suppressed": page.suppressed,
        "headlines": [
            {
                "code": h.indicator.code,
                "name": str(h.indicator.name),
                "unit": unit_label(h.indicator),
                "change_unit": change_unit_label(h.indicator),
                "decimals": h.indicator.decimals,
                "value": h.value,
                "last_month": h.last_month,
                "last_year": h.last_year,
                "change_month": h.change_month,
                "change_year": h.change_year,
                "worse_month": h.worse_month,
                "worse_year": h.worse_year,
            }
            for h in page.headlines
        ],
        "series": [
            {
                "code": code,
                "name": str(BY_CODE[code].name),
                "unit": unit_label(BY_CODE[code]),
                "decimals": BY_CODE[code].decimals,
                "points": [[m, v] for m, v in points if m >= first],
            }
            for code, points in page.series.items()
        ],
        "municipality_columns": [
            {"code": c, "name": str(BY_CODE[c].name), "decimals": BY_CODE[c].decimals}
            for c in MUNICIPALITY_COLUMNS
        ],
        "municipalities": sorted(
            (
                {
                    "code": r["code"],
                    "name": r["name"],
                    "values": [r["values"][c] for c in MUNICIPALITY_COLUMNS],
                }
                for r in children
            ),
            key=lambda r: r["name"],
        ),
    }


def _followup(county: County, day: datetime.date) -> dict[str, Any]:
    result = county_followup(county, day)
    rows: list[dict[str, Any]] = []
    measures: list[dict[str, Any]] = []
    for r in result.rows:
        note = r.follow_up
        rows.append(
            {
                "number": r.number,
                "name": r.name,
                "score": r.score,
                "trend": r.trend,
                "alerts": r.alerts,
                "last_contacted": (
                    f"{note.last_contacted:%d.%m.%Y}" if note and note.last_contacted else None
                ),
            }
        )
        measures.extend(
            {
                "municipality": r.name,
                "type": m.measure_type.name,
                "value": value_of(m),
                "status": str(m.get_status_display()),
                "starts_on": m.starts_on,
            }
            for m in r.measures
        )
    signals = [
        {
            "municipality": s.measure.municipality.name,
            "type": s.measure.measure_type.name,
            "value": value_of(s.measure),
            "status": str(s.measure.get_status_display()),
            "neighbour_max": amount(s.result.neighbour_max) if s.result.over_neighbours else "",
            "county_median": amount(s.result.county_median) if s.result.over_county else "",
        }
        for s in measure_selectors.county_signals(county.number, on=day)
    ]
    margin = param("outbidding_margin", day) * 100
    return {
        "followup": [r for r in rows if r["score"] > 0],
        "followup_quiet": sum(1 for r in rows if r["score"] <= 0),
        "measures": sorted(measures, key=lambda m: (m["municipality"], m["type"])),
        "signals": signals,
        "margin_pct": num(margin.normalize()),
    }


def report_data(
    county: County, month: datetime.date, day: datetime.date
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(internal, public): the report's content for ``county`` with the statistics of
    ``month``, as JSON-ready data (dates as ISO text, exactly as stored)."""
    internal = _figures(county, month, county_viewer(county.number))
    internal.update(_followup(county, day))
    public = _figures(county, month, stats.PUBLIC)
    public["withheld"] = True  # follow-up list, measures and signals are not public
    return _as_json(internal), _as_json(public)


def _as_json(data: dict[str, Any]) -> dict[str, Any]:
    """The data as it is stored and read back: every showing renders the same thing."""
    result: dict[str, Any] = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return result


# --- showing a stored version ----------------------------------------------------------


def shows_internal(actor: Any, report: SituationReport) -> bool:
    """Does ``actor`` see the organiser's rendering (unsuppressed county figures, the
    follow-up list, measures and signals)? Those who may organise the county's meetings:
    its governor and national staff — the same people who read the follow-up list and
    the county's measures in their own apps (not the ministry, which reads neither)."""
    return may_organise(actor, report.county_id)


def versions(meeting: Meeting) -> QuerySet[SituationReport]:
    """The meeting's versions, newest (current) first, without their content."""
    return meeting.situation_reports.defer("data", "public_data", "pdf", "public_pdf").order_by(
        "-version"
    )


def report_for(actor: Any, meeting_id: int, version: int | None = None) -> SituationReport:
    """A version (None: the current one) of a meeting's report: to the organiser always;
    to anyone else once the meeting is published."""
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None or not (meeting.published or may_organise(actor, meeting.county_id)):
        refuse(Code.UNKNOWN_MEETING)
    rows = meeting.situation_reports.select_related("meeting", "county", "made_by")
    report = (
        rows.order_by("-version").first()
        if version is None
        else rows.filter(version=version).first()
    )
    if report is None:
        refuse(Code.NO_SITUATION_REPORT)
    return report


def minutes_version(meeting: Meeting) -> SituationReport | None:
    """The version the minutes refer to: the last one made before the meeting ended
    (what was shown); if none was made by then, the current one."""
    end = timezone.make_aware(datetime.datetime.combine(meeting.date, meeting.end_time))
    rows = versions(meeting)
    return rows.filter(made_at__lte=end).first() or rows.first()
