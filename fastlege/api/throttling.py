"""Rate limits: per API client (its own ``rate_per_minute``) and, for calls without a
token, per client address (``ANONYMOUS_RATE``).

A fixed one-minute window counted in the table ``api_ratecounter``
(:class:`fastlege.api.models.RateCounter`) by one atomic upsert per call, so every
worker and server counts together and a call costs one short statement, not a
read-modify-write of a list of times in the cache (DRF's ``SimpleRateThrottle``: about
7 ms of a 27 ms look-up, docs/performance.md). The price of a fixed window: a client
may make up to twice its rate across a minute's boundary; the rate is a guard against
runaway clients, not a contract to the call. The client address comes from the
trusted proxy header only (``accounts.ratelimit.client_address``).

The counter is written outside the request's transaction (its own autocommit
statement), so a call that fails still counts.
"""

from __future__ import annotations

import random
import time
from typing import Any

from django.db import connection
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from fastlege.accounts import ratelimit

#: Calls per minute from one address without a token (the open, public resources).
ANONYMOUS_RATE = 120
#: The window, in seconds.
WINDOW = 60

# One statement on both databases (SQLite ≥ 3.35 has RETURNING): a new window starts
# the count again at 1, the same window adds one.
_COUNT = (
    "INSERT INTO api_ratecounter (key, window_start, calls) VALUES (%s, %s, 1) "
    "ON CONFLICT (key) DO UPDATE SET "
    "calls = CASE WHEN api_ratecounter.window_start = excluded.window_start "
    "THEN api_ratecounter.calls + 1 ELSE 1 END, "
    "window_start = excluded.window_start "
    "RETURNING calls"
)


def count_call(key: str, now: float | None = None) -> tuple[int, float]:
    """Count one call for ``key`` in the current window: (calls in the window so far,
    seconds until the window ends)."""
    now = time.time() if now is None else now
    window_start = int(now // WINDOW) * WINDOW
    with connection.cursor() as cur:
        cur.execute(_COUNT, [key, window_start])
        calls = int(cur.fetchone()[0])
        if random.random() < PRUNE_SHARE:
            prune(cur, now)
    return calls, window_start + WINDOW - now


#: One call in this many also deletes counters of windows long gone (the addresses
#: seen once), so the table holds about the callers of the last hour.
PRUNE_SHARE = 1 / 1000
KEEP_SECONDS = 3600


def prune(cur: Any, now: float) -> None:
    cur.execute("DELETE FROM api_ratecounter WHERE window_start < %s", [now - KEEP_SECONDS])


class ClientRateThrottle(BaseThrottle):
    def allow_request(self, request: Request, view: Any) -> bool:
        client = getattr(request.user, "api_client", None)
        if client is not None:
            limit, key = client.rate_per_minute, f"client:{client.pk}"
        else:
            address = ratelimit.client_address(request)
            limit, key = ANONYMOUS_RATE, f"addr:{ratelimit.keyed_hash('api', address)}"
        calls, self.remaining = count_call(key)
        return calls <= limit

    def wait(self) -> float:
        return max(self.remaining, 1.0)
