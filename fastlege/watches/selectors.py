"""Reads for the watch page: a person's watches and notices, scoped to the user."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from fastlege.registry.models import Resident
from fastlege.registry.services import access
from fastlege.watches.models import Watch, WatchNotice

NOTICES_SHOWN = 50


def active_watches(actor: Any, person: Resident, today: datetime.date | None = None) -> list[Watch]:
    """The person's watches now, newest first (the person, their parent, staff)."""
    access.require_own_or_staff(actor, person, today or timezone.localdate())
    return list(
        Watch.objects.filter(resident_id=person.pk, ended_at__isnull=True)
        .select_related("agreement__practice", "municipality")
        .order_by("-created_at", "-pk")
    )


def notices_for(
    actor: Any, person: Resident, today: datetime.date | None = None
) -> list[WatchNotice]:
    """The person's latest notices of places that opened, newest month first."""
    access.require_own_or_staff(actor, person, today or timezone.localdate())
    return list(
        WatchNotice.objects.filter(resident_id=person.pk)
        .select_related("agreement__practice", "agreement__municipality")
        .order_by("-month", "agreement_id", "pk")[:NOTICES_SHOWN]
    )
