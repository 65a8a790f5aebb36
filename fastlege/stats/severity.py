"""The county governor's alerts and the severity score that ranks municipalities for
follow-up (*kommuner som trenger oppfølging*). Pure functions; the reading is in
:mod:`fastlege.dialogue.followup`. The weights and why are in docs/followup.md.

Each alert has one definition here, used by the statistics county page
(``county_alerts``) and by the follow-up list. The score adds one term per alert
that fires, each term growing with how bad it is, so that the worst municipality
comes first:

=====================  ===============================================  ======
alert                  points                                           weight
=====================  ===============================================  ======
``fulle``              every list full (no free place anywhere)         10
``uten_lege``          per cent of list residents on lists without a    1
                       regular GP, when above the alert threshold
``ubesatt``            per list without a regular GP for over a year    5
``ufordelte_vekst``    per cent of list residents by which the          5
                       unassigned grew since the month before
``venter_stengt``      per cent of list residents waiting on a list     5
                       that is closed or has no regular GP today
=====================  ===============================================  ======
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastlege.stats.indicators import ALERT_SHARE_WITHOUT_GP_PCT, BY_CODE

Counts = Mapping[str, Any]

#: Points per alert (docs/followup.md). Fixed points for the yes/no alert, points per
#: list or per percentage point of list residents for the others.
WEIGHTS: dict[str, float] = {
    "fulle": 10.0,
    "uten_lege": 1.0,
    "ubesatt": 5.0,
    "ufordelte_vekst": 5.0,
    "venter_stengt": 5.0,
}


def all_lists_full(counts: Counts) -> bool:
    """Alert «alle lister er fulle»: the municipality has lists, and every one is full."""
    return bool(counts["lists"]) and counts["lists_full"] == counts["lists"]


def share_without_gp(counts: Counts) -> float | None:
    """Per cent of list residents on lists without a regular GP (indicator ``andel_uten_lege``)."""
    value = BY_CODE["andel_uten_lege"].value(counts)
    return None if value is None else float(value)


def share_without_gp_alert(counts: Counts) -> bool:
    """Alert: the share without a regular GP is above ``ALERT_SHARE_WITHOUT_GP_PCT``."""
    share = share_without_gp(counts)
    return share is not None and share > ALERT_SHARE_WITHOUT_GP_PCT


def unassigned_growth(counts: Counts, before: Counts | None) -> int:
    """Alert «ufordelte øker»: how many more unassigned than the month before (0 if fewer,
    the same, or no month before)."""
    if before is None:
        return 0
    return max(0, int(counts["unassigned"]) - int(before["unassigned"]))


@dataclass(frozen=True)
class AlertFacts:
    """What the alerts of one municipality say, as numbers."""

    list_residents: int
    all_lists_full: bool = False
    share_without_gp: float | None = None  # per cent
    lists_vacant_over_year: int = 0
    unassigned_growth: int = 0
    waiting_on_closed_or_vacant: int = 0


def facts(
    counts: Counts | None, before: Counts | None, waiting_closed: int, residents_today: int
) -> AlertFacts:
    """The facts from a statistics month (``counts``), the month before, and today's
    count of people waiting on closed or vacant lists. Without a statistics month only
    the waiting count is known, taken against today's list residents."""
    if counts is None:
        return AlertFacts(
            list_residents=residents_today, waiting_on_closed_or_vacant=waiting_closed
        )
    return AlertFacts(
        list_residents=int(counts["on_lists"]),
        all_lists_full=all_lists_full(counts),
        share_without_gp=share_without_gp(counts),
        lists_vacant_over_year=int(counts["lists_vacant_over_year"]),
        unassigned_growth=unassigned_growth(counts, before),
        waiting_on_closed_or_vacant=waiting_closed,
    )


def _pct(n: int, of: int) -> float:
    """``n`` as per cent of ``of``; with no list residents each person counts as 1 %."""
    return 100.0 * n / of if of > 0 else float(n)


def score_terms(f: AlertFacts) -> dict[str, float]:
    """The points of each alert that fires (alerts that do not fire are left out)."""
    terms: dict[str, float] = {}
    if f.all_lists_full:
        terms["fulle"] = WEIGHTS["fulle"]
    if f.share_without_gp is not None and f.share_without_gp > ALERT_SHARE_WITHOUT_GP_PCT:
        terms["uten_lege"] = WEIGHTS["uten_lege"] * f.share_without_gp
    if f.lists_vacant_over_year > 0:
        terms["ubesatt"] = WEIGHTS["ubesatt"] * f.lists_vacant_over_year
    if f.unassigned_growth > 0:
        terms["ufordelte_vekst"] = WEIGHTS["ufordelte_vekst"] * _pct(
            f.unassigned_growth, f.list_residents
        )
    if f.waiting_on_closed_or_vacant > 0:
        terms["venter_stengt"] = WEIGHTS["venter_stengt"] * _pct(
            f.waiting_on_closed_or_vacant, f.list_residents
        )
    return terms


def severity(f: AlertFacts) -> float:
    """The follow-up score: the sum of the alert terms, rounded to one decimal. 0: no alert."""
    return round(sum(score_terms(f).values()), 1)
