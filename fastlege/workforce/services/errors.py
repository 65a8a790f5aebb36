"""The workforce app's domain errors: one stable code per refusal.

``message`` is Norwegian (what a person reads); the English text is for the API.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NoReturn

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fastlege.core.errors import CodedError


class Code(StrEnum):
    NOT_AUTHORISED = "not_authorised"
    UNKNOWN_SCENARIO = "unknown_scenario"
    PRESET_READ_ONLY = "preset_read_only"
    NOT_OWNER = "not_owner"
    BAD_SCENARIO = "bad_scenario"
    BAD_POPULATION_FILE = "bad_population_file"


MESSAGES: dict[Code, tuple[Promise, str]] = {
    Code.NOT_AUTHORISED: (
        _("Du har ikke tilgang til å gjøre dette."),
        "You are not allowed to do this.",
    ),
    Code.UNKNOWN_SCENARIO: (_("Scenarioet finnes ikke."), "The scenario does not exist."),
    Code.PRESET_READ_ONLY: (
        _("Et forhåndsdefinert scenario kan ikke endres. Lag en kopi og endre den."),
        "A preset scenario cannot be changed. Copy it and change the copy.",
    ),
    Code.NOT_OWNER: (
        _("Bare den som laget scenarioet kan endre det."),
        "Only the scenario's author can change it.",
    ),
    Code.BAD_SCENARIO: (
        _("Scenarioet har ugyldige verdier: %(fields)s."),
        "The scenario has invalid values: %(fields)s.",
    ),
    Code.BAD_POPULATION_FILE: (
        _("Filen ble ikke lest inn: %(count)s feil."),
        "The file was not loaded: %(count)s errors.",
    ),
}


class WorkforceError(CodedError):
    """A refused workforce operation, with the English text for the API."""

    MESSAGES = MESSAGES


class ScenarioInvalid(WorkforceError):
    """Scenario figures outside their ranges: ``field_errors`` maps each bad field to
    its Norwegian message."""

    def __init__(self, field_errors: dict[str, str]) -> None:
        super().__init__(Code.BAD_SCENARIO, {"fields": ", ".join(sorted(field_errors))})
        self.field_errors = field_errors


class PopulationFileRefused(WorkforceError):
    """A projection file with bad lines: ``problems`` lists every one (line, message)."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        super().__init__(Code.BAD_POPULATION_FILE, {"count": len(problems)})
        self.problems = problems


def refuse(code: Code, **params: Any) -> NoReturn:
    raise WorkforceError(code, params or None)
