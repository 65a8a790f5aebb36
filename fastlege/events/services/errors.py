"""The events app's refusals: a stable code, Norwegian and English."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NoReturn

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fastlege.core.errors import CodedError


class Code(StrEnum):
    NOT_AUTHORISED = "not_authorised"
    BAD_URL = "bad_url"
    BAD_EVENT_TYPE = "bad_event_type"
    CLIENT_INACTIVE = "client_inactive"
    NO_EVENT_AREA = "no_event_area"


MESSAGES: dict[Code, tuple[Promise, str]] = {
    Code.NOT_AUTHORISED: (
        _("Bare en nasjonal administrator kan forvalte webhook-abonnementer."),
        "Only a national administrator may manage webhook subscriptions.",
    ),
    Code.BAD_URL: (
        _("Adressen må begynne med https:// (eller http:// til en lokal mottaker)."),
        "The URL must start with https:// (or http:// to a local receiver).",
    ),
    Code.BAD_EVENT_TYPE: (
        _("Ukjent hendelsestype: %(name)s."),
        "Unknown event type: %(name)s.",
    ),
    Code.CLIENT_INACTIVE: (
        _("API-klienten er ikke aktiv."),
        "The API client is not active.",
    ),
    Code.NO_EVENT_AREA: (
        _("Hendelser gis til klienter med rollen kommune, statsforvalter eller nasjonal."),
        "Events are for clients with the role municipality, county governor or national.",
    ),
}


class EventsError(CodedError):
    MESSAGES = MESSAGES


def refuse(code: Code, **params: Any) -> NoReturn:
    raise EventsError(code, params or None)
