"""The API's own refusals (clients and tokens): a stable code, Norwegian and English."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NoReturn

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fastlege.core.errors import CodedError


class Code(StrEnum):
    NOT_AUTHORISED = "not_authorised"
    NAME_REQUIRED = "name_required"
    NAME_TAKEN = "name_taken"
    BAD_ROLE = "bad_role"
    SCOPE_MISSING = "scope_missing"
    TOKEN_GONE = "token_gone"  # noqa: S105 - an error code
    BAD_RATE = "bad_rate"


MESSAGES: dict[Code, tuple[Promise, str]] = {
    Code.NOT_AUTHORISED: (
        _("Bare en nasjonal administrator kan registrere API-klienter og nøkler."),
        "Only a national administrator may register API clients and tokens.",
    ),
    Code.NAME_REQUIRED: (_("Klienten må ha et navn."), "The client needs a name."),
    Code.NAME_TAKEN: (
        _("Det finnes allerede en API-klient med navnet «%(name)s»."),
        "An API client named '%(name)s' already exists.",
    ),
    Code.BAD_ROLE: (
        _("En API-klient kan ha rollen kommune, statsforvalter, nasjonal eller fastlege."),
        "An API client's role is municipality, county governor, national or GP.",
    ),
    Code.SCOPE_MISSING: (
        _("Rollen %(role)s må knyttes til %(what)s."),
        "The role %(role)s needs %(what)s.",
    ),
    Code.TOKEN_GONE: (
        _("Nøkkelen er allerede trukket tilbake."),
        "The token has already been revoked.",
    ),
    Code.BAD_RATE: (
        _("Grensen per minutt må være mellom 1 og 100 000."),
        "The rate per minute must be between 1 and 100 000.",
    ),
}


class ApiClientError(CodedError):
    MESSAGES = MESSAGES


def refuse(code: Code, **params: Any) -> NoReturn:
    raise ApiClientError(code, params or None)
