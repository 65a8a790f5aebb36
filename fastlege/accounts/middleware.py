"""Every refusal for lack of access (HTTP 403) is a security event; and the gate of the
second factor (``SecondFactorMiddleware``).

Outside the CSRF check, so a refused CSRF token counts too. The path is kept
(identity numbers never appear in URLs; the log filter masks one if it did).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from fastlege.accounts import security
from fastlege.core.logging import redact

logger = logging.getLogger(__name__)


class SecurityEventMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 403:
            try:
                security.event(
                    security.FORBIDDEN,
                    request,
                    user=getattr(request, "user", None),
                    method=request.method,
                    path=redact(request.path)[:200],
                )
            except Exception:  # never turn a 403 into a 500
                logger.exception("security event not written")
        return response


class SecondFactorMiddleware:
    """A user who needs a second factor (``second_factor.needs_second_factor``) and has
    only given the password reaches nothing but the code page, the enrolment, log-out
    and static files; everything else — the admin included — redirects to the code
    page, or to the enrolment when the user has no app yet. After
    ``django_otp.middleware.OTPMiddleware`` (which says whether the session is verified).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from fastlege.accounts import second_factor

        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and second_factor.needs_second_factor(user)
            and not second_factor.is_verified(user)
        ):
            request.second_factor_pending = True  # type: ignore[attr-defined]
            if not _open_before_second_factor(request.path_info):
                target = (
                    "accounts:second_factor"
                    if second_factor.has_device(user)
                    else "accounts:second_factor_enrol"
                )
                url = reverse(target)
                if request.method == "GET":
                    url += "?" + urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(url)
        return self.get_response(request)


def _open_before_second_factor(path: str) -> bool:
    from django.conf import settings

    open_paths = (
        reverse("accounts:second_factor"),
        reverse("accounts:second_factor_enrol"),
        reverse("web:logout"),
        reverse("admin:logout"),
        reverse("health"),
        "/" + str(settings.STATIC_URL).lstrip("/"),
    )
    return path.startswith(open_paths)
