"""The municipality's pages (kommune): all lists and practices, lists without a regular
GP, ceiling decisions, GP departures and takeovers, new lists, substitutes, list
reductions and automatic placement. The county governor and national staff may read
them; only the municipality (and national staff) may change anything."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fastlege.dialogue.selectors_actions import open_actions_for_municipality, owner_panel
from fastlege.registry.models import Absence, CeilingChange
from fastlege.registry.selectors import reduction_impact
from fastlege.registry.services import (
    approve_ceiling_change,
    assign_gp,
    create_list,
    decide_absence,
    extend_agreement,
    gp_leaves,
    prepare_list_reduction,
    refuse_ceiling_change,
    register_substitute,
    set_list_open,
    take_over_list,
)
from fastlege.registry.services.common import doctor_by_hpr
from fastlege.stats.selectors import latest_month
from fastlege.web import selectors as ws
from fastlege.web.forms import (
    AbsenceDecisionForm,
    AssignGpForm,
    CeilingDecisionForm,
    ExtensionForm,
    GpLeavesForm,
    ImpactForm,
    NewListForm,
    OfficerForm,
    ReductionForm,
    SubstituteForm,
)
from fastlege.web.services import (
    grant_municipality_role,
    municipality_users,
    revoke_municipality_role,
    set_automatic_placement,
)
from fastlege.web.views.common import (
    act,
    form_errors,
    query_without_page,
    refused_is_forbidden,
)


@login_required
@refused_is_forbidden
def overview(request: HttpRequest, number: str) -> HttpResponse:
    muni = ws.municipality_for_viewer(request.user, number)
    o = ws.municipality_overview(request.user, muni, page=request.GET.get("side"))
    for change in o.pending_ceiling_changes:
        change.form = CeilingDecisionForm(auto_id=f"d{change.pk}_%s")  # type: ignore[attr-defined]
        if change.new_ceiling < change.old_ceiling:
            change.impact = reduction_impact(  # type: ignore[attr-defined]
                change.agreement,
                change.new_ceiling,
                change.effective_on,
                requested_on=change.requested_on,
            )
    return render(
        request,
        "web/municipality/overview.html",
        {
            "o": o,
            "can_change": ws.may_change_municipality(request.user, number),
            "can_import": ws.may_import_registry(request.user, number),
            "query": query_without_page(request),
            "stats_month": latest_month(),
            "stats_url": reverse("stats:municipality", args=[number]),
            **owner_panel(open_actions_for_municipality(request.user, muni), request.path),
        },
    )


@login_required
@refused_is_forbidden
def list_page(request: HttpRequest, number: str, agreement_id: int) -> HttpResponse:
    muni = ws.municipality_for_viewer(request.user, number)
    agreement = ws.agreement_in(muni, agreement_id)
    firsts = ws.upcoming_firsts()
    row = ws.list_row(agreement)
    return render(
        request,
        "web/municipality/list.html",
        {
            "muni": muni,
            "agreement": agreement,
            "row": row,
            "can_change": ws.may_change_municipality(request.user, number),
            "leaves_form": GpLeavesForm(),
            "assign_form": AssignGpForm(),
            "extension_form": ExtensionForm(),
            "substitute_form": SubstituteForm(),
            "reduction_form": ReductionForm(firsts=firsts),
            **ws.list_detail(agreement),
        },
    )


@login_required
@refused_is_forbidden
def impact(request: HttpRequest, number: str, agreement_id: int) -> HttpResponse:
    """What a lower ceiling on one list would mean, before the municipality approves it
    (§ 11): who must move and their households, the lists that could take them, and
    whether the six months' notice is met. For a pending request (``?soknad=``) its
    ceiling, date and request day; otherwise the ceiling and date in the form, asked
    for today."""
    muni = ws.municipality_for_viewer(request.user, number)
    agreement = ws.agreement_in(muni, agreement_id)
    firsts = ws.upcoming_firsts()
    change = None
    result = None
    if request.GET.get("soknad", "").isdigit():
        change = CeilingChange.objects.filter(
            pk=int(request.GET["soknad"]),
            agreement_id=agreement.pk,
            status=CeilingChange.Status.REQUESTED,
        ).first()
        if change is None:
            raise Http404
        form = ImpactForm(
            initial={"tak": change.new_ceiling, "fra": change.effective_on.isoformat()},
            firsts=firsts,
        )
        result = reduction_impact(
            agreement, change.new_ceiling, change.effective_on, requested_on=change.requested_on
        )
    elif "tak" in request.GET:
        form = ImpactForm(request.GET, firsts=firsts)
        if form.is_valid():
            new_ceiling = form.cleaned_data["tak"]
            if new_ceiling >= agreement.ceiling:
                form.add_error("tak", _("Det nye listetaket må være lavere enn dagens."))
            else:
                result = reduction_impact(
                    agreement,
                    new_ceiling,
                    datetime.date.fromisoformat(form.cleaned_data["fra"]),
                )
    else:
        form = ImpactForm(firsts=firsts)
    return render(
        request,
        "web/municipality/impact.html",
        {"muni": muni, "agreement": agreement, "form": form, "change": change, "impact": result},
    )


def _back(number: str, agreement_id: int | None = None) -> str:
    if agreement_id is None:
        return reverse("web:municipality", args=[number])
    return reverse("web:municipality_list", args=[number, agreement_id])


@require_POST
@login_required
@refused_is_forbidden
def ceiling_decide(request: HttpRequest, number: str, change_id: int) -> HttpResponse:
    ws.municipality_for_viewer(request.user, number)
    form = CeilingDecisionForm(request.POST)
    back = _back(number)
    if not form.is_valid():
        form_errors(request, form)
        return HttpResponseRedirect(back)
    data = form.cleaned_data
    if request.POST.get("decision") == "refuse":
        return act(
            request,
            lambda: refuse_ceiling_change(request.user, change_id, reason=data["reason"]),
            success=_("Søknaden om nytt listetak er avslått."),
            redirect_to=back,
        )
    return act(
        request,
        lambda: approve_ceiling_change(
            request.user,
            change_id,
            shorter_notice_approved=data["shorter_notice_approved"],
            low_ceiling_approved=data["low_ceiling_approved"],
        ),
        success=_("Det nye listetaket er godkjent."),
        redirect_to=back,
    )


@require_POST
@login_required
@refused_is_forbidden
def automatic_placement(request: HttpRequest, number: str) -> HttpResponse:
    ws.municipality_for_viewer(request.user, number)
    on = request.POST.get("on") == "1"
    return act(
        request,
        lambda: set_automatic_placement(request.user, number, on=on),
        success=_("Automatisk tildeling av ufordelte er slått på.")
        if on
        else _("Automatisk tildeling av ufordelte er slått av."),
        redirect_to=_back(number),
    )


@login_required
@refused_is_forbidden
def new_list(request: HttpRequest, number: str) -> HttpResponse:
    muni = ws.municipality_for_viewer(request.user, number)
    if not ws.may_change_municipality(request.user, number):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    practices = [(str(p.pk), p.name) for p in ws.practices_in(muni)]
    form = NewListForm(request.POST or None, practices=practices)
    if request.method == "POST":
        if not form.is_valid():
            form_errors(request, form)
            return HttpResponseRedirect(reverse("web:new_list", args=[number]))
        data = form.cleaned_data
        return act(
            request,
            lambda: create_list(
                request.user,
                int(data["practice"]),
                ceiling=data["ceiling"],
                valid_from=data["valid_from"],
                low_ceiling_approved=data["low_ceiling_approved"],
                is_salaried=data["is_salaried"],
            ),
            success=_("Listen er opprettet. Den har ingen fastlege før en lege tildeles."),
            redirect_to=_back(number),
        )
    return render(request, "web/municipality/new_list.html", {"muni": muni, "form": form})


@require_POST
@login_required
@refused_is_forbidden
def list_action(request: HttpRequest, number: str, agreement_id: int, action: str) -> HttpResponse:
    muni = ws.municipality_for_viewer(request.user, number)
    agreement = ws.agreement_in(muni, agreement_id)
    back = _back(number, agreement.pk)
    user = request.user
    if action == "slutter":
        form = GpLeavesForm(request.POST)
        if not form.is_valid():
            form_errors(request, form)
            return HttpResponseRedirect(back)
        d = form.cleaned_data
        return act(
            request,
            lambda: gp_leaves(
                user,
                agreement,
                end_date=d["end_date"],
                end_reason=d["end_reason"],
                notice_given_on=d["notice_given_on"],
                shorter_notice_agreed=d["shorter_notice_agreed"],
                reason_text=d["reason_text"],
            ),
            success=_("Legens avgang er registrert. Innbyggerne på listen får melding."),
            redirect_to=back,
        )
    if action == "forleng":
        eform = ExtensionForm(request.POST)
        if not eform.is_valid():
            form_errors(request, eform)
            return HttpResponseRedirect(back)
        d = eform.cleaned_data
        return act(
            request,
            lambda: extend_agreement(
                user, agreement, valid_until=d["valid_until"], reason=d["reason"]
            ),
            success=_("Forlengelsen av avtalen er registrert."),
            redirect_to=back,
        )
    if action == "lege":
        aform = AssignGpForm(request.POST)
        if not aform.is_valid():
            form_errors(request, aform)
            return HttpResponseRedirect(back)
        d = aform.cleaned_data

        def assign() -> object:
            doctor = doctor_by_hpr(d["hpr_number"])
            fn = take_over_list if d["take_over"] else assign_gp
            return fn(user, agreement, doctor, valid_from=d["valid_from"])

        return act(
            request,
            assign,
            success=_("Legen er registrert på listen. Innbyggerne på listen får melding."),
            redirect_to=back,
        )
    if action == "vikar":
        sform = SubstituteForm(request.POST)
        if not sform.is_valid():
            form_errors(request, sform)
            return HttpResponseRedirect(back)
        d = sform.cleaned_data
        return act(
            request,
            lambda: register_substitute(
                user,
                agreement,
                doctor_by_hpr(d["hpr_number"]),
                valid_from=d["valid_from"],
                valid_to=d["valid_to"],
                percentage=d["percentage"],
            ),
            success=_("Vikaren er registrert."),
            redirect_to=back,
        )
    if action in ("apne", "lukk"):
        return act(
            request,
            lambda: set_list_open(user, agreement, is_open=action == "apne"),
            success=_("Listen er åpnet for nye innbyggere.")
            if action == "apne"
            else _("Listen er lukket for nye innbyggere."),
            redirect_to=back,
        )
    if action == "reduksjon":
        rform = ReductionForm(request.POST, firsts=ws.upcoming_firsts())
        if not rform.is_valid():
            form_errors(request, rform)
            return HttpResponseRedirect(back)
        d = rform.cleaned_data
        return act(
            request,
            lambda: prepare_list_reduction(
                user,
                agreement,
                effective_on=datetime.date.fromisoformat(d["effective_on"]),
                plan=[(d["target"], d["count"])],
            ),
            success=_("Listereduksjonen er forberedt: de som skal flyttes er trukket ut."),
            redirect_to=back,
        )
    raise Http404


@login_required
@refused_is_forbidden
def users(request: HttpRequest, number: str) -> HttpResponse:
    """The municipality's officers: who has access to its registry; add and remove."""
    muni = ws.municipality_for_viewer(request.user, number)
    back = reverse("web:municipality_users", args=[number])
    if request.method == "POST":
        if request.POST.get("remove"):
            try:
                assignment_id = int(request.POST["remove"])
            except ValueError:
                raise Http404 from None
            return act(
                request,
                lambda: revoke_municipality_role(request.user, number, assignment_id),
                success=_("Tilgangen er fjernet."),
                redirect_to=back,
            )
        form = OfficerForm(request.POST)
        if not form.is_valid():
            form_errors(request, form)
            return HttpResponseRedirect(back)
        d = form.cleaned_data
        return act(
            request,
            lambda: grant_municipality_role(
                request.user,
                number,
                username=d["username"],
                first_name=d["first_name"],
                last_name=d["last_name"],
            ),
            success=_("Brukeren har fått tilgang til kommunens register."),
            redirect_to=back,
        )
    return render(
        request,
        "web/municipality/users.html",
        {
            "muni": muni,
            "rows": municipality_users(request.user, number),
            "form": OfficerForm(),
        },
    )


