"""Reads of the monthly update, scoped to the user."""

from __future__ import annotations

import datetime
from typing import Any

from fastlege.monthly.models import MonthRun
from fastlege.registry.services.access import scope_of


def recent_runs(actor: Any, limit: int = 6) -> list[MonthRun]:
    """The latest month runs, newest first; only for national administrators."""
    if not scope_of(actor).national:
        return []
    return list(MonthRun.objects.select_related("started_by").order_by("-month", "-id")[:limit])


def last_run_month() -> datetime.date | None:
    """The month of the newest completed run (None before the first): the month order the
    update keeps, and where the demo's continuation resumes."""
    return (
        MonthRun.objects.filter(status=MonthRun.Status.COMPLETED)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
