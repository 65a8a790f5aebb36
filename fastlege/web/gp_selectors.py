"""Reads for the GP's own list pages (issue 20 item 7): the list's members, who joined
and left this month and last month, the waiting list, the absences, and what a new
ceiling would mean. Only the list's regular GP today sees them; anyone else gets 404,
so list ids cannot be probed.

The members, joiners, leavers and the people waiting are personal data: each page
records one READ row naming the residents shown (``audit.record_list_read``), as the
municipality's absence page and the admin's lists do.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.core.paginator import Page
from django.db import router
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from fastlege.core import audit
from fastlege.core.admin_tools import NIN_PATTERN, name_variants, prefix_range_q
from fastlege.registry import rules
from fastlege.registry.lookups import PAGE_SIZE, Member, MembersPage
from fastlege.registry.models import (
    Absence,
    Agreement,
    ListMembership,
    Resident,
    WaitingListEntry,
)
from fastlege.registry.selectors import sami_priority_on
from fastlege.registry.services import access
from fastlege.registry.services.reduction import draw_basis
from fastlege.web.selectors import page_of

#: The reason on the audit rows of the GP's pages.
READ_REASON = "fastlege: egen liste"


def own_list(actor: Any, agreement_id: int, day: datetime.date | None = None) -> Agreement:
    """The list, if ``actor`` is its regular GP on ``day`` (default today). Anyone else,
    a municipality officer too: 404."""
    day = day or timezone.localdate()
    doctors = access.scope_of(actor).doctors
    period = access.regular_gp_on(agreement_id, day) if doctors else None
    if period is None or period.doctor_id not in doctors:
        raise Http404
    return Agreement.objects.select_related("practice", "municipality").get(pk=agreement_id)


def is_own_list(actor: Any, agreement_id: int) -> bool:
    """Whether ``actor`` is the list's regular GP today (``own_list`` without the 404)."""
    try:
        own_list(actor, agreement_id)
    except Http404:
        return False
    return True


def _audit(actor: Any, agreement: Agreement, ids: list[int], action: str) -> None:
    if ids:
        audit.record_list_read(
            actor,
            Resident._meta.label_lower,
            [str(pk) for pk in dict.fromkeys(ids)],
            READ_REASON,
            action=action,
            agreement=agreement.pk,
        )


# -- members -------------------------------------------------------------------------


def is_identity_number(term: str) -> bool:
    """Whether a search term holds an identity number (never searched for here: the
    term of a GET form is in the URL)."""
    return bool(NIN_PATTERN.search(term))


def _name_q(term: str) -> Q | None:
    """Every word of ``term`` starts the first or the last name (indexed prefixes, as
    the admin's search). None when ``term`` has no word to search for."""
    words = [w for w in term.split() if not w.isdigit()]
    if not words:
        return None
    alias = router.db_for_read(Resident)
    conditions = []
    for word in words:
        conditions.append(
            reduce(
                or_,
                [
                    prefix_range_q(f"resident__{field}", variant, alias)
                    for field in ("last_name", "first_name")
                    for variant in name_variants(word)
                ],
            )
        )
    return reduce(lambda a, b: a & b, conditions)


