"""Pages of the workforce app: thin; forms parse, services write, selectors read."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fastlege.core.errors import DomainError
from fastlege.reference.models import County, Municipality
from fastlege.registry.services.access import scope_of
from fastlege.stats import exports as table_files
from fastlege.web.selectors import county_for_viewer, municipality_for_viewer
from fastlege.workforce import chart, exports, selectors, services
from fastlege.workforce.forms import ScenarioForm
from fastlege.workforce.models import Scenario
from fastlege.workforce.parameters import FIGURES
from fastlege.workforce.services.access import is_planner
from fastlege.workforce.services.errors import Code, ScenarioInvalid
from fastlege.workforce.services.scenarios import ScenarioData

View = Callable[..., HttpResponse]
NOT_AUTHORISED = "not_authorised"  # the same code in the registry's and this app's table
UNIT = "årsverk"


def planner_required(view: View) -> View:
    """Logged in as a municipality, the county governor or national staff; refusals
    become 403 (not allowed) or 404 (unknown)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_planner(request.user):
            raise PermissionDenied(_("Bare kommuner, Statsforvalteren og nasjonale brukere."))
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            if exc.code == NOT_AUTHORISED:
                raise PermissionDenied(exc.message) from exc
            if exc.code == Code.UNKNOWN_SCENARIO:
                raise Http404(exc.message) from exc
            raise

    return wrapped


@planner_required
def index(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    municipalities = list(
        Municipality.objects.filter(number__in=scope.municipalities).order_by("number")
    )
    counties = list(County.objects.filter(number__in=scope.counties).order_by("number"))
    if scope.everything:
        counties = list(County.objects.order_by("number"))
    return render(
        request,
        "workforce/index.html",
        {
            "municipalities": municipalities,
            "counties": counties,
            "national": scope.everything,
            "scenarios": selectors.visible_scenarios(request.user),
        },
    )


def _projection_page(request: HttpRequest, area: selectors.Area, **extra: Any) -> HttpResponse:
    asked = request.GET.getlist("s")
    chosen = selectors.chosen_scenarios(request.user, asked)
    if len(asked) > selectors.MAX_SCENARIOS and not request.GET.get("format"):
        messages.info(
            request,
            _("Du kan sammenligne høyst %(n)s scenarioer; de første %(n)s vises.")
            % {"n": selectors.MAX_SCENARIOS},
        )
    page = selectors.area_projection(area, chosen, timezone.localdate())
    fmt = request.GET.get("format", "")
    if fmt:
        filename = f"framskriving-{area.code or 'landet'}"
        response = table_files.table(fmt, exports.COLUMNS, exports.rows(page), filename)
        if response is None:
            raise Http404
        return response
    figures = [
        chart.projection_figure(
            r.rows,
            _("%(area)s: %(scenario)s") % {"area": area.name, "scenario": r.scenario.name},
            _(UNIT),
            f"chart-{i}",
        )
        for i, r in enumerate(page.results)
    ]
    query = "&".join(f"s={r.scenario.pk}" for r in page.results)
    return render(
        request,
        "workforce/projection.html",
        {
            "page": page,
            "figures": figures,
            "scenarios": selectors.visible_scenarios(request.user),
            "chosen_ids": [r.scenario.pk for r in page.results],
            "max_scenarios": selectors.MAX_SCENARIOS,
            "query": query,
            "unverified": sum(1 for f in FIGURES.values() if not f.verified),
            **extra,
        },
    )


@planner_required
def nation(request: HttpRequest) -> HttpResponse:
    if not scope_of(request.user).everything:
        raise PermissionDenied(_("Bare nasjonale brukere ser hele landet."))
    return _projection_page(
        request,
        selectors.nation_area(),
        children=[
            (c.name, "workforce:county", c.number) for c in County.objects.order_by("number")
        ],
    )


@planner_required
def county(request: HttpRequest, number: str) -> HttpResponse:
    c = county_for_viewer(request.user, number)
    area = selectors.county_area(c)
    return _projection_page(
        request,
        area,
        children=[
            (m.name, "workforce:municipality", m.number)
            for m in Municipality.objects.filter(county=c).order_by("number")
        ],
    )


@planner_required
def municipality(request: HttpRequest, number: str) -> HttpResponse:
    m = municipality_for_viewer(request.user, number)
    return _projection_page(request, selectors.municipality_area(m), parent=m.county)


# --- Scenarios ----------------------------------------------------------------------


@planner_required
def scenarios(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "workforce/scenarios.html",
        {"scenarios": selectors.visible_scenarios(request.user)},
    )


def _scenario(request: HttpRequest, scenario_id: int) -> Scenario:
    scenario = Scenario.objects.filter(selectors.visible_q(request.user), pk=scenario_id).first()
    if scenario is None:
        raise Http404
    return scenario


@planner_required
def scenario_detail(request: HttpRequest, scenario_id: int) -> HttpResponse:
    scenario = _scenario(request, scenario_id)
    form = ScenarioForm(initial=ScenarioForm.initial_of(ScenarioData.of(scenario)))
    return render(
        request,
        "workforce/scenario.html",
        {
            "scenario": scenario,
            "form": form,
            "can_edit": selectors.may_edit(request.user, scenario),
        },
    )


@planner_required
@require_POST
def scenario_copy(request: HttpRequest, scenario_id: int) -> HttpResponse:
    copy = services.copy_scenario(request.user, scenario_id, request.POST.get("name", ""))
    messages.success(request, _("Scenarioet er kopiert. Endre kopien her."))
    return redirect("workforce:scenario_edit", copy.pk)


def _form_page(
    request: HttpRequest, scenario: Scenario | None, save: Callable[[ScenarioData], Scenario]
) -> HttpResponse:
    if request.method == "POST":
        form = ScenarioForm(request.POST)
        if form.is_valid():
            try:
                saved = save(form.data_object())
            except ScenarioInvalid as exc:
                for field, message in exc.field_errors.items():
                    form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("Scenarioet er lagret."))
                return redirect("workforce:scenario", saved.pk)
    else:
        data = ScenarioData.of(scenario) if scenario else ScenarioData.defaults("")
        form = ScenarioForm(initial=ScenarioForm.initial_of(data))
    return render(request, "workforce/scenario_form.html", {"form": form, "scenario": scenario})


@planner_required
def scenario_new(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None, lambda data: services.create_scenario(request.user, data))


@planner_required
def scenario_edit(request: HttpRequest, scenario_id: int) -> HttpResponse:
    scenario = _scenario(request, scenario_id)
    if not selectors.may_edit(request.user, scenario):
        raise PermissionDenied(_("Bare den som laget scenarioet kan endre det. Lag en kopi."))
    return _form_page(
        request,
        scenario,
        lambda data: services.update_scenario(request.user, scenario_id, data),
    )
