"""``GET /api/v1/events/?after=<id>&limit=``: the registry's events in the token's area,
in publication order (docs/events.md).

The cursor is the last event's ``id`` (its position: a plain number, since every
event has one and reading past one reveals nothing). A page is one indexed range
scan. ``next`` is always given: the URL to ask next (when ``more`` is false, there is
nothing newer yet; poll it later). Events about list places name the person by
internal id only, and a page with such events is audited as a read of those persons.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from fastlege.api.pagination import limit_from
from fastlege.api.problems import BadCursor, UnknownField
from fastlege.api.views.base import ReadView
from fastlege.events.models import EventType
from fastlege.events.selectors import events_after, record_person_reads
from fastlege.events.services.errors import EventsError
from fastlege.events.services.publish import publish

MAX_CURSOR = 2**63 - 1

EVENT_FIELDS = {
    "id": serializers.IntegerField(help_text="Posisjonen: markøren, og nøkkelen for dubletter."),
    "type": serializers.ChoiceField(choices=EventType.values),
    "occurred_at": serializers.DateTimeField(),
    "agreement": serializers.IntegerField(),
    "object_id": serializers.IntegerField(),
    "payload": serializers.DictField(),
}


def _after(request: Request) -> int:
    raw = request.query_params.get("after", "0")
    if not raw.isdigit() or int(raw) > MAX_CURSOR:
        raise BadCursor({"after": ["Markøren må være id-en til en hendelse (et heltall ≥ 0)."]})
    return int(raw)


def _types(request: Request) -> list[str]:
    raw = request.query_params.get("type")
    if raw is None:
        return []
    names = [n.strip() for n in raw.split(",") if n.strip()]
    unknown = sorted(set(names) - set(EventType.values))
    if unknown:
        raise UnknownField({"type": [f"Ukjent hendelsestype: {', '.join(unknown)}."]})
    return names


@extend_schema(
    tags=["hendelser"],
    parameters=[
        OpenApiParameter("after", int, description="Id-en til siste hendelse du har sett (0)."),
        OpenApiParameter("limit", int, description="Hendelser per side (1–1000, standard 100)."),
        OpenApiParameter("type", str, description="Bare disse typene, kommaseparert."),
    ],
    responses=inline_serializer(
        "EventPage",
        {
            "results": inline_serializer("Event", EVENT_FIELDS, many=True),
            "next": serializers.URLField(),
            "more": serializers.BooleanField(),
        },
    ),
)
class EventFeed(ReadView):
    """The events of the lists in the token's area after ``after`` (FLR's
    ``FlrEvents``): a municipality's client its own lists', a county governor's the
    county's, a national client all. GP clients have no feed."""

    permission_classes = [permissions.IsAuthenticated]
    filters = frozenset({"type"})

    def get(self, request: Request) -> Response:
        after = _after(request)
        limit = limit_from(request)
        types = _types(request)
        publish()
        try:
            rows = events_after(request.user, after, limit + 1, types)
        except EventsError as exc:
            raise PermissionDenied(exc.messages[0]) from exc
        more = len(rows) > limit
        rows = rows[:limit]
        record_person_reads(request.user, rows, "api.events", after=after)
        last = rows[-1]["id"] if rows else after
        following = replace_query_param(request.build_absolute_uri(), "after", last)
        headers = {"Link": f'<{following}>; rel="next"'} if more else None
        return Response({"results": rows, "next": following, "more": more}, headers=headers)
