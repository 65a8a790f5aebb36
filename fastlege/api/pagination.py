"""Keyset pagination: ``?limit=100&after=<cursor>``.

The cursor is the last row's key, signed (``django.core.signing``) so a client
cannot forge or change it: a tampered cursor is a ``bad_cursor`` problem (400),
never a wrong page. Each page is one indexed range scan (``key > last``), however
deep, and a row added or removed between two pages never shifts the rest. The
response is ``{"results": [...], "next": <url or null>}`` and a ``Link: rel=next``
header.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core import signing
from django.db.models import QuerySet
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from fastlege.api.problems import BadCursor

SALT = "fastlege.api.cursor"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def limit_from(request: Request) -> int:
    raw = request.query_params.get("limit", "")
    if raw == "":
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise BadCursor({"limit": [f"Må være et heltall fra 1 til {MAX_LIMIT}."]})
    return int(raw)


def sign(key: Any, scope: str) -> str:
    return signing.dumps([scope, key], salt=SALT, compress=True)


def unsign(cursor: str, scope: str) -> Any:
    try:
        signed_scope, key = signing.loads(cursor, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise BadCursor({"after": ["Sidemarkøren er ugyldig eller endret."]}) from exc
    if signed_scope != scope:
        raise BadCursor({"after": ["Sidemarkøren hører til en annen liste."]})
    return key


class KeysetPagination(BasePagination):
    """Pages ordered by the primary key (``key_field``)."""

    key_field = "pk"

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any]:
        self.request = request
        self.scope = request.path
        self.limit = limit_from(request)
        after = request.query_params.get("after")
        qs = queryset.order_by(self.key_field)
        if after:
            qs = qs.filter(**{f"{self.key_field}__gt": unsign(after, self.scope)})
        rows = list(qs[: self.limit + 1])
        self.has_next = len(rows) > self.limit
        self.page = rows[: self.limit]
        return self.page

    def next_link(self) -> str | None:
        if not self.has_next or not self.page:
            return None
        last = getattr(self.page[-1], self.key_field)
        if isinstance(last, datetime.date):  # a month's key (the indicators' series)
            last = last.isoformat()
        url = self.request.build_absolute_uri()
        url = replace_query_param(url, "after", sign(last, self.scope))
        return replace_query_param(url, "limit", self.limit)

    def get_paginated_response(self, data: Any) -> Response:
        following = self.next_link()
        headers = {"Link": f'<{following}>; rel="next"'} if following else None
        return Response({"results": data, "next": following}, headers=headers)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["results", "next"],
            "properties": {
                "results": schema,
                "next": {"type": "string", "format": "uri", "nullable": True},
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "description": f"Rader per side (1–{MAX_LIMIT}, standard {DEFAULT_LIMIT}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            },
            {
                "name": "after",
                "in": "query",
                "required": False,
                "description": "Sidemarkøren fra forrige sides «next».",
                "schema": {"type": "string"},
            },
        ]
