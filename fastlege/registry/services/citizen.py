"""Citizen side: switch GP (bytte fastlege), cancel a switch, opt out of the scheme and back in.

Rules: pasientrettighetsforskriften (FOR-2012-08-29-843) §§ 2, 4, 5 and 6.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from fastlege.core import audit, fastpath
from fastlege.registry import capacity, rules
from fastlege.registry.models import (
    Agreement,
    DoctorPeriod,
    ListMembership,
    PopulationEvent,
    RemovalDecision,
    Resident,
    SwitchRequest,
    WaitingListEntry,
)
from fastlege.registry.periods import in_force_on
from fastlege.registry.services import access
from fastlege.registry.services.common import (
    PENDING,
    cancel_pending,
    end_membership,
    free_places,
    get_resident,
    is_closed_for_new,
    open_membership,
    pk_of,
    removal_blocks,
    require_active,
    require_resident,
    today_or,
)
from fastlege.registry.services.errors import Code, refuse

Reason = SwitchRequest.Reason

# Moves decided for the person (not chosen by them). The person may replace
# such a pending move with a list of their own choice, and keeps the exemption.
DECIDED_REASONS = frozenset(
    {Reason.REDUCTION, Reason.AGREEMENT_CLOSED, Reason.REMOVED, Reason.PLACEMENT}
)
# Switches the person chose and may cancel themselves.
OWN_CHOICE_REASONS = frozenset({Reason.ORDINARY, Reason.MOVED, Reason.GP_LEFT, Reason.WAITING_LIST})


def exempt_from(has_list: bool, moved_since_joining: bool, gp_left_since_joining: bool) -> Reason:
    """Why a switch would not count against the two a year (§ 6 merknad), if it doesn't.

    * MOVED: the person moved to another municipality while on the current list;
    * GP_LEFT: the list's regular GP has left (or given notice) while the person was on it.
    Otherwise ORDINARY.
    """
    if has_list and moved_since_joining:
        return Reason.MOVED
    if has_list and gp_left_since_joining:
        return Reason.GP_LEFT
    return Reason.ORDINARY


def counts_against_quota(has_list: bool, exemption: Reason) -> bool:
    """§ 6: a switch from a list counts against the two a year unless ``exempt_from``
    exempts it. The one rule for own switches, waiting-list placements (by hand and
    by the monthly update)."""
    return has_list and exemption == Reason.ORDINARY


def _moved_since(resident_ref: Any, since: Any) -> Exists:
    return Exists(
        PopulationEvent.objects.filter(
            resident_id=resident_ref, kind=PopulationEvent.Kind.MOVED, occurred_on__gte=since
        )
    )


def _gp_left_since(agreement_ref: Any, since: Any) -> Exists:
    return Exists(
        DoctorPeriod.objects.filter(
            agreement_id=agreement_ref,
            role=DoctorPeriod.Role.REGULAR,
            valid_to__isnull=False,
            valid_to__gt=since,
        )
    )


def exempt_reason(resident: Resident, current: ListMembership | None) -> Reason:
    """``exempt_from`` for a person and their current membership (two small queries)."""
    if current is None:
        return Reason.ORDINARY
    flags = (
        ListMembership.objects.filter(pk=current.pk)
        .annotate(
            moved=_moved_since(resident.pk, current.valid_from),
            gp_left=_gp_left_since(current.agreement_id, current.valid_from),
        )
        .order_by()
        .values_list("moved", "gp_left")
        .get()
    )
    return exempt_from(True, bool(flags[0]), bool(flags[1]))


def exemptions_of_members(memberships: Any) -> dict[int, Reason]:
    """``exempt_from`` for many open list places at once, in one query: resident id ->
    exemption (ORDINARY when none). ``memberships`` is a ListMembership queryset."""
    rows = (
        memberships.annotate(
            moved=_moved_since(OuterRef("resident_id"), OuterRef("valid_from")),
            gp_left=_gp_left_since(OuterRef("agreement_id"), OuterRef("valid_from")),
        )
        .order_by()
        .values_list("resident_id", "moved", "gp_left")
    )
    return {rid: exempt_from(True, bool(moved), bool(left)) for rid, moved, left in rows}


def _counted_qs(resident_ref: Any, requested_on: datetime.date, year: int) -> Any:
    return _counted_in_year(requested_on, year).filter(resident_id=resident_ref)


def counted_switches_of(residents: Any, requested_on: datetime.date, year: int) -> dict[int, int]:
    """``switches_counted`` for many people at once, in one query: resident id -> count
    (people with none are left out). ``residents``: a queryset of resident ids."""
    return dict(
        _counted_in_year(requested_on, year)
        .filter(resident_id__in=residents)
        .order_by()
        .values("resident_id")
        .annotate(n=Count("pk"))
        .values_list("resident_id", "n")
    )


def _counted_in_year(requested_on: datetime.date, year: int) -> Any:
    qs = SwitchRequest.objects.filter(
        counts_against_quota=True,
        status__in=[SwitchRequest.Status.PENDING, SwitchRequest.Status.APPLIED],
    )
    if rules.param("switch_quota_year_basis", requested_on) == "effective_on":
        return qs.filter(
            effective_on__gte=datetime.date(year, 1, 1),
            effective_on__lt=datetime.date(year + 1, 1, 1),
        )
    return qs.filter(requested_at__year=year)


def switches_counted(resident_id: int, requested_on: datetime.date, year: int) -> int:
    """Ordinary switches (pending or done) that count in ``year`` (§ 6)."""
    return int(_counted_qs(resident_id, requested_on, year).count())


def closed_list_exception(
    resident: Resident, target: Agreement, on: datetime.date
) -> SwitchRequest.ClosedListException | None:
    """§ 4: who may join a closed (or full) list anyway.

    a) a child under 16 whose parent is on the list;
    b) a former list resident who moves back to the municipality after at
       most three years in another municipality.
    """
    parents = [p for p in (resident.mother_id, resident.father_id) if p]
    if (
        parents
        and rules.child_may_join_parents_closed_list(rules.age_on(resident.birth_date, on), on)
        and ListMembership.objects.filter(
            resident_id__in=parents, agreement_id=target.pk, valid_to__isnull=True
        ).exists()
    ):
        return SwitchRequest.ClosedListException.CHILD_OF_MEMBER
    if resident.municipality_id == target.municipality_id:
        moves = list(
            PopulationEvent.objects.filter(resident_id=resident.pk, kind=PopulationEvent.Kind.MOVED)
            .filter(
                Q(to_municipality_id=target.municipality_id)
                | Q(from_municipality_id=target.municipality_id)
            )
            .order_by("-occurred_on", "-id")
            .values_list("occurred_on", "from_municipality_id", "to_municipality_id")
        )
        if len(moves) >= 2 and moves[0][2] == target.municipality_id:
            returned_on = moves[0][0]
            left = next((m for m in moves[1:] if m[1] == target.municipality_id), None)
            if (
                left is not None
                and rules.returnee_may_rejoin(left[0], returned_on)
                and ListMembership.objects.filter(
                    in_force_on(left[0]), resident_id=resident.pk, agreement_id=target.pk
                ).exists()
            ):
                return SwitchRequest.ClosedListException.RETURNEE
    return None


def check_room(
    resident: Resident, target: Agreement, on: datetime.date
) -> SwitchRequest.ClosedListException | None:
    """Refuse a move onto a full or closed list unless § 4 lets the person in.

    ``target`` must be locked (select_for_update) by the caller, so two requests
    for the last free place are decided one after the other.
    """
    closed = is_closed_for_new(target)
    full = free_places(target) < 1
    if not (closed or full):
        return None
    exception = closed_list_exception(resident, target, on)
    if exception is None:
        refuse(Code.LIST_FULL if full else Code.LIST_CLOSED)
    return exception


def _refuse_quota(used: int, year: int, today: datetime.date) -> None:
    if rules.switch_quota_used_up(used, today):
        refuse(
            Code.SWITCH_QUOTA_USED,
            used=used,
            year=year,
            limit=rules.ordinary_switches_per_year(today),
        )


def check_quota(resident: Resident, today: datetime.date, effective_on: datetime.date) -> None:
    year = rules.quota_year(today, effective_on)
    _refuse_quota(switches_counted(resident.pk, today, year), year, today)


@dataclass(frozen=True)
class SwitchFacts:
    """What the switch rules need about a person and a target list, read in one query."""

    membership_agreement: int | None
    pending_id: int | None
    pending_reason: str | None
    pending_to: int | None
    quota_used: int
    has_removals: bool
    moved_since_joining: bool
    gp_left_since_joining: bool
    waiting_on_target: bool
    members: int
    incoming: int


@functools.cache
def _literal(value: str) -> str:
    """A constant of the code (a status or kind) as an SQL string literal."""
    if not value.isidentifier():
        raise ValueError(f"not a plain constant: {value!r}")
    return f"'{value}'"


@functools.cache
def _t(model: type[models.Model]) -> str:
    """The quoted table name (the same on every supported database: double quotes)."""
    return connection.ops.quote_name(model._meta.db_table)


_LIST_COLUMNS = (
    "municipality_id, practice_id, ceiling, is_open, locked_by_hand, valid_from, valid_to"
)


def _list_id(target_id: Any) -> int:
    try:
        return int(target_id)
    except (TypeError, ValueError):
        refuse(Code.UNKNOWN_LIST)


def _lock_list_statement(target_id: int) -> fastpath.Statement:
    lock = " FOR NO KEY UPDATE" if connection.vendor == "postgresql" else ""
    return f"SELECT {_LIST_COLUMNS} FROM {_t(Agreement)} WHERE id = %s{lock}", [target_id]  # noqa: S608


def _list_from_row(target_id: int, row: Any) -> Agreement:
    if row is None:
        refuse(Code.UNKNOWN_LIST)
    target = Agreement(
        pk=target_id,
        municipality_id=row[0],
        practice_id=row[1],
        ceiling=int(row[2]),
        is_open=bool(row[3]),
        locked_by_hand=bool(row[4]),
        valid_from=_DATE.to_python(row[5]),
        valid_to=_DATE.to_python(row[6]),
    )
    target._state.adding = False
    return target


_DATE = models.DateField()


def lock_list(target_id: Any) -> Agreement:
    """Lock a list's row (``FOR NO KEY UPDATE``) and read it, in one small statement.

    Must be its own statement, before counting the list's free places: in READ
    COMMITTED each statement sees the data committed when it started, so a count
    made in the statement that waited for the lock could miss the switch that the
    lock holder has just committed.
    """
    target_id = _list_id(target_id)
    sql, params = _lock_list_statement(target_id)
    with fastpath.execute(sql, params) as cursor:
        row = cursor.fetchone()
    return _list_from_row(target_id, row)


def _switch_facts_statement(
    person_id: int, target_id: int, today: datetime.date, effective_on: datetime.date
) -> fastpath.Statement:
    """The one query behind :func:`switch_facts`.

    Hand-written SQL: building the same query with the ORM cost more CPU than the
    database spent answering it. The semantics are those of ``exempt_from``,
    ``switches_counted`` and ``capacity.occupancy`` (members and pending incoming moves;
    the caller applies ``capacity.free_places`` to them).
    """
    year = rules.quota_year(today, effective_on)
    quota_from = datetime.date(year, 1, 1)
    quota_to = datetime.date(year + 1, 1, 1)
    # The code's own constants are written into the statement, only ids and dates
    # are parameters: a prepared statement's generic plan can then use the
    # partial indexes (e.g. ``status = 'venter'``), as a one-off plan does.
    pending = _literal(SwitchRequest.Status.PENDING)
    applied = _literal(SwitchRequest.Status.APPLIED)
    moved = _literal(PopulationEvent.Kind.MOVED)
    regular = _literal(DoctorPeriod.Role.REGULAR)
    waiting = _literal(WaitingListEntry.Status.WAITING)
    sql = f"""
        SELECT m.agreement_id, p.id, p.reason, p.to_agreement_id,
          (SELECT COUNT(*) FROM {_t(SwitchRequest)} s
            WHERE s.resident_id = r.id AND s.counts_against_quota
              AND s.status IN ({pending}, {applied}) AND s.effective_on >= %s
              AND s.effective_on < %s),
          EXISTS (SELECT 1 FROM {_t(RemovalDecision)} d WHERE d.resident_id = r.id),
          EXISTS (SELECT 1 FROM {_t(PopulationEvent)} e
            WHERE e.resident_id = r.id AND e.kind = {moved} AND e.occurred_on >= m.valid_from),
          EXISTS (SELECT 1 FROM {_t(DoctorPeriod)} g
            WHERE g.agreement_id = m.agreement_id AND g.role = {regular}
              AND g.valid_to IS NOT NULL AND g.valid_to > m.valid_from),
          EXISTS (SELECT 1 FROM {_t(WaitingListEntry)} w
            WHERE w.resident_id = r.id AND w.agreement_id = %s AND w.status = {waiting}),
          (SELECT COUNT(*) FROM {_t(ListMembership)} lm
            WHERE lm.agreement_id = %s AND lm.valid_to IS NULL),
          (SELECT COUNT(*) FROM {_t(SwitchRequest)} i
            WHERE i.to_agreement_id = %s AND i.status = {pending})
        FROM {_t(Resident)} r
        LEFT JOIN {_t(ListMembership)} m ON m.resident_id = r.id AND m.valid_to IS NULL
        LEFT JOIN {_t(SwitchRequest)} p ON p.resident_id = r.id AND p.status = {pending}
        WHERE r.id = %s
    """  # noqa: S608 - table names and constants from the code, values as parameters
    params: list[Any] = [
        connection.ops.adapt_datefield_value(quota_from),
        connection.ops.adapt_datefield_value(quota_to),
        target_id,
        target_id,
        target_id,
        person_id,
    ]
    return sql, params


def _facts_from_row(
    row: Any, person_id: int, today: datetime.date, effective_on: datetime.date
) -> SwitchFacts:
    if row is None:
        refuse(Code.UNKNOWN_PERSON)
    if rules.param("switch_quota_year_basis", today) == "effective_on":
        used = int(row[4])
    else:
        used = switches_counted(person_id, today, rules.quota_year(today, effective_on))
    return SwitchFacts(
        membership_agreement=row[0],
        pending_id=row[1],
        pending_reason=row[2],
        pending_to=row[3],
        quota_used=used,
        has_removals=bool(row[5]),
        moved_since_joining=bool(row[6]),
        gp_left_since_joining=bool(row[7]),
        waiting_on_target=bool(row[8]),
        members=int(row[9]),
        incoming=int(row[10]),
    )


def switch_facts(
    person_id: int, target_id: int, today: datetime.date, effective_on: datetime.date
) -> SwitchFacts:
    """Everything the switch rules need about a person and a list, in one query.
    Call it after ``lock_list`` (in its own statement, see there)."""
    sql, params = _switch_facts_statement(person_id, target_id, today, effective_on)
    with fastpath.execute(sql, params) as cursor:
        row = cursor.fetchone()
    return _facts_from_row(row, person_id, today, effective_on)


def _lock_and_read(
    resident: Resident | int, to_agreement: Agreement | int, today: datetime.date, on: datetime.date
) -> tuple[Resident | None, int | None, Any, Any]:
    """Lock the person, lock the list and read the switch facts: three statements
    in this order (the lock order of every service: the person, then the list;
    the facts after the list's lock, see ``lock_list``), sent in one round trip
    on PostgreSQL. Returns the person (None: unknown), the list's id (None:
    malformed) and the raw rows of the list and the facts."""
    try:
        person_stmt = fastpath.locked_row(Resident, pk_of(resident))
    except (ValidationError, ValueError, TypeError):
        return None, None, None, None
    person_id = person_stmt[1][0]
    try:
        target_id: int | None = int(pk_of(to_agreement))
    except (TypeError, ValueError):
        target_id = None
    if target_id is None:
        (person_row,) = fastpath.first_rows([person_stmt])
        return fastpath.from_row(Resident, person_row), None, None, None
    person_row, list_row, facts_row = fastpath.first_rows(
        [
            person_stmt,
            _lock_list_statement(target_id),
            _switch_facts_statement(person_id, target_id, today, on),
        ]
    )
    return fastpath.from_row(Resident, person_row), target_id, list_row, facts_row


@transaction.atomic
def request_switch(
    actor: Any,
    resident: Resident | int,
    to_agreement: Agreement | int,
    *,
    parental_consent: bool = False,
    today: datetime.date | None = None,
) -> SwitchRequest:
    """Bytte fastlege: ask to move to another list from the 1st of next month (§ 6).

    Needs a free place counting pending moves onto the list (unless § 4 lets a
    child or returnee onto a closed list). At most two ordinary switches per
    calendar year; a switch after moving to another municipality or because
    the GP left does not count. A pending move decided for the person
    (reduction, closed agreement, removal, placement) is replaced by their
    own choice and keeps its exemption.
    """
    today = today_or(today)
    effective_on = rules.switch_effective_on(today)
    person, target_id, list_row, facts_row = _lock_and_read(
        resident, to_agreement, today, effective_on
    )
    if person is None:
        refuse(Code.UNKNOWN_PERSON)
    acting = access.require_for_resident(actor, person, today, parental_consent=parental_consent)
    require_resident(person)
    if target_id is None:
        refuse(Code.UNKNOWN_LIST)
    target = _list_from_row(target_id, list_row)
    require_active(target, effective_on)
    facts = _facts_from_row(facts_row, person.pk, today, effective_on)
    has_list = facts.membership_agreement is not None
    if has_list and facts.membership_agreement == target.pk:
        refuse(Code.ALREADY_ON_LIST)
    replaced_id = facts.pending_id
    if replaced_id is not None and (
        facts.pending_reason not in DECIDED_REASONS or facts.pending_to == target.pk
    ):
        refuse(Code.SWITCH_ALREADY_PENDING)
    if facts.has_removals and removal_blocks(person.pk, target, effective_on):
        refuse(Code.REMOVED_FROM_GP)

    if replaced_id is not None:
        reason = Reason(str(facts.pending_reason))
        counts = False
    else:
        reason = exempt_from(has_list, facts.moved_since_joining, facts.gp_left_since_joining)
        counts = counts_against_quota(has_list, reason)
    if counts:
        _refuse_quota(facts.quota_used, rules.quota_year(today, effective_on), today)
    if replaced_id is not None:
        SwitchRequest.objects.filter(pk=replaced_id).update(
            status=SwitchRequest.Status.CANCELLED, decided_at=timezone.now()
        )
    exception = None
    closed = is_closed_for_new(target)
    full = capacity.free_places(target.ceiling, facts.members, facts.incoming) < 1
    if closed or full:
        exception = closed_list_exception(person, target, effective_on)
        if exception is None:
            refuse(Code.LIST_FULL if full else Code.LIST_CLOSED)

    switch = SwitchRequest(
        resident_id=person.pk,
        from_agreement_id=facts.membership_agreement,
        to_agreement_id=target.pk,
        reason=reason,
        counts_against_quota=counts,
        effective_on=effective_on,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        closed_list_exception=exception or "",
    )
    if facts.waiting_on_target:
        WaitingListEntry.objects.filter(
            resident_id=person.pk, agreement_id=target.pk, status=WaitingListEntry.Status.WAITING
        ).update(status=WaitingListEntry.Status.ENDED, ended_at=timezone.now())
    # The request and its audit row: one statement on PostgreSQL.
    audit.insert_and_record(
        actor,
        "switch.requested",
        switch,
        resident=person.pk,
        to_agreement=target.pk,
        reason=str(reason),
        counts_against_quota=counts,
        acting_as=acting,
        closed_list_exception=str(exception or ""),
        replaced=replaced_id,
    )
    return switch


@transaction.atomic
def cancel_switch(
    actor: Any, switch: SwitchRequest | int, *, today: datetime.date | None = None
) -> SwitchRequest:
    """Cancel a pending switch before it takes effect. A cancelled switch does not count.

    The person (or a parent) cancels their own choice; a move decided by the
    municipality (reduction, closed agreement, removal, placement) is cancelled
    by that municipality or national staff.
    """
    today = today_or(today)
    pk = switch.pk if isinstance(switch, SwitchRequest) else switch
    try:
        request = SwitchRequest.objects.select_for_update().get(pk=pk)
    except (SwitchRequest.DoesNotExist, ValueError, TypeError):
        refuse(Code.SWITCH_NOT_PENDING)
    if request.status != PENDING:
        refuse(Code.SWITCH_NOT_PENDING)
    person = get_resident(request.resident_id, lock=True)
    scope = access.scope_of(actor)
    if request.reason in OWN_CHOICE_REASONS:
        access.require_for_resident(actor, person, today, parental_consent=True)
    elif not scope.everything:
        muni = request.from_agreement.municipality_id if request.from_agreement else None
        access.require_municipality(actor, muni or request.to_agreement.municipality_id)
    if today >= request.effective_on:
        refuse(Code.SWITCH_ALREADY_EFFECTIVE)
    request.status = SwitchRequest.Status.CANCELLED
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    audit.record(actor, "switch.cancelled", request, resident=person.pk)
    return request


@transaction.atomic
def opt_out(
    actor: Any, resident: Resident | int, *, today: datetime.date | None = None
) -> Resident:
    """Reservasjon (§ 2): the person leaves the scheme; their list place ends today.

    Pending switches and waiting-list places end with it.
    """
    today = today_or(today)
    person = get_resident(resident, lock=True)
    _require_person_or_home_municipality(actor, person, today)
    require_resident(person)
    person.in_scheme = False
    person.save(update_fields=["in_scheme"])
    membership = open_membership(person.pk)
    if membership is not None:
        end_membership(membership, today, ListMembership.EndReason.OPTED_OUT)
    cancelled = cancel_pending(person.pk)
    WaitingListEntry.objects.filter(
        resident_id=person.pk, status=WaitingListEntry.Status.WAITING
    ).update(status=WaitingListEntry.Status.ENDED, ended_at=timezone.now())
    audit.record(
        actor,
        "resident.opted_out",
        person,
        ended_membership=membership.pk if membership else None,
        cancelled_switches=cancelled,
    )
    return person


@transaction.atomic
def opt_in(actor: Any, resident: Resident | int, *, today: datetime.date | None = None) -> Resident:
    """Back into the scheme: the person is unassigned (ufordelt) until placed or they choose."""
    today = today_or(today)
    person = get_resident(resident, lock=True)
    _require_person_or_home_municipality(actor, person, today)
    require_resident(person, in_scheme=False)
    if person.in_scheme:
        refuse(Code.ALREADY_IN_SCHEME)
    person.in_scheme = True
    person.in_scheme_since = today  # the monthly update places nobody from before this day
    person.save(update_fields=["in_scheme", "in_scheme_since"])
    audit.record(actor, "resident.opted_in", person, on=today.isoformat())
    return person


@transaction.atomic
def declare_sami_speaker(
    actor: Any,
    resident: Resident | int,
    *,
    speaks_sami: bool,
    today: datetime.date | None = None,
) -> Resident:
    """The person says they speak Sami (or no longer wish to be counted as such).

    Self-declared, as the regulation gives no test: it gives priority on the
    waiting list of a Sami-speaking GP in the Sami language area
    (fastlegeforskriften § 36). The person, a parent, or the home municipality.
    """
    today = today_or(today)
    person = get_resident(resident, lock=True)
    _require_person_or_home_municipality(actor, person, today)
    require_resident(person)
    if person.speaks_sami != bool(speaks_sami):
        person.speaks_sami = bool(speaks_sami)
        person.save(update_fields=["speaks_sami"])
    audit.record(actor, "resident.sami_declared", person, speaks_sami=person.speaks_sami)
    return person


def _require_person_or_home_municipality(actor: Any, person: Resident, on: datetime.date) -> None:
    # § 2: the person notifies the municipality, which registers it.
    if person.municipality_id in access.scope_of(actor).municipalities:
        return
    access.require_for_resident(actor, person, on, parental_consent=True)
