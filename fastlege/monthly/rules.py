"""Rule parameters of the monthly update, dated by effective date, with their basis.

The order of the run and its tie-breaking rules are documented in
``docs/monthly-update.md``. Where the sources are incomplete the parameter is
marked unverified and the documented behaviour is implemented.
"""

from __future__ import annotations

import datetime
from typing import Any

from fastlege.registry.rules import Parameter

_OLD = datetime.date(2012, 9, 1)

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "unassigned_order",
        "longest_waiting_first",
        _OLD,
        "Helfo: tildeling av fastlege til innbyggere uten plass (ufordelte); domain brief § 3.3",
        note=(
            "Den som har ventet lengst uten plass får først: ufordelt siden (siste listeplass "
            "sluttet, ellers bosatt fra), deretter lavest innbygger-id."
        ),
    ),
    Parameter(
        "unassigned_before_waiting_list",
        True,
        _OLD,
        "Helfo ufordelte; domain brief § 3.3",
        note="En ledig plass går til ufordelte i kommunen før ventelisten.",
    ),
    Parameter(
        "unassigned_list_choice",
        "most_free_places",
        _OLD,
        "pasientrettighetsforskriften § 2 (tildeling til lege med ledig plass)",
        verified=False,
        note=(
            "Kildene sier ikke hvilken liste en ufordelt får. Vi velger listen med flest ledige "
            "plasser i bostedskommunen, ved likhet lavest liste-id."
        ),
    ),
    Parameter(
        "waiting_list_release_batch_applied",
        False,
        _OLD,
        "helsenorge.no (ufullstendig kilde); registry rule waiting_list_release_batch",
        verified=False,
        note=(
            "«10 ledige plasser»-regelen er bare delvis dokumentert (domain brief § 3.3). "
            "Kjøringen gir hver ledig plass videre, slik saken (issue 4) beskriver."
        ),
    ),
    Parameter(
        "moves_take_effect",
        "first_of_run_month",
        _OLD,
        "Helfo fastlegestatistikk; pasientrettighetsforskriften § 6",
        note="Alle flyttinger i en kjøring gjelder fra den 1. i måneden som kjøres.",
    ),
)


def param(name: str, on: datetime.date) -> Any:
    candidates = [p for p in PARAMETERS if p.name == name and p.effective_from <= on]
    if not candidates:
        raise KeyError(f"no parameter {name!r} in force on {on}")
    return max(candidates, key=lambda p: p.effective_from).value
