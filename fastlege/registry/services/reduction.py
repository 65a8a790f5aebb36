"""List reduction (listereduksjon, fastlegeforskriften § 11), prepared for its month.

The municipality says how many residents must move to which lists; the
system draws them by lot, keeping households together (children aged 16 or
more count on their own). The seed and the input are recorded so the draw can
be reproduced, and the draw is published so anyone can check it
(``fastlege.registry.draw``, docs/draw.md). Each drawn resident gets a pending
move to the new list from the 1st of the month, which does not count as one of
their two switches, and a letter.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from fastlege.core import audit
from fastlege.registry import draw, rules
from fastlege.registry.models import (
    Agreement,
    CeilingChange,
    ListReduction,
    Notification,
    ReductionDraw,
    RemovalDecision,
    SwitchRequest,
)
from fastlege.registry.services import access, notifications
from fastlege.registry.services.ceiling import ceiling_in_force
from fastlege.registry.services.common import (
    PENDING,
    free_places,
    get_agreement,
    lock_agreements,
    pk_of,
    removal_blocks,
    require_active,
    require_first_of_month,
    today_or,
)
from fastlege.registry.services.errors import Code, refuse
from fastlege.registry.services.households import members_for_draw

Status = ListReduction.Status


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _normalise_plan(
    plan: Sequence[tuple[Agreement | int, int]], source_id: int
) -> list[tuple[int, int]]:
    merged: dict[int, int] = {}
    for target, count in plan:
        tid = int(pk_of(target))
        if not isinstance(count, int) or isinstance(count, bool) or count <= 0:
            refuse(Code.INVALID_COUNT)
        if tid == source_id:
            refuse(Code.TARGET_SAME_LIST)
        merged[tid] = merged.get(tid, 0) + count
    if not merged:
        refuse(Code.INVALID_COUNT)
    return list(merged.items())


@dataclass(frozen=True)
class DrawBasis:
    """Who a reduction of one list to ``ceiling`` on ``effective_on`` draws among."""

    members: list[rules.Member]
    #: Residents with a pending move off the list that takes effect by ``effective_on``.
    leaving: frozenset[int]
    #: The residents the draw is among: members without any pending move.
    candidates: list[rules.Member]
    #: The household units of the candidates (``rules.household_units``), drawn whole.
    units: list[list[int]]
    ceiling: int

    @property
    def excess(self) -> int:
        """How many must move: members, less those already leaving, above the ceiling."""
        return len(self.members) - len(self.leaving) - self.ceiling


def draw_basis(agreement_id: int, ceiling: int, effective_on: datetime.date) -> DrawBasis:
    """The input of the draw (§ 11): the list's members, those already leaving by
    ``effective_on``, and the candidates grouped in households. Used by
    ``prepare_list_reduction`` and by the impact view before a ceiling is approved
    (``fastlege.registry.selectors.reduction_impact``)."""
    pending = set(
        SwitchRequest.objects.filter(
            status=PENDING,
            resident__memberships__agreement_id=agreement_id,
            resident__memberships__valid_to__isnull=True,
        ).values_list("resident_id", "effective_on")
    )
    leaving = frozenset(rid for rid, eff in pending if eff <= effective_on)
    busy = {rid for rid, _eff in pending}
    members = members_for_draw(agreement_id)
    candidates = [m for m in members if m.id not in busy]
    return DrawBasis(
        members=members,
        leaving=leaving,
        candidates=candidates,
        units=rules.household_units(candidates, effective_on),
        ceiling=ceiling,
    )


@transaction.atomic
def prepare_list_reduction(
    actor: Any,
    agreement: Agreement | int,
    *,
    effective_on: datetime.date,
    plan: Sequence[tuple[Agreement | int, int]],
    seed: int | None = None,
    today: datetime.date | None = None,
) -> ListReduction:
    """Draw who moves from a list whose length is above the ceiling in force on ``effective_on``.

    ``plan``: ``(target list, number)`` pairs, lists in the same municipality
    with that many free places (counting pending moves). At most the excess
    over the ceiling may be moved. ``seed`` is recorded; without one a random
    seed is chosen. Whether the seed was given is recorded and published with the
    draw (docs/draw.md).
    """
    today = today_or(today)
    source = get_agreement(agreement)
    access.require_municipality(actor, source.municipality_id)
    require_first_of_month(effective_on)
    if effective_on <= today:
        refuse(Code.DATE_IN_PAST)
    targets = _normalise_plan(plan, source.pk)
    locked = lock_agreements([source.pk, *[tid for tid, _n in targets]])
    source = locked[source.pk]
    require_active(source, effective_on)
    if ListReduction.objects.filter(
        agreement_id=source.pk, effective_on=effective_on, status=Status.PREPARED
    ).exists():
        refuse(Code.REDUCTION_ALREADY_PREPARED)

    ceiling, change = ceiling_in_force(source, effective_on)
    basis = draw_basis(source.pk, ceiling, effective_on)
    excess = basis.excess
    if excess <= 0:
        refuse(Code.NO_REDUCTION_NEEDED)
    to_move = sum(n for _t, n in targets)
    if to_move > excess:
        refuse(Code.REDUCTION_EXCEEDS_EXCESS, excess=excess, requested=to_move)
    for tid, count in targets:
        target = locked[tid]
        if target.municipality_id != source.municipality_id:
            refuse(Code.TARGET_OTHER_MUNICIPALITY)
        require_active(target, effective_on)
        free = free_places(target)
        if count > free:
            refuse(Code.INSUFFICIENT_CAPACITY, needed=count, free=free)

    candidates = basis.candidates
    units = basis.units
    forbidden = _forbidden_pairs([m.id for m in candidates], targets, locked, effective_on)
    seed_given = seed is not None
    seed = seed if seed is not None else secrets.randbits(63)
    key = draw.new_key()
    while len({draw.pseudonym(key, seed, u) for u in units}) < len(units):
        key = draw.new_key()  # two households with one pseudonym: about 1 in 10⁸
    result = _draw_published(units, targets, seed, key, forbidden)

    reduction = ListReduction.objects.create(
        agreement=source,
        ceiling_change=change if isinstance(change, CeilingChange) else None,
        effective_on=effective_on,
        ceiling=ceiling,
        to_move=to_move,
        drawn=result.drawn,
        seed=seed,
        seed_given=seed_given,
        algorithm=draw.METHOD,
        pseudonym_key=key,
        plan={"targets": [[t, n] for t, n in targets], "forbidden": sorted(forbidden)},
        units=units,
        decided_by=_user(actor),
    )
    now = timezone.now()
    switches = SwitchRequest.objects.bulk_create(
        [
            SwitchRequest(
                resident_id=rid,
                from_agreement_id=source.pk,
                to_agreement_id=tid,
                reason=SwitchRequest.Reason.REDUCTION,
                counts_against_quota=False,
                effective_on=effective_on,
                requested_at=now,
                requested_by=_user(actor),
            )
            for _number, unit, tid in result.assignments
            for rid in unit
        ],
        batch_size=1000,
    )
    if any(s.pk is None for s in switches):  # backends without RETURNING
        by_resident = dict(
            SwitchRequest.objects.filter(
                status=PENDING,
                reason=SwitchRequest.Reason.REDUCTION,
                from_agreement_id=source.pk,
                effective_on=effective_on,
            ).values_list("resident_id", "pk")
        )
        for s in switches:
            s.pk = by_resident[s.resident_id]
    switch_of = {s.resident_id: s.pk for s in switches}
    ReductionDraw.objects.bulk_create(
        [
            ReductionDraw(
                reduction=reduction,
                resident_id=rid,
                target_agreement_id=tid,
                unit=number,
                switch_request_id=switch_of[rid],
            )
            for number, unit, tid in result.assignments
            for rid in unit
        ],
        batch_size=1000,
    )
    old_label = notifications.list_label(source, today)
    for tid, _count in targets:
        ids = [rid for _n, unit, t in result.assignments if t == tid for rid in unit]
        if ids:
            notifications.notify(
                ids,
                Notification.Kind.REDUCTION,
                agreement=locked[tid],
                effective_on=effective_on,
                context={
                    "old": old_label,
                    "new": notifications.list_label(locked[tid], effective_on),
                },
            )
    audit.record(
        actor,
        "reduction.prepared",
        reduction,
        agreement=source.pk,
        effective_on=effective_on.isoformat(),
        to_move=to_move,
        drawn=result.drawn,
        seed=seed,
    )
    return reduction


def _forbidden_pairs(
    resident_ids: list[int],
    targets: list[tuple[int, int]],
    locked: dict[int, Agreement],
    on: datetime.date,
) -> set[tuple[int, int]]:
    """(resident, list) pairs barred by a removal decision (§§ 38–39)."""
    with_decisions = set(
        RemovalDecision.objects.filter(resident_id__in=resident_ids).values_list(
            "resident_id", flat=True
        )
    )
    return {
        (rid, tid)
        for rid in with_decisions
        for tid, _n in targets
        if removal_blocks(rid, locked[tid], on)
    }


def _allowed(forbidden: set[tuple[int, int]]) -> Any:
    if not forbidden:
        return None
    return lambda unit, target: not any((rid, target) in forbidden for rid in unit)


def published_households(
    units: list[list[int]],
    targets: list[tuple[int, int]],
    seed: int,
    key: str,
    forbidden: set[tuple[int, int]],
) -> list[draw.Household]:
    """The households of a ``sha256-v2`` draw as they are published, in ``units`` order."""
    return [
        draw.Household(
            pseudonym=draw.pseudonym(key, seed, unit),
            size=len(unit),
            excluded=tuple(t for t, _n in targets if any((r, t) in forbidden for r in unit)),
        )
        for unit in units
    ]


def _draw_published(
    units: list[list[int]],
    targets: list[tuple[int, int]],
    seed: int,
    key: str,
    forbidden: set[tuple[int, int]],
) -> rules.DrawResult:
    """The ``sha256-v2`` draw as assignments of units; the unit number is the
    household's place in the draw order."""
    households = published_households(units, targets, seed, key, forbidden)
    unit_of = {h.pseudonym: tuple(u) for h, u in zip(households, units, strict=True)}
    rank = {
        name: number
        for number, name in enumerate(
            sorted(unit_of, key=lambda n: (draw.order_key(seed, n), n)), start=1
        )
    }
    return rules.DrawResult(
        tuple((rank[name], unit_of[name], t) for name, t in draw.draw(households, targets, seed))
    )


