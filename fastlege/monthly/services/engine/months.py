"""Month arithmetic of the monthly update: a run is named by the 1st of its month."""

from __future__ import annotations

import datetime
import re

from fastlege.monthly.services.errors import Code, refuse
from fastlege.registry import rules as registry_rules


def parse_month(text: str) -> datetime.date:
    """``YYYY-MM`` (or ``YYYY-MM-01``) to the first day of the month."""
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-01)?", str(text).strip())
    if match is None:
        refuse(Code.INVALID_MONTH)
    try:
        return datetime.date(int(match[1]), int(match[2]), 1)
    except ValueError:
        refuse(Code.INVALID_MONTH)


def next_month(month: datetime.date) -> datetime.date:
    return registry_rules.add_months(month, 1)


def _fmt(month: datetime.date) -> str:
    return f"{month:%Y-%m}"
