"""The GP's pages (fastlege): my lists, what changes on the 1st, ceiling requests, absence."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fastlege.core.errors import DomainError
from fastlege.registry.services import (
    register_absence,
    request_ceiling_change,
    withdraw_ceiling_change,
)
from fastlege.registry.services.errors import Code
from fastlege.web import gp_selectors as gs
from fastlege.web import selectors as ws
from fastlege.web.forms import AbsenceForm, CeilingRequestForm
from fastlege.web.views import gp_list
from fastlege.web.views.common import act, form_errors, refused_is_forbidden


@login_required
@refused_is_forbidden
def gp_home(request: HttpRequest) -> HttpResponse:
    return _home(request)


def _home(
    request: HttpRequest, absence_form: AbsenceForm | None = None, agreement_id: int = 0
) -> HttpResponse:
    """The GP's lists; a form refused is shown again with what the GP typed."""
    lists = ws.gp_lists(request.user)
    firsts = ws.upcoming_firsts()
    for a in lists:
        a.ceiling_form = CeilingRequestForm(firsts=firsts, auto_id=f"c{a.pk}_%s")  # type: ignore[attr-defined]
        a.absence_form = (  # type: ignore[attr-defined]
            absence_form
            if absence_form is not None and a.pk == agreement_id
            else AbsenceForm(auto_id=f"f{a.pk}_%s")
        )
    status = 400 if absence_form is not None else 200
    return render(request, "web/gp/home.html", {"lists": lists}, status=status)


@require_POST
@login_required
def ceiling_request(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """The GP (or the municipality) asks for a new ceiling. Refused or invalid, the
    list's GP gets the ceiling page back with what was typed and why (400); others
    the message on Mine lister, as before."""
    back = reverse("web:gp_home")
    form = CeilingRequestForm(request.POST, firsts=ws.upcoming_firsts())
    own = gs.is_own_list(request.user, agreement_id)
    if not form.is_valid():
        if own:
            return gp_list.ceiling_page(request, agreement_id, form)
        form_errors(request, form)
        return HttpResponseRedirect(back)
    effective_on = datetime.date.fromisoformat(form.cleaned_data["effective_on"])
    try:
        request_ceiling_change(
            request.user, agreement_id, form.cleaned_data["new_ceiling"], effective_on=effective_on
        )
    except DomainError as exc:
        if exc.code == Code.NOT_AUTHORISED:
            raise PermissionDenied(exc.messages[0]) from exc
        if not own:
            messages.error(request, exc.messages[0])
            return HttpResponseRedirect(back)
        form.add_error(None, exc.messages[0])
        return gp_list.ceiling_page(request, agreement_id, form)
    messages.success(request, _("Søknaden om nytt listetak er sendt til kommunen."))
    return HttpResponseRedirect(back)


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
@refused_is_forbidden
def absence(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """The GP reports an absence; refused or invalid, the form comes back filled in."""
    form = AbsenceForm(request.POST, auto_id=f"f{agreement_id}_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            register_absence(
                request.user,
                agreement_id,
                valid_from=data["valid_from"],
                valid_to=form.back_on,
                reason=data["reason"],
                proposed_substitute_hpr=data["substitute_hpr"],
            )
        except DomainError as exc:
            if exc.code == Code.NOT_AUTHORISED:
                raise
            form.add_error(None, exc.messages[0])
        else:
            messages.success(
                request, _("Fraværet er meldt. Kommunen godkjenner vikar eller annen dekning.")
            )
            return HttpResponseRedirect(reverse("web:gp_home"))
    return _home(request, form, agreement_id)
