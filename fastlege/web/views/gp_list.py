"""The GP's own list (issue 20 item 7): its members, who joins and leaves, the waiting
list, the absences (changed until the municipality decides) and a new ceiling with what
it would mean. Only the list's regular GP: anyone else gets 404 (``gp_selectors``).
Thin views; works without JavaScript."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fastlege.core.errors import DomainError
from fastlege.registry import rules
from fastlege.registry.models import Absence
from fastlege.registry.selectors import sami_priority_on
from fastlege.registry.services import change_absence
from fastlege.registry.services.absence import CHANGEABLE
from fastlege.registry.services.errors import Code
from fastlege.web import gp_selectors as gs
from fastlege.web import selectors as ws
from fastlege.web.forms import AbsenceForm, CeilingRequestForm, MemberSearchForm
from fastlege.web.views.common import query_without_page


def _context(request: HttpRequest, agreement_id: int, current: str) -> dict[str, object]:
    agreement = gs.own_list(request.user, agreement_id)
    return {"agreement": agreement, "current": current}


@login_required
def members(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """The list's members, a page at a time, searchable by name (never by identity
    number: the term of this GET form is in the URL)."""
    context = _context(request, agreement_id, "members")
    form = MemberSearchForm(request.GET or None)
    name, after = "", None
    if form.is_bound and form.is_valid():
        name, after = form.cleaned_data["navn"], form.cleaned_data["etter"]
    page = None
    if not form.is_bound or form.is_valid():
        page = gs.members_page(request.user, context["agreement"], name=name, after=after)  # type: ignore[arg-type]
    context.update(
        form=form,
        page=page,
        rows=[(m, gs.age_of(m.birth_date)) for m in page.members] if page else [],
        name=name,
        after=after,
        row=ws.list_row(context["agreement"]),  # type: ignore[arg-type]
    )
    return render(request, "web/gp/members.html", context, status=200 if page else 400)


@login_required
def movements(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """This month's and last month's joiners and leavers."""
    context = _context(request, agreement_id, "movements")
    context["months"] = gs.movements(request.user, context["agreement"])  # type: ignore[arg-type]
    return render(request, "web/gp/movements.html", context)


@login_required
def waiting(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """The list's waiting list in the order it is served."""
    context = _context(request, agreement_id, "waiting")
    context["page"] = gs.waiting_page(request.user, context["agreement"], request.GET.get("side"))  # type: ignore[arg-type]
    context["query"] = query_without_page(request)
    context["sami_first"] = sami_priority_on(agreement_id)
    return render(request, "web/gp/waiting.html", context)


@login_required
def absences(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """Every absence on the list with its status; those not decided can be changed."""
    context = _context(request, agreement_id, "absences")
    context["absences"] = gs.absences_of(request.user, context["agreement"])  # type: ignore[arg-type]
    context["changeable"] = CHANGEABLE
    return render(request, "web/gp/absences.html", context)


@login_required
def absence_change(request: HttpRequest, absence_id: int) -> HttpResponse:
    """Change an absence the municipality has not decided (days, reason, proposed
    substitute); refused or invalid, the form comes back with what the GP typed."""
    absence = gs.own_absence(request.user, absence_id)
    back = reverse("web:gp_absences", args=[absence.agreement_id])
    if request.method == "POST":
        form = AbsenceForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                change_absence(
                    request.user,
                    absence.pk,
                    valid_from=data["valid_from"],
                    valid_to=form.back_on,
                    reason=data["reason"],
                    proposed_substitute_hpr=data["substitute_hpr"],
                )
            except DomainError as exc:
                if exc.code in (Code.NOT_AUTHORISED, Code.GP_NOT_ON_AGREEMENT):
                    raise
                form.add_error(None, exc.messages[0])
            else:
                messages.success(request, _("Fraværet er endret og sendt til kommunen."))
                return HttpResponseRedirect(back)
        status = 400
    else:
        form = AbsenceForm(initial=_absence_initial(absence))
        status = 200
    return render(
        request,
        "web/gp/absence_change.html",
        {
            "absence": absence,
            "agreement": absence.agreement,
            "form": form,
            "changeable": absence.status in CHANGEABLE,
            "current": "absences",
            "back": back,
        },
        status=status,
    )


def _absence_initial(absence: Absence) -> dict[str, object]:
    proposed = absence.proposed_substitute
    return {
        "valid_from": absence.valid_from,
        "last_day": absence.last_day,
        "reason": absence.reason,
        "substitute_hpr": proposed.hpr_number if proposed else "",
    }


@login_required
def ceiling(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """A new ceiling: the rules (§§ 10–11, the six months' notice) and, for the ceiling
    and date in the form (a GET, nothing is saved), how many would have to move; the
    request itself is sent to ``gp.ceiling_request``."""
    return ceiling_page(request, agreement_id)


def ceiling_page(
    request: HttpRequest, agreement_id: int, refused: CeilingRequestForm | None = None
) -> HttpResponse:
    """The ceiling page; with ``refused`` (a request sent and refused), that form with
    what the GP typed and why, status 400."""
    context = _context(request, agreement_id, "ceiling")
    agreement = context["agreement"]
    firsts = ws.upcoming_firsts()
    form = refused or CeilingRequestForm(request.GET or None, firsts=firsts)
    preview = None
    if refused is None and form.is_bound and form.is_valid():
        preview = gs.ceiling_preview(
            request.user,
            agreement,  # type: ignore[arg-type]
            form.cleaned_data["new_ceiling"],
            datetime.date.fromisoformat(form.cleaned_data["effective_on"]),
        )
    today = timezone.localdate()
    months = int(rules.param("reduction_notice_months", today))
    context.update(
        form=form,
        preview=preview,
        row=ws.list_row(agreement),  # type: ignore[arg-type]
        notice_months=months,
        notice_basis=rules.rule("reduction_notice_months", today).legal_basis,
        full_notice_from=rules.add_months(today, months),
        max_ceiling=rules.ceiling_limits(today)[1],
        requests=list(agreement.ceiling_changes.order_by("-requested_on", "-pk")[:10]),  # type: ignore[attr-defined]
    )
    return render(request, "web/gp/ceiling.html", context, status=400 if form.errors else 200)
