"""The two hot lookups of the registry, built to stay fast at national scale.

* :func:`current_gp`: who is this person's GP today? Identity number →
  resident (unique index on ``nin``) → the list place open on the day
  (``membership_history_idx``) → the list → the regular-GP period open on the
  day (``doctorperiod_list_idx``) → the doctor. Two indexed queries.
* :func:`list_members_page`: the current members of one list, one page at a
  time, with keyset pagination on the partial index ``membership_current_idx``
  (``agreement, resident WHERE valid_to IS NULL``): a page costs the same
  whether it is the first or the hundredth, unlike OFFSET.

Measured in ``bench/lookup.py``; figures in docs/performance.md. The identity
number is only a query parameter: it is never logged or returned.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from fastlege.registry.models import DoctorPeriod, ListMembership
from fastlege.registry.periods import in_force_on

PAGE_SIZE = 50


@dataclass(frozen=True)
class CurrentGp:
    """A person's list on a day, and its regular GP (None when the list is vacant)."""

    resident_id: int
    agreement_id: int
    municipality_id: str
    practice_name: str
    member_since: datetime.date
    doctor_id: int | None
    doctor_name: str | None
    hpr_number: str | None

    @property
    def list_is_vacant(self) -> bool:
        return self.doctor_id is None


def current_gp(nin: str, on: datetime.date | None = None) -> CurrentGp | None:
    """The list and regular GP of the person with identity number ``nin`` on ``on``.

    None when there is no such person or the person has no list place that day
    (unassigned or outside the scheme).
    """
    day = on or timezone.localdate()
    place = (
        ListMembership.objects.filter(in_force_on(day), resident__nin=nin)
        .order_by("-valid_from")
        .values_list(
            "resident_id",
            "agreement_id",
            "agreement__municipality_id",
            "agreement__practice__name",
            "valid_from",
        )
        .first()
    )
    if place is None:
        return None
    resident_id, agreement_id, municipality_id, practice_name, since = place
    doctor = (
        DoctorPeriod.objects.filter(
            in_force_on(day), agreement_id=agreement_id, role=DoctorPeriod.Role.REGULAR
        )
        .order_by("-valid_from")
        .values_list("doctor_id", "doctor__first_name", "doctor__last_name", "doctor__hpr_number")
        .first()
    )
    return CurrentGp(
        resident_id=resident_id,
        agreement_id=agreement_id,
        municipality_id=municipality_id,
        practice_name=practice_name,
        member_since=since,
        doctor_id=doctor[0] if doctor else None,
        doctor_name=f"{doctor[1]} {doctor[2]}" if doctor else None,
        hpr_number=doctor[3] if doctor else None,
    )


@dataclass(frozen=True)
class Member:
    resident_id: int
    first_name: str
    last_name: str
    birth_date: datetime.date
    sex: str
    member_since: datetime.date


@dataclass(frozen=True)
class MembersPage:
    members: list[Member]
    next_after: int | None  # pass as ``after`` for the next page; None on the last page


def list_members_page(
    agreement_id: int, after: int | None = None, limit: int = PAGE_SIZE
) -> MembersPage:
    """One page of the list's current members (open list places), by resident id.

    ``after`` is the last resident id of the previous page (keyset), so every
    page is an index range scan of ``membership_current_idx``. List places
    are opened on the day they take effect (the 1st of the month), so an open
    place is a current one.
    """
    rows = list(
        ListMembership.objects.filter(
            agreement_id=agreement_id, valid_to__isnull=True, resident_id__gt=after or 0
        )
        .order_by("resident_id")
        .values_list(
            "resident_id",
            "resident__first_name",
            "resident__last_name",
            "resident__birth_date",
            "resident__sex",
            "valid_from",
        )[: limit + 1]
    )
    more = len(rows) > limit
    members = [Member(*row) for row in rows[:limit]]
    return MembersPage(members, members[-1].resident_id if more and members else None)
