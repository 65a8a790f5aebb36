"""The projection's parameters: each a named figure with its source (docs/workforce.md).

Sources are in ``../shared/reference/workforce.md`` (copied into docs/workforce.md):
**V** verified in the cited source, **D** derived by us from a cited file (method
given), and ``verified=False`` for a value we chose because no source gives it. The
rules of the regulation (the age limit 70, the extension cap) are not here: they are
``fastlege.registry.rules.PARAMETERS`` and the projection reads them from there.

A scenario (``workforce.models.Scenario``) holds its own copy of the adjustable
figures; the preset "som i dag" takes the defaults below. ``RANGES`` are the sensible
ranges a scenario's figures are checked against (``services.scenarios``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Figure:
    value: Any
    source: str
    verified: bool
    note: str = ""


#: The years the projection pages show.
FIRST_YEAR = 2026
LAST_YEAR = 2040

FIGURES: dict[str, Figure] = {
    "target_list_length": Figure(
        946,
        "SSB KOSTRA 12005, 2025 (fastlege_kommune_2025.csv): residents on all lists "
        "(5 622 286) ÷ all lists incl. vacant (5 944)",
        verified=True,
        note="D. Today's mean list; with it, the GPs needed today equal today's lists.",
    ),
    "listing_rate": Figure(
        Decimal("1.000"),
        "SSB KOSTRA 12005, 2025: residents on lists (5 622 286) ÷ population 1.1.2026 "
        "in the same 351 municipalities (5 620 018) = 1,0004",
        verified=True,
        note="D. Rounded to 1,000: everyone resident is listed.",
    ),
    "attrition_under_40": Figure(
        Decimal("0.060"),
        "Hdir årsrapport 2023 ch. 8.1: about 300 of 5 057 left in 2023 (5,9 %)",
        verified=False,
        note="The overall rate is D; the split by age band is our choice (no source).",
    ),
    "attrition_40_54": Figure(Decimal("0.040"), "as attrition_under_40", verified=False),
    "attrition_55_64": Figure(Decimal("0.050"), "as attrition_under_40", verified=False),
    "attrition_65_plus": Figure(
        Decimal("0.120"),
        "as attrition_under_40",
        verified=False,
        note="Leaving before the age limit; the limit itself is fastlegeforskriften § 12.",
    ),
    "share_extended": Figure(
        Decimal("0.10"),
        "none: the share of GPs granted an extension past 70 is not published",
        verified=False,
    ),
    "extension_years": Figure(
        3,
        "none: the length of a time-limited extension (§ 12 caps it at 80) is not published",
        verified=False,
    ),
    "recruitment_rate": Figure(
        Decimal("0.100"),
        "Hdir årsrapport 2023 ch. 8.1: «well over 500» new GPs in 2023 on a stock of 5 057",
        verified=True,
        note="D. Used only when the registry has no history to measure the rate from.",
    ),
    "alis_completions_per_100": Figure(
        Decimal("0.0"),
        "none: the registry's recruitment already includes doctors who complete ALIS",
        verified=False,
        note="Extra joiners per 100 GPs a year; the preset «flere ALIS» raises it.",
    ),
    "fte_per_gp": Figure(
        Decimal("1.00"),
        "none: a full-time GP's list is not defined (workforce.md § 1); the target list "
        "length is today's mean over all agreements, part-time included",
        verified=False,
    ),
    "entry_age": Figure(
        35,
        "none: the age of new GPs is not published",
        verified=False,
        note="The age at which recruited GPs enter the projection.",
    ),
    "population_growth_offset": Figure(
        Decimal("0.004"),
        "none; for scale: SSB 2026 projection MMMM grows 0,48 %/year 2026–2040 "
        "nationally (workforce.md § 9), the 2020–2026 trend 0,79 %/year",
        verified=False,
        note="High/low growth: the municipality's trend plus/minus this per year.",
    ),
    "smaller_lists_target": Figure(
        800,
        "none: the GPs demand smaller lists (domain.md; workforce.md § 8), with no number",
        verified=False,
        note="The preset «mindre lister».",
    ),
    "more_alis_completions_per_100": Figure(
        Decimal("2.0"),
        "none: an example; 1 338 GPs had ALIS grants in 2022 (workforce.md § 6)",
        verified=False,
        note="The preset «flere ALIS».",
    ),
}


def value(name: str) -> Any:
    return FIGURES[name].value


#: Sensible ranges (inclusive) for a scenario's figures; outside them a scenario is
#: refused with a Norwegian error per field. Documented in docs/workforce.md.
RANGES: dict[str, tuple[Any, Any]] = {
    "target_list_length": (300, 2500),  # 2 500: the highest list ceiling (§ 10)
    "listing_rate": (Decimal("0.900"), Decimal("1.050")),
    "attrition_under_40": (Decimal("0"), Decimal("0.300")),
    "attrition_40_54": (Decimal("0"), Decimal("0.300")),
    "attrition_55_64": (Decimal("0"), Decimal("0.300")),
    "attrition_65_plus": (Decimal("0"), Decimal("0.500")),
    "share_extended": (Decimal("0"), Decimal("1")),
    "extension_years": (0, 10),  # 70 → 80: the extension cap (§ 12)
    "recruitment_rate": (Decimal("0"), Decimal("0.300")),
    "alis_completions_per_100": (Decimal("0"), Decimal("20")),
    "fte_per_gp": (Decimal("0.50"), Decimal("1.50")),
}
