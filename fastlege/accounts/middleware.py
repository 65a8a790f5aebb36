"""Every refusal for lack of access (HTTP 403) is a security event.

Outside the CSRF check, so a refused CSRF token counts too. The path is kept
(identity numbers never appear in URLs; the log filter masks one if it did).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
