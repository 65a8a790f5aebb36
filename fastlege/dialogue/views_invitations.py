"""The organiser's invitations and coverage page, its CSV export, and attendance
(issue 21, part 1). Thin: forms parse, services write, selectors read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fastlege.core import tabular
from fastlege.core.errors import DomainError
from fastlege.dialogue import selectors
from fastlege.dialogue import selectors_invitations as coverage
from fastlege.dialogue.forms_invitations import (
    AttendanceForm,
    InviteMunicipalitiesForm,
    InvitePersonForm,
)
from fastlege.dialogue.models import Meeting, Registration
from fastlege.dialogue.services import invitations as services
from fastlege.dialogue.services.errors import Code
from fastlege.dialogue.views import _attachment_response, organiser_required
from fastlege.reference.models import County, Municipality


def _choices(meeting: Meeting) -> list[Municipality]:
    rows = Municipality.objects.order_by("name")
    if meeting.county_id is not None:
        rows = rows.filter(county_id=meeting.county_id)
    invited = meeting.invitations.filter(municipality__isnull=False).values("municipality_id")
    return list(rows.exclude(number__in=invited))


def _page(request: HttpRequest, meeting: Meeting, **forms: Any) -> HttpResponse:
    rows = coverage.coverage(meeting)
    drawn, legend = coverage.coverage_map(meeting, rows)
    choices = _choices(meeting)
    return render(
        request,
        "dialogue/invitations_page.html",
        {
            "meeting": meeting,
            "county": County.objects.filter(number=meeting.county_id).first(),
            "rows": rows,
            "map": drawn,
            "legend": legend,
            "persons": coverage.person_invitations(meeting),
            "municipalities_form": forms.get(
                "municipalities_form", InviteMunicipalitiesForm(choices=choices)
            ),
            "person_form": forms.get("person_form", InvitePersonForm()),
            "totals": {
                "invited": sum(1 for r in rows if r.invited),
                "registered": sum(1 for r in rows if r.registered),
                "attended": sum(1 for r in rows if r.attended),
                "municipalities": len(rows),
            },
        },
    )


@organiser_required
def invitations(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_for_organiser(request.user, meeting_id)
    if request.method != "POST":
        return _page(request, meeting)
    what = request.POST.get("what", "")
    try:
        if what == "fylke" and meeting.county_id is not None:
            created = services.invite_municipalities(
                request.user, meeting.pk, county_id=meeting.county_id
            )
        elif what == "kommuner":
            form = InviteMunicipalitiesForm(request.POST, choices=_choices(meeting))
            if not form.is_valid():
                return _page(request, meeting, municipalities_form=form)
            created = services.invite_municipalities(
                request.user, meeting.pk, numbers=form.cleaned_data["municipalities"]
            )
        elif what == "person":
            person = InvitePersonForm(request.POST)
            if not person.is_valid():
                return _page(request, meeting, person_form=person)
            services.invite_person(request.user, meeting.pk, **person.cleaned_data)
            created = []
            messages.success(request, _("Invitasjonen er sendt."))
            return redirect("dialogue:invitations", meeting.pk)
        else:
            messages.error(request, _("Ukjent handling."))
            return redirect("dialogue:invitations", meeting.pk)
    except DomainError as exc:
        if exc.code == Code.NOT_AUTHORISED:
            raise
        messages.error(request, exc.message)
        return redirect("dialogue:invitations", meeting.pk)
    messages.success(
        request,
        _("%(n)s kommuner er invitert.") % {"n": len(created)}
        if len(created) != 1
        else _("1 kommune er invitert."),
    )
    return redirect("dialogue:invitations", meeting.pk)


@organiser_required
def coverage_csv(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_for_organiser(request.user, meeting_id)
    return _attachment_response(
        coverage.coverage_csv(coverage.coverage(meeting)),
        tabular.CSV_TYPE,
        f"dekning-{meeting.pk}.csv",
    )


@organiser_required
@require_POST
def attendance(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_for_organiser(request.user, meeting_id)
    ids = list(
        meeting.registrations.filter(status=Registration.Status.REGISTERED).values_list(
            "pk", flat=True
        )
    )
    form = AttendanceForm(request.POST, ids=ids)
    if not form.is_valid():
        messages.error(request, _("Oppmøtet kunne ikke lagres."))
    else:
        try:
            came = services.record_attendance(
                request.user, meeting.pk, form.cleaned_data["attended"]
            )
        except DomainError as exc:
            if exc.code == Code.NOT_AUTHORISED:
                raise
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Oppmøtet er lagret: %(came)s av %(all)s møtte.")
                % {"came": came, "all": len(ids)},
            )
    return redirect("dialogue:participants", meeting.pk)
