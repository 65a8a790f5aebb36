"""The rows of the count tables computed straight from the registry.

The same rows as the month snapshots give (``LIST_COLUMNS`` and
``MUNI_COLUMNS`` of :mod:`fastlege.stats.services.fill`), but counted from the
agreements, doctor periods and list memberships open on a day. Used for the
starting point of a registry before its first monthly run, and by the tests
that check the snapshots and the count tables against the raw memberships.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Max, Q

from fastlege.registry.models import (
    Agreement,
    DoctorPeriod,
    ListMembership,
    Resident,
    WaitingListEntry,
)
from fastlege.registry.periods import in_force_on, overlaps


def _regular_ends(day: datetime.date) -> dict[int, datetime.date]:
    """Per agreement, the end of its last LPFL (regular GP) period ended by ``day``."""
    return dict(
        DoctorPeriod.objects.filter(role=DoctorPeriod.Role.REGULAR, valid_to__lte=day)
        .values("agreement_id")
        .annotate(end=Max("valid_to"))
        .values_list("agreement_id", "end")
    )


def _vacant_since(
    pk: int, valid_from: datetime.date, ended: dict[int, datetime.date]
) -> datetime.date:
    """A list without a regular GP is vacant since its last LPFL period ended, or since
    the agreement began — as the snapshots' ``vacant_since``."""
    return max(ended.get(pk, valid_from), valid_from)


def registry_rows(day: datetime.date) -> tuple[list[tuple], list[tuple]]:
    """List rows and municipality rows for the registry as it stands on ``day``."""
    nxt = (day + datetime.timedelta(days=32)).replace(day=1)
    agreements = list(
        Agreement.objects.filter(in_force_on(day)).values_list(
            "pk", "municipality_id", "is_salaried", "is_open", "ceiling", "valid_from"
        )
    )
    regular = {
        a: (d, sex, spec, since, born)
        for a, d, sex, spec, since, born in DoctorPeriod.objects.filter(
            in_force_on(day), role=DoctorPeriod.Role.REGULAR
        ).values_list(
            "agreement_id",
            "doctor_id",
            "doctor__sex",
            "doctor__specialty",
            "valid_from",
            "doctor__birth_date",
        )
    }
    ended = _regular_ends(day)
    substitutes = set(
        DoctorPeriod.objects.filter(overlaps(day, nxt), role=DoctorPeriod.Role.SUBSTITUTE)
        .filter(percentage__gt=0)
        .values_list("agreement_id", flat=True)
    )
    lengths = dict(
        ListMembership.objects.filter(in_force_on(day))
        .values("agreement_id")
        .annotate(n=Count("id"))
        .values_list("agreement_id", "n")
    )
    waiting_on = dict(
        WaitingListEntry.objects.filter(status=WaitingListEntry.Status.WAITING)
        .order_by()
        .values("agreement_id")
        .annotate(n=Count("id"))
        .values_list("agreement_id", "n")
    )
    lists: list[tuple] = []
    for pk, muni, salaried, is_open, ceiling, valid_from in agreements:
        gp = regular.get(pk)
        vacant_since = None if gp else _vacant_since(pk, valid_from, ended)
        lists.append(
            (
                muni,
                gp[0] if gp else None,
                gp[1] if gp else "",
                gp[2] if gp else "",
                gp[3] if gp else None,
                gp[4] if gp else None,
                vacant_since,
                salaried,
                is_open,
                lengths.get(pk, 0),
                ceiling,
                pk in substitutes,
                waiting_on.get(pk, 0),
            )
        )

    in_scheme = Q(status=Resident.Status.RESIDENT, in_scheme=True)
    residents: dict[str, int] = dict(
        Resident.objects.filter(in_scheme)
        .values("municipality_id")
        .annotate(n=Count("id"))
        .values_list("municipality_id", "n")
    )
    listed = set(
        ListMembership.objects.filter(in_force_on(day)).values_list("resident_id", flat=True)
    )
    unassigned: dict[str, int] = defaultdict(int)
    for pk, muni in Resident.objects.filter(in_scheme).values_list("pk", "municipality_id"):
        if pk not in listed:
            unassigned[muni] += 1
    waiting: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    current = dict(
        ListMembership.objects.filter(in_force_on(day)).values_list(
            "resident_id", "agreement__municipality_id"
        )
    )
    for rid, home, target in WaitingListEntry.objects.filter(
        status=WaitingListEntry.Status.WAITING
    ).values_list("resident_id", "resident__municipality_id", "agreement__municipality_id"):
        w = waiting[home]
        w[0] += 1
        w[1] += rid in current and current[rid] != target
        w[2] += home != target
    munis: list[tuple] = []
    for muni in sorted(set(residents) | set(unassigned) | set(waiting)):
        w = waiting.get(muni, [0, 0, 0])
        munis.append((muni, residents.get(muni, 0), unassigned.get(muni, 0), *w, 0))
    return lists, munis


def vacant_lists_on(day: datetime.date) -> list[tuple[int, str, datetime.date]]:
    """``(agreement, municipality, vacant since)`` of the lists open on ``day`` without
    a regular GP (no open LPFL period) on that day. Vacant since: the end of the last
    LPFL period, or the agreement's start — as the snapshots' ``vacant_since``."""
    with_gp = set(
        DoctorPeriod.objects.filter(in_force_on(day), role=DoctorPeriod.Role.REGULAR).values_list(
            "agreement_id", flat=True
        )
    )
    ended = _regular_ends(day)
    return [
        (pk, muni, _vacant_since(pk, valid_from, ended))
        for pk, muni, valid_from in Agreement.objects.filter(in_force_on(day)).values_list(
            "pk", "municipality_id", "valid_from"
        )
        if pk not in with_gp
    ]


def vacancy_ends(
    starts: dict[int, datetime.date], as_of: datetime.date
) -> dict[int, datetime.date]:
    """When each vacancy ``starts[agreement]`` ended, at the latest ``as_of``: the start
    of the list's next LPFL period, or the end of the agreement, or ``as_of`` if it has
    not ended by then."""
    ends = dict.fromkeys(starts, as_of)
    for pk, start in DoctorPeriod.objects.filter(
        role=DoctorPeriod.Role.REGULAR, agreement_id__in=list(starts), valid_from__lte=as_of
    ).values_list("agreement_id", "valid_from"):
        if start > starts[pk]:
            ends[pk] = min(ends[pk], start)
    for pk, closed in Agreement.objects.filter(
        pk__in=list(starts), valid_to__isnull=False, valid_to__lte=as_of
    ).values_list("pk", "valid_to"):
        if closed is not None:
            ends[pk] = min(ends[pk], closed)
    return ends


__all__ = ["registry_rows", "vacancy_ends", "vacant_lists_on"]
