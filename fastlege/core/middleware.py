"""Response rules for every page.

* A page shown to a logged-in user can hold personal data: it is never stored by the
  browser's or a proxy's cache (``Cache-Control: no-store, private``).
* A number in the request too large for the database (a 20-digit id in a form that
  reaches a query; SQLite stops at 2⁶³ − 1) is bad input, answered with 400 and a
  Norwegian message, not a server error. The URL converter ``id``
  (``fastlege.core.converters``) and the forms' ``max_value`` stop most of these
  before a query; this catches the rest (e.g. the admin's forms).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _


class PrivatePagesAndBadNumbers:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OverflowError):
            return render(
                request,
                "400.html",
                {"message": _("Et tall i forespørselen er for stort.")},
                status=400,
            )
        return None
