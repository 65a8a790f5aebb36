"""What each indicator's figure is measured in, as written on chart axes, map legends and
tooltips («personer», «%», «år»).

``Indicator.unit`` says the kind of figure (a count, a percentage, a mean ...); a count
also needs the thing it counts, which is named here once per counting indicator. A new
count indicator without an entry here fails ``test_every_indicator_has_a_unit_label``.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fastlege.stats.indicators import Indicator, Unit

DOCTORS = _("leger")
LISTS = _("lister")
PEOPLE = _("personer")
PLACES = _("plasser")
SWITCHES = _("bytter")

#: What a count indicator counts.
COUNTED: dict[str, Promise] = {
    "fastleger": DOCTORS,
    "fastleger_startet": DOCTORS,
    "fastleger_sluttet": DOCTORS,
    "kvinnelige_fastleger": DOCTORS,
    "lister": LISTS,
    "lister_med_lege": LISTS,
    "lister_uten_lege": LISTS,
    "lister_ubesatt_over_ett_ar": LISTS,
    "lister_fastlonn": LISTS,
    "lister_naeringsdrivende": LISTS,
    "apne_lister": LISTS,
    "ubesatte_lister_siste_ar": LISTS,
    "listeinnbyggere": PEOPLE,
    "listeinnbyggere_med_lege": PEOPLE,
    "listeinnbyggere_uten_lege": PEOPLE,
    "ufordelte": PEOPLE,
    "venteliste": PEOPLE,
    "venter_pa_listene": PEOPLE,
    "venteliste_annen_fastlegekommune": PEOPLE,
    "venteliste_annen_bostedskommune": PEOPLE,
    "sum_listetak": PLACES,
    "ledige_plasser_med_lege": PLACES,
    "ledige_plasser": PLACES,
    "over_listetak": PLACES,
    "ledige_plasser_netto": PLACES,
    "bytter": SWITCHES,
}

#: Means: per list.
MEANS: dict[str, Promise] = {
    "listelengde": _("personer per liste"),
    "listelengde_alle": _("personer per liste"),
    "listetak": _("plasser per liste"),
}

BY_UNIT: dict[str, Promise | str] = {
    Unit.PERCENT: "%",
    Unit.YEARS: _("år"),
}

PER_1000: dict[str, Promise] = {
    "ledige_plasser_per_1000": _("plasser per 1 000 innbyggere"),
    "fastleger_per_1000": _("leger per 1 000 listeinnbyggere"),
}


def unit_label(indicator: Indicator) -> str:
    """The unit written after the indicator's figures and on its axis («personer», «%»)."""
    for table in (COUNTED, MEANS, PER_1000):
        if indicator.code in table:
            return str(table[indicator.code])
    if indicator.unit in BY_UNIT:
        return str(BY_UNIT[indicator.unit])
    raise KeyError(f"no unit label for indicator {indicator.code!r}")


def change_unit_label(indicator: Indicator) -> str:
    """The unit of a change in the indicator: a change in a share is in percentage
    points («prosentpoeng»), not per cent; otherwise the figure's own unit."""
    if indicator.unit == Unit.PERCENT:
        return str(_("prosentpoeng"))
    return unit_label(indicator)


def with_unit(text: str, unit: str) -> str:
    """«231 879 personer», «12,4 %»: a figure followed by its unit (none: the figure)."""
    if not unit:
        return text
    return f"{text}\u00a0{unit}"
