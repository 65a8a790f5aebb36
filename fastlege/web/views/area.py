"""The county governor's pages (read only) and the national administrator's pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fastlege.monthly.selectors import recent_runs
from fastlege.web import selectors as ws
from fastlege.web.views.common import refused_is_forbidden

#: The indicator the county governor's map shows first (andel lister uten fast lege).
DEFAULT_INDICATOR = "andel_uten_lege"


@login_required
@refused_is_forbidden
def county(request: HttpRequest, number: str) -> HttpResponse:
    c = ws.county_for_viewer(request.user, number)
    rows = ws.county_overview(request.user, c)
    totals = {
        "lists": sum(r.lists for r in rows),
        "without_gp": sum(r.without_gp for r in rows),
        "ceiling": sum(r.ceiling for r in rows),
        "members": sum(r.members for r in rows),
        "free": sum(r.free for r in rows),
        "unassigned": sum(r.unassigned for r in rows),
    }
    the_map = ws.county_map(request.user, c, request.GET.get("indikator", DEFAULT_INDICATOR))
    return render(
        request,
        "web/area/county.html",
        {"county": c, "rows": rows, "totals": totals, "map": the_map},
    )


@login_required
@refused_is_forbidden
def national(request: HttpRequest) -> HttpResponse:
    rows = ws.national_overview(request.user)
    runs = recent_runs(request.user)
    return render(request, "web/area/national.html", {"rows": rows, "runs": runs})
