"""Rate limits: per API client (its own ``rate_per_minute``) and, for calls without a
token, per client address (``ANONYMOUS_RATE``). Counted in the shared cache alias
``security`` (the database, or Redis with ``REDIS_URL``), so every worker and server
counts together; the client address comes from the trusted proxy header only
(``accounts.ratelimit.client_address``)."""

from __future__ import annotations

from typing import Any

from django.core.cache import caches
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from fastlege.accounts import ratelimit

#: Calls per minute from one address without a token (the open, public resources).
ANONYMOUS_RATE = "120/min"


class ClientRateThrottle(SimpleRateThrottle):
    scope = "api"

    def __init__(self) -> None:
        self.cache = caches["security"]
        # the rate is read per request (each client has its own)

    def allow_request(self, request: Request, view: Any) -> bool:
        client = getattr(request.user, "api_client", None)
        if client is not None:
            self.rate = f"{client.rate_per_minute}/min"
            self.key = f"api-client:{client.pk}"
        else:
            self.rate = ANONYMOUS_RATE
            self.key = f"api-addr:{ratelimit.keyed_hash('api', ratelimit.client_address(request))}"
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.key
