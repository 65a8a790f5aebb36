"""The watch page (Si fra når det blir plass): a citizen's watches, the notices of places
that opened, and forms to watch a list or a search. For the person themselves or a
child they act for; anyone else gets 404. Works without JavaScript."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fastlege.registry.models import Resident
from fastlege.watches import selectors, services
from fastlege.watches.forms import WatchListForm, WatchSearchForm
from fastlege.web import selectors as ws
from fastlege.web.views.common import act, form_errors


def _person(request: HttpRequest, person_id: int) -> Resident:
    return ws.person_for_self_service(request.user, person_id)


def _municipalities() -> list[tuple[str, str]]:
    return [(m.number, m.name) for m in ws.all_municipalities()]


def _lists(municipality_id: str) -> list[tuple[int, str]]:
    """The municipality's lists in force, labelled by GP, practice and free places."""
    rows = ws.with_doctors(ws.find_lists(municipality_id), timezone.localdate())
    choices = []
    for a in rows:
        gp = a.gp_name or _("liste uten fast lege")  # type: ignore[attr-defined]
        state = (
            _("ledig plass nå")
            if a.takes_new  # type: ignore[attr-defined]
            else _("ingen ledig plass")
        )
        choices.append((a.pk, f"{gp}, {a.practice.name} ({state})"))
    return choices


def _back(person: Resident) -> str:
    return reverse("watches:watches", args=[person.pk])


@login_required
def watches_page(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    municipalities = _municipalities()
    chosen = request.GET.get("kommune") or person.municipality_id
    if chosen not in dict(municipalities):
        chosen = person.municipality_id
    context = {
        "person": person,
        "watches": selectors.active_watches(request.user, person),
        "notices": selectors.notices_for(request.user, person),
        "limit": services.MAX_WATCHES,
        "chosen": chosen,
        "municipalities": municipalities,
        "list_form": WatchListForm(lists=_lists(chosen)),
        "search_form": WatchSearchForm(initial={"kommune": chosen}, municipalities=municipalities),
    }
    return render(request, "watches/watches.html", context)


@login_required
@require_POST
def watch_list(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    form = WatchListForm(request.POST, lists=_lists_of_posted(request))
    if not form.is_valid():
        form_errors(request, form)
        return HttpResponseRedirect(_back(person))
    return act(
        request,
        lambda: services.watch_list(request.user, person, form.cleaned_data["liste"]),
        success=_("Du følger nå med på listen. Det holder ingen plass."),
        redirect_to=_back(person),
    )


def _lists_of_posted(request: HttpRequest) -> list[tuple[int, str]]:
    """Any list id posted is a valid choice for the form; the service checks it."""
    try:
        pk = int(request.POST.get("liste", ""))
    except ValueError:
        return []
    return [(pk, str(pk))]


@login_required
@require_POST
def watch_search(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    form = WatchSearchForm(request.POST, municipalities=_municipalities())
    if not form.is_valid():
        form_errors(request, form)
        return HttpResponseRedirect(_back(person))
    return act(
        request,
        lambda: services.watch_search(
            request.user, person, form.cleaned_data["kommune"], form.filters()
        ),
        success=_("Du følger nå med på søket. Det holder ingen plass."),
        redirect_to=_back(person),
    )


@login_required
@require_POST
def stop(request: HttpRequest, person_id: int, watch_id: int) -> HttpResponse:
    person = _person(request, person_id)
    return act(
        request,
        lambda: services.stop_watching(request.user, person, watch_id),
        success=_("Du følger ikke lenger med på dette."),
        redirect_to=_back(person),
    )