def members_page(
    actor: Any,
    agreement: Agreement,
    *,
    name: str = "",
    after: int | None = None,
    limit: int = PAGE_SIZE,
) -> MembersPage:
    """One page of the list's current members, by resident id after ``after`` (keyset,
    as ``registry.lookups.list_members_page``: every page an index range), those whose
    names start with the words of ``name`` when given. A term holding an identity
    number finds nobody. Audited."""
    own_list(actor, agreement.pk)
    name = " ".join(name.split())
    qs = ListMembership.objects.filter(
        agreement_id=agreement.pk, valid_to__isnull=True, resident_id__gt=after or 0
    )
    if name:
        condition = None if is_identity_number(name) else _name_q(name)
        if condition is None:
            return MembersPage([], None)
        qs = qs.filter(condition)
    rows = list(
        qs.order_by("resident_id").values_list(
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
    _audit(actor, agreement, [m.resident_id for m in members], "web.gp_members")
    return MembersPage(members, members[-1].resident_id if more and members else None)


def age_of(birth_date: datetime.date, day: datetime.date | None = None) -> int:
    return rules.age_on(birth_date, day or timezone.localdate())


# -- joiners and leavers -------------------------------------------------------------


@dataclass(frozen=True)
class Movement:
    resident_id: int
    first_name: str
    last_name: str
    birth_date: datetime.date
    day: datetime.date  # joined (first day on the list) or left (first day off it)
    reason: str  # the begin or end reason, shown as its label


@dataclass(frozen=True)
class Month:
    first: datetime.date
    joined: list[Movement]
    left: list[Movement]


#: At most this many joiners and leavers shown per month (a list has at most 2 500).
MOVEMENTS_SHOWN = 500


def movements(actor: Any, agreement: Agreement, day: datetime.date | None = None) -> list[Month]:
    """This month's and last month's joiners (a list place beginning in the month) and
    leavers (a list place ending in the month: ``valid_to`` is the first day off the
    list), newest month first. Changes take effect on the 1st, so most of a month's
    movements are on its first day. Audited."""
    own_list(actor, agreement.pk)
    day = day or timezone.localdate()
    this = day.replace(day=1)
    months = []
    shown: list[int] = []
    for first in (this, rules.add_months(this, -1)):
        end = rules.add_months(first, 1)
        base = ListMembership.objects.filter(agreement_id=agreement.pk)
        joined = base.filter(valid_from__gte=first, valid_from__lt=end)
        left = base.filter(valid_to__gte=first, valid_to__lt=end)
        month = Month(
            first,
            _movements(joined, "valid_from", ListMembership.BeginReason, "begin_reason"),
            _movements(left, "valid_to", ListMembership.EndReason, "end_reason"),
        )
        shown += [m.resident_id for m in (*month.joined, *month.left)]
        months.append(month)
    _audit(actor, agreement, shown, "web.gp_movements")
    return months


def _movements(qs: Any, day_field: str, reasons: Any, reason_field: str) -> list[Movement]:
    labels = dict(reasons.choices)
    rows = qs.order_by(day_field, "resident__last_name", "resident__first_name").values_list(
        "resident_id",
        "resident__first_name",
        "resident__last_name",
        "resident__birth_date",
        day_field,
        reason_field,
    )[:MOVEMENTS_SHOWN]
    return [Movement(r[0], r[1], r[2], r[3], r[4], str(labels.get(r[5], r[5]))) for r in rows]


# -- the waiting list ----------------------------------------------------------------


def waiting_page(actor: Any, agreement: Agreement, page: str | int | None = 1) -> Page:
    """The list's waiting list in the order it is served (first come, first served;
    Sami speakers first where fastlegeforskriften § 36 applies, as
    ``registry.selectors.waiting_queue``), one page at a time; each entry with its
    place in the queue (``position``). Only to the list's own GP. Audited."""
    own_list(actor, agreement.pk)
    order = ["joined_at", "pk"]
    if sami_priority_on(agreement.pk):
        order.insert(0, "-resident__speaks_sami")
    entries = (
        WaitingListEntry.objects.filter(
            agreement_id=agreement.pk, status=WaitingListEntry.Status.WAITING
        )
        .select_related("resident")
        .only(
            "pk",
            "joined_at",
            "resident",
            "resident__first_name",
            "resident__last_name",
            "resident__birth_date",
            "resident__speaks_sami",
        )
        .order_by(*order)
    )
    the_page = page_of(entries, page)  # type: ignore[arg-type]
    for offset, entry in enumerate(the_page.object_list):
        entry.position = the_page.start_index() + offset
    _audit(actor, agreement, [e.resident_id for e in the_page.object_list], "web.gp_waiting")
    return the_page


# -- absences ------------------------------------------------------------------------


def own_absence(actor: Any, absence_id: int) -> Absence:
    """An absence on a list the user is the regular GP of today; else 404."""
    absence = (
        Absence.objects.select_related("agreement__practice", "proposed_substitute")
        .filter(pk=absence_id)
        .first()
    )
    if absence is None:
        raise Http404
    own_list(actor, absence.agreement_id)
    return absence


def absences_of(actor: Any, agreement: Agreement) -> list[Absence]:
    """Every absence reported on the list, newest first, with its status, proposed
    substitute and substitute period."""
    own_list(actor, agreement.pk)
    return list(
        agreement.absences.select_related(
            "proposed_substitute", "substitute_period__doctor"
        ).order_by("-valid_from", "-pk")[:200]
    )


# -- the ceiling ---------------------------------------------------------------------


@dataclass(frozen=True)
class CeilingPreview:
    """What asking for ``new_ceiling`` from ``effective_on`` today would mean."""

    new_ceiling: int
    effective_on: datetime.date
    is_reduction: bool
    #: How many would have to move (the reduction's draw counts them: members, less
    #: those already leaving by then, above the new ceiling; ``draw_basis``).
    to_move: int
    members: int
    leaving: int
    notice_months: int
    notice_ok: bool
    full_notice_from: datetime.date


def ceiling_preview(
    actor: Any,
    agreement: Agreement,
    new_ceiling: int,
    effective_on: datetime.date,
    today: datetime.date | None = None,
) -> CeilingPreview:
    """A new ceiling asked for today: for a reduction, how many would have to move
    (``registry.services.reduction.draw_basis``, the one definition the draw uses) and
    whether the six months' notice of fastlegeforskriften § 11 is met
    (``rules.reduction_notice_ok``). Counts only, no names."""
    own_list(actor, agreement.pk)
    today = today or timezone.localdate()
    months = int(rules.param("reduction_notice_months", today))
    reduction = new_ceiling < agreement.ceiling
    basis = draw_basis(agreement.pk, new_ceiling, effective_on) if reduction else None
    return CeilingPreview(
        new_ceiling=new_ceiling,
        effective_on=effective_on,
        is_reduction=reduction,
        to_move=max(0, basis.excess) if basis else 0,
        members=len(basis.members) if basis else 0,
        leaving=len(basis.leaving) if basis else 0,
        notice_months=months,
        notice_ok=rules.reduction_notice_ok(today, effective_on, False),
        full_notice_from=rules.add_months(today, months),
    )
