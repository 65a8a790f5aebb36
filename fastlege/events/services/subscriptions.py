"""Managing webhook subscriptions: national administrators only (and the system, for
commands); one transaction each, with an audit row. The signing secret is made here,
returned once, and kept to sign each delivery (HMAC needs it; it is never shown again)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from fastlege.api.models import ApiClient
from fastlege.core import audit
from fastlege.events.models import Event, EventType, Subscription
from fastlege.events.selectors import area
from fastlege.events.services.errors import Code, refuse
from fastlege.registry.services.access import scope_of

SECRET_PREFIX = "whsec_"  # noqa: S105 - the visible prefix of every signing secret
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def _require_national(actor: Any) -> None:
    if not scope_of(actor).everything:
        refuse(Code.NOT_AUTHORISED)


def checked_url(url: str) -> str:
    url = url.strip()
    if url.startswith("https://") and len(url) > len("https://"):
        return url
    if any(url.startswith(f"http://{host}") for host in LOCAL_HOSTS):
        return url  # a receiver on this machine (tests, a local relay)
    refuse(Code.BAD_URL)


def checked_types(types: Iterable[str]) -> list[str]:
    known = set(EventType.values)
    out = []
    for name in types:
        if name not in known:
            refuse(Code.BAD_EVENT_TYPE, name=name)
        if name not in out:
            out.append(name)
    return out


@dataclass(frozen=True)
class Created:
    subscription: Subscription
    secret: str  # shown once


def create_subscription(
    actor: Any,
    *,
    client: ApiClient,
    url: str,
    event_types: Iterable[str] = (),
    from_start: bool = False,
) -> Created:
    """A new webhook for ``client``: the events in the client's area (its role's,
    like the feed) are POSTed to ``url``. It starts at the newest event (only later
    events are sent) unless ``from_start``."""
    _require_national(actor)
    if not client.active:
        refuse(Code.CLIENT_INACTIVE)
    area(client.user)  # refuses a client whose role has no event feed
    address = checked_url(url)
    types = checked_types(event_types)
    cursor = 0
    if not from_start:
        cursor = (
            Event.objects.filter(position__isnull=False)
            .order_by("-position")
            .values_list("position", flat=True)
            .first()
            or 0
        )
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        sub = Subscription.objects.create(
            client=client, url=address, secret=secret, event_types=types, cursor=cursor
        )
        audit.record(actor, "events.subscription_created", sub, url=address, types=types)
    return Created(sub, secret)


def change_subscription(
    actor: Any,
    subscription: Subscription,
    *,
    url: str | None = None,
    event_types: Iterable[str] | None = None,
    active: bool | None = None,
) -> Subscription:
    """Change the address, the event types or whether it is active. Re-activating
    retries at once (the failure count starts again); the cursor is kept, so nothing
    is skipped."""
    _require_national(actor)
    changed: dict[str, Any] = {}
    if url is not None:
        changed["url"] = checked_url(url)
    if event_types is not None:
        changed["event_types"] = checked_types(event_types)
    if active is not None:
        changed["active"] = active
        if active:
            changed.update(failures=0, next_attempt_at=timezone.now(), last_error="")
    with transaction.atomic():
        Subscription.objects.filter(pk=subscription.pk).update(**changed)
        audit.record(
            actor,
            "events.subscription_changed",
            subscription,
            **{k: v for k, v in changed.items() if k in ("url", "event_types", "active")},
        )
    subscription.refresh_from_db()
    return subscription


def retry_now(actor: Any, subscription: Subscription) -> None:
    """Try a failing subscription again at once (after the receiver is fixed)."""
    _require_national(actor)
    with transaction.atomic():
        Subscription.objects.filter(pk=subscription.pk).update(next_attempt_at=timezone.now())
        audit.record(actor, "events.subscription_retry", subscription)
