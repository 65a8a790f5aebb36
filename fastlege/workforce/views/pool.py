"""Pages of the regional substitute pool (/arbeidskraft/vikarpool/): thin; forms parse,
``services.pool`` writes, ``selectors_pool`` reads. Refusals are shown as the service's
Norwegian message, with nothing saved."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fastlege.core.errors import DomainError
from fastlege.reference.models import County, Municipality
from fastlege.registry.services.access import scope_of
from fastlege.web.selectors import (
    county_for_viewer,
    may_change_municipality,
    municipality_for_viewer,
)
from fastlege.workforce import selectors_pool as sel
from fastlege.workforce.forms_pool import AvailabilityForm, BookingForm, RequestForm, SubstituteForm
from fastlege.workforce.models import PoolSubstitute, SubstituteRequest
from fastlege.workforce.services import pool as svc
from fastlege.workforce.views.projection import planner_required

#: Rows of the county's substitute table per page.
SUBSTITUTES_PER_PAGE = 50


def _year_window(request: HttpRequest) -> tuple[int, datetime.date, datetime.date]:
    """The calendar year of the locum dependency table (``?ar=``, default this year)."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("ar", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), 2100)
    return year, datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)


def _with_candidates(requests: list[SubstituteRequest], county_id: str) -> list[dict[str, Any]]:
    matches = sel.match_requests(requests, county_id)
    subs = sel.substitutes_by_id({c.substitute_id for cs in matches.values() for c in cs})
    return [
        {
            "request": r,
            "candidates": [
                {"candidate": c, "substitute": subs[c.substitute_id]} for c in matches[r.pk]
            ],
        }
        for r in requests
    ]


@planner_required
def pool_index(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    counties = County.objects.order_by("number")
    if not scope.everything:
        counties = counties.filter(number__in=scope.counties)
    return render(
        request,
        "workforce/pool_index.html",
        {
            "counties": list(counties),
            "municipalities": list(
                Municipality.objects.filter(number__in=scope.municipalities).order_by("name")
            ),
        },
    )


@planner_required
def pool_county(request: HttpRequest, number: str) -> HttpResponse:
    county = county_for_viewer(request.user, number)
    year, start, end = _year_window(request)
    numbers = list(Municipality.objects.filter(county=county).values_list("number", flat=True))
    _per_list, per_muni = sel.locum_dependency(numbers, start, end)
    return render(
        request,
        "workforce/pool_county.html",
        {
            "county": county,
            "substitutes": Paginator(sel.county_pool(county), SUBSTITUTES_PER_PAGE).get_page(
                request.GET.get("side")
            ),
            "requests": _with_candidates(sel.open_requests(county=county), county.number),
            "bookings": sel.bookings(county=county),
            "dependency": per_muni,
            "year": year,
            "may_manage": svc.may_manage_pool(request.user, county.number),
            "form": SubstituteForm(county_id=county.number),
        },
    )


@planner_required
def pool_municipality(request: HttpRequest, number: str) -> HttpResponse:
    muni = municipality_for_viewer(request.user, number)
    year, start, end = _year_window(request)
    per_list, per_muni = sel.locum_dependency([muni.number], start, end)
    return render(
        request,
        "workforce/pool_municipality.html",
        {
            "municipality": muni,
            "requests": _with_candidates(sel.open_requests(municipality=muni), muni.county_id),
            "bookings": sel.bookings(municipality=muni),
            "per_list": per_list,
            "dependency": per_muni,
            "year": year,
            "may_change": may_change_municipality(request.user, muni.number),
            "form": RequestForm(municipality_id=muni.number),
            "booking_form": BookingForm(),
        },
    )


def _refused(request: HttpRequest, exc: DomainError) -> None:
    if exc.code == "not_authorised":
        raise PermissionDenied(exc.message) from exc
    messages.error(request, exc.message)


def _form_errors(request: HttpRequest, form: Any) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@planner_required
@require_POST
def pool_substitute_new(request: HttpRequest, number: str) -> HttpResponse:
    county = get_object_or_404(County, number=number)
    form = SubstituteForm(request.POST, county_id=county.number)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        data = form.cleaned_data
        try:
            svc.add_substitute(
                request.user,
                hpr_number=data["hpr_number"],
                county_id=county.number,
                home_municipality_id=data["home_municipality"].number,
                municipality_ids=[m.number for m in data["municipalities"]],
                note=data["note"],
            )
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Vikaren er lagt til i vikarpoolen."))
    return redirect("workforce:pool_county", county.number)


@planner_required
@require_POST
def pool_availability_new(request: HttpRequest, substitute_id: int) -> HttpResponse:
    sub = get_object_or_404(PoolSubstitute, pk=substitute_id)
    form = AvailabilityForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            svc.add_availability(
                request.user,
                sub,
                valid_from=form.cleaned_data["valid_from"],
                valid_to=form.cleaned_data["valid_to"],
            )
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Tilgjengeligheten er lagret."))
    return redirect("workforce:pool_county", sub.county_id)


@planner_required
@require_POST
def pool_request_new(request: HttpRequest, number: str) -> HttpResponse:
    muni = get_object_or_404(Municipality, number=number)
    form = RequestForm(request.POST, municipality_id=muni.number)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        data = form.cleaned_data
        try:
            svc.create_request(
                request.user,
                data["agreement"],
                reason=data["reason"],
                absence=data["absence"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                needs=data["needs"],
            )
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Forespørselen er sendt til vikarpoolen."))
    return redirect("workforce:pool_municipality", muni.number)


@planner_required
@require_POST
def pool_accept(request: HttpRequest, request_id: int) -> HttpResponse:
    req = get_object_or_404(SubstituteRequest, pk=request_id)
    form = BookingForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            svc.accept_match(
                request.user,
                req.pk,
                form.cleaned_data["substitute"],
                cost=form.cleaned_data["cost"],
            )
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(
                request, _("Vikaren er booket, og vikarperioden er registrert på listen.")
            )
    return redirect("workforce:pool_municipality", req.municipality_id)
