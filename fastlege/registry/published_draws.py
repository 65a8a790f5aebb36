"""Reading list reductions' draws as they are published (issue 20, item 6).

``publication`` is what the public page /trekning/<id>/ shows and offers as JSON; it
holds no name, identity number or internal id of a resident, only the households'
pseudonyms (``fastlege.registry.draw``). ``drawn`` comes from the moves the reduction
actually recorded, not from running the method again, so recomputing the draw from
the published input (docs/draw.md) checks what was done.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from fastlege.registry import draw
from fastlege.registry.models import Agreement, ListReduction, ReductionDraw, Resident
from fastlege.registry.selectors import _own
from fastlege.registry.services.notifications import list_label
from fastlege.registry.services.reduction import published_households, recorded_input


def published() -> QuerySet[ListReduction]:
    """The reductions whose draw is published: those made with the published method."""
    return ListReduction.objects.filter(algorithm=draw.METHOD).select_related("agreement__practice")


def publication(reduction: ListReduction) -> dict[str, Any]:
    """The published draw: seed, method, receiving lists, households, who was drawn."""
    targets, forbidden = recorded_input(reduction)
    households = published_households(
        reduction.units, targets, reduction.seed, reduction.pseudonym_key, forbidden
    )
    name_of = {unit[0]: h.pseudonym for h, unit in zip(households, reduction.units, strict=True)}
    first_of = {rid: unit[0] for unit in reduction.units for rid in unit}
    drawn: dict[str, int] = {}
    rows = ReductionDraw.objects.filter(reduction=reduction).order_by("unit", "resident_id")
    for rid, target in rows.values_list("resident_id", "target_agreement_id"):
        drawn.setdefault(name_of[first_of[rid]], target)
    lists = Agreement.objects.select_related("practice").in_bulk([t for t, _n in targets])
    on = reduction.effective_on
    return {
        "reduction": reduction.pk,
        "method": reduction.algorithm,
        "seed": reduction.seed,
        "seed_given": reduction.seed_given,
        "list": list_label(reduction.agreement, on),
        "effective_on": on.isoformat(),
        "status": reduction.status,
        "to_move": reduction.to_move,
        "targets": [{"list": t, "places": n, "name": list_label(lists[t], on)} for t, n in targets],
        "households": sorted(
            (
                {"pseudonym": h.pseudonym, "size": h.size, "excluded": list(h.excluded)}
                for h in households
            ),
            key=lambda h: h["pseudonym"],
        ),
        "drawn": [{"pseudonym": name, "list": t} for name, t in drawn.items()],
    }


@dataclass(frozen=True)
class OwnDraw:
    """A reduction the person was drawn in, and their household's pseudonym there."""

    reduction: ListReduction
    pseudonym: str


def own_draws(actor: Any, person: Resident) -> list[OwnDraw]:
    """The published reductions that moved ``person``, with their household's
    pseudonym so they can find themselves on the public page. The person themselves
    or who acts for them; anyone else's read (staff) is audit-logged."""
    _own(actor, person, "innsyn i trekning")
    out = []
    for row in ReductionDraw.objects.filter(
        resident_id=person.pk, reduction__algorithm=draw.METHOD
    ).select_related("reduction"):
        reduction = row.reduction
        unit = next(u for u in reduction.units if person.pk in u)
        out.append(
            OwnDraw(reduction, draw.pseudonym(reduction.pseudonym_key, reduction.seed, unit))
        )
    return out
