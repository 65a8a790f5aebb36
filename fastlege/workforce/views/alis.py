"""ALIS pages: a municipality's agreements (with forms to add, change and complete
them for those who may write) and the ALIS indicators of a municipality or a county,
with exports. Thin: forms parse, ``services.alis`` writes, ``selectors_alis`` reads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fastlege.core.tabular import Column
from fastlege.reference.models import Municipality
from fastlege.stats import exports as table_files
from fastlege.stats.rounding import half_up
from fastlege.web.selectors import county_for_viewer, municipality_for_viewer, require_national
from fastlege.workforce import alis, selectors_alis
from fastlege.workforce.forms_alis import AlisForm, CompleteForm
from fastlege.workforce.models import AlisAgreement
from fastlege.workforce.services import alis as alis_services
from fastlege.workforce.views.projection import planner_required

AGREEMENT_COLUMNS: tuple[Column, ...] = (
    Column("lege", gettext_lazy("Lege")),
    Column("hpr", gettext_lazy("HPR-nummer")),
    Column("start", gettext_lazy("Start")),
    Column("planlagt_fullfort", gettext_lazy("Planlagt fullført")),
    Column("fullfort", gettext_lazy("Fullført")),
    Column(
        "status",
        gettext_lazy("Status"),
        choices={s.value: label for s, label in alis.STATUS_LABELS.items()},
    ),
    Column("veileder", gettext_lazy("Veileder")),
    Column("veiledningsgruppe", gettext_lazy("Veiledningsgruppe")),
    Column("tilskudd_sokt_kr", gettext_lazy("ALIS-tilskudd søkt (kr)"), 0),
    Column("tilskudd_sokt_dato", gettext_lazy("Søkt dato")),
    Column("tilskudd_mottatt_kr", gettext_lazy("ALIS-tilskudd mottatt (kr)"), 0),
    Column("tilskudd_mottatt_dato", gettext_lazy("Mottatt dato")),
    Column(
        "blir_etter_fullfort",
        gettext_lazy("Blir i kommunen etter fullført"),
        choices=dict(AlisAgreement.Stays.choices),
    ),
)


def supervisor_of(a: AlisAgreement) -> str:
    return a.supervisor.full_name if a.supervisor else a.supervisor_name


def agreement_rows(agreements: Sequence[AlisAgreement], on: Any) -> list[Sequence[Any]]:
    return [
        (
            a.doctor.full_name,
            a.doctor.hpr_number,
            a.start,
            a.planned_completion,
            a.completed_on,
            selectors_alis.status_of(a, on).value,
            supervisor_of(a),
            a.guidance_group,
            a.grant_applied_amount,
            a.grant_applied_on,
            a.grant_received_amount,
            a.grant_received_on,
            a.stays_after_completion,
        )
        for a in agreements
    ]


def indicator_columns(years: Sequence[int]) -> list[Column]:
    return [
        Column("omrade", gettext_lazy("Område")),
        Column("fastleger", gettext_lazy("Fastleger")),
        Column("spesialister", gettext_lazy("Spesialister")),
        Column("andel_spesialister", gettext_lazy("Andel spesialister (%)"), 1),
        Column("i_spesialisering", gettext_lazy("I spesialisering")),
        Column("andel_i_spesialisering", gettext_lazy("Andel i spesialisering (%)"), 1),
        Column("verken", gettext_lazy("Verken spesialist eller i spesialisering")),
        Column("andel_verken", gettext_lazy("Andel verken (%)"), 1),
        Column("alis_pagar", gettext_lazy("ALIS-avtaler som pågår")),
        *[Column(f"fullfort_{y}", _("Fullført %(year)s") % {"year": y}) for y in years],
        Column("blir", gettext_lazy("Fullført og blitt")),
        Column("sluttet", gettext_lazy("Fullført og sluttet")),
        Column("ukjent", gettext_lazy("Fullført, ukjent om blitt")),
        Column("andel_blir", gettext_lazy("Andel som blir (%)"), 1),
    ]


def indicator_rows(table: selectors_alis.AlisIndicatorTable) -> list[Sequence[Any]]:
    out: list[Sequence[Any]] = []
    for r in [*table.rows, table.total] if len(table.rows) > 1 else table.rows:
        c = r.competence
        out.append(
            (
                r.name,
                c.total,
                c.specialists,
                half_up(c.share_specialists, 1),
                c.in_training,
                half_up(c.share_in_training, 1),
                c.neither,
                half_up(c.share_neither, 1),
                r.in_progress,
                *[r.completions.get(y, 0) for y in table.years],
                r.stays.stayed,
                r.stays.left,
                r.stays.unknown,
                half_up(r.stays.share, 1),
            )
        )
    return out


def _export(request: HttpRequest, columns: Sequence[Column], rows: Any, name: str) -> Any:
    fmt = request.GET.get("format", "")
    if not fmt:
        return None
    response = table_files.table(fmt, columns, rows, name)
    if response is None:
        raise Http404
    return response


def _municipality_page(
    request: HttpRequest,
    m: Municipality,
    *,
    form: AlisForm | None = None,
    complete_forms: dict[int, CompleteForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    agreements = selectors_alis.agreements_of(request.user, m.number)
    table = selectors_alis.indicators([(m.number, m.name)], today, m.name, m.number)
    if request.method == "GET":
        what = request.GET.get("tabell", "avtaler")
        if what == "indikatorer":
            rows: Any = indicator_rows(table)
            columns: Sequence[Column] = indicator_columns(table.years)
        else:
            rows, columns = agreement_rows(agreements, today), AGREEMENT_COLUMNS
        response = _export(request, columns, rows, f"alis-{what}-{m.number}")
        if response is not None:
            return response
    can_write = alis_services.may_write(request.user, m.number)
    complete_forms = complete_forms or {}
    items = [
        {
            "a": a,
            "status_label": alis.STATUS_LABELS[selectors_alis.status_of(a, today)],
            "supervisor": supervisor_of(a),
            "complete_form": complete_forms.get(a.pk) or CompleteForm(prefix=f"c{a.pk}"),
        }
        for a in agreements
    ]
    return render(
        request,
        "workforce/alis.html",
        {
            "municipality": m,
            "items": items,
            "table": table,
            "ind": table.rows[0],
            "can_write": can_write,
            "form": form or (AlisForm(municipality_id=m.number) if can_write else None),
            "today": today,
        },
        status=status,
    )


@planner_required
def alis_municipality(request: HttpRequest, number: str) -> HttpResponse:
    m = municipality_for_viewer(request.user, number)
    return _municipality_page(request, m)


def _add_error(form: Any, exc: alis_services.AlisRefused) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@planner_required
@require_POST
def alis_create(request: HttpRequest, number: str) -> HttpResponse:
    m = municipality_for_viewer(request.user, number)
    form = AlisForm(request.POST, municipality_id=m.number)
    if form.is_valid():
        try:
            alis_services.create_alis_agreement(request.user, m.number, form.data_object())
        except alis_services.AlisRefused as exc:
            if exc.code == alis_services.Code.NOT_AUTHORISED:
                raise
            _add_error(form, exc)
        else:
            messages.success(request, _("ALIS-avtalen er registrert."))
            return redirect("workforce:alis", m.number)
    return _municipality_page(request, m, form=form, status=400)


def _agreement(request: HttpRequest, m: Municipality, agreement_id: int) -> AlisAgreement:
    a = (
        selectors_alis.visible_agreements(request.user)
        .select_related("doctor", "supervisor")
        .filter(pk=agreement_id, municipality=m)
        .first()
    )
    if a is None:
        raise Http404
    return a


@planner_required
@require_POST
def alis_complete(request: HttpRequest, number: str, agreement_id: int) -> HttpResponse:
    m = municipality_for_viewer(request.user, number)
    a = _agreement(request, m, agreement_id)
    form = CompleteForm(request.POST, prefix=f"c{a.pk}")
    if form.is_valid():
        try:
            alis_services.complete_alis_agreement(
                request.user,
                a.pk,
                form.cleaned_data["completed_on"],
                form.cleaned_data["stays_after_completion"],
            )
        except alis_services.AlisRefused as exc:
            if exc.code == alis_services.Code.NOT_AUTHORISED:
                raise
            _add_error(form, exc)
        else:
            messages.success(request, _("ALIS-avtalen er registrert som fullført."))
            return redirect("workforce:alis", m.number)
    return _municipality_page(request, m, complete_forms={a.pk: form}, status=400)


@planner_required
def alis_edit(request: HttpRequest, number: str, agreement_id: int) -> HttpResponse:
    m = municipality_for_viewer(request.user, number)
    a = _agreement(request, m, agreement_id)
    if not alis_services.may_write(request.user, m.number):
        alis_services.refuse(alis_services.Code.NOT_AUTHORISED)
    if request.method == "POST":
        form = AlisForm(
            request.POST,
            municipality_id=m.number,
            fixed_doctor=True,
            initial={"doctor_hpr": a.doctor.hpr_number},
        )
        if form.is_valid():
            try:
                alis_services.update_alis_agreement(request.user, a.pk, form.data_object())
            except alis_services.AlisRefused as exc:
                if exc.code == alis_services.Code.NOT_AUTHORISED:
                    raise
                _add_error(form, exc)
            else:
                messages.success(request, _("ALIS-avtalen er lagret."))
                return redirect("workforce:alis", m.number)
    else:
        form = AlisForm(
            municipality_id=m.number,
            fixed_doctor=True,
            initial=AlisForm.initial_of(alis_services.AlisData.of(a)),
        )
    return render(request, "workforce/alis_edit.html", {"municipality": m, "a": a, "form": form})


@planner_required
def alis_county(request: HttpRequest, number: str) -> HttpResponse:
    c = county_for_viewer(request.user, number)
    today = timezone.localdate()
    munis = list(
        Municipality.objects.filter(county=c).order_by("number").values_list("number", "name")
    )
    table = selectors_alis.indicators(munis, today, c.name, c.number)
    response = _export(
        request, indicator_columns(table.years), indicator_rows(table), f"alis-{c.number}"
    )
    if response is not None:
        return response
    return render(
        request,
        "workforce/alis_area.html",
        {"county": c, "table": table, "rows": [*table.rows, table.total]},
    )


@planner_required
def alis_national(request: HttpRequest) -> HttpResponse:
    """National staff: the ALIS indicators per county and for the whole country (as the
    county governor sees them per municipality)."""
    require_national(request.user)
    table = selectors_alis.indicators_by_county(timezone.localdate(), _("Hele landet"))
    response = _export(
        request, indicator_columns(table.years), indicator_rows(table), "alis-hele-landet"
    )
    if response is not None:
        return response
    return render(
        request,
        "workforce/alis_national.html",
        {"table": table, "rows": [*table.rows, table.total]},
    )
