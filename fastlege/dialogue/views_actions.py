"""Pages of group work and follow-up actions: thin; forms parse, services write,
selectors read. The organiser's forms live on the organiser's meeting page
(``views._meeting_page``); the rapporteur's answers page and the owner's status
change work for users who are not organisers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fastlege.core import tabular
from fastlege.core.errors import DomainError
from fastlege.dialogue import selectors, selectors_actions
from fastlege.dialogue.forms_actions import (
    ActionStatusForm,
    AnswersForm,
    AssignActionForm,
    GroupWorkForm,
)
from fastlege.dialogue.services import actions as services
from fastlege.dialogue.services.access import may_organise
from fastlege.dialogue.services.errors import Code
from fastlege.dialogue.views import _attachment_response, _meeting_page, organiser_required


def _organiser_page(meeting_id: int) -> str:
    return reverse("dialogue:organiser_meeting", args=[meeting_id])


@organiser_required
@require_POST
def group_create(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_for_organiser(request.user, meeting_id)
    form = GroupWorkForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            services.add_group(request.user, meeting.pk, **form.cleaned_data)
        except DomainError as exc:
            if exc.code == Code.NOT_AUTHORISED:
                raise
            form.add_error(None, exc.message)
    if form.errors:
        return _meeting_page(request, meeting, group_form=form)
    messages.success(request, _("Gruppen er lagret."))
    return redirect(_organiser_page(meeting.pk) + "#gruppearbeid")


@login_required
def group_answers(request: HttpRequest, group_id: int) -> HttpResponse:
    """The group's answers, recorded by its rapporteur or the organiser."""
    try:
        group = selectors_actions.group_for_answers(request.user, group_id)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    form = AnswersForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_answers(request.user, group.pk, form.answers())
        except DomainError as exc:
            if exc.code == Code.NOT_AUTHORISED:
                raise PermissionDenied(exc.message) from exc
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Svarene er lagret."))
            return redirect("dialogue:group_answers", group.pk)
    return render(
        request,
        "dialogue/actions_group_answers.html",
        {
            "group": group,
            "meeting": group.meeting,
            "form": form,
            "organiser": may_organise(request.user, group.meeting.county_id),
        },
    )


@organiser_required
@require_POST
def action_create(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_for_organiser(request.user, meeting_id)
    form = AssignActionForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            services.add_action(request.user, meeting.pk, **form.service_arguments())
        except DomainError as exc:
            if exc.code == Code.NOT_AUTHORISED:
                raise
            form.add_error(None, exc.message)
    if form.errors:
        return _meeting_page(request, meeting, action_form=form)
    messages.success(request, _("Oppfølgingspunktet er lagret."))
    return redirect(_organiser_page(meeting.pk) + "#tiltak")


@organiser_required
def actions_export(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The meeting's actions with status, owner and last comment, as CSV."""
    meeting = selectors.meeting_for_organiser(request.user, meeting_id)
    rows = list(selectors_actions.meeting_actions(meeting))
    return _attachment_response(
        selectors_actions.actions_csv(rows, timezone.localdate()),
        tabular.CSV_TYPE,
        f"oppfolging-{meeting.pk}.csv",
    )


@login_required
@require_POST
def action_status(request: HttpRequest, action_id: int) -> HttpResponse:
    """The owner or the organiser changes an action's status, with a comment, and comes
    back to the page they came from (their overview, or the organiser's table)."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    try:
        action = selectors_actions.action_for_change(request.user, action_id)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    back = back or services.owner_page(action) or _organiser_page(action.meeting_id)
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("status", []) + form.errors.get("comment", []):
            messages.error(request, str(error))
        return HttpResponseRedirect(back)
    try:
        services.set_action_status(
            request.user, action.pk, form.cleaned_data["status"], form.cleaned_data["comment"]
        )
    except DomainError as exc:
        if exc.code == Code.NOT_AUTHORISED:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Status for «%(what)s» er nå «%(status)s».")
            % {
                "what": action.what,
                "status": dict(action.Status.choices)[form.cleaned_data["status"]],
            },
        )
    return HttpResponseRedirect(back)
