"""Rule parameters of the monthly update, dated by effective date, with their basis.

The order of the run and its tie-breaking rules are documented in
``docs/monthly-update.md``. Where the sources are incomplete the parameter is
marked unverified and the documented behaviour is implemented.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
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


# --- Eligibility: no list place dated before the person could have one ---------------


def eligible_from(
    resident_since: datetime.date | None, in_scheme_since: datetime.date | None
) -> datetime.date | None:
    """The day a person without a list place could first be placed: living in the
    municipality (``resident_since``) and back in the scheme after opting out
    (``in_scheme_since``), whichever is later; ``None``: no known date (eligible)."""
    days = [d for d in (resident_since, in_scheme_since) if d is not None]
    return max(days) if days else None


def may_be_placed(eligible: datetime.date | None, month: datetime.date) -> bool:
    """A run's places start on the 1st of its month (``moves_take_effect``): someone who
    became eligible after the 1st waits for the next month's run (issue 14, item 4)."""
    return eligible is None or eligible <= month


# --- Exceptions to the list ceiling -----------------------------------------------------


@dataclass(frozen=True)
class CeilingException:
    """A kind of move that may place someone on a list beyond its ceiling."""

    label: str  # Norwegian, for the run's report
    basis: str
    rules: tuple[str, ...] = ()  # MonthMove.Rule values of the moves of this kind
    closed_list_exceptions: tuple[str, ...] = ()  # SwitchRequest.closed_list_exception
    # Moves of this kind are decided before the run (carried out in steps 1–3); False: the
    # run itself may decide one (in any step).
    decided_before_run: bool = True


# The only ways a run may leave a list above its ceiling because of someone it moved
# there. Moves the run decides itself (steps 4–5: the unassigned, waiting lists and
# chains) are never an exception. Steps 1–3 carry out moves decided before the run,
# whose place was checked (or allowed beyond the ceiling, § 4) when they were decided.
# A newborn gets a parent's list from the registry service at birth, not from the run:
# the kind is listed so that the report names every exception the regulation allows.
CEILING_EXCEPTIONS: dict[str, CeilingException] = {
    "newborn": CeilingException(
        "nyfødt til en forelders liste", "pasientrettighetsforskriften § 5"
    ),
    "child_with_parent": CeilingException(
        "barn under 16 år til en forelders liste",
        "pasientrettighetsforskriften §§ 4 a og 5",
        rules=("barn_med_forelder",),
        closed_list_exceptions=("barn",),
        decided_before_run=False,
    ),
    "returning_resident": CeilingException(
        "flytter tilbake til sin tidligere fastlege innen tre år",
        "pasientrettighetsforskriften § 4 b",
        closed_list_exceptions=("tilbakeflytter",),
    ),
    "agreement_closed": CeilingException(
        "flyttet fordi avtalen ble avsluttet", "fastlegeforskriften § 9", ("avtale_avsluttet",)
    ),
    "removed": CeilingException(
        "flyttet etter utmelding", "fastlegeforskriften §§ 38–39", ("utmeldt",)
    ),
    "reduction": CeilingException(
        "flyttet ved listereduksjon", "fastlegeforskriften § 11", ("reduksjon",)
    ),
    "accepted_request": CeilingException(
        "bytte eller tildeling godtatt før kjøringen (plassen ble holdt av da)",
        "pasientrettighetsforskriften § 6",
        ("bytte", "tildeling", "venteliste"),
    ),
}

#: The steps that carry out moves decided before the run; the run's own are 4–5.
DECIDED_BEFORE_RUN_STEPS = (1, 2, 3)


def ceiling_exception_kind(step: int, rule: str, closed_list_exception: str = "") -> str | None:
    """The allowed exception a move belongs to, or ``None`` for the run's own placements,
    which must stay within the ceiling (``registry.capacity``)."""
    for kind, exception in CEILING_EXCEPTIONS.items():
        if closed_list_exception and closed_list_exception in exception.closed_list_exceptions:
            return kind
    for kind, exception in CEILING_EXCEPTIONS.items():
        if rule in exception.rules and (
            step in DECIDED_BEFORE_RUN_STEPS or not exception.decided_before_run
        ):
            return kind
    return None


def param(name: str, on: datetime.date) -> Any:
    candidates = [p for p in PARAMETERS if p.name == name and p.effective_from <= on]
    if not candidates:
        raise KeyError(f"no parameter {name!r} in force on {on}")
    return max(candidates, key=lambda p: p.effective_from).value
