"""Pages of the measures app: thin; forms parse, services write, selectors read."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fastlege.core.errors import DomainError
from fastlege.measures import forms, rules, selectors, services
from fastlege.measures.models import Demand, Measure, MeasureType
from fastlege.measures.services.access import is_reader, may_edit
from fastlege.measures.services.errors import Code
from fastlege.reference.models import Municipality
from fastlege.registry.services.access import scope_of
from fastlege.stats.numbers import num
from fastlege.stats.svg import choropleth

View = Callable[..., HttpResponse]
NOT_FOUND = {
    Code.UNKNOWN_MUNICIPALITY,
    Code.UNKNOWN_MEASURE,
    Code.UNKNOWN_MEASURE_TYPE,
    Code.UNKNOWN_DEMAND,
}


def reader_required(view: View) -> View:
    """Logged in with a role that reads measures; refusals become 403 / 404."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_reader(request.user):
            raise PermissionDenied(_("Bare kommuner, Statsforvalteren og nasjonale brukere."))
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            if exc.code == Code.NOT_AUTHORISED:
                raise PermissionDenied(exc.message) from exc
            if exc.code in NOT_FOUND:
                raise Http404(exc.message) from exc
            raise

    return wrapped


def _refusal(request: HttpRequest, exc: DomainError) -> None:
    if exc.code == Code.NOT_AUTHORISED:
        raise PermissionDenied(exc.message) from exc
    messages.error(request, exc.message)


def _margin_pct() -> str:
    """The outbidding margin in per cent, as people write it (20, not 20,00)."""
    return num((rules.param("outbidding_margin") * 100).normalize())


@reader_required
def index(request: HttpRequest) -> HttpResponse:
    home = selectors.home_for(request.user)
    if home is not None and home[0] == "municipality":
        return redirect("measures:municipality", home[1])
    if home is not None and home[0] == "county":
        return redirect("measures:county", home[1])
    return render(
        request, "measures/index.html", {"counties": selectors.counties_for(request.user)}
    )


@reader_required
def county(request: HttpRequest, number: str) -> HttpResponse:
    region = selectors.region(request.user, number)
    link = reverse("measures:municipality", args=["0000"]).replace("0000", "{}")
    svg, legend = choropleth(
        region.map_values,
        [r.number for r in region.rows],
        higher_is_worse=None,
        link=link,
        label=_("Kart: kroner per år per lege"),
        unit=_("kr"),
        decimals=0,
    )
    return render(
        request,
        "measures/county.html",
        {
            "region": region,
            "svg": svg,
            "legend": legend,
            "margin_pct": _margin_pct(),
        },
    )


@reader_required
def municipality(request: HttpRequest, number: str) -> HttpResponse:
    page = selectors.municipality_page(request.user, number)
    can_edit = may_edit(request.user, number)
    return render(
        request,
        "measures/municipality.html",
        {
            "page": page,
            "can_edit": can_edit,
            "margin_pct": _margin_pct(),
        },
    )


def _measure_form(
    request: HttpRequest, municipality: Municipality, measure: Measure | None
) -> HttpResponse:
    types = selectors.types_for(municipality.number)
    warning = None
    if request.method == "POST":
        form = forms.MeasureForm(request.POST, types=types)
        if form.is_valid():
            data = form.data_object()
            mtype = form.cleaned_data["measure_type"]
            warning = selectors.check_offer(
                municipality,
                measure_type=mtype,
                status=data.status,
                unit=data.unit or mtype.unit,
                basis=data.value_basis,
                value=data.value,
                measure_id=measure.pk if measure else None,
            )
            if warning is None or form.cleaned_data["confirm_outbidding"]:
                try:
                    if measure is None:
                        saved = services.create_measure(request.user, municipality.number, data)
                    else:
                        saved = services.update_measure(request.user, measure.pk, data)
                except DomainError as exc:
                    _refusal(request, exc)
                else:
                    messages.success(request, _("Tiltaket er lagret."))
                    return redirect("measures:measure", saved.pk)
    else:
        initial = forms.MeasureForm.initial_for(measure) if measure else {"status": "planlagt"}
        form = forms.MeasureForm(initial=initial, types=types)
    return render(
        request,
        "measures/measure_form.html",
        {
            "form": form,
            "municipality": municipality,
            "measure": measure,
            "warning": warning,
            "margin_pct": _margin_pct(),
        },
    )


@reader_required
def measure_new(request: HttpRequest, number: str) -> HttpResponse:
    m = selectors.municipality_for_reader(request.user, number)
    if not may_edit(request.user, number):
        raise PermissionDenied(_("Du kan bare registrere tiltak for din egen kommune."))
    return _measure_form(request, m, None)


