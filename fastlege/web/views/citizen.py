"""The citizen's pages (innbygger): my GP, my list, history, find a GP with free places,
switch (for me or my child), waiting list, notifications, opting out.

A person is addressed by the registry's internal id, never by identity number; a
person the user may not act for gives 404. Every page works without JavaScript."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fastlege.core.errors import DomainError
from fastlege.registry import rules, waiting_time
from fastlege.registry import selectors as rs
from fastlege.registry.models import Agreement, Notification, Resident
from fastlege.registry.published_draws import own_draws
from fastlege.registry.services import mark_read, opt_in, opt_out, receipts
from fastlege.registry.services.access import regular_gp_on
from fastlege.web import geo, search
from fastlege.web import selectors as ws
from fastlege.web.forms import ListChoiceForm, SearchForm
from fastlege.web.views.common import act, query_without_page, say_refusal

PAGE = 50  # notifications per page


def _person(request: HttpRequest, person_id: int) -> Resident:
    return ws.person_for_self_service(request.user, person_id)


def _agreement_info(agreement: Agreement) -> dict[str, object]:
    today = timezone.localdate()
    period = regular_gp_on(agreement.pk, today)
    row = ws.list_row(agreement, today)
    return {
        "agreement": agreement,
        "gp": period.doctor if period else None,
        "row": row,
        "takes_new": bool(row and row.takes_new),  # type: ignore[attr-defined]
    }


@login_required
def citizen_home(request: HttpRequest) -> HttpResponse:
    persons = ws.persons_i_act_for(request.user)
    scope_ids = [p.pk for p in persons]
    if not scope_ids:
        raise Http404
    own = next((p for p in persons if p.pk in _own_ids(request)), persons[0])
    return HttpResponseRedirect(reverse("web:person", args=[own.pk]))


def _own_ids(request: HttpRequest) -> frozenset[int]:
    from fastlege.registry.services.access import scope_of

    return scope_of(request.user).residents


@login_required
def person_page(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    membership = rs.current_membership(request.user, person)
    pending = rs.pending_switch(request.user, person)
    place = rs.waiting_position(request.user, person)
    quota = rs.switch_quota(request.user, person)
    unread = rs.notifications_for(request.user, person).filter(read_at__isnull=True).count()
    context = {
        "person": person,
        "persons": ws.persons_i_act_for(request.user),
        "is_self": person.pk in _own_ids(request),
        "membership": membership,
        "current": _agreement_info(membership.agreement) if membership else None,
        "pending": pending,
        "pending_label": ws.agreement_label(pending.to_agreement) if pending else "",
        "place": place,
        "estimate": waiting_time.for_place(place) if place else None,
        "place_label": ws.agreement_label(
            Agreement.objects.select_related("practice").get(pk=place.agreement_id)
        )
        if place
        else "",
        "quota": quota,
        "unread": unread,
        "age": rules.age_on(person.birth_date, timezone.localdate()),
    }
    return render(request, "web/citizen/person.html", context)


def waiting_time_method(request: HttpRequest) -> HttpResponse:
    """Public: how the expected wait is estimated, in plain Norwegian
    (``registry.waiting_time``; its figures from ``waiting_time.PARAMETERS``)."""
    p = waiting_time.PARAMETERS
    low, high = round(100 * p.low_quantile), round(100 * p.high_quantile)
    return render(
        request,
        "web/citizen/waiting_time_method.html",
        {"p": p, "low": low, "high": high, "inside": high - low},
    )


@login_required
def history(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    rows = rs.membership_history(request.user, person)
    return render(request, "web/citizen/history.html", {"person": person, "rows": rows})


def _filters(data: dict[str, Any]) -> search.Filters:
    return search.Filters(
        sex=data["kjonn"],
        language=data["sprak"],
        specialty=data["spesialist"],
        only_free=data["bare_ledige"],
        max_km=data["maks_km"],
        sort=data["sortering"] or search.SORT_FREE,
    )


def _search(request: HttpRequest, start_in: str | None) -> dict[str, object]:
    """The search form and, once asked (or at once in ``start_in``, the person's own
    municipality), one page of results with the municipality's map."""
    data: Any = request.GET
    if not any(k in request.GET for k in SEARCH_KEYS) and start_in:
        data = {"kommune": start_in}
    municipalities = search.municipality_choices()
    form = SearchForm(data or None, municipalities=municipalities)
    context: dict[str, object] = {"form": form, "results": None}
    if data and form.is_valid():
        place = ws.resolve_place(form.cleaned_data["kommune"], form.cleaned_data["postnummer"])
        if place is None:
            form.add_error("postnummer", _("Fant ingen kommune for dette postnummeret."))
            return context
        today = timezone.localdate()
        number = place.municipality.number
        code = place.postal_code.code if place.postal_code else None
        lat, lon = form.cleaned_data["lat"], form.cleaned_data["lon"]
        picked = geo.Point(lat, lon, "kart") if lat is not None and lon is not None else None
        found = search.search(
            number, _filters(form.cleaned_data), postal_code=code, origin=picked, day=today
        )
        name = dict(municipalities).get(number, place.municipality.name)
        page = ws.page_of(found.rows, request.GET.get("side"))
        search.with_expected_wait(search.describe(list(page.object_list), today))
        context.update(
            place=place,
            place_name=name,
            results=page,
            query=query_without_page(request),
            by_distance=found.origin is not None,
            by_map=picked is not None,
            taking_new=any(a.takes_new for a in found.rows),  # type: ignore[attr-defined]
            map=geo.municipality_map(
                number,
                _("Kart over %(name)s med legekontorene i søket") % {"name": name},
                [(a.practice.name, a.point) for a in found.rows if a.point],  # type: ignore[attr-defined]
                found.origin,
                pick_for="find-form",
            ),
        )
    return context


