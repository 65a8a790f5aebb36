"""Hand-built list histories for the expected-wait tests (registry and web)."""

from __future__ import annotations

import datetime

from fastlege.monthly.models import ListMonthSnapshot, MonthRun
from fastlege.registry.models import Agreement, ListMembership, WaitingListEntry
from fastlege.registry.tests.factories import MembershipFactory, ResidentFactory
from fastlege.registry.waiting_time import ListHistory, MonthFigures

D = datetime.date


def months_from(first: D, count: int) -> list[D]:
    return [
        D(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1)
        for i in range(count)
    ]


def steady(opened: list[int], *, ceiling: int = 100, agreement_id: int = 1) -> ListHistory:
    """A full list whose places all went to its queue: ``opened[i]`` in month i + 1."""
    months = months_from(D(2025, 1, 1), len(opened) + 1)
    figures = [MonthFigures(months[0], ceiling, ceiling, 0)]
    figures += [
        MonthFigures(m, ceiling, ceiling, n) for m, n in zip(months[1:], opened, strict=True)
    ]
    return ListHistory(agreement_id, tuple(figures))


def record(agreement: Agreement, history: ListHistory) -> None:
    """Write ``history`` as the monthly update would: a run, a snapshot, and a list place
    begun from the waiting list per person who got one."""
    for f in history.months:
        run, _ = MonthRun.objects.get_or_create(month=f.month)
        ListMonthSnapshot.objects.create(
            run=run,
            month=f.month,
            agreement=agreement,
            municipality_id=agreement.municipality_id,
            practice_id=agreement.practice_id,
            ceiling=f.ceiling,
            length=f.length,
            has_regular_gp=True,
            is_open=False,
            agreement_valid_from=agreement.valid_from,
        )
        for _ in range(f.from_waiting_list):
            MembershipFactory.create(
                resident=ResidentFactory.create(),
                agreement=agreement,
                valid_from=f.month,
                valid_to=f.month + datetime.timedelta(days=3),  # keeps the list's length
                begin_reason=ListMembership.BeginReason.WAITING_LIST,
            )


def queue(agreement: Agreement, count: int) -> list[WaitingListEntry]:
    return [
        WaitingListEntry.objects.create(resident=ResidentFactory.create(), agreement=agreement)
        for _ in range(count)
    ]
