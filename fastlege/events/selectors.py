"""Reads of the events: the events in an API client's area after a position, in
publication order; and the audit of reading those about persons."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from fastlege.core import audit
from fastlege.events.models import PERSON_TYPES, Event
from fastlege.events.services.errors import Code, refuse
from fastlege.reference.models import Municipality
from fastlege.registry.models import Resident
from fastlege.registry.services.access import scope_of

FIELDS = ("position", "type", "occurred_at", "agreement_id", "object_id", "payload")


def area(actor: Any) -> Q:
    """The events ``actor`` may read: national (and the system) all, a municipality
    its lists', a county governor the lists of the county's municipalities. Refuses
    other roles (a GP or a citizen has no event feed)."""
    scope = scope_of(actor)
    if scope.everything:
        return Q()
    if not (scope.municipalities or scope.counties):
        refuse(Code.NO_EVENT_AREA)
    in_counties = Municipality.objects.filter(county_id__in=scope.counties).values("number")
    return Q(municipality_id__in=scope.municipalities) | Q(municipality_id__in=in_counties)


def events_after(
    actor: Any, after: int, limit: int, types: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """Up to ``limit`` published events after position ``after`` in the actor's area
    (of ``types`` if given), in position order, as rows (:func:`row`)."""
    qs: QuerySet[Event] = Event.objects.filter(area(actor), position__gt=after)
    wanted = list(types or ())
    if wanted:
        qs = qs.filter(type__in=wanted)
    return [row(v) for v in qs.order_by("position").values_list(*FIELDS)[:limit]]


def row(values: tuple[Any, ...]) -> dict[str, Any]:
    """One event as the feed and the webhooks show it; ``id`` is its position."""
    position, kind, occurred_at, agreement, object_id, payload = values
    return {
        "id": position,
        "type": kind,
        "occurred_at": occurred_at.isoformat().replace("+00:00", "Z"),
        "agreement": agreement,
        "object_id": object_id,
        "payload": payload,
    }


def record_person_reads(
    actor: Any, rows: list[dict[str, Any]], action: str, **details: Any
) -> None:
    """One READ audit row naming the persons of the list-place events in ``rows`` (by
    internal id), in the shape of the API's other list reads; nothing if none."""
    ids = sorted({r["payload"]["resident"] for r in rows if r["type"] in PERSON_TYPES})
    if ids:
        audit.record_list_read(
            actor, Resident._meta.label_lower, [str(i) for i in ids], "api", action, **details
        )
