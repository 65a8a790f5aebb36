"""The second factor's pages: the code after the password, setting up the app, and
new recovery codes. Thin: the rules and the security events are in ``second_factor``."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import segno
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from fastlege.accounts import second_factor as sf
from fastlege.accounts.forms import EnrolmentForm, SecondFactorForm
from fastlege.accounts.second_factor import SecondFactorError


def _next_url(request: HttpRequest) -> str:
    """Where to go once verified: ``next`` when it is on this site, else the start."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("web:start")


def _secret_groups(device: Any) -> str:
    """The secret as an app asks for it typed in (base32), in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _qr_svg(device: Any) -> str:
    """The enrolment's QR code as inline SVG, drawn here (segno): no image service."""
    qr = segno.make(device.config_url, error="m")
    return str(qr.svg_inline(scale=4, dark="#000", light="#fff", title="QR-kode"))


@never_cache
@sensitive_post_parameters("code")
@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """The code after the password (from the app, or a recovery code)."""
    user = request.user
    if not sf.needs_second_factor(user) or sf.is_verified(user):
        return HttpResponseRedirect(_next_url(request))
    if not sf.has_device(user):
        return HttpResponseRedirect(reverse("accounts:second_factor_enrol"))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sf.verify(request, form.cleaned_data["code"])
        except SecondFactorError as error:
            form.add_error("code", error.messages[0])
        else:
            return HttpResponseRedirect(_next_url(request))
    context = {"form": form, "next": _next_url(request), "demo_code": sf.demo_code(user)}
    return render(request, "accounts/second_factor.html", context)


@never_cache
@sensitive_post_parameters("code")
@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: QR code and secret, confirmed with a code; then
    the recovery codes, shown this once."""
    user = request.user
    if not sf.may_enrol(user):
        return HttpResponseRedirect(reverse("accounts:second_factor"))
    device = sf.pending_device(user)
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = sf.confirm_enrolment(request, device, form.cleaned_data["code"])
        except SecondFactorError as error:
            form.add_error("code", error.messages[0])
        else:
            context = {"codes": codes, "next": _next_url(request), "enrolled": True}
            return render(request, "accounts/recovery_codes.html", context)
    context = {
        "form": form,
        "next": _next_url(request),
        "qr_svg": mark_safe(_qr_svg(device)),  # noqa: S308 (segno's SVG of our own URL)
        "secret": _secret_groups(device),
        "replacing": sf.has_device(user),
    }
    return render(request, "accounts/enrol.html", context)


@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """How many recovery codes are left; new ones (the old ones stop working)."""
    user = request.user
    if not sf.needs_second_factor(user):
        return HttpResponseRedirect(reverse("web:start"))
    if request.method == "POST":
        codes = sf.renew_recovery_codes(request)
        return render(request, "accounts/recovery_codes.html", {"codes": codes})
    return render(request, "accounts/recovery_codes.html", {"left": sf.recovery_codes_left(user)})
