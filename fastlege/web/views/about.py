"""Om tjenesten: who runs the service, how to get help by phone, privacy and the
accessibility statement. Public, the same for everyone."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

#: Helsenorge's phone service for the GP scheme (pasientrettighetsforskrift § 6).
HELP_PHONE = "800 43 573"
ACCESSIBILITY_STATEMENTS = "https://www.uustatus.no/"


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/about.html",
        {"help_phone": HELP_PHONE, "accessibility_url": ACCESSIBILITY_STATEMENTS},
    )
