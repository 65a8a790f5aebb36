"""When a queued notice is due: the digest times, in Norwegian time.

A daily digest goes at ``DIGEST_TIME`` (07:00) Europe/Oslo, a weekly one on Monday at
the same time. The time is wall-clock time in Oslo, so it stays 07:00 across the
change to and from summer time (05:00 UTC in summer, 06:00 UTC in winter); 07:00 is
never in the hour that is skipped or repeated (02:00–03:00). ``send-digests`` runs
hourly and sends every notice whose ``due_at`` has passed.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from fastlege.notices.models import Frequency

OSLO = ZoneInfo("Europe/Oslo")
DIGEST_TIME = datetime.time(7, 0)
WEEKLY_DAY = 0  # Monday


def _at(day: datetime.date) -> datetime.datetime:
    """``DIGEST_TIME`` on ``day`` in Oslo, as UTC (compared as instants, not wall time)."""
    return datetime.datetime.combine(day, DIGEST_TIME, tzinfo=OSLO).astimezone(datetime.UTC)


def next_daily(after: datetime.datetime) -> datetime.datetime:
    """The first daily digest time strictly after ``after``."""
    day = after.astimezone(OSLO).date()
    at = _at(day)
    return at if at > after else _at(day + datetime.timedelta(days=1))


def next_weekly(after: datetime.datetime) -> datetime.datetime:
    """The first Monday digest time strictly after ``after``."""
    day = after.astimezone(OSLO).date()
    monday = day + datetime.timedelta(days=(WEEKLY_DAY - day.weekday()) % 7)
    at = _at(monday)
    return at if at > after else _at(monday + datetime.timedelta(days=7))


def due_at(frequency: str, now: datetime.datetime) -> datetime.datetime:
    """When a notice queued ``now`` with ``frequency`` is due (at once: now)."""
    if frequency == Frequency.DAILY:
        return next_daily(now)
    if frequency == Frequency.WEEKLY:
        return next_weekly(now)
    return now
