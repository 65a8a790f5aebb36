"""``ETag`` and ``If-None-Match`` for the API: a GET answered 200 gets a strong ETag (a
hash of the body); the same request with ``If-None-Match`` of that tag gets 304 and
no body. Django's ``ConditionalGetMiddleware`` does this; here it is limited to the
API's paths, so the HTML pages keep their own caching rules."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.http import ConditionalGetMiddleware

PREFIXES = ("/api/",)


class ApiConditionalGet(ConditionalGetMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not request.path.startswith(PREFIXES):
            return response
        return super().process_response(request, response)
