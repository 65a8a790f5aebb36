"""What every API view shares: authentication, rate limits, known query parameters
only, the day asked about, and problems for errors (settings ``REST_FRAMEWORK``)."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.utils import timezone
from rest_framework import generics
from rest_framework.request import Request

from fastlege.api.pagination import KeysetPagination
from fastlege.api.problems import UnknownField

COMMON_PARAMS = frozenset({"limit", "after", "format"})
#: How far from today a day may be asked about (the registry's history, a plan ahead).
EARLIEST_DAY = datetime.date(2000, 1, 1)
LATEST_DAY_AHEAD = datetime.timedelta(days=366 * 2)


def day_out_of_range(day: datetime.date) -> str | None:
    """Why ``day`` is outside what the API answers about (Norwegian), or None."""
    if EARLIEST_DAY <= day <= timezone.localdate() + LATEST_DAY_AHEAD:
        return None
    return f"Datoen må ligge mellom {EARLIEST_DAY:%d.%m.%Y} og to år frem."


def day_param(request: Request, name: str = "on") -> datetime.date:
    raw = request.query_params.get(name, "")
    if raw == "":
        return timezone.localdate()
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        raise UnknownField({name: ["Datoen må skrives ÅÅÅÅ-MM-DD."]}) from None
    why = day_out_of_range(day)
    if why is not None:
        raise UnknownField({name: [why]})
    return day


class ReadView(generics.GenericAPIView[Any]):
    """A read resource; ``filters`` names the query parameters it accepts."""

    filters: ClassVar[frozenset[str]] = frozenset()
    pagination_class = KeysetPagination

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not hasattr(self, request.method.lower()):
            return  # 405 comes first (DRF checks the method after initial())
        unknown = sorted(set(request.query_params) - self.filters - COMMON_PARAMS)
        if unknown:
            raise UnknownField({name: ["Ukjent parameter."] for name in unknown})
        empty = sorted(name for name, value in request.query_params.items() if value == "")
        if empty:  # "?on=" is a mistake, never "today" or "all"
            raise UnknownField(
                {name: ["Tom verdi; utelat parameteren i stedet."] for name in empty}
            )

    def param(self, name: str) -> str | None:
        value = self.request.query_params.get(name)
        return value or None