#: Query parameters that make a search (others, like ``person``, do not).
SEARCH_KEYS = ("kommune", "postnummer")


def _find(request: HttpRequest, person: Resident | None) -> HttpResponse:
    context = _search(request, person.municipality_id if person else None)
    if person is not None:
        pending = rs.pending_switch(request.user, person)
        context.update(
            person=person,
            persons=ws.persons_i_act_for(request.user),
            effective_on=rules.switch_effective_on(timezone.localdate()),
            pending=pending,
            pending_label=ws.agreement_label(pending.to_agreement) if pending else "",
        )
    return render(request, "web/citizen/find.html", context)


def find_gp(request: HttpRequest) -> HttpResponse:
    """Finn fastlege, one page for everyone: anyone sees the lists (public, § 6); a
    logged-in citizen also gets the buttons to switch or wait, for themselves or (with
    ``?person=``) a child they act for, and starts in their own municipality."""
    return _find(request, choosing_for(request))


def choosing_for(request: HttpRequest) -> Resident | None:
    """Whom a logged-in citizen chooses a GP for: ``?person=`` if they act for that
    person (themselves or a child, § 5), else themselves; ``None`` for anyone else."""
    if not request.user.is_authenticated:
        return None
    persons = ws.persons_i_act_for(request.user)
    chosen = request.GET.get("person", "")
    own = _own_ids(request)
    return next((p for p in persons if str(p.pk) == chosen), None) or next(
        (p for p in persons if p.pk in own), None
    )


@login_required
def find_for_person(request: HttpRequest, person_id: int) -> HttpResponse:
    """The same search for one person the user acts for (404 for anyone else)."""
    return _find(request, _person(request, person_id))


def _chosen_list(data: Any) -> int | None:
    form = ListChoiceForm(data)
    return int(form.cleaned_data["agreement"]) if form.is_valid() else None


