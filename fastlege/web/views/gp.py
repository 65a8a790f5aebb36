"""The GP's pages (fastlege): my lists, what changes on the 1st, ceiling requests, absence."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fastlege.registry.services import request_ceiling_change, withdraw_ceiling_change
from fastlege.web import selectors as ws
from fastlege.web.forms import AbsenceForm, CeilingRequestForm
from fastlege.web.services import register_absence
from fastlege.web.views.common import act, form_errors, refused_is_forbidden


@login_required
@refused_is_forbidden
def gp_home(request: HttpRequest) -> HttpResponse:
    lists = ws.gp_lists(request.user)
    firsts = ws.upcoming_firsts()
    for a in lists:
        a.ceiling_form = CeilingRequestForm(firsts=firsts, auto_id=f"c{a.pk}_%s")  # type: ignore[attr-defined]
        a.absence_form = AbsenceForm(auto_id=f"f{a.pk}_%s")  # type: ignore[attr-defined]
    return render(request, "web/gp/home.html", {"lists": lists})


@require_POST
@login_required
def ceiling_request(request: HttpRequest, agreement_id: int) -> HttpResponse:
    back = reverse("web:gp_home")
    form = CeilingRequestForm(request.POST, firsts=ws.upcoming_firsts())
    if not form.is_valid():
        form_errors(request, form)
        return HttpResponseRedirect(back)
    effective_on = datetime.date.fromisoformat(form.cleaned_data["effective_on"])
    return act(
        request,
        lambda: request_ceiling_change(
            request.user, agreement_id, form.cleaned_data["new_ceiling"], effective_on=effective_on
        ),
        success=_("Søknaden om nytt listetak er sendt til kommunen."),
        redirect_to=back,
    )


@require_POST
@login_required
def ceiling_withdraw(request: HttpRequest, change_id: int) -> HttpResponse:
    return act(
        request,
        lambda: withdraw_ceiling_change(request.user, change_id),
        success=_("Søknaden er trukket."),
        redirect_to=reverse("web:gp_home"),
    )


@require_POST
@login_required
def absence(request: HttpRequest, agreement_id: int) -> HttpResponse:
    back = reverse("web:gp_home")
    form = AbsenceForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return HttpResponseRedirect(back)
    data = form.cleaned_data
    return act(
        request,
        lambda: register_absence(
            request.user,
            agreement_id,
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
            reason=data["reason"],
        ),
        success=_("Fraværet er registrert. Kommunen godkjenner eventuell vikar."),
        redirect_to=back,
    )
