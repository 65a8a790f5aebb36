"""Recruitment of lists without a regular GP: the rules, as small pure functions
(docs/workforce.md, «Rekruttering»). The writes are ``services.recruitment``.

A case moves through its steps in ``TRANSITIONS``: opened → advertised → interviews
→ offer → filled, re-advertised (back to advertised) from any step after the first
advertisement, and closed without a new GP from any open step. Filled and closed
are final.

Time to fill is the number of days from the day the case was opened to the new
regular GP's first day on the list (``DoctorPeriod.valid_from``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from fastlege.registry.rules import add_months
from fastlege.workforce.models import RecruitmentCase

Status = RecruitmentCase.Status


@dataclass(frozen=True)
class Parameter:
    value: int
    source: str
    verified: bool


#: A list whose regular GP's period has a known end (notice given, § 12; the age
#: limit) may get a case this many months before the end. domain.md gives no figure:
#: our choice, matching the early warning's longest horizon (24 months), and six
#: months' notice (§ 12) fits well within it.
CASE_AHEAD_MONTHS = Parameter(
    24, "none: our choice, the early warning's longest horizon (issue 17)", verified=False
)

#: The steps a case may take: from each status, the statuses it may move to.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.OPENED: frozenset({Status.ADVERTISED, Status.CLOSED}),
    Status.ADVERTISED: frozenset(
        {Status.ADVERTISED, Status.INTERVIEWS, Status.OFFERED, Status.CLOSED}
    ),
    Status.INTERVIEWS: frozenset({Status.ADVERTISED, Status.OFFERED, Status.CLOSED}),
    Status.OFFERED: frozenset({Status.ADVERTISED, Status.FILLED, Status.CLOSED}),
    Status.FILLED: frozenset(),
    Status.CLOSED: frozenset(),
}

#: The steps after which applicants can be counted.
COUNTING = frozenset({Status.ADVERTISED, Status.INTERVIEWS, Status.OFFERED})


def may_move(current: str, to: str) -> bool:
    """Whether a case in ``current`` may move to ``to``."""
    return to in TRANSITIONS.get(current, frozenset())


def is_readvertisement(current: str, to: str) -> bool:
    """Advertising again after the first advertisement counts as a re-advertisement."""
    return to == Status.ADVERTISED and current != Status.OPENED


def may_open_ahead(gp_ends_on: datetime.date, today: datetime.date) -> bool:
    """A list whose regular GP leaves on ``gp_ends_on`` (the first day without the
    GP) may get a case from ``CASE_AHEAD_MONTHS`` months before."""
    return gp_ends_on <= add_months(today, CASE_AHEAD_MONTHS.value)


def time_to_fill(opened_on: datetime.date, filled_on: datetime.date | None) -> int | None:
    """Days from opening the case to the new GP's first day; None while not filled."""
    if filled_on is None:
        return None
    return (filled_on - opened_on).days


def days_open(opened_on: datetime.date, today: datetime.date) -> int:
    """Days an open case has been open, counting from the day it was opened."""
    return (today - opened_on).days