@reader_required
def measure_edit(request: HttpRequest, measure_id: int) -> HttpResponse:
    measure = selectors.measure_for_reader(request.user, measure_id)
    if not may_edit(request.user, measure.municipality_id):
        raise PermissionDenied(_("Du kan bare endre tiltak for din egen kommune."))
    return _measure_form(request, measure.municipality, measure)


@reader_required
def measure_detail(request: HttpRequest, measure_id: int) -> HttpResponse:
    effect = selectors.effect(request.user, measure_id)
    return render(
        request,
        "measures/measure.html",
        {
            "measure": effect.measure,
            "effect": effect,
            "can_edit": may_edit(request.user, effect.measure.municipality_id),
            "window": selectors.EFFECT_WINDOW_MONTHS,
        },
    )


@reader_required
def catalogue(request: HttpRequest) -> HttpResponse:
    own = sorted(scope_of(request.user).municipalities)
    choices = list(
        Municipality.objects.filter(number__in=own).order_by("name").values_list("number", "name")
    )
    form = forms.TypeProposalForm(request.POST or None, municipalities=choices)
    if request.method == "POST":
        if not choices:
            raise PermissionDenied(_("Bare kommuner kan foreslå nye tiltakstyper."))
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.propose_type(
                    request.user,
                    d["municipality"],
                    name=d["name"],
                    category=d["category"],
                    unit=d["unit"],
                    description=d["description"],
                )
            except DomainError as exc:
                _refusal(request, exc)
            else:
                messages.success(
                    request, _("Forslaget er sendt til Statsforvalteren for godkjenning.")
                )
                return redirect("measures:catalogue")
    approved, proposals = selectors.catalogue(request.user)
    return render(
        request,
        "measures/catalogue.html",
        {
            "approved": approved,
            "proposals": proposals,
            "form": form if choices else None,
        },
    )


@require_POST
@reader_required
def type_decide(request: HttpRequest, type_id: int) -> HttpResponse:
    approve = request.POST.get("decision") == "godkjenn"
    try:
        mtype = services.decide_type(request.user, type_id, approve=approve)
    except DomainError as exc:
        if exc.code == Code.UNKNOWN_MEASURE_TYPE:
            raise
        _refusal(request, exc)
    else:
        if mtype.status == MeasureType.Status.APPROVED:
            messages.success(request, _("Tiltakstypen er godkjent i katalogen."))
        else:
            messages.success(request, _("Forslaget er avvist."))
    return redirect("measures:catalogue")


@reader_required
def demands_new(request: HttpRequest, number: str) -> HttpResponse:
    m = selectors.municipality_for_reader(request.user, number)
    if not may_edit(request.user, number):
        raise PermissionDenied(_("Du kan bare registrere kravlister for din egen kommune."))
    form = forms.DemandListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.create_demand_list(
                request.user,
                number,
                title=d["title"],
                submitted_by=d["submitted_by"],
                received_on=d["received_on"],
                document_reference=d["document_reference"],
                demands=form.lines(),
            )
        except DomainError as exc:
            _refusal(request, exc)
        else:
            messages.success(request, _("Kravlisten er registrert."))
            return redirect("measures:municipality", number)
    return render(request, "measures/demands_form.html", {"form": form, "municipality": m})


@reader_required
def demand_answer(request: HttpRequest, demand_id: int) -> HttpResponse:
    """The municipality's answer to one demand (a page of its own: a form per demand on
    the municipality's page made it slow)."""
    demand = (
        Demand.objects.select_related("demand_list", "demand_list__municipality", "measure_type")
        .filter(pk=demand_id)
        .first()
    )
    if demand is None:
        raise Http404(_("Kravet finnes ikke."))
    number = demand.demand_list.municipality_id
    if not may_edit(request.user, number):
        raise PermissionDenied(_("Du kan bare svare på krav til din egen kommune."))
    choices = forms.DemandAnswerForm.choices_for(number)
    if request.method == "POST":
        form = forms.DemandAnswerForm(request.POST, choices=choices)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.answer_demand(
                    request.user,
                    demand.pk,
                    status=d["status"],
                    answer=d["answer"],
                    measure_type_id=d["measure_type"],
                    measure_id=d["measure"],
                )
            except DomainError as exc:
                _refusal(request, exc)
            else:
                messages.success(request, _("Svaret på kravet er lagret."))
                return redirect(
                    reverse("measures:municipality", args=[number]) + f"#krav-{demand.pk}"
                )
    else:
        form = forms.DemandAnswerForm(
            choices=choices,
            initial={
                "status": demand.status,
                "measure_type": demand.measure_type_id,
                "measure": demand.measure_id,
                "answer": demand.answer,
            },
        )
    return render(request, "measures/demand_answer.html", {"form": form, "demand": demand})
