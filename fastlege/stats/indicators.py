"""The official indicators (domain brief § 5): one definition each, in one place.

Every indicator is a formula over one row of the count table
(:class:`fastlege.stats.models.AreaMonthCount`). The Norwegian source
definitions are quoted in ``docs/indicators.md``; ``source`` here says where
the definition comes from.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fastlege.registry import capacity, figures

Counts = Mapping[str, Any]

#: Public figures: counts of people or doctors below this are shown as «<5»
#: (docs/indicators.md, «Skjerming av små tall»).
SUPPRESSION_THRESHOLD = 5

#: County page alert: share of list residents without a regular GP (per cent) above this.
ALERT_SHARE_WITHOUT_GP_PCT = 5.0

#: A list without a regular GP for more than this many days counts as vacant > 1 year.
VACANT_LONG_DAYS = 365

#: «Ubesatte avtaler det aktuelle året» (Hdir, avtalevarighet): counted here over a
#: rolling window of this many months ending with the month (the 1st of each month
#: is a counting day, as in Helfo's statistics).
VACANCY_WINDOW_MONTHS = 12

#: Age cohorts of the regular GPs: (count column, lowest age, first age not included).
#: UNVERIFIED grouping: the Hdir/Helfo age bands could not be found in the sources
#: consulted (docs/indicators.md); ten-year bands with the under-35s and the 65+
#: (near the agreement age limit of § 12) apart. Changing the bands needs new columns.
GP_AGE_COHORTS: tuple[tuple[str, int, int | None], ...] = (
    ("gps_age_under_35", 0, 35),
    ("gps_age_35_44", 35, 45),
    ("gps_age_45_54", 45, 55),
    ("gps_age_55_64", 55, 65),
    ("gps_age_65_plus", 65, None),
)


def gp_age_in_month(birth_date: datetime.date, month: datetime.date) -> int:
    """Helfo, «Alder fastlege»: ages in monthly cohorts, a birthday during the month
    updates the age that month — the age the GP reaches in the month."""
    return month.year - birth_date.year - (birth_date.month > month.month)


def age_cohort(age: int) -> str:
    """The count column of the cohort ``age`` belongs to (``GP_AGE_COHORTS``)."""
    for column, low, high in GP_AGE_COHORTS:
        if age >= low and (high is None or age < high):
            return column
    raise ValueError(age)


class Unit:
    COUNT = "antall"
    PERCENT = "prosent"
    PER_1000 = "per 1 000"
    MEAN = "gjennomsnitt"
    YEARS = "år"


def _ratio(num: float | None, den: float | None, scale: float = 1.0) -> float | None:
    if num is None or not den:
        return None
    return num / den * scale


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str | Promise
    unit: str
    formula: Callable[[Counts], float | int | None]
    higher_is_worse: bool | None
    source: str
    #: Counts of people or doctors: suppressed below the threshold in public.
    #: For ratios, the denominator and numerator counts that must both be shown.
    suppress_on: tuple[str, ...] = ()
    decimals: int = 0
    #: The formula in Norwegian words, as the definitions page and docs/indicators.md
    #: show it (``fastlege stats-indicator-docs``); the count names are the count
    #: table's (``AreaMonthCount``'s verbose names).
    formula_text: str | Promise = ""

    def value(self, counts: Counts) -> float | int | None:
        return self.formula(counts)


def _c(field: str) -> Callable[[Counts], int | None]:
    return lambda c: c.get(field)


def _share_of_gps(field: str) -> Callable[[Counts], float | None]:
    return lambda c: _ratio(c.get(field), c["gps"], 100)


HDIR = "Helsedirektoratet, fastlegestatistikk (definisjoner)"
KOSTRA = "SSB KOSTRA tabell 12005"
HDIR_DURATION = "Helsedirektoratet, kvalitetsindikator avtalevarighet"
HELFO_AGE = "Helfo, fastlegestatistikk (alder fastlege)"
#: The registry's list information (a list's waiting list, fastlegeforskriften § 6).
LIST_INFO = "Fastlegeregisteret, listeopplysninger (fastlegeforskriften § 6)"
#: Hdir's free places (ceiling − list length) taken list by list, so that a list above
#: its ceiling counts as full, not as negative free places (fastlegeforskriften § 10:
#: a list is closed when it reaches its ceiling).
HDIR_PER_LIST = "Helsedirektoratet (definisjoner), per liste; fastlegeforskriften § 10"

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "fastleger",
        _("Fastleger"),
        Unit.COUNT,
        _c("gps"),
        False,
        HDIR,
        ("gps",),
        formula_text=_(
            "Fastleger med listeansvar (åpen LPFL-periode) på områdets lister den 1. i måneden"
        ),
    ),
    Indicator(
        "lister",
        _("Lister totalt"),
        Unit.COUNT,
        _c("lists"),
        None,
        HDIR,
        formula_text=_("Fastlegelister (avtaler) i drift den 1. i måneden"),
    ),
    Indicator(
        "lister_med_lege",
        _("Lister med fast lege"),
        Unit.COUNT,
        _c("lists_with_gp"),
        False,
        HDIR,
        formula_text=_("Lister med en fast lege (åpen LPFL-periode) den 1. i måneden"),
    ),
    Indicator(
        "lister_uten_lege",
        _("Lister uten fast lege"),
        Unit.COUNT,
        lambda c: c["lists"] - c["lists_with_gp"],
        True,
        HDIR,
        formula_text=_("lister − lister med fast lege"),
    ),
    Indicator(
        "lister_ubesatt_over_ett_ar",
        _("Lister uten fast lege i over ett år"),
        Unit.COUNT,
        _c("lists_vacant_over_year"),
        True,
        HDIR,
        formula_text=_("Lister uten fast lege som har vært ubesatt i mer enn 365 dager"),
    ),
    Indicator(
        "lister_fastlonn",
        _("Fastlønnede lister"),
        Unit.COUNT,
        _c("lists_salaried"),
        None,
        HDIR,
        formula_text=_("Lister der kommunen lønner legen (fastlønn)"),
    ),
    Indicator(
        "lister_naeringsdrivende",
        _("Lister med næringsdrivende fastlege"),
        Unit.COUNT,
        lambda c: c["lists_with_gp"] - c["lists_salaried_with_gp"],
        None,
        HDIR,
        formula_text=_("lister med fast lege − fastlønnede lister med fast lege"),
    ),
    Indicator(
        "andel_fastlonn",
        _("Andel fastlønnede lister (av lister med fast lege)"),
        Unit.PERCENT,
        lambda c: _ratio(c["lists_salaried_with_gp"], c["lists_with_gp"], 100),
        None,
        HDIR,
        decimals=1,
        formula_text=_("fastlønnede lister med fast lege ÷ lister med fast lege × 100"),
    ),
    Indicator(
        "listeinnbyggere",
        _("Listeinnbyggere"),
        Unit.COUNT,
        _c("on_lists"),
        None,
        KOSTRA,
        ("on_lists",),
        formula_text=_("Personer på en fastlegeliste den 1. i måneden"),
    ),
    Indicator(
        "listeinnbyggere_med_lege",
        _("Listeinnbyggere på liste med fast lege"),
        Unit.COUNT,
        _c("on_lists_with_gp"),
        None,
        KOSTRA,
        ("on_lists_with_gp",),
        formula_text=_("Personer på en liste med fast lege den 1. i måneden"),
    ),
    Indicator(
        "listeinnbyggere_uten_lege",
        _("Listeinnbyggere på liste uten fast lege"),
        Unit.COUNT,
        lambda c: c["on_lists"] - c["on_lists_with_gp"],
        True,
        KOSTRA,
        ("on_lists_without_gp",),
        formula_text=_("listeinnbyggere − listeinnbyggere på liste med fast lege"),
    ),
    Indicator(
        "andel_uten_lege",
        _("Andel listeinnbyggere uten fast lege"),
        Unit.PERCENT,
        lambda c: _ratio(c["on_lists"] - c["on_lists_with_gp"], c["on_lists"], 100),
        True,
        KOSTRA,
        ("on_lists_without_gp",),
        decimals=1,
        formula_text=_(
            "(listeinnbyggere − listeinnbyggere på liste med fast lege) ÷ listeinnbyggere × 100"
        ),
    ),
    Indicator(
        "listelengde",
        _("Gjennomsnittlig listelengde (lister med fast lege)"),
        Unit.MEAN,
        lambda c: _ratio(c["on_lists_with_gp"], c["lists_with_gp"]),
        None,
        HDIR,
        formula_text=_("listeinnbyggere på liste med fast lege ÷ lister med fast lege"),
    ),
    Indicator(
        "listelengde_alle",
        _("Gjennomsnittlig listelengde (alle lister)"),
        Unit.MEAN,
        lambda c: _ratio(c["on_lists"], c["lists"]),
        None,
        KOSTRA,
        formula_text=_("listeinnbyggere ÷ lister"),
    ),
    Indicator(
        "listetak",
        _("Gjennomsnittlig listetak (lister med fast lege)"),
        Unit.MEAN,
        lambda c: _ratio(c["ceiling_sum_with_gp"], c["lists_with_gp"]),
        None,
        HDIR,
        formula_text=_("sum listetak for lister med fast lege ÷ lister med fast lege"),
    ),
    Indicator(
        "sum_listetak",
        _("Sum listetak (kapasitet)"),
        Unit.COUNT,
        _c("ceiling_sum"),
        False,
        KOSTRA,
        formula_text=_("Summen av listetakene for alle lister"),
    ),
    Indicator(
        "ledige_plasser",
        _("Ledige plasser"),
        Unit.COUNT,
        _c("free_places_sum"),
        False,
        HDIR_PER_LIST,
        formula_text=_(
            "For hver liste: listetak − listelengde, aldri under 0; summert over listene"
        ),
    ),
    Indicator(
        "over_listetak",
        _("Over listetak"),
        Unit.COUNT,
        _c("over_ceiling_sum"),
        True,
        HDIR_PER_LIST,
        formula_text=_(
            "For hver liste over listetaket: listelengde − listetak; summert over listene"
        ),
    ),
    Indicator(
        "ledige_plasser_netto",
        _("Netto ledig kapasitet, alle lister (Hdir)"),
        Unit.COUNT,
        lambda c: capacity.places_left(c["ceiling_sum"], c["on_lists"]),
        False,
        HDIR,
        formula_text=_(
            "sum listetak − listeinnbyggere (= ledige plasser − over listetak); "
            "negativt når listene samlet er over listetakene"
        ),
    ),
    Indicator(
        "ledige_plasser_med_lege",
        _("Netto ledig kapasitet, lister med fast lege (Hdir)"),
        Unit.COUNT,
        lambda c: capacity.places_left(c["ceiling_sum_with_gp"], c["on_lists_with_gp"]),
        False,
        HDIR,
        formula_text=_(
            "sum listetak for lister med fast lege − listeinnbyggere på liste med fast lege"
        ),
    ),
    Indicator(
        "ledige_plasser_per_1000",
        _("Netto ledig kapasitet per 1 000 innbyggere (Hdir)"),
        Unit.PER_1000,
        lambda c: _ratio(
            capacity.places_left(c["ceiling_sum"], c["on_lists"]), c["residents"], 1000
        ),
        False,
        HDIR,
        decimals=1,
        formula_text=_(
            "(sum listetak − listeinnbyggere) ÷ innbyggere med rett til fastlege × 1 000"
        ),
    ),
    Indicator(
        "listebelegg",
        _("Listebelegg (listelengde i prosent av listetak)"),
        Unit.PERCENT,
        lambda c: _ratio(c["on_lists"], c["ceiling_sum"], 100),
        True,
        HDIR,
        decimals=1,
        formula_text=_("listeinnbyggere ÷ sum listetak × 100"),
    ),
    Indicator(
        "reservekapasitet",
        _("Reservekapasitet (KOSTRA)"),
        Unit.PERCENT,
        # Sum of all ceilings ÷ residents on lists with a regular GP: the published
        # KOSTRA 2025 figures are computed so (docs/indicators.md).
        lambda c: _ratio(c["ceiling_sum"], c["on_lists_with_gp"], 100),
        False,
        KOSTRA,
        formula_text=_("sum listetak (alle lister) ÷ listeinnbyggere på liste med fast lege × 100"),
    ),
    Indicator(
        "apne_lister",
        _("Åpne lister"),
        Unit.COUNT,
        _c("lists_open"),
        False,
        KOSTRA,
        formula_text=_("Lister som er åpne for nye innbyggere"),
    ),
    Indicator(
        "ufordelte",
        _("Ufordelte"),
        Unit.COUNT,
        _c("unassigned"),
        True,
        HDIR,
        ("unassigned",),
        formula_text=_("Innbyggere med rett til fastlege som ikke står på noen liste"),
    ),
    Indicator(
        "venteliste",
        _("På venteliste"),
        Unit.COUNT,
        _c("waiting"),
        True,
        HDIR,
        ("waiting",),
        formula_text=_("Plasser på venteliste, etter personens bostedskommune"),
    ),
    Indicator(
        "venter_pa_listene",
        _("På venteliste til områdets lister"),
        Unit.COUNT,
        _c("waiting_on_lists"),
        True,
        LIST_INFO,
        ("waiting_on_lists",),
        formula_text=_("Plasser på venteliste til listene i området, etter listens kommune"),
    ),
    Indicator(
        "venteliste_annen_fastlegekommune",
        _("Venter i annen kommune enn fastlegens"),
        Unit.COUNT,
        _c("waiting_other_gp_municipality"),
        None,
        HDIR,
        ("waiting_other_gp_municipality",),
        formula_text=_("Personer på venteliste som nå står på en liste i en annen kommune"),
    ),
    Indicator(
        "venteliste_annen_bostedskommune",
        _("Venter i annen kommune enn bostedskommunen"),
        Unit.COUNT,
        _c("waiting_other_home_municipality"),
        None,
        HDIR,
        ("waiting_other_home_municipality",),
        formula_text=_("Personer på venteliste som bor i en annen kommune"),
    ),
    Indicator(
        "vikarbruk",
        _("Andel lister med vikar"),
        Unit.PERCENT,
        lambda c: _ratio(c["lists_with_substitute"], c["lists"], 100),
        True,
        HDIR,
        decimals=1,
        formula_text=_("lister med vikar i måneden ÷ lister × 100"),
    ),
    Indicator(
        "fastleger_startet",
        _("Fastleger som startet"),
        Unit.COUNT,
        _c("gps_started"),
        False,
        HDIR,
        # hidden with the GPs: GPs = last month's + started − stopped (stats.disclosure)
        ("gps",),
        formula_text=_("Fastleger i området denne måneden som ikke var det forrige måned"),
    ),
    Indicator(
        "fastleger_sluttet",
        _("Fastleger som sluttet"),
        Unit.COUNT,
        _c("gps_stopped"),
        True,
        HDIR,
        ("gps",),
        formula_text=_("Fastleger i området forrige måned som ikke er det denne måneden"),
    ),
    Indicator(
        "andel_spesialister",
        _("Andel fastleger som er spesialister i allmennmedisin"),
        Unit.PERCENT,
        lambda c: _ratio(c["gps_specialist"], c["gps"], 100),
        False,
        HDIR,
        ("gps",),
        decimals=1,
        formula_text=_("fastleger som er spesialister i allmennmedisin ÷ fastleger × 100"),
    ),
    Indicator(
        "kvinnelige_fastleger",
        _("Kvinnelige fastleger"),
        Unit.COUNT,
        _c("gps_female"),
        None,
        KOSTRA,
        ("gps",),
        formula_text=_("Kvinner blant fastlegene"),
    ),
    Indicator(
        "andel_kvinner",
        _("Andel kvinnelige fastleger"),
        Unit.PERCENT,
        lambda c: _ratio(c["gps_female"], c["gps"], 100),
        None,
        KOSTRA,
        ("gps",),
        decimals=1,
        formula_text=_("kvinnelige fastleger ÷ fastleger × 100"),
    ),
    Indicator(
        "avtalevarighet",
        _("Median avtalevarighet (år)"),
        Unit.YEARS,
        lambda c: (
            None if c.get("agreement_median_days") is None else c["agreement_median_days"] / 365.25
        ),
        False,
        HDIR_DURATION,
        ("gps",),
        decimals=1,
        formula_text=_(
            "Median over listene med fast lege av (dagen − start på legens LPFL-periode), "
            "i år (÷ 365,25)"
        ),
    ),
    *(
        Indicator(
            f"andel_fastleger_{suffix}",
            name,
            Unit.PERCENT,
            _share_of_gps(column),
            None,
            HELFO_AGE,
            ("gps",),
            decimals=1,
            formula_text=_(
                "fastleger i aldersgruppen ÷ fastleger × 100 (alder: den legen fyller i måneden)"
            ),
        )
        for (column, _low, _high), suffix, name in zip(
            GP_AGE_COHORTS,
            ("under_35", "35_44", "45_54", "55_64", "65_og_eldre"),
            (
                _("Andel fastleger under 35 år"),
                _("Andel fastleger 35–44 år"),
                _("Andel fastleger 45–54 år"),
                _("Andel fastleger 55–64 år"),
                _("Andel fastleger 65 år og eldre"),
            ),
            strict=True,
        )
    ),
    Indicator(
        "fastlege_alder",
        _("Gjennomsnittsalder, fastleger"),
        Unit.YEARS,
        lambda c: _ratio(c.get("gps_age_sum"), c["gps"]),
        None,
        HELFO_AGE,
        ("gps",),
        decimals=1,
        formula_text=_("sum av fastlegenes alder ÷ fastleger (alder: den legen fyller i måneden)"),
    ),
    Indicator(
        "ubesatte_lister_siste_ar",
        _("Lister uten fast lege i løpet av de siste 12 månedene"),
        Unit.COUNT,
        _c("lists_vacant_in_year"),
        True,
        HDIR_DURATION,
        formula_text=_(
            "Lister uten fast lege den 1. i minst én av de 12 månedene som slutter med måneden"
        ),
    ),
    Indicator(
        "ubesatt_varighet",
        _("Gjennomsnittlig tid uten fast lege (år), lister uten fast lege"),
        Unit.YEARS,
        lambda c: _ratio(c.get("vacant_days_sum"), c["lists"] - c["lists_with_gp"], 1 / 365.25),
        True,
        HDIR_DURATION,
        decimals=2,
        formula_text=_("sum dager uten fast lege ÷ lister uten fast lege ÷ 365,25"),
    ),
    Indicator(
        "ubesatt_varighet_median",
        _("Median tid uten fast lege (år), lister uten fast lege"),
        Unit.YEARS,
        lambda c: (
            None if c.get("vacancy_median_days") is None else c["vacancy_median_days"] / 365.25
        ),
        True,
        HDIR_DURATION,
        decimals=2,
        formula_text=_("Median av dagene uten fast lege for listene uten fast lege ÷ 365,25"),
    ),
    Indicator(
        "ubesatt_varighet_siste_ar",
        _("Gjennomsnittlig varighet (år), lister uten fast lege siste 12 måneder"),
        Unit.YEARS,
        lambda c: _ratio(
            c.get("vacancy_days_in_year_sum"), c.get("lists_vacant_in_year"), 1 / 365.25
        ),
        True,
        HDIR_DURATION,
        decimals=2,
        formula_text=_(
            "sum varighet (dager) for lister uten fast lege siste 12 måneder "
            "÷ antall slike lister ÷ 365,25"
        ),
    ),
    Indicator(
        "ubesatt_varighet_siste_ar_median",
        _("Median varighet (år), lister uten fast lege siste 12 måneder"),
        Unit.YEARS,
        lambda c: (
            None
            if c.get("vacancy_in_year_median_days") is None
            else c["vacancy_in_year_median_days"] / 365.25
        ),
        True,
        HDIR_DURATION,
        decimals=2,
        formula_text=_(
            "Median varighet (dager) for lister uten fast lege siste 12 måneder ÷ 365,25"
        ),
    ),
    Indicator(
        "fastleger_per_1000",
        _("Fastleger per 1 000 listeinnbyggere"),
        Unit.PER_1000,
        lambda c: _ratio(c["gps"], c["on_lists"], 1000),
        False,
        HDIR,
        decimals=2,
        formula_text=_("fastleger ÷ listeinnbyggere × 1 000"),
    ),
    Indicator(
        "bytter",
        _("Legebytter i måneden"),
        Unit.COUNT,
        _c("switches"),
        None,
        HDIR,
        ("switches",),
        formula_text=_(
            "Legebytter og plasseringer fra venteliste for områdets innbyggere i måneden"
        ),
    ),
)

BY_CODE: dict[str, Indicator] = {i.code: i for i in INDICATORS}

#: The figures shown at the top of every area page: first the key figures the
#: registry's pages show live (``fastlege.registry.figures``, same codes and definitions),
#: then the others.
HEADLINE = (
    *(f.code for f in figures.FIGURES),
    "venteliste",
    "fastleger",
    "andel_uten_lege",
    "listelengde",
    "reservekapasitet",
    "apne_lister",
    "lister_ubesatt_over_ett_ar",
)

#: The time series drawn as charts on every area page.
SERIES = (
    "fastleger",
    "lister_uten_lege",
    "andel_uten_lege",
    "listelengde",
    "reservekapasitet",
    "ledige_plasser",
    "apne_lister",
    "ufordelte",
    "venteliste",
    "lister_ubesatt_over_ett_ar",
)


def derived(counts: Counts) -> dict[str, Any]:
    """Counts plus the ones defined by subtraction (used by suppression)."""
    out = dict(counts)
    out["on_lists_without_gp"] = counts["on_lists"] - counts["on_lists_with_gp"]
    return out


def compute(counts: Counts) -> dict[str, float | int | None]:
    """Every indicator for one row of counts."""
    return {i.code: i.value(counts) for i in INDICATORS}


def small_count(n: int | None, threshold: int = SUPPRESSION_THRESHOLD) -> bool:
    """The primary suppression rule: a count of people between 1 and ``threshold − 1``
    is hidden in public; zero is shown (it identifies nobody)."""
    return n is not None and 0 < n < threshold


def is_suppressed(
    indicator: Indicator, counts: Counts, threshold: int = SUPPRESSION_THRESHOLD
) -> bool:
    """True when a public figure would reveal a count of people below ``threshold``
    (primary suppression only; the public figures also hide the secondary cells of
    ``fastlege.stats.disclosure``, which calls :func:`small_count`)."""
    for name in indicator.suppress_on:
        if name == "on_lists_without_gp":
            n = counts["on_lists"] - counts["on_lists_with_gp"]
        else:
            n = counts.get(name)
        if small_count(n, threshold):
            return True
    return False
