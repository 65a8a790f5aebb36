"""The measures app's domain errors: one stable code per refusal.

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
    UNKNOWN_MUNICIPALITY = "unknown_municipality"
    UNKNOWN_MEASURE = "unknown_measure"
    UNKNOWN_MEASURE_TYPE = "unknown_measure_type"
    UNKNOWN_DEMAND = "unknown_demand"
    TYPE_NOT_APPROVED = "type_not_approved"
    TYPE_ALREADY_DECIDED = "type_already_decided"
    TYPE_NAME_TAKEN = "type_name_taken"
    NAME_REQUIRED = "name_required"
    BAD_STATUS = "bad_status"
    BAD_CHOICE = "bad_choice"
    ENDS_BEFORE_START = "ends_before_start"
    NEGATIVE_VALUE = "negative_value"
    VALUE_WITHOUT_UNIT = "value_without_unit"
    DECIDED_NEEDS_DATE = "decided_needs_date"
    DEMANDS_EMPTY = "demands_empty"
    MEASURE_OTHER_MUNICIPALITY = "measure_other_municipality"


MESSAGES: dict[Code, tuple[Promise, str]] = {
    Code.NOT_AUTHORISED: (
        _("Du har ikke tilgang til å gjøre dette."),
        "You are not allowed to do this.",
    ),
    Code.UNKNOWN_MUNICIPALITY: (_("Kommunen finnes ikke."), "The municipality does not exist."),
    Code.UNKNOWN_MEASURE: (_("Tiltaket finnes ikke."), "The measure does not exist."),
    Code.UNKNOWN_MEASURE_TYPE: (_("Tiltakstypen finnes ikke."), "The measure type does not exist."),
    Code.UNKNOWN_DEMAND: (_("Kravet finnes ikke."), "The demand does not exist."),
    Code.TYPE_NOT_APPROVED: (
        _("Tiltakstypen er ikke godkjent i katalogen ennå."),
        "The measure type is not approved in the catalogue yet.",
    ),
    Code.TYPE_ALREADY_DECIDED: (
        _("Forslaget til tiltakstype er allerede behandlet."),
        "The proposed measure type has already been decided.",
    ),
    Code.TYPE_NAME_TAKEN: (
        _("Det finnes allerede en tiltakstype med dette navnet."),
        "A measure type with this name already exists.",
    ),
    Code.NAME_REQUIRED: (_("Navnet kan ikke være tomt."), "The name cannot be empty."),
    Code.BAD_STATUS: (_("Ukjent status."), "Unknown status."),
    Code.BAD_CHOICE: (_("Ugyldig valg: %(field)s."), "Invalid choice: %(field)s."),
    Code.ENDS_BEFORE_START: (
        _("Sluttdatoen kan ikke være før startdatoen."),
        "The end date cannot be before the start date.",
    ),
    Code.NEGATIVE_VALUE: (_("Verdien kan ikke være negativ."), "The value cannot be negative."),
    Code.VALUE_WITHOUT_UNIT: (
        _("Velg en enhet for verdien, eller la verdien stå tom."),
        "Choose a unit for the value, or leave the value empty.",
    ),
    Code.DECIDED_NEEDS_DATE: (
        _("Et vedtatt eller aktivt tiltak trenger vedtaksorgan og vedtaksdato."),
        "A decided or active measure needs the decision body and date.",
    ),
    Code.DEMANDS_EMPTY: (
        _("Kravlisten må ha minst ett krav."),
        "The list of demands needs at least one demand.",
    ),
    Code.MEASURE_OTHER_MUNICIPALITY: (
        _("Tiltaket hører til en annen kommune."),
        "The measure belongs to another municipality.",
    ),
}


class MeasuresError(CodedError):
    """A refused measures operation, with the English text for the API."""

    MESSAGES = MESSAGES


def refuse(code: Code, **params: Any) -> NoReturn:
    raise MeasuresError(code, params or None)
