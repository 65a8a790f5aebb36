"""Delivering the events to the webhook subscriptions (``fastlege deliver-webhooks``).

For each due subscription (active, its next attempt time reached) the next batch of
events after its cursor, in its owner's area and of its types, in position order, is
POSTed as one JSON array, signed (:func:`signature`). Only after an answer 2xx is the
cursor moved to the batch's last event, in a transaction with the audit row of the
persons the batch named. So delivery is at least once: a batch whose answer was lost
(a timeout, the worker killed) is sent again, and receivers deduplicate on the
event's ``id``. Nothing is ever skipped: a failing receiver gets the same batch again
after a back-off that doubles with each failure (with jitter, up to a cap), for as
long as the subscription is active. The cursor is moved only if it is still where
this worker read it, so two workers never move it backwards or past a batch they did
not send (they may send a batch twice).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import random
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from fastlege.events.models import Subscription
from fastlege.events.selectors import events_after, record_person_reads
from fastlege.events.services.errors import EventsError
from fastlege.events.services.publish import publish

SIGNATURE_HEADER = "X-Fastlege-Signature"
BATCH = 500
TIMEOUT_SECONDS = 10.0


def retry_base() -> float:
    return float(getattr(settings, "EVENTS_RETRY_BASE_SECONDS", 10))


def retry_cap() -> float:
    return float(getattr(settings, "EVENTS_RETRY_CAP_SECONDS", 3600))


def backoff(failures: int, rng: random.Random | None = None) -> datetime.timedelta:
    """The wait after the ``failures``-th failure in a row: base × 2^(failures − 1),
    at most the cap, then a random share of it between a half and the whole (jitter,
    so many subscriptions of one fallen receiver do not all retry at once)."""
    full = min(retry_cap(), retry_base() * 2 ** max(0, failures - 1))
    share = (rng or random).uniform(0.5, 1.0)  # noqa: S311 - jitter, not a secret
    return datetime.timedelta(seconds=full * share)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """``t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body under the secret>``."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def _post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> str | None:
    """POST; None on an answer 2xx, else why not (no body text, no personal data)."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - https or a local receiver (services.subscriptions)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            answer.read()
            status = int(answer.status)
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"[:300]
    return None if 200 <= status < 300 else f"HTTP {status}"


@dataclass
class Outcome:
    subscription: int
    events: int = 0
    batches: int = 0
    error: str = ""


def deliver(
    sub: Subscription,
    *,
    batch: int = BATCH,
    timeout: float = TIMEOUT_SECONDS,
    now: datetime.datetime | None = None,
    max_batches: int | None = None,
) -> Outcome:
    """Send ``sub``'s pending events batch by batch until none are left, a batch
    fails, or ``max_batches`` were sent."""
    outcome = Outcome(sub.pk)
    owner = sub.client.user
    while max_batches is None or outcome.batches < max_batches:
        try:
            rows = events_after(owner, sub.cursor, batch, sub.event_types)
        except EventsError as exc:  # the owner's role lost its area
            _failed(sub, exc.english, now)
            outcome.error = exc.english
            return outcome
        if not rows:
            return outcome
        body = json.dumps(rows, cls=DjangoJSONEncoder, separators=(",", ":")).encode()
        stamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "fastlege-webhooks/1",
            SIGNATURE_HEADER: signature(sub.secret, stamp, body),
            "X-Fastlege-Subscription": str(sub.pk),
        }
        error = _post(sub.url, body, headers, timeout)
        if error is not None:
            _failed(sub, error, now)
            outcome.error = error
            return outcome
        last = rows[-1]["id"]
        when = now or timezone.now()
        with transaction.atomic():
            moved = Subscription.objects.filter(pk=sub.pk, cursor=sub.cursor).update(
                cursor=last, failures=0, next_attempt_at=when, last_error="", last_delivered_at=when
            )
            if moved:
                record_person_reads(
                    owner,
                    rows,
                    "events.webhook",
                    subscription=sub.pk,
                    first=rows[0]["id"],
                    last=last,
                )
        if not moved:
            return outcome  # another worker moved the cursor meanwhile
        sub.cursor, sub.failures = last, 0
        outcome.events += len(rows)
        outcome.batches += 1
    return outcome


def _failed(sub: Subscription, error: str, now: datetime.datetime | None) -> None:
    failures = sub.failures + 1
    wait = backoff(failures)
    Subscription.objects.filter(pk=sub.pk).update(
        failures=failures, next_attempt_at=(now or timezone.now()) + wait, last_error=error[:300]
    )
    sub.failures = failures


def due(now: datetime.datetime | None = None) -> list[Subscription]:
    return list(
        Subscription.objects.filter(
            active=True, client__active=True, next_attempt_at__lte=now or timezone.now()
        )
        .select_related("client__user")
        .order_by("next_attempt_at", "id")
    )


def deliver_due(
    *,
    batch: int = BATCH,
    timeout: float = TIMEOUT_SECONDS,
    now: datetime.datetime | None = None,
    max_batches: int | None = None,
) -> list[Outcome]:
    """One round: publish the committed events, then deliver to every due subscription."""
    publish()
    return [
        deliver(sub, batch=batch, timeout=timeout, now=now, max_batches=max_batches)
        for sub in due(now)
    ]
