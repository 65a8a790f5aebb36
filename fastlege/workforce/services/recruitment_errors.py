"""Refusals of the recruitment services: one stable code each, a Norwegian message
for people and an English one for the API (``fastlege.core.errors.CodedError``)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NoReturn

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fastlege.core.errors import CodedError


class Code(StrEnum):
    NOT_AUTHORISED = "not_authorised"
    UNKNOWN_CASE = "unknown_recruitment_case"
    LIST_HAS_GP = "recruitment_list_has_gp"
    GP_ENDS_LATER = "recruitment_gp_ends_later"
    LIST_ENDED = "recruitment_list_ended"
    CASE_ALREADY_OPEN = "recruitment_case_already_open"
    STEP_NOT_ALLOWED = "recruitment_step_not_allowed"
    DEADLINE_BEFORE_ADVERTISED = "recruitment_deadline_before_advertised"
    DATE_BEFORE_OPENED = "recruitment_date_before_opened"
    BAD_COUNT = "recruitment_bad_count"
    NO_DOCTOR = "recruitment_no_doctor"
    FOREIGN_MEASURE = "recruitment_foreign_measure"
    REASON_REQUIRED = "recruitment_reason_required"
    BAD_CHANNEL = "recruitment_bad_channel"


MESSAGES: dict[Code, tuple[Promise, str]] = {
    Code.NOT_AUTHORISED: (
        _("Du har ikke tilgang til å gjøre dette."),
        "You are not allowed to do this.",
    ),
    Code.UNKNOWN_CASE: (
        _("Rekrutteringssaken finnes ikke."),
        "The recruitment case does not exist.",
    ),
    Code.LIST_HAS_GP: (
        _(
            "Listen har en fast lege uten kjent sluttdato. En rekrutteringssak kan bare "
            "opprettes for en liste uten fast lege, eller der legen har sagt opp eller slutter."
        ),
        "The list has a regular GP with no known end. A recruitment case can only be "
        "opened for a list without a regular GP, or whose GP has given notice or leaves.",
    ),
    Code.GP_ENDS_LATER: (
        _(
            "Listens faste lege slutter først %(ends)s. En sak kan opprettes tidligst "
            "%(months)s måneder før."
        ),
        "The list's regular GP leaves on %(ends)s. A case can be opened at most "
        "%(months)s months ahead.",
    ),
    Code.LIST_ENDED: (
        _("Fastlegeavtalen er ikke i kraft."),
        "The list's agreement is not in force.",
    ),
    Code.CASE_ALREADY_OPEN: (
        _("Listen har allerede en åpen rekrutteringssak."),
        "The list already has an open recruitment case.",
    ),
    Code.STEP_NOT_ALLOWED: (
        _("Saken har status «%(status)s» og kan ikke gå videre til «%(to)s»."),
        "The case is «%(status)s» and cannot move to «%(to)s».",
    ),
    Code.DEADLINE_BEFORE_ADVERTISED: (
        _("Søknadsfristen kan ikke være før utlysningsdatoen."),
        "The deadline cannot be before the advertisement date.",
    ),
    Code.DATE_BEFORE_OPENED: (
        _("Datoen kan ikke være før saken ble opprettet."),
        "The date cannot be before the case was opened.",
    ),
    Code.BAD_COUNT: (
        _("Antallet må være et helt tall fra 0 og oppover."),
        "The count must be a whole number of 0 or more.",
    ),
    Code.NO_DOCTOR: (
        _("Oppgi legen som får listen."),
        "Name the doctor who gets the list.",
    ),
    Code.FOREIGN_MEASURE: (
        _("Bare kommunens egne tiltak kan knyttes til saken."),
        "Only the municipality's own measures can be linked to the case.",
    ),
    Code.REASON_REQUIRED: (
        _("Skriv hvorfor saken avsluttes uten ny fastlege."),
        "Say why the case is closed without a new GP.",
    ),
    Code.BAD_CHANNEL: (
        _("Velg en av kanalene for utlysningen."),
        "Choose one of the advertisement channels.",
    ),
}


class RecruitmentError(CodedError):
    """A refused recruitment step; nothing was saved."""

    MESSAGES = MESSAGES


def refuse(code: Code, **params: Any) -> NoReturn:
    raise RecruitmentError(code, params or None)
