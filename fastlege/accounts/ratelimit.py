"""Log-in attempts, limited per account and per client address, in a shared cache.

At most ``settings.LOGIN_MAX_FAILURES`` failed log-ins per account (the
canonical user name, ``usernames.canonical``) and per client address within
the last ``settings.LOGIN_FAILURE_WINDOW`` seconds; beyond that every attempt
is refused, the right password included, until the oldest failure leaves the
window. Enforced in the authentication backend (``backends``), so the site's
log-in, the admin's and every other caller of ``authenticate`` are limited alike.

Shared: the counters live in the cache ``settings.LOGIN_CACHE`` (the database
cache by default, Redis when ``REDIS_URL`` is set), so every worker process
and every server counts together.

Atomic without an atomic increment: each failure takes one of
``LOGIN_MAX_FAILURES`` slots with ``cache.add`` (an insert that fails when the
slot is taken, also on the database cache), each slot expiring on its own after
the window. Concurrent failures take different slots, so none is lost — the
database cache's ``incr`` is a read and a write and would lose them, and resets
the expiry. An account or address is locked while all its slots are taken.

The client address is ``REMOTE_ADDR``, or behind ``settings.TRUSTED_PROXY_COUNT``
reverse proxies the address the outermost trusted proxy saw, read from the
right of ``X-Forwarded-For`` (anything further left is the client's own word).
IPv6 addresses count per /64, the block one subscriber usually has. Keys are
keyed hashes: neither user names nor addresses are stored in clear text.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.http import HttpRequest

from fastlege.accounts.usernames import canonical

#: The ``purpose`` of the second factor's counters (the code step after the password).
SECOND_FACTOR = "otp-"


def _cache() -> BaseCache:
    return caches[settings.LOGIN_CACHE]


def keyed_hash(kind: str, value: str) -> str:
    """A keyed hash of ``value`` (the key is SECRET_KEY): stable, not reversible."""
    message = f"{kind}:{value}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:32]


def client_address(request: HttpRequest) -> str:
    """The real client's address: see the module docstring."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = int(settings.TRUSTED_PROXY_COUNT)
    if proxies <= 0:
        return remote
    hops = [h.strip() for h in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    hops = [h for h in hops if h]
    if not hops:
        return remote
    # Each trusted proxy appended the address it was connected from: the last
    # ``proxies`` entries are theirs; with fewer, all of them are.
    candidate = hops[-proxies] if len(hops) >= proxies else hops[0]
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return remote
    return candidate


def _address_bucket(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _slots(kind: str, value: str) -> list[str]:
    base = f"login-failures:{kind}:{keyed_hash(kind, value)}"
    return [f"{base}:{i}" for i in range(int(settings.LOGIN_MAX_FAILURES))]


def _subjects(
    request: HttpRequest | None, username: str, purpose: str = ""
) -> list[tuple[str, str]]:
    subjects = [(f"{purpose}user", canonical(username))]
    if request is not None:
        subjects.append((f"{purpose}addr", _address_bucket(client_address(request))))
    return subjects


def _taken(slots: list[str]) -> int:
    return len(_cache().get_many(slots))


def is_locked(request: HttpRequest | None, username: str, purpose: str = "") -> bool:
    """Whether the account or the client address has used up its failures.

    ``purpose`` separates counters: ``""`` the password step, ``SECOND_FACTOR``
    the code step (its own counters, which a new password log-in does not reset)."""
    cache = _cache()
    every = [
        s for kind, value in _subjects(request, username, purpose) for s in _slots(kind, value)
    ]
    found = cache.get_many(every)  # one query on the database cache
    per = int(settings.LOGIN_MAX_FAILURES)
    return any(
        sum(1 for s in every[i : i + per] if s in found) >= per for i in range(0, len(every), per)
    )


def record_failure(request: HttpRequest | None, username: str, purpose: str = "") -> bool:
    """Count one failed attempt; True when this failure locked the account or address."""
    cache = _cache()
    window = int(settings.LOGIN_FAILURE_WINDOW)
    locked_now = False
    for kind, value in _subjects(request, username, purpose):
        slots = _slots(kind, value)
        for i, slot in enumerate(slots):
            if cache.add(slot, 1, window):
                if i == len(slots) - 1 or _taken(slots) >= len(slots):
                    locked_now = True
                break
    return locked_now


def reset(username: str, purpose: str = "") -> None:
    """Forget an account's failures (after a successful log-in). The address's stay."""
    _cache().delete_many(_slots(f"{purpose}user", canonical(username)))


def take_slot(kind: str, value: str, *, limit: int, window: int, address: bool = False) -> bool:
    """Count one event of ``kind`` for ``value`` (a client address, an e-mail address,
    a meeting): at most ``limit`` within ``window`` seconds, in the same shared cache
    and with the same slots as the log-in failures above (``cache.add``, atomic, each
    slot expiring on its own). True when counted; False when all slots are taken and
    the event is to be refused. ``address``: ``value`` is a client address, counted
    like the log-in's (IPv6 per /64). The value is stored only as a keyed hash.

    Used by the dialogue's registration limits (fastlege/dialogue/services/limits.py).
    """
    if address:
        value = _address_bucket(value)
    base = f"limit:{kind}:{keyed_hash(kind, value)}"
    slots = [f"{base}:{i}" for i in range(int(limit))]
    cache = _cache()
    taken = cache.get_many(slots)  # one query: a refused flood costs one read each
    if len(taken) >= len(slots):
        return False
    return any(cache.add(slot, 1, window) for slot in slots if slot not in taken)
