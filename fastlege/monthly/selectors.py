"""Reads of the monthly update, scoped to the user."""

from __future__ import annotations

from typing import Any

from fastlege.monthly.models import MonthRun
from fastlege.registry.services.access import scope_of


def recent_runs(actor: Any, limit: int = 6) -> list[MonthRun]:
    """The latest month runs, newest first; only for national administrators."""
    if not scope_of(actor).national:
        return []
    return list(MonthRun.objects.select_related("started_by").order_by("-month", "-id")[:limit])
