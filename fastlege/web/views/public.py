"""The public pages of a GP list and of a practice, linked from the search, and the
form where a practice (its GP or its municipality) writes what citizens read about
it. List information is public (fastlegeforskriften § 6); the number waiting is
shown as the statistics show counts of people (few are hidden)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fastlege.core.errors import DomainError
from fastlege.registry import waiting_time
from fastlege.registry.services.practice import INFO_FIELDS, may_edit_practice, update_practice_info
from fastlege.web import search
from fastlege.web.forms import PracticeInfoForm
from fastlege.web.views.citizen import choosing_for


def gp_page(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """A list and its GP: who the GP is (age in bands), the list's ceiling, free places
    (the registry's definition), how many wait, a substitute now; for a logged-in
    citizen the button to switch here or join the waiting list."""
    today = timezone.localdate()
    row = search.public_list(agreement_id, today)
    person = choosing_for(request)
    # A full or closed list: how long a newcomer to its queue may wait (issue 20 item 4).
    wait = None if getattr(row, "takes_new", False) else waiting_time.for_list(row.pk)
    return render(request, "web/public/gp.html", {"a": row, "person": person, "wait": wait})


def practice_page(request: HttpRequest, practice_id: int) -> HttpResponse:
    today = timezone.localdate()
    practice = search.public_practice(practice_id)
    return render(
        request,
        "web/public/practice.html",
        {
            "practice": practice,
            "lists": search.practice_lists(practice, today),
            "may_edit": may_edit_practice(request.user, practice, today),
        },
    )


@login_required
def practice_edit(request: HttpRequest, practice_id: int) -> HttpResponse:
    """The practice's information, written by its GP or its municipality (else 403)."""
    practice = search.public_practice(practice_id)
    if not may_edit_practice(request.user, practice, timezone.localdate()):
        raise PermissionDenied
    form = PracticeInfoForm(request.POST or None, instance=practice)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in INFO_FIELDS}
        try:
            update_practice_info(request.user, practice.pk, **values)
        except ValidationError as exc:
            form.add_error(None, exc)
        except DomainError as exc:
            raise PermissionDenied(exc.messages[0]) from exc
        else:
            messages.success(request, _("Opplysningene om legekontoret er lagret."))
            return HttpResponseRedirect(reverse("web:practice_page", args=[practice.pk]))
    return render(request, "web/public/practice_edit.html", {"practice": practice, "form": form})
