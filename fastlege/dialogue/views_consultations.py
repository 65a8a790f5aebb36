"""Organiser pages of the consultation phases (issue 21, part 4) and the public
CSV of public answers. Thin: forms parse, services decide, selectors read."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fastlege.core import tabular
from fastlege.core.errors import DomainError
from fastlege.dialogue import exports, forms_consultations, selectors, selectors_consultations
from fastlege.dialogue.services import consultations_phases as phases
from fastlege.dialogue.views import _attachment_response, _not_found, organiser_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _back(consultation_id: int) -> HttpResponse:
    return redirect("dialogue:organiser_consultation", consultation_id)


def _run(request: HttpRequest, form: Any, action: Any, done: str) -> None:
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return
    try:
        action(form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)


@require_POST
@organiser_required
def phase_post(request: HttpRequest, consultation_id: int, what: str) -> HttpResponse:
    """Open, extend, close, publish the summary, or write the draft text."""
    consultation = selectors.consultation_for_organiser(request.user, consultation_id)
    user, pk = request.user, consultation.pk
    if what == "apne":
        _run(
            request,
            forms.Form(request.POST),
            lambda _d: phases.open_consultation(user, pk),
            _("Innspillsrunden er åpnet."),
        )
    elif what == "forleng":
        _run(
            request,
            forms_consultations.ExtendForm(request.POST),
            lambda d: phases.extend_deadline(
                user, pk, new_deadline=d["new_deadline"], reason=d["reason"]
            ),
            _("Fristen er forlenget. Endringen vises på innspillssiden."),
        )
    elif what == "lukk":
        _run(
            request,
            forms.Form(request.POST),
            lambda _d: phases.close_consultation(user, pk),
            _("Innspillsrunden er lukket."),
        )
    elif what == "oppsummering":
        _run(
            request,
            forms_consultations.SummaryForm(request.POST),
            lambda d: phases.publish_summary(user, pk, summary=d["summary"]),
            _("Oppsummeringen er publisert."),
        )
    elif what == "tekst":
        _run(
            request,
            forms_consultations.SectionsForm(request.POST),
            lambda d: phases.set_sections(user, pk, d["text"]),
            _("Høringsteksten er lagret."),
        )
    elif what == "hold-tilbake":
        form = forms_consultations.WithholdForm(request.POST)
        if (
            form.is_valid()
            and not consultation.submissions.filter(pk=form.cleaned_data["submission"]).exists()
        ):
            raise Http404()
        _run(
            request,
            form,
            lambda d: phases.withhold_submission(
                user, d["submission"], reason=d["reason"], note=d["note"]
            ),
            _("Lagret. Avgjørelsen er logget."),
        )
    else:
        raise Http404()
    return _back(pk)


@organiser_required
def analysis(request: HttpRequest, consultation_id: int, fmt: str = "html") -> HttpResponse:
    """Counts by theme, kind of sender and county; every answer as CSV or Excel."""
    if fmt not in ("html", "csv", "xlsx"):
        raise Http404()
    consultation = selectors.consultation_for_organiser(request.user, consultation_id)
    if fmt == "csv":
        rows = selectors_consultations.answers_for_organiser(
            request.user, consultation, "svar (csv)"
        )
        return _attachment_response(
            exports.answers_csv(rows), tabular.CSV_TYPE, f"svar-{consultation.pk}.csv"
        )
    if fmt == "xlsx":
        rows = selectors_consultations.answers_for_organiser(
            request.user, consultation, "svar (xlsx)"
        )
        return _attachment_response(
            exports.answers_xlsx(consultation, rows), XLSX, f"svar-{consultation.pk}.xlsx"
        )
    counts = selectors_consultations.analysis(request.user, consultation)
    return render(
        request,
        "dialogue/consultations_analysis.html",
        {
            "consultation": consultation,
            "analysis": counts,
            "tables": [
                (_("Svar etter tema"), _("Tema"), counts.by_theme),
                (_("Svar etter type avsender"), _("Type avsender"), counts.by_kind),
                (_("Svar etter fylke"), _("Fylke"), counts.by_county),
            ],
        },
    )


def public_answers_csv(request: HttpRequest, consultation_id: int) -> HttpResponse:
    """The public answers of a consultation whose answers are published (no e-mail)."""
    consultation, rows = _not_found(lambda: selectors_consultations.public_answers(consultation_id))
    return _attachment_response(
        exports.answers_csv(rows), tabular.CSV_TYPE, f"offentlige-svar-{consultation.pk}.csv"
    )