def recorded_input(
    reduction: ListReduction,
) -> tuple[list[tuple[int, int]], set[tuple[int, int]]]:
    plan = reduction.plan
    targets = [(int(t), int(n)) for t, n in plan["targets"]]
    forbidden = {(int(r), int(t)) for r, t in plan.get("forbidden", [])}
    return targets, forbidden


def reproduce_draw(reduction: ListReduction) -> rules.DrawResult:
    """Run the recorded draw again from its seed and input; gives the same result."""
    targets, forbidden = recorded_input(reduction)
    if reduction.algorithm == draw.METHOD:
        return _draw_published(
            reduction.units, targets, reduction.seed, reduction.pseudonym_key, forbidden
        )
    return rules.draw_reduction(reduction.units, targets, reduction.seed, _allowed(forbidden))


@transaction.atomic
def cancel_list_reduction(
    actor: Any, reduction: ListReduction | int, *, today: datetime.date | None = None
) -> ListReduction:
    """Call off a prepared reduction before it takes effect; the pending moves are cancelled."""
    today = today_or(today)
    pk = reduction.pk if isinstance(reduction, ListReduction) else reduction
    try:
        red = ListReduction.objects.select_for_update().get(pk=pk)
    except (ListReduction.DoesNotExist, ValueError, TypeError):
        refuse(Code.REDUCTION_NOT_PREPARED)
    source = get_agreement(red.agreement_id)
    access.require_municipality(actor, source.municipality_id)
    if red.status != Status.PREPARED:
        refuse(Code.REDUCTION_NOT_PREPARED)
    if today >= red.effective_on:
        refuse(Code.SWITCH_ALREADY_EFFECTIVE)
    cancelled = SwitchRequest.objects.filter(
        reduction_draw__reduction_id=red.pk, status=PENDING
    ).update(status=SwitchRequest.Status.CANCELLED, decided_at=timezone.now())
    red.status = Status.CANCELLED
    red.save(update_fields=["status"])
    audit.record(actor, "reduction.cancelled", red, cancelled_moves=cancelled)
    return red