@login_required
@refused_is_forbidden
def absences(request: HttpRequest, number: str) -> HttpResponse:
    """Every absence on the municipality's lists and its cover; those waiting first."""
    muni = ws.municipality_for_viewer(request.user, number)
    rows = ws.absences_in(request.user, muni)
    can_change = ws.may_change_municipality(request.user, number)
    for a in rows:
        if can_change and a.status == a.Status.REPORTED:
            a.form = AbsenceDecisionForm(auto_id=f"a{a.pk}_%s")  # type: ignore[attr-defined]
    return render(
        request,
        "web/municipality/absences.html",
        {"municipality": muni, "absences": rows, "can_change": can_change},
    )


@require_POST
@login_required
@refused_is_forbidden
def absence_decide(request: HttpRequest, number: str, absence_id: int) -> HttpResponse:
    ws.municipality_for_viewer(request.user, number)
    back = reverse("web:municipality_absences", args=[number]) + f"#fravaer-{absence_id}"
    form = AbsenceDecisionForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return HttpResponseRedirect(back)
    data = form.cleaned_data
    if not Absence.objects.filter(pk=absence_id, agreement__municipality_id=number).exists():
        raise Http404
    return act(
        request,
        lambda: decide_absence(
            request.user,
            absence_id,
            data["decision"],
            substitute_hpr=data["substitute_hpr"],
            note=data["note"],
        ),
        success=_("Fraværet er avgjort."),
        redirect_to=back,
    )
