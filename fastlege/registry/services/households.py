"""Reading a list's residents as households, for a list reduction or a closing list."""

from __future__ import annotations

from fastlege.registry import rules
from fastlege.registry.models import ListMembership, Resident


def members_for_draw(agreement_id: int) -> list[rules.Member]:
    """The current residents of a list with what the household rule of § 11 needs."""
    rows = list(
        ListMembership.objects.filter(agreement_id=agreement_id, valid_to__isnull=True)
        .order_by("resident_id")
        .values_list(
            "resident_id",
            "resident__household",
            "resident__birth_date",
            "resident__mother_id",
            "resident__father_id",
        )
    )
    parent_ids = {p for r in rows for p in (r[3], r[4]) if p}
    households: dict[int, int | None] = {}
    ids = sorted(parent_ids)
    for start in range(0, len(ids), 5000):
        households.update(
            Resident.objects.filter(pk__in=ids[start : start + 5000]).values_list("pk", "household")
        )
    return [
        rules.Member(
            id=rid,
            household=household,
            birth_date=birth,
            parent_households=tuple(households.get(p) for p in (mother, father) if p),
        )
        for rid, household, birth, mother, father in rows
    ]
