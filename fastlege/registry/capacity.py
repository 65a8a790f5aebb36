"""Free places on a list (ledige plasser): the one definition, used everywhere.

Helsedirektoratet defines free places as the list ceiling minus the list length
(Hdir definitions; domain brief § 2), and a list is closed when its length
reaches the ceiling (fastlegeforskriften § 10). The registry also has places
that are promised but not yet taken: a pending move onto the list (an accepted
switch, a placement, the residents drawn by a reduction or moved off a closing
list) takes effect on a later 1st. Such a place is taken: it cannot be offered
to anyone else. So

    places left = ceiling − members − pending incoming moves   (signed)
    free places = max(0, places left)
    over ceiling = max(0, −places left)

With no pending moves (``incoming=0``, e.g. a monthly snapshot, where every
move due has been carried out) this is exactly Hdir's figure.

The pure functions below are the definition; the database helpers count
``members`` and ``incoming`` and use the same arithmetic in SQL
(``places_left_expression``). Users: the registry services (a switch, a
waiting-list place, a reduction's targets, a removal), the selectors and pages,
the monthly update (steps 4–5: moves due later are taken) and its invariants.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Coalesce

from fastlege.registry.models import Agreement, ListMembership, SwitchRequest

PENDING = SwitchRequest.Status.PENDING


# --- The definition (pure) ------------------------------------------------------


def places_left(ceiling: int, members: int, incoming: int = 0) -> int:
    """Ceiling − members − pending incoming moves; negative when above the ceiling."""
    return ceiling - members - incoming


def free_places(ceiling: int, members: int, incoming: int = 0) -> int:
    """Places that may still be given to someone (never below zero)."""
    return max(0, places_left(ceiling, members, incoming))


def over_ceiling(ceiling: int, members: int, incoming: int = 0) -> int:
    """How far the list (with the moves promised to it) is above its ceiling."""
    return max(0, -places_left(ceiling, members, incoming))


# --- Counting in the database ------------------------------------------------------


def incoming_requests() -> Any:
    """The pending moves onto a list: they hold a place until they take effect."""
    return SwitchRequest.objects.filter(status=PENDING)


def occupancy_annotations() -> dict[str, Any]:
    """``members`` and ``incoming`` as subqueries, to annotate a query on Agreement."""
    members = (
        ListMembership.objects.filter(agreement_id=OuterRef("pk"), valid_to__isnull=True)
        .order_by()
        .values("agreement_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    incoming = (
        incoming_requests()
        .filter(to_agreement_id=OuterRef("pk"))
        .order_by()
        .values("to_agreement_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    zero = Value(0, output_field=IntegerField())
    return {
        "members": Coalesce(Subquery(members, output_field=IntegerField()), zero),
        "incoming": Coalesce(Subquery(incoming, output_field=IntegerField()), zero),
    }


def places_left_expression(
    ceiling: str = "ceiling", members: str = "members", incoming: str | int = "incoming"
) -> CombinedExpression:
    """``places_left`` in SQL, over annotated (or stored) columns; ``incoming`` may be a
    number (0: nothing pending, e.g. a monthly snapshot)."""
    pending = F(incoming) if isinstance(incoming, str) else Value(incoming)
    return F(ceiling) - F(members) - pending


def with_places_left(qs: Any) -> Any:
    """Annotate a query on Agreement with ``members``, ``incoming`` and ``free`` (signed
    places left: negative when the list is above its ceiling)."""
    return qs.annotate(**occupancy_annotations()).annotate(free=places_left_expression())


def occupancy(agreement_id: int) -> tuple[int, int] | None:
    """``(members, incoming)`` of one list, in one query; ``None`` for an unknown list."""
    rows = list(
        Agreement.objects.filter(pk=agreement_id)  # type: ignore[misc]
        .annotate(**occupancy_annotations())
        .order_by()
        .values_list("members", "incoming")[:1]
    )
    if not rows:
        return None
    return int(rows[0][0]), int(rows[0][1])


def list_free_places(agreement: Agreement) -> int:
    """``free_places`` of one list, counted now (the ceiling as stored on the agreement)."""
    counted = occupancy(agreement.pk)
    members, incoming = counted if counted is not None else (0, 0)
    return free_places(agreement.ceiling, members, incoming)


def incoming_after(day: Any) -> dict[int, int]:
    """Pending moves onto each list that take effect after ``day`` (the monthly update:
    those are promised places the run must not give away)."""
    return dict(
        incoming_requests()
        .filter(effective_on__gt=day)
        .order_by()
        .values("to_agreement_id")
        .annotate(n=Count("*"))
        .values_list("to_agreement_id", "n")
    )
