"""The substitute pool's refusals: one stable code each, a Norwegian message for people
and an English text for the API. Kept apart from ``errors.py`` (the projection's)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NoReturn

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fastlege.core.errors import CodedError


class PoolCode(StrEnum):
    NOT_AUTHORISED = "not_authorised"
    UNKNOWN_DOCTOR = "pool_unknown_doctor"
    BAD_HPR = "pool_bad_hpr"
    ALREADY_IN_POOL = "pool_already_member"
    OUTSIDE_COUNTY = "pool_outside_county"
    INVALID_PERIOD = "pool_invalid_period"
    UNKNOWN_REQUEST = "pool_unknown_request"
    UNKNOWN_SUBSTITUTE = "pool_unknown_substitute"
    REQUEST_NOT_OPEN = "pool_request_not_open"
    ABSENCE_NOT_ON_LIST = "pool_absence_not_on_list"
    LIST_HAS_GP = "pool_list_has_gp"
    NOT_WILLING = "pool_not_willing"
    NOT_AVAILABLE = "pool_not_available"
    DOUBLE_BOOKING = "pool_double_booking"
    NEGATIVE_COST = "pool_negative_cost"


MESSAGES: dict[PoolCode, tuple[Promise, str]] = {
    PoolCode.NOT_AUTHORISED: (
        _("Du har ikke tilgang til å gjøre dette."),
        "You are not allowed to do this.",
    ),
    PoolCode.UNKNOWN_DOCTOR: (
        _("Ingen lege i registeret har dette HPR-nummeret."),
        "No doctor in the registry has this HPR number.",
    ),
    PoolCode.BAD_HPR: (
        _("HPR-nummeret må være et tall med 4 til 9 siffer uten innledende null."),
        "The HPR number must be 4 to 9 digits without a leading zero.",
    ),
    PoolCode.ALREADY_IN_POOL: (
        _("Legen er allerede vikar i vikarpoolen."),
        "The doctor is already in the substitute pool.",
    ),
    PoolCode.OUTSIDE_COUNTY: (
        _("Kommunen ligger ikke i vikarpoolens fylke."),
        "The municipality is not in the pool's county.",
    ),
    PoolCode.INVALID_PERIOD: (
        _("Perioden må slutte etter at den starter."),
        "The period must end after it starts.",
    ),
    PoolCode.UNKNOWN_REQUEST: (
        _("Vikarforespørselen finnes ikke."),
        "The substitute request does not exist.",
    ),
    PoolCode.UNKNOWN_SUBSTITUTE: (
        _("Vikaren finnes ikke i vikarpoolen."),
        "The substitute is not in the pool.",
    ),
    PoolCode.REQUEST_NOT_OPEN: (
        _("Vikarforespørselen er ikke åpen lenger."),
        "The substitute request is no longer open.",
    ),
    PoolCode.ABSENCE_NOT_ON_LIST: (
        _("Fraværet gjelder ikke denne fastlegelisten."),
        "The absence is not on this list.",
    ),
    PoolCode.LIST_HAS_GP: (
        _("Listen har en fastlege i perioden og er ikke ubesatt."),
        "The list has a regular GP in the period and is not vacant.",
    ),
    PoolCode.NOT_WILLING: (
        _("Vikaren har ikke sagt seg villig til å jobbe i denne kommunen."),
        "The substitute has not agreed to work in this municipality.",
    ),
    PoolCode.NOT_AVAILABLE: (
        _("Vikaren har ikke meldt seg tilgjengelig for hele perioden."),
        "The substitute is not available for the whole period.",
    ),
    PoolCode.DOUBLE_BOOKING: (
        _(
            "Vikaren er allerede booket i en overlappende periode "
            "(%(valid_from)s–%(valid_to)s). Ingenting er lagret."
        ),
        "The substitute is already booked for overlapping days "
        "(%(valid_from)s–%(valid_to)s). Nothing was saved.",
    ),
    PoolCode.NEGATIVE_COST: (
        _("Kostnaden kan ikke være negativ."),
        "The cost cannot be negative.",
    ),
}


class PoolError(CodedError):
    """A refused substitute-pool operation."""

    MESSAGES = MESSAGES


def refuse(code: PoolCode, **params: Any) -> NoReturn:
    raise PoolError(code, params or None)
