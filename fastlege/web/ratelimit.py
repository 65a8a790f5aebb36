"""Log-in attempts, limited per user name and per client address (cache-based).

After ``settings.LOGIN_MAX_FAILURES`` failed attempts within
``settings.LOGIN_FAILURE_WINDOW`` seconds, further attempts for that user
name, or from that address, are refused until the window has passed. Keys
are hashes, so neither user names nor addresses are stored in clear text.
In production the cache must be shared by every process (``CACHE_BACKEND``).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{kind}:{value}".encode()).hexdigest()
    return f"login-failures:{kind}:{digest[:32]}"


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _keys(request: HttpRequest, username: str) -> list[str]:
    return [_key("user", username.strip().lower()), _key("addr", client_address(request))]


def is_locked(request: HttpRequest, username: str) -> bool:
    limit = int(settings.LOGIN_MAX_FAILURES)
    return any(int(cache.get(k, 0)) >= limit for k in _keys(request, username))


def record_failure(request: HttpRequest, username: str) -> None:
    window = int(settings.LOGIN_FAILURE_WINDOW)
    for k in _keys(request, username):
        if cache.add(k, 1, window):
            continue
        try:
            cache.incr(k)
        except ValueError:  # expired between add and incr
            cache.set(k, 1, window)


def reset(request: HttpRequest, username: str) -> None:
    cache.delete(_key("user", username.strip().lower()))
