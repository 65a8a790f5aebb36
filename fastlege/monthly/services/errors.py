"""Refusals of the monthly update: a stable code and a Norwegian message."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NoReturn

from django.utils.translation import gettext_lazy as _

from fastlege.core.errors import DomainError


class Code(StrEnum):
    NOT_AUTHORISED = "not_authorised"
    INVALID_MONTH = "invalid_month"
    MONTH_OUT_OF_ORDER = "month_out_of_order"
    MONTH_SKIPPED = "month_skipped"
    RUN_IN_PROGRESS = "run_in_progress"
    MONTH_NOT_STARTED = "month_not_started"
    INVARIANT_VIOLATED = "invariant_violated"


MESSAGES: dict[Code, Any] = {
    Code.NOT_AUTHORISED: _(
        "Bare en nasjonal administrator eller systemet selv kan kjøre månedsoppdateringen."
    ),
    Code.INVALID_MONTH: _("Måneden må skrives ÅÅÅÅ-MM, for eksempel 2026-12."),
    Code.MONTH_OUT_OF_ORDER: _(
        "Månedene kjøres i rekkefølge: %(month)s kommer før %(last)s, som allerede er kjørt."
    ),
    Code.MONTH_SKIPPED: _(
        "Månedene kjøres i rekkefølge: neste måned som skal kjøres er %(next)s, ikke %(month)s."
    ),
    Code.RUN_IN_PROGRESS: _("En annen månedskjøring pågår. Prøv igjen når den er ferdig."),
    Code.MONTH_NOT_STARTED: _(
        "%(month)s kan ikke kjøres ennå: listene endres den 1. i måneden, og i dag er det "
        "%(today)s. Kjør måneden fra og med %(first)s."
    ),
    Code.INVARIANT_VIOLATED: _(
        "Månedskjøringen for %(month)s ble stanset fordi den ville brutt en regel, og "
        "ingenting er endret: %(report)s"
    ),
}

ENGLISH: dict[Code, str] = {
    Code.NOT_AUTHORISED: "Only a national administrator or the system may run the monthly update.",
    Code.INVALID_MONTH: "The month must be written YYYY-MM, e.g. 2026-12.",
    Code.MONTH_OUT_OF_ORDER: "Months run in order: %(month)s is before %(last)s, already run.",
    Code.MONTH_SKIPPED: "Months run in order: the next month to run is %(next)s, not %(month)s.",
    Code.RUN_IN_PROGRESS: "Another monthly run is in progress.",
    Code.MONTH_NOT_STARTED: (
        "%(month)s cannot run yet: lists change on the 1st, and today is %(today)s. "
        "Run it on or after %(first)s."
    ),
    Code.INVARIANT_VIOLATED: (
        "The monthly run for %(month)s was stopped because it would break a rule; nothing "
        "was changed: %(report)s"
    ),
}


class MonthlyError(DomainError):
    """A refused monthly run. ``code`` is stable; ``english`` is for the API."""

    def __init__(self, code: Code, **params: Any) -> None:
        message = str(MESSAGES[code]) % params if params else str(MESSAGES[code])
        self.english = ENGLISH[code] % params if params else ENGLISH[code]
        super().__init__(message, code=str(code), params=params or None)


def refuse(code: Code, **params: Any) -> NoReturn:
    raise MonthlyError(code, **params)
