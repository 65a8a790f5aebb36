"""Refusals of watching: a stable code, a Norwegian message, an English one for the API."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NoReturn

from django.utils.translation import gettext_lazy as _

from fastlege.core.errors import CodedError


class Code(StrEnum):
    TOO_MANY_WATCHES = "too_many_watches"
    ALREADY_WATCHING = "already_watching"
    UNKNOWN_LIST = "unknown_list"
    UNKNOWN_MUNICIPALITY = "unknown_municipality"
    INVALID_FILTER = "invalid_filter"
    NOT_WATCHING = "not_watching"
    MONTH_NOT_RUN = "month_not_run"


class WatchError(CodedError):
    MESSAGES = {
        Code.TOO_MANY_WATCHES: (
            _("Du kan følge med på høyst %(limit)s lister og søk. Avslutt ett først."),
            "You may watch at most %(limit)s lists and searches. Stop one first.",
        ),
        Code.ALREADY_WATCHING: (
            _("Du følger allerede med på denne listen."),
            "You are already watching this list.",
        ),
        Code.UNKNOWN_LIST: (
            _("Fastlegelisten finnes ikke eller er avsluttet."),
            "The GP list does not exist or has ended.",
        ),
        Code.UNKNOWN_MUNICIPALITY: (
            _("Kommunen finnes ikke."),
            "The municipality does not exist.",
        ),
        Code.INVALID_FILTER: (
            _("Søket har et filter som ikke finnes."),
            "The search has an unknown filter.",
        ),
        Code.NOT_WATCHING: (
            _("Du følger ikke med på dette."),
            "You are not watching this.",
        ),
        Code.MONTH_NOT_RUN: (
            _("Månedskjøringen for %(month)s er ikke fullført."),
            "The monthly run for %(month)s has not completed.",
        ),
    }


def refuse(code: Code, **params: Any) -> NoReturn:
    raise WatchError(code, params or None)
