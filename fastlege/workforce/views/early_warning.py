"""The vacancy early-warning pages: a municipality's or a county's lists likely to
become vacant within 6, 12 and 24 months. Thin: the selector reads and scopes
(``fastlege.workforce.early_warning``); a download goes through the one export path
(``fastlege.core.tabular`` via ``fastlege.stats.exports.table``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from fastlege.reference.models import County, Municipality
from fastlege.stats import exports
from fastlege.web.views.common import refused_is_forbidden
from fastlege.workforce import early_warning as ew


def _page(request: HttpRequest, area: Municipality | County, kind: str) -> HttpResponse:
    day = timezone.localdate()
    warning = ew.early_warning(request.user, area, day)
    fmt = request.GET.get("format", "")
    if fmt:
        response = exports.table(
            fmt,
            ew.EXPORT_COLUMNS,
            ew.export_rows(warning),
            f"varsel-ledige-lister-{kind}-{area.number}-{day:%Y-%m-%d}",
        )
        if response is None:
            raise Http404
        return response
    return render(
        request,
        "workforce/early_warning.html",
        {
            "warning": warning,
            "area": area,
            "kind": kind,
            "is_county": isinstance(area, County),
            "formats": [
                (exports.HUMAN_CSV, "CSV"),
                (exports.EXCEL, "Excel"),
                (exports.MACHINE_CSV, "CSV (maskinlesbar)"),
            ],
        },
    )


@login_required
@refused_is_forbidden
def municipality(request: HttpRequest, number: str) -> HttpResponse:
    area = Municipality.objects.select_related("county").filter(number=number).first()
    if area is None:
        raise Http404
    return _page(request, area, "kommune")


@login_required
@refused_is_forbidden
def county(request: HttpRequest, number: str) -> HttpResponse:
    area = County.objects.filter(number=number).first()
    if area is None:
        raise Http404
    return _page(request, area, "fylke")
