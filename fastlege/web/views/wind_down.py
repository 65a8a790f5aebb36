"""The municipality's shared-list wind-downs (deleliste): a regular GP of 60 or more
winds down and hands the list over. The municipality registers one, names the
successor and cancels; the county governor and national staff read. Thin: the
registry's services write (``registry.services.wind_down``), its selectors read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fastlege.core.errors import DomainError
from fastlege.registry.models import WindDown
from fastlege.registry.selectors import lists_for_wind_down, wind_downs_of
from fastlege.registry.services import cancel_wind_down, name_successor, register_wind_down
from fastlege.registry.services.errors import Code
from fastlege.web import selectors as ws
from fastlege.web.forms import WindDownCancelForm, WindDownForm, WindDownSuccessorForm
from fastlege.web.views.common import act, form_errors, refused_is_forbidden


def _page(request: HttpRequest, number: str, form: WindDownForm | None = None) -> HttpResponse:
    muni = ws.municipality_for_viewer(request.user, number)
    can_change = ws.may_change_municipality(request.user, number)
    rows = wind_downs_of(muni.number)
    if can_change:
        for w in rows:
            if w.status == WindDown.Status.ACTIVE:
                w.successor_form = WindDownSuccessorForm(  # type: ignore[attr-defined]
                    auto_id=f"s{w.pk}_%s",
                    initial={"successor_hpr": w.successor.hpr_number if w.successor else ""},
                )
                w.cancel_form = WindDownCancelForm(auto_id=f"c{w.pk}_%s")  # type: ignore[attr-defined]
        if form is None:
            form = WindDownForm(lists=lists_for_wind_down(muni.number, timezone.localdate()))
    return render(
        request,
        "web/municipality/wind_downs.html",
        {"municipality": muni, "wind_downs": rows, "can_change": can_change, "form": form},
        status=400 if form is not None and form.is_bound else 200,
    )


@login_required
@refused_is_forbidden
def wind_downs(request: HttpRequest, number: str) -> HttpResponse:
    """The list of wind-downs; a POST registers one (refused or invalid, the form comes
    back filled in with the Norwegian reason)."""
    if request.method != "POST":
        return _page(request, number)
    ws.municipality_for_viewer(request.user, number)
    if not ws.may_change_municipality(request.user, number):
        raise PermissionDenied
    form = WindDownForm(request.POST, lists=lists_for_wind_down(number, timezone.localdate()))
    if form.is_valid():
        data = form.cleaned_data
        try:
            register_wind_down(
                request.user,
                data["agreement"],
                valid_from=data["valid_from"],
                hand_over_on=data["hand_over_on"],
                successor_hpr=data["successor_hpr"],
                note=data["note"],
            )
        except DomainError as exc:
            if exc.code == Code.NOT_AUTHORISED:
                raise
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("Delelisten er registrert."))
            return HttpResponseRedirect(reverse("web:municipality_wind_downs", args=[number]))
    return _page(request, number, form)


def _target(number: str, wind_down_id: int) -> str:
    if not WindDown.objects.filter(pk=wind_down_id, agreement__municipality_id=number).exists():
        raise Http404
    return reverse("web:municipality_wind_downs", args=[number]) + f"#deleliste-{wind_down_id}"


@require_POST
@login_required
@refused_is_forbidden
def wind_down_successor(request: HttpRequest, number: str, wind_down_id: int) -> HttpResponse:
    ws.municipality_for_viewer(request.user, number)
    back = _target(number, wind_down_id)
    form = WindDownSuccessorForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return HttpResponseRedirect(back)
    return act(
        request,
        lambda: name_successor(request.user, wind_down_id, form.cleaned_data["successor_hpr"]),
        success=_("Ny fastlege er lagret."),
        redirect_to=back,
    )


@require_POST
@login_required
@refused_is_forbidden
def wind_down_cancel(request: HttpRequest, number: str, wind_down_id: int) -> HttpResponse:
    ws.municipality_for_viewer(request.user, number)
    back = _target(number, wind_down_id)
    form = WindDownCancelForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return HttpResponseRedirect(back)
    return act(
        request,
        lambda: cancel_wind_down(request.user, wind_down_id, note=form.cleaned_data["note"]),
        success=_("Delelisten er avbrutt."),
        redirect_to=back,
    )
