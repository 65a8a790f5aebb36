"""Pages of a meeting's situation report: make a version (organiser), read one (page and PDF)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fastlege.core.errors import DomainError
from fastlege.dialogue import selectors_situation as selectors
from fastlege.dialogue.services.errors import Code
from fastlege.dialogue.services.situation import make_situation_report
from fastlege.dialogue.views import organiser_required
from fastlege.stats.svg import chart_figure, month_label


@organiser_required
@require_POST
def make(request: HttpRequest, meeting_id: int) -> HttpResponse:
    try:
        report = make_situation_report(request.user, meeting_id)
    except DomainError as exc:
        if exc.code in (Code.NOT_AUTHORISED, Code.UNKNOWN_MEETING):
            raise
        messages.error(request, exc.message)
        return redirect("dialogue:organiser_meeting", meeting_id)
    messages.success(
        request, _("Situasjonsbildet er laget (versjon %(v)s).") % {"v": report.version}
    )
    return redirect("dialogue:situation_version", meeting_id, report.version)


def _report(request: HttpRequest, meeting_id: int, version: int | None) -> Any:
    try:
        return selectors.report_for(request.user, meeting_id, version)
    except DomainError as exc:
        raise Http404(exc.message) from exc


def _charts(data: dict[str, Any]) -> list[Any]:
    return [
        chart_figure(
            [(datetime.date.fromisoformat(m), v) for m, v in s["points"]],
            s["name"],
            unit=s["unit"],
            decimals=s["decimals"],
            chart_id=f"graf-{s['code']}",
        )
        for s in data["series"]
    ]


def _date(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def report(request: HttpRequest, meeting_id: int, version: int | None = None) -> HttpResponse:
    """A version of the report as it was made (the organiser's rendering to those who
    see the county unsuppressed, the public one to everyone else)."""
    shown = _report(request, meeting_id, version)
    internal = selectors.shows_internal(request.user, shown)
    data = shown.data if internal else shown.public_data
    all_versions = list(selectors.versions(shown.meeting))
    return render(
        request,
        "dialogue/situation_report.html",
        {
            "meeting": shown.meeting,
            "report": shown,
            "data": data,
            "internal": internal,
            "month": month_label(shown.as_of_month, long=True),
            "charts": _charts(data),
            "counted_on": _date(data.get("counted_on")),
            "municipality_rows": [
                (
                    m["code"],
                    m["name"],
                    [
                        (v, c["decimals"])
                        for v, c in zip(m["values"], data["municipality_columns"], strict=True)
                    ],
                )
                for m in data["municipalities"]
            ],
            "versions": all_versions,
            "current": all_versions[0],
            "minutes_version": selectors.minutes_version(shown.meeting),
        },
    )


def pdf(request: HttpRequest, meeting_id: int, version: int) -> HttpResponse:
    shown = _report(request, meeting_id, version)
    content = shown.pdf if selectors.shows_internal(request.user, shown) else shown.public_pdf
    response = HttpResponse(bytes(content), content_type="application/pdf")
    name = f"situasjonsbilde-{shown.county_id}-{shown.as_of_month:%Y-%m}-v{shown.version}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
