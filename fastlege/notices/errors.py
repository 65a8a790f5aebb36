"""Refusals of the notice settings: a stable code, a Norwegian message, an English one."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NoReturn

from django.utils.translation import gettext_lazy as _

from fastlege.core.errors import CodedError


class Code(StrEnum):
    BAD_LINK = "unsubscribe_link_invalid"
    EXPIRED_LINK = "unsubscribe_link_expired"
    UNKNOWN_CHOICE = "unknown_notice_choice"
    NOT_YOURS = "not_your_notice_settings"


class NoticeError(CodedError):
    MESSAGES = {
        Code.BAD_LINK: (
            _(
                "Lenken for å melde seg av er ikke gyldig (den kan være skrevet av feil). "
                "Ingenting er endret. Logg inn og velg under E-postvarsler."
            ),
            "The unsubscribe link is not valid. Nothing was changed.",
        ),
        Code.EXPIRED_LINK: (
            _(
                "Lenken for å melde seg av er for gammel. Ingenting er endret. "
                "Logg inn og velg under E-postvarsler."
            ),
            "The unsubscribe link has expired. Nothing was changed.",
        ),
        Code.UNKNOWN_CHOICE: (
            _("Velg en hyppighet som finnes for hver type varsel."),
            "Choose a known frequency for each kind of notice.",
        ),
        Code.NOT_YOURS: (
            _("Du kan bare endre dine egne varsler."),
            "You may change only your own notice settings.",
        ),
    }


def refuse(code: Code, **params: Any) -> NoReturn:
    raise NoticeError(code, params or None)
