"""The notice pages: a user's own choices per kind (``/varsler/``), and the one-click
unsubscribe link from an e-mail (``/varsler/avmeld/<token>/``).

The link's GET only shows a page with one button (mail scanners follow links; they
must not unsubscribe anyone); its POST unsubscribes without login, as RFC 8058 asks of
``List-Unsubscribe-Post``. The POST needs no CSRF token: the signed token is the
authority, and a forged POST can only do what the link's owner asked for. Works
without JavaScript."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from fastlege.core.errors import DomainError
from fastlege.notices import selectors, services, tokens
from fastlege.notices.forms import PreferencesForm
from fastlege.notices.models import Kind
from fastlege.web.views.common import act, form_errors


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    back = reverse("notices:preferences")
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if not form.is_valid():
            form_errors(request, form)
            return HttpResponseRedirect(back)
        return act(
            request,
            lambda: services.set_preferences(request.user, request.user, form.choices()),
            success=_("Valgene dine for varsler er lagret."),
            redirect_to=back,
        )
    form = PreferencesForm(initial=selectors.own_choices(request.user))
    context = {"form": form, "has_email": bool(getattr(request.user, "email", ""))}
    return render(request, "notices/preferences.html", context)


def _what(kind: str) -> str:
    if kind == tokens.ALL:
        return _("alle e-postvarsler")
    label = str(Kind(kind).label)
    return label[:1].lower() + label[1:]  # inside a sentence


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "POST":
            kind, _choices = services.unsubscribe(token)
            return render(request, "notices/unsubscribe.html", {"done": True, "what": _what(kind)})
        link = tokens.read(token)  # a read: nothing changes on GET
    except DomainError as exc:
        return render(request, "notices/unsubscribe.html", {"error": exc.messages[0]}, status=400)
    return render(request, "notices/unsubscribe.html", {"what": _what(link.kind)})