def _confirmed(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get("bekreft") == "ja"


def _refused_or_receipt(
    request: HttpRequest, person: Resident, operation: Callable[[], Any], again: str
) -> HttpResponse:
    """Run a confirmed action; on refusal back to the summary with the Norwegian reason,
    else to the receipt (post/redirect/get: a reload never repeats the action)."""
    try:
        _, note = operation()
    except DomainError as exc:
        say_refusal(request, exc)
        return HttpResponseRedirect(again)
    return HttpResponseRedirect(reverse("web:receipt", args=[person.pk, note.pk]))


def _chosen_or_back(request: HttpRequest, person: Resident) -> int | HttpResponse:
    """The list chosen (in the form or the address), or back to the search."""
    agreement = _chosen_list(request.POST if request.method == "POST" else request.GET)
    if agreement is None or not Agreement.objects.filter(pk=agreement).exists():
        messages.error(request, _("Ugyldig liste. Velg en fastlegeliste."))
        return HttpResponseRedirect(reverse("web:find_for", args=[person.pk]))
    return agreement


def _summary_or_back(
    request: HttpRequest, person: Resident, read: Callable[[], Any], template: str, **extra: Any
) -> HttpResponse:
    """The confirmation page; a refusal already known (e.g. a child of 16 chooses for
    themselves, § 6) is said on the person's page instead."""
    try:
        summary = read()
    except DomainError as exc:
        say_refusal(request, exc)
        return HttpResponseRedirect(reverse("web:person", args=[person.pk]))
    return render(request, template, {"person": person, "s": summary, **extra})


@login_required
def switch(request: HttpRequest, person_id: int) -> HttpResponse:
    """Bytte fastlege: a summary (from which day, the year's quota, a waiting place) to
    confirm, then the switch and its receipt (pasientrettighetsforskriften § 6)."""
    person = _person(request, person_id)
    agreement = _chosen_or_back(request, person)
    if isinstance(agreement, HttpResponse):
        return agreement
    if _confirmed(request):
        return _refused_or_receipt(
            request,
            person,
            lambda: receipts.switch_with_receipt(request.user, person, agreement),
            f"{reverse('web:switch', args=[person.pk])}?agreement={agreement}",
        )
    return _summary_or_back(
        request,
        person,
        lambda: receipts.switch_summary(request.user, person, agreement),
        "web/citizen/confirm_switch.html",
        is_self=person.pk in _own_ids(request),
    )


@login_required
def cancel(request: HttpRequest, person_id: int, switch_id: int) -> HttpResponse:
    person = _person(request, person_id)
    pending = rs.pending_switch(request.user, person)
    if pending is None or pending.pk != switch_id:
        raise Http404
    again = reverse("web:cancel_switch", args=[person.pk, pending.pk])
    if _confirmed(request):
        return _refused_or_receipt(
            request,
            person,
            lambda: receipts.cancel_switch_with_receipt(request.user, person, pending.pk),
            again,
        )
    return render(
        request,
        "web/citizen/confirm_cancel.html",
        {
            "person": person,
            "pending": pending,
            "label": ws.agreement_label(pending.to_agreement, pending.effective_on),
        },
    )


@login_required
def join_waiting(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    agreement = _chosen_or_back(request, person)
    if isinstance(agreement, HttpResponse):
        return agreement
    if _confirmed(request):
        return _refused_or_receipt(
            request,
            person,
            lambda: receipts.join_waiting_with_receipt(request.user, person, agreement),
            f"{reverse('web:join_waiting', args=[person.pk])}?agreement={agreement}",
        )
    return _summary_or_back(
        request,
        person,
        lambda: receipts.waiting_summary(request.user, person, agreement),
        "web/citizen/confirm_waiting.html",
        estimate=waiting_time.for_list(agreement),
    )


@login_required
def leave_waiting(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    back = reverse("web:person", args=[person.pk])
    if _confirmed(request):
        return _refused_or_receipt(
            request,
            person,
            lambda: receipts.leave_waiting_with_receipt(request.user, person),
            back,
        )
    place = rs.waiting_position(request.user, person)
    if place is None:
        messages.error(request, _("Du står ikke på noen venteliste."))
        return HttpResponseRedirect(back)
    label = ws.agreement_label(
        Agreement.objects.select_related("practice").get(pk=place.agreement_id)
    )
    return render(
        request,
        "web/citizen/confirm_leave.html",
        {"person": person, "place": place, "label": label},
    )


@login_required
def receipt(request: HttpRequest, person_id: int, notification_id: int) -> HttpResponse:
    """The receipt just written, as it stands in Meldinger."""
    person = _person(request, person_id)
    note = (
        rs.notifications_for(request.user, person)
        .filter(pk=notification_id, kind=Notification.Kind.RECEIPT)
        .first()
    )
    if note is None:
        raise Http404
    return render(request, "web/citizen/receipt.html", {"person": person, "note": note})


@login_required
def notifications(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    rows = list(rs.notifications_for(request.user, person)[:PAGE])
    draws = own_draws(request.user, person)
    return render(
        request,
        "web/citizen/notifications.html",
        {"person": person, "rows": rows, "draws": draws},
    )


@require_POST
@login_required
def notification_read(request: HttpRequest, person_id: int, notification_id: int) -> HttpResponse:
    person = _person(request, person_id)
    back = reverse("web:notifications", args=[person.pk])
    if not rs.notifications_for(request.user, person).filter(pk=notification_id).exists():
        raise Http404
    return act(
        request,
        lambda: mark_read(request.user, notification_id),
        success=_("Meldingen er merket som lest."),
        redirect_to=back,
    )


@login_required
def opt_out_page(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    back = reverse("web:opt_out", args=[person.pk])
    if request.method == "POST":
        if request.POST.get("action") == "opt_in":
            return act(
                request,
                lambda: opt_in(request.user, person),
                success=_("Du er med i fastlegeordningen igjen. Velg en fastlege."),
                redirect_to=back,
            )
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Kryss av for at du har lest hva reservasjon betyr."))
            return HttpResponseRedirect(back)
        return act(
            request,
            lambda: opt_out(request.user, person),
            success=_("Du har reservert deg mot fastlegeordningen."),
            redirect_to=back,
        )
    return render(request, "web/citizen/opt_out.html", {"person": person})
