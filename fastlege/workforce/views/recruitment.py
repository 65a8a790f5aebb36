"""Pages for recruitment cases: the municipality's cases (open a case), a case with
its steps as forms, and the county's cases (read only). Thin: forms parse, services
write, selectors read; a refusal is shown in Norwegian and nothing is changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fastlege.core.errors import DomainError
from fastlege.registry.models import Doctor
from fastlege.web.selectors import may_change_municipality
from fastlege.workforce import recruitment as rules
from fastlege.workforce import selectors_recruitment as sel
from fastlege.workforce.forms_recruitment import (
    AdvertiseForm,
    ApplicantsForm,
    CloseForm,
    FillForm,
    InterviewsForm,
    MeasuresForm,
    OfferForm,
    OpenCaseForm,
)
from fastlege.workforce.models import RecruitmentCase
from fastlege.workforce.services import recruitment as svc
from fastlege.workforce.views.projection import planner_required

Status = RecruitmentCase.Status


def _refusal(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, exc.messages[0])


def _form_errors(request: HttpRequest, form: forms.Form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


@planner_required
def municipality_cases(request: HttpRequest, number: str) -> HttpResponse:
    muni, cases = sel.municipality_cases(request.user, number)
    today = timezone.localdate()
    can_change = may_change_municipality(request.user, muni.number)
    lists = sel.openable_lists(muni.number, today) if can_change else []
    form = OpenCaseForm(lists=lists)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied(_("Bare kommunen selv oppretter rekrutteringssaker."))
        form = OpenCaseForm(request.POST, lists=lists)
        if form.is_valid():
            try:
                case = svc.open_case(
                    request.user, form.cleaned_data["agreement"], note=form.cleaned_data["note"]
                )
            except DomainError as exc:
                _refusal(request, exc)
            else:
                messages.success(request, _("Rekrutteringssaken er opprettet."))
                return redirect("workforce:recruitment_case", case.pk)
        else:
            _form_errors(request, form)
    all_rows = sel.rows(cases, today)
    return render(
        request,
        "workforce/recruitment_municipality.html",
        {
            "municipality": muni,
            "open_rows": [r for r in all_rows if r.case.is_open],
            "done_rows": [r for r in all_rows if not r.case.is_open],
            "can_change": can_change,
            "form": form,
            "has_lists": bool(lists),
            "ahead_months": rules.CASE_AHEAD_MONTHS.value,
        },
    )


@planner_required
def county_cases(request: HttpRequest, number: str) -> HttpResponse:
    open_only = request.GET.get("vis") != "alle"
    county, cases = sel.county_cases(request.user, number, open_only=open_only)
    return render(
        request,
        "workforce/recruitment_county.html",
        {
            "county": county,
            "rows": sel.rows(cases, timezone.localdate()),
            "open_only": open_only,
        },
    )


def _doctor(hpr_number: str) -> Doctor | None:
    return Doctor.objects.filter(hpr_number=hpr_number.strip()).first()


#: Each step: its form, and the service call made with the cleaned data.
STEPS: dict[str, tuple[type[forms.Form], Callable[[Any, int, dict[str, Any]], Any]]] = {
    "advertise": (AdvertiseForm, lambda u, pk, d: svc.advertise(u, pk, **d)),
    "applicants": (ApplicantsForm, lambda u, pk, d: svc.record_applicants(u, pk, **d)),
    "interviews": (InterviewsForm, lambda u, pk, d: svc.record_interviews(u, pk, **d)),
    "offer": (
        OfferForm,
        lambda u, pk, d: svc.make_offer(
            u, pk, offered_on=d["offered_on"], doctor=_doctor(d["hpr_number"]) or 0
        ),
    ),
    "fill": (FillForm, lambda u, pk, d: svc.fill(u, pk, **d)),
    "close": (CloseForm, lambda u, pk, d: svc.close(u, pk, **d)),
}


TITLES = {
    "advertise": gettext_lazy("Utlys listen (eller lys ut på nytt)"),
    "applicants": gettext_lazy("Antall søkere"),
    "interviews": gettext_lazy("Intervjuer"),
    "offer": gettext_lazy("Tilbud"),
    "fill": gettext_lazy("Besatt: ny fastlege på listen"),
    "close": gettext_lazy("Avslutt uten ny fastlege"),
}


def _available(case: RecruitmentCase) -> list[str]:
    """The step forms the case's status allows (``recruitment.TRANSITIONS``)."""
    out = []
    if rules.may_move(case.status, Status.ADVERTISED):
        out.append("advertise")
    if case.status in rules.COUNTING:
        out.append("applicants")
    for step, to in (
        ("interviews", Status.INTERVIEWS),
        ("offer", Status.OFFERED),
        ("fill", Status.FILLED),
        ("close", Status.CLOSED),
    ):
        if rules.may_move(case.status, to):
            out.append(step)
    return out


@planner_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = sel.case_for_viewer(request.user, case_id)
    can_change = sel.may_change(request.user, case)
    offerable = list(sel.measures_offerable(case.agreement.municipality_id))
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied(_("Bare kommunen selv endrer rekrutteringssaken."))
        step = request.POST.get("step", "")
        if step == "measures":
            mform = MeasuresForm(request.POST, measures=offerable)
            call: Callable[[], Any] | None = None
            if mform.is_valid():
                ids = mform.cleaned_data["measures"]

                def call() -> Any:
                    return svc.set_measures(request.user, case.pk, ids)

            else:
                _form_errors(request, mform)
        elif step in STEPS:
            form_class, service = STEPS[step]
            form = form_class(request.POST)
            call = None
            if form.is_valid():
                data = form.cleaned_data

                def call() -> Any:
                    return service(request.user, case.pk, data)

            else:
                _form_errors(request, form)
        else:
            call = None
            messages.error(request, _("Ukjent steg."))
        if call is not None:
            try:
                call()
            except DomainError as exc:
                _refusal(request, exc)
            else:
                messages.success(request, _("Saken er oppdatert."))
        return redirect("workforce:recruitment_case", case.pk)
    today = timezone.localdate()
    (row,) = sel.rows(RecruitmentCase.objects.filter(pk=case.pk), today)
    steps = _available(case) if can_change else []
    return render(
        request,
        "workforce/recruitment_case.html",
        {
            "case": case,
            "row": row,
            "history": sel.history(case),
            "can_change": can_change,
            "forms": [(s, TITLES[s], STEPS[s][0]()) for s in steps],
            "measures": list(case.measures.select_related("measure_type")),
            "measures_form": MeasuresForm(
                measures=offerable,
                initial={"measures": [m.pk for m in case.measures.all()]},
            )
            if can_change
            else None,
        },
    )
