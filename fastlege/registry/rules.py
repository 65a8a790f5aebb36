"""Rule parameters of the regulation, versioned by effective date.

Every parameter names its legal basis. A change of the regulation is a new
row in ``PARAMETERS`` with the date it takes effect, not a code hunt.

Sources (see docs/glossary.md): fastlegeforskriften FOR-2025-12-02-2405 (in
force 1.1.2026; replaced FOR-2012-08-29-842) and pasient- og
brukerrettighetsforskriften i fastlegeordningen FOR-2012-08-29-843.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Parameter:
    name: str
    value: Any
    effective_from: datetime.date
    legal_basis: str
    verified: bool = True
    note: str = ""


_OLD = datetime.date(2012, 9, 1)  # FOR-2012-08-29-842 and -843 in force
_NEW = datetime.date(2026, 1, 1)  # FOR-2025-12-02-2405 in force

PARAMETERS: tuple[Parameter, ...] = (
    Parameter("max_list_ceiling", 2500, _OLD, "fastlegeforskriften 2012 § 34"),
    Parameter("max_list_ceiling", 2500, _NEW, "fastlegeforskriften § 10"),
    Parameter("min_ceiling_without_approval", 500, _OLD, "fastlegeforskriften 2012 § 34"),
    Parameter("min_ceiling_without_approval", 500, _NEW, "fastlegeforskriften § 10"),
    Parameter("ordinary_switches_per_year", 2, _OLD, "pasientrettighetsforskriften § 6"),
    Parameter("reduction_notice_months", 6, _OLD, "fastlegeforskriften 2012 § 35"),
    Parameter("reduction_notice_months", 6, _NEW, "fastlegeforskriften § 11"),
    Parameter("child_age_self_decides", 16, _OLD, "pasientrettighetsforskriften §§ 5–6"),
    Parameter("child_age_with_consent", 12, _OLD, "pasientrettighetsforskriften § 6"),
    Parameter("closed_list_child_age_limit", 16, _OLD, "pasientrettighetsforskriften § 4 a"),
    Parameter("household_child_age_limit", 16, _NEW, "fastlegeforskriften § 11 (merknad)"),
    Parameter("returnee_max_years", 3, _OLD, "pasientrettighetsforskriften § 4 b"),
    Parameter("agreement_end_age", 70, _OLD, "fastlegeforskriften 2012 § 32"),
    Parameter("agreement_extension_age_cap", 75, _OLD, "fastlegeforskriften 2012 § 32"),
    Parameter(
        "agreement_extension_age_cap",
        80,
        _NEW,
        "fastlegeforskriften § 12",
        note="Endring av § 12 fra 1.1.2027 (FOR-2026-09-23-1891) er ikke lest.",
    ),
    Parameter("agreement_notice_months", 6, _NEW, "fastlegeforskriften § 12"),
    Parameter(
        "waiting_list_release_batch",
        10,
        _OLD,
        "helsenorge.no (ufullstendig kilde)",
        verified=False,
        note="«10 ledige plasser»-regelen er bare delvis dokumentert; se domain.md § 3.3.",
    ),
)


def param(name: str, on: datetime.date | None = None) -> Any:
    """The value of parameter ``name`` in force on ``on`` (default: today)."""
    return rule(name, on).value


def rule(name: str, on: datetime.date | None = None) -> Parameter:
    on = on or datetime.date.today()
    candidates = [p for p in PARAMETERS if p.name == name and p.effective_from <= on]
    if not candidates:
        raise KeyError(f"no parameter {name!r} in force on {on}")
    return max(candidates, key=lambda p: p.effective_from)


def ceiling_limits(on: datetime.date | None = None) -> tuple[int, int]:
    """(lowest allowed, highest allowed) list ceiling. § 10: at most 2 500."""
    return 0, int(param("max_list_ceiling", on))


def ceiling_needs_approval(ceiling: int, on: datetime.date | None = None) -> bool:
    """§ 10: a ceiling below 500 must be agreed with the municipality."""
    return ceiling < int(param("min_ceiling_without_approval", on))
