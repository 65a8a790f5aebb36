"""Small registries for the monthly-update tests, and a canonical dump of their state."""

from __future__ import annotations

import datetime
import random
from typing import Any

from fastlege.monthly.models import ListMonthSnapshot, MonthMove, MunicipalityMonthSnapshot
from fastlege.registry.models import (
    Agreement,
    ListMembership,
    ListReduction,
    Notification,
    Resident,
    SwitchRequest,
    WaitingListEntry,
)
from fastlege.registry.tests.factories import ResidentFactory, gp_list

D = datetime.date
MONTH = D(2026, 2, 1)
JOINED = datetime.datetime(2025, 6, 1, 12, 0, tzinfo=datetime.UTC)


SINCE = D(2025, 1, 1)


def unassigned(municipality: str = "5001", since: D = SINCE) -> Resident:
    return ResidentFactory.create(municipality_id=municipality, resident_since=since)


def current_list(person: Resident) -> int | None:
    return (
        ListMembership.objects.filter(resident=person, valid_to__isnull=True)
        .values_list("agreement_id", flat=True)
        .first()
    )


def switch(person: Resident, to: Agreement, **fields: Any) -> SwitchRequest:
    return SwitchRequest.objects.create(
        resident=person,
        from_agreement_id=current_list(person),
        to_agreement=to,
        reason=fields.pop("reason", SwitchRequest.Reason.ORDINARY),
        effective_on=fields.pop("effective_on", MONTH),
        **fields,
    )


def wait(person: Resident, on: Agreement, minutes: int = 0) -> WaitingListEntry:
    return WaitingListEntry.objects.create(
        resident=person, agreement=on, joined_at=JOINED + datetime.timedelta(minutes=minutes)
    )


def random_world(seed: int, *, lists: int = 12, municipalities: tuple[str, ...] = ("5001", "5025")):
    """A random small registry with switches, waiting lists and unassigned (deterministic)."""
    rng = random.Random(seed)
    made: list[Agreement] = []
    for i in range(lists):
        ceiling = rng.randint(3, 12)
        members = max(0, ceiling + rng.randint(-3, 1))
        made.append(
            gp_list(
                ceiling=ceiling,
                members=members,
                municipality=municipalities[i % len(municipalities)],
                with_gp=rng.random() > 0.2,
                is_open=rng.random() > 0.1,
            )
        )
    people = list(
        Resident.objects.filter(memberships__valid_to__isnull=True).order_by("pk").distinct()
    )
    rng.shuffle(people)
    busy: set[int] = set()
    for person in people[: len(people) // 6]:
        target = rng.choice(made)
        if target.pk != current_list(person):
            switch(person, target)
            busy.add(person.pk)
    minutes = 0
    for person in people[len(people) // 6 : len(people) // 2]:
        target = rng.choice(made)
        if target.pk != current_list(person):
            minutes += rng.randint(0, 2)  # some ties on joined_at: broken by entry id
            wait(person, target, minutes)
    for i in range(rng.randint(2, 8)):
        person = unassigned(
            rng.choice(municipalities), D(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 600))
        )
        if i % 3 == 0:
            wait(person, rng.choice(made), minutes + i)
    return made


def dump() -> str:
    """The registry state the monthly run touches, canonical (no timestamps, no new row ids)."""
    lines: list[str] = []
    row: Any
    for row in ListMembership.objects.order_by(
        "resident_id", "valid_from", "agreement_id"
    ).values_list(
        "resident_id", "agreement_id", "valid_from", "valid_to", "begin_reason", "end_reason"
    ):
        lines.append("membership " + " ".join(map(str, row)))
    # Requests without their ids: the run writes its waiting-list moves as new requests.
    for row in SwitchRequest.objects.order_by("pk").values_list(
        "resident_id",
        "from_agreement_id",
        "to_agreement_id",
        "reason",
        "counts_against_quota",
        "effective_on",
        "status",
    ):
        lines.append("switch " + " ".join(map(str, row)))
    for row in WaitingListEntry.objects.order_by("pk").values_list("pk", "status"):
        lines.append("waiting " + " ".join(map(str, row)))
    for row in Agreement.objects.order_by("pk").values_list("pk", "is_open", "ceiling"):
        lines.append("list " + " ".join(map(str, row)))
    for row in ListReduction.objects.order_by("pk").values_list("pk", "status"):
        lines.append("reduction " + " ".join(map(str, row)))
    for row in Notification.objects.order_by("resident_id", "kind", "agreement_id").values_list(
        "resident_id", "kind", "agreement_id", "subject", "body"
    ):
        lines.append("notification " + " ".join(map(str, row)))
    for row in MonthMove.objects.order_by("run__month", "seq").values_list(
        "seq", "resident_id", "step", "rule", "from_agreement_id", "to_agreement_id", "chain_round"
    ):
        lines.append("move " + " ".join(map(str, row)))
    fields = [
        f.name for f in ListMonthSnapshot._meta.concrete_fields if f.name not in ("id", "run")
    ]
    for row in ListMonthSnapshot.objects.order_by("month", "agreement_id").values_list(*fields):
        lines.append("snapshot " + " ".join(map(str, row)))
    mfields = [
        f.name
        for f in MunicipalityMonthSnapshot._meta.concrete_fields
        if f.name not in ("id", "run")
    ]
    for row in MunicipalityMonthSnapshot.objects.order_by("month", "municipality_id").values_list(
        *mfields
    ):
        lines.append("municipality " + " ".join(map(str, row)))
    return "\n".join(lines)
