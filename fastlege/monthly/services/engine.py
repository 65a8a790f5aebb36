"""The monthly list update: carry the registry over to the 1st of a month.

One run, in this fixed order (docs/monthly-update.md has the details):

1. end list places that end: deaths, emigration, opt-out; moves off a closed
   list and removals (§§ 38–39) to the list decided; members of a closed list
   with no decided move become unassigned;
2. list reductions that take effect (the recorded draw, § 11);
3. switch requests that take effect (§ 6);
4. the unassigned (ufordelte) on lists with free places in their municipality,
   longest-waiting first, unless the municipality has turned automatic
   placement off; a list closed by hand receives nobody;
5. waiting lists: each free place goes to the unassigned of the list's
   municipality first, then to the waiting list in order of joining; a person
   who leaves a list frees a place there, which goes on in the same way
   (chains followed to the end; nobody moved twice; no list above its ceiling);
6. open/closed recomputed from ceiling and length;
7. notifications for everyone the run placed;
8. the month's snapshot per list and per municipality.

Set-based: the state is read with a handful of aggregate queries, the moves
are decided in memory on integer ids (deterministically, see the tie-breaking
rules), and written back in bulk. One transaction for the whole run.
"""

from __future__ import annotations

import datetime
import gc
import hashlib
import re
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fastlege.core import audit
from fastlege.monthly.models import (
    ListMonthSnapshot,
    MonthMove,
    MonthRun,
    MunicipalityMonthSnapshot,
)
from fastlege.monthly.services.errors import Code, refuse
from fastlege.reference.models import Municipality
from fastlege.registry import rules as registry_rules
from fastlege.registry.models import (
    Agreement,
    Doctor,
    DoctorPeriod,
    ListMembership,
    ListReduction,
    Notification,
    RemovalDecision,
    Resident,
    SwitchRequest,
    WaitingListEntry,
)
from fastlege.registry.services import access
from fastlege.registry.services import notifications as letters

Rule = MonthMove.Rule
Step = MonthMove.Step
MEnd = ListMembership.EndReason
MBegin = ListMembership.BeginReason
SReason = SwitchRequest.Reason
SStatus = SwitchRequest.Status
WStatus = WaitingListEntry.Status

BATCH = 2000
ADVISORY_LOCK_KEY = 4_242_001  # pg_advisory_xact_lock: one monthly run at a time

Progress = Callable[[int, str], None]


# --- Month arithmetic -------------------------------------------------------


def parse_month(text: str) -> datetime.date:
    """``YYYY-MM`` (or ``YYYY-MM-01``) to the first day of the month."""
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-01)?", str(text).strip())
    if match is None:
        refuse(Code.INVALID_MONTH)
    try:
        return datetime.date(int(match[1]), int(match[2]), 1)
    except ValueError:
        refuse(Code.INVALID_MONTH)


def next_month(month: datetime.date) -> datetime.date:
    return registry_rules.add_months(month, 1)


def _fmt(month: datetime.date) -> str:
    return f"{month:%Y-%m}"


# --- In-memory state --------------------------------------------------------


@dataclass(slots=True)
class ListState:
    id: int
    municipality: str
    practice: int
    ceiling: int
    is_open: bool
    locked_by_hand: bool
    is_shared_list: bool
    is_salaried: bool
    valid_from: datetime.date
    active: bool
    length: int = 0
    guests: int = 0  # members living in another municipality
    moved_in: int = 0
    moved_out: int = 0
    switches_in: int = 0
    placements_in: int = 0  # by steps 4 and 5 (checked against the ceiling)

    @property
    def free(self) -> int:
        return self.ceiling - self.length

    @property
    def receives(self) -> bool:
        """May get people from the unassigned pool or the waiting list (steps 4–5)."""
        return self.active and not self.locked_by_hand


@dataclass(slots=True)
class Person:
    id: int
    municipality: str
    ok: bool  # registered as resident and in the scheme
    list_id: int | None  # current list, None = no list
    membership_id: int | None
    membership_from: datetime.date | None
    unassigned_since: datetime.date | None = None


@dataclass(slots=True)
class Move:
    resident: int
    step: int
    rule: str
    from_list: int | None
    to_list: int | None
    switch_request: int | None = None
    waiting_entry: int | None = None
    chain_round: int = 0


@dataclass(slots=True)
class Outcome:
    """Everything the run decided, written in ``_write``."""

    moves: list[Move] = field(default_factory=list)
    end_membership: dict[int, str] = field(default_factory=dict)  # membership id -> end reason
    membership_from: dict[int, datetime.date] = field(default_factory=dict)
    new_membership: list[tuple[int, int, str]] = field(default_factory=list)
    switch_status: dict[int, str] = field(default_factory=dict)
    waiting_status: dict[int, str] = field(default_factory=dict)
    reductions_applied: list[int] = field(default_factory=list)
    left_scheme: int = 0
    switches_refused: int = 0


# --- Public entry point -------------------------------------------------------


@dataclass(frozen=True)
class RunResult:
    run: MonthRun
    already_done: bool
    seconds: float = 0.0  # the whole call, commit included


def run_month(
    actor: Any,
    month: datetime.date | str,
    *,
    source: str = MonthRun.Source.COMMAND,
    progress: Progress | None = None,
    pause_after_step: int | None = None,
) -> RunResult:
    """Carry the registry over to ``month``. All or nothing; idempotent; months in order.

    ``actor`` is a national administrator or ``None`` (the system). A month
    that has already run changes nothing and returns ``already_done``.
    ``pause_after_step`` holds the transaction open after that step (used by
    the test that kills a run half-way).
    """
    scope = access.scope_of(actor)
    if not scope.everything:
        refuse(Code.NOT_AUTHORISED)
    if isinstance(month, str):
        month = parse_month(month)
    elif month.day != 1:
        refuse(Code.INVALID_MONTH)
    done = _completed(month)
    if done is not None:
        return RunResult(done, True)
    started = time.perf_counter()
    collecting = gc.isenabled()
    gc.disable()  # hundreds of thousands of small objects, no cycles: skip the GC passes
    try:
        with transaction.atomic():
            _lock()
            done = _completed(month)  # another run may have committed meanwhile
            if done is not None:
                return RunResult(done, True)
            _check_order(month)
            run = _execute(actor, month, source, progress, pause_after_step)
        return RunResult(run, False, time.perf_counter() - started)
    except Exception as exc:
        # Nothing of the run is committed; record the attempt for the audit trail.
        from fastlege.monthly.services.errors import MonthlyError

        if not isinstance(exc, MonthlyError):
            _record_failure(actor, month, source, exc)
        raise
    finally:
        if collecting:
            gc.enable()


def _completed(month: datetime.date) -> MonthRun | None:
    return MonthRun.objects.filter(month=month, status=MonthRun.Status.COMPLETED).first()


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_try_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
            if not cur.fetchone()[0]:
                refuse(Code.RUN_IN_PROGRESS)


def _check_order(month: datetime.date) -> None:
    last = (
        MonthRun.objects.filter(status=MonthRun.Status.COMPLETED)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    if last is None:
        return
    if month < last:
        refuse(Code.MONTH_OUT_OF_ORDER, month=_fmt(month), last=_fmt(last))
    if month != next_month(last):
        refuse(Code.MONTH_SKIPPED, month=_fmt(month), next=_fmt(next_month(last)))


def _record_failure(actor: Any, month: datetime.date, source: str, exc: Exception) -> None:
    try:
        with transaction.atomic():
            run = MonthRun.objects.create(
                month=month,
                status=MonthRun.Status.FAILED,
                source=source,
                started_by=actor if getattr(actor, "is_authenticated", False) else None,
                finished_at=timezone.now(),
                error=f"{type(exc).__name__}"[:200],
            )
            audit.record(actor, "monthly.run_failed", run, month=_fmt(month))
    except Exception:  # noqa: S110 - the original error is what matters
        pass


# --- The run ----------------------------------------------------------------


class _Timer:
    def __init__(self, progress: Progress | None, pause_after_step: int | None) -> None:
        self.progress = progress
        self.pause_after_step = pause_after_step
        self.seconds: dict[str, float] = {}
        self.t = time.perf_counter()

    def done(self, step: int | str, label: str) -> None:
        now = time.perf_counter()
        self.seconds[str(step)] = round(now - self.t, 3)
        self.t = now
        if self.progress:
            self.progress(step if isinstance(step, int) else 0, label)
        if isinstance(step, int) and self.pause_after_step == step:
            time.sleep(3600)  # held open for the kill test; the process is killed here


def _execute(
    actor: Any,
    month: datetime.date,
    source: str,
    progress: Progress | None,
    pause_after_step: int | None,
) -> MonthRun:
    timer = _Timer(progress, pause_after_step)
    run = MonthRun.objects.create(
        month=month,
        source=source,
        started_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    engine = _Engine(month)
    engine.load()
    run.listed_before = engine.listed_count()
    run.unassigned_before = engine.unassigned_count()
    timer.done("load", "lest inn")

    engine.step1_endings()
    timer.done(1, "listeplasser som slutter")
    engine.step2_reductions()
    timer.done(2, "listereduksjoner")
    engine.step3_switches()
    timer.done(3, "bytter")
    engine.step4_unassigned()
    timer.done(4, "ufordelte")
    engine.step5_waiting_lists()
    timer.done(5, "ventelister og kjeder")
    opened, closed = engine.step6_open_closed()
    timer.done("decide_6", "åpne og lukkede lister (beregnet)")

    engine.write_moves(run)
    timer.done("write", "skrevet")
    engine.write_open_closed()
    timer.done(6, "åpne og lukkede lister")
    notified = engine.step7_notifications()
    timer.done(7, "meldinger")
    list_rows, muni_rows = engine.step8_snapshots(run)
    timer.done(8, "månedsbilde")

    out = engine.out
    counts = engine.counts()
    run.ended_memberships = counts["ended"]
    run.forced_moves = counts[Step.ENDINGS]
    run.reduction_moves = counts[Step.REDUCTIONS]
    run.reductions_applied = len(out.reductions_applied)
    run.switches_applied = counts[Step.SWITCHES]
    run.switches_refused = out.switches_refused
    run.unassigned_placed = counts[Step.UNASSIGNED] + counts["chain_unassigned"]
    run.waiting_placed = counts["waiting"]
    run.chain_placed = counts["chain"]
    run.longest_chain = counts["longest_chain"]
    run.lists_opened, run.lists_closed = opened, closed
    run.notifications = notified
    run.list_snapshots = len(list_rows)
    run.listed_after = engine.listed_count()
    run.unassigned_after = engine.unassigned_count()
    run.left_scheme = out.left_scheme
    run.checksum = engine.checksum(list_rows, muni_rows)
    run.finished_at = timezone.now()
    timer.seconds["total"] = round(sum(v for k, v in timer.seconds.items() if k != "total"), 3)
    run.step_seconds = timer.seconds
    run.save()
    audit.record(
        actor,
        "monthly.run",
        run,
        month=_fmt(month),
        moved=run.moved,
        ended=run.ended_memberships,
        checksum=run.checksum,
    )
    return run


class _Engine:
    def __init__(self, month: datetime.date) -> None:
        self.month = month
        self.next = next_month(month)
        self.now = timezone.now()
        self.lists: dict[int, ListState] = {}
        self.people: dict[int, Person] = {}
        self.muni_auto: dict[str, bool] = {}
        self.pending: list[tuple[int, int, int | None, int, str]] = []  # id, res, from, to, reason
        self.waiting: dict[int, list[tuple[int, int]]] = defaultdict(list)  # list -> [(entry, res)]
        self.waiting_of: dict[int, tuple[int, int]] = {}  # resident -> (entry, list)
        self.unassigned: dict[str, list[int]] = defaultdict(list)  # muni -> residents, in order
        self.removals: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
        self.regular_gp: dict[int, tuple[int, datetime.date, int]] = {}  # list -> doctor...
        self.moved: set[int] = set()
        self.on_ended: set[int] = set()  # members of lists that have ended
        self.out = Outcome()
        self.listed_home: dict[tuple[int, str], int] = defaultdict(int)
        self.census: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # in scheme, opted out

    # -- loading ------------------------------------------------------------

    def load(self) -> None:
        m = self.month
        for row in Agreement.objects.order_by("pk").values_list(
            "pk",
            "municipality_id",
            "practice_id",
            "ceiling",
            "is_open",
            "locked_by_hand",
            "is_shared_list",
            "is_salaried",
            "valid_from",
            "valid_to",
        ):
            pk, muni, practice, ceiling, is_open, locked, shared, salaried, vf, vt = row
            self.lists[pk] = ListState(
                pk,
                muni,
                practice,
                ceiling,
                is_open,
                locked,
                shared,
                salaried,
                vf,
                active=vf <= m and (vt is None or vt > m),
            )
        self.muni_auto = dict(Municipality.objects.values_list("pk", "automatic_placement"))
        # One pass over residents and their open list places: list lengths, guests,
        # residents per municipality, the unassigned (ufordelte), and the ids of those who
        # left the scheme but are still on a list (normally none: the population-register
        # event ends the place).
        mt, rt = ListMembership._meta.db_table, Resident._meta.db_table
        resident = Resident.Status.RESIDENT
        ok = "r.status = %s AND r.in_scheme"
        odd = (
            f"CASE WHEN m.id IS NULL AND {ok} THEN r.id "
            f"WHEN m.id IS NOT NULL AND NOT ({ok}) THEN r.id END"
        )
        leavers: list[int] = []
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT r.municipality_id, r.status, r.in_scheme, m.agreement_id, {odd}, "  # noqa: S608
                f"COUNT(*) FROM {rt} r LEFT JOIN {mt} m "
                f"ON m.resident_id = r.id AND m.valid_to IS NULL GROUP BY 1, 2, 3, 4, 5",
                [resident, resident],
            )
            for home, status, in_scheme, agreement_id, odd_one, n in cur.fetchall():
                if status == resident:
                    self.census[home][0 if in_scheme else 1] += n
                if agreement_id is not None:
                    state = self.lists[agreement_id]
                    state.length += n
                    if home != state.municipality:
                        state.guests += n
                    self.listed_home[(agreement_id, home)] += n
                    if odd_one is not None:
                        leavers.append(odd_one)
                elif odd_one is not None:
                    self.people[odd_one] = Person(odd_one, home, True, None, None, None)
        self._load_people(sorted(leavers))
        for rid, agreement_id, doctor_id in RemovalDecision.objects.order_by("pk").values_list(
            "resident_id", "agreement_id", "doctor_id"
        ):
            self.removals[rid].append((agreement_id, doctor_id))
        for agreement_id, doctor_id, vf, pct in (
            DoctorPeriod.objects.filter(role=DoctorPeriod.Role.REGULAR, valid_from__lte=m)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=m))
            .order_by("agreement_id", "-valid_from", "pk")
            .values_list("agreement_id", "doctor_id", "valid_from", "percentage")
        ):
            self.regular_gp.setdefault(agreement_id, (doctor_id, vf, pct))

    def _load_people(self, leavers: list[int]) -> None:
        """The people the run may touch: leavers, requesters, the waiting, members of ended
        lists (the unassigned come from the census), each read once with their open list
        place. Requests and waiting places are read on their own, in their fixed order."""
        m = self.month
        mt, rt = ListMembership._meta.db_table, Resident._meta.db_table
        st, wt = SwitchRequest._meta.db_table, WaitingListEntry._meta.db_table
        person = (
            "r.id, r.municipality_id, r.status, r.in_scheme, m.id, m.agreement_id, m.valid_from"
        )
        membership = f"LEFT JOIN {mt} m ON m.resident_id = r.id AND m.valid_to IS NULL"
        ended_lists = [pk for pk, s in self.lists.items() if not s.active and s.length > 0]
        with connection.cursor() as cur:
            # Left the scheme but still on a list (found by the census).
            for chunk in _chunks(leavers, BATCH):
                marks = ",".join(["%s"] * len(chunk))
                cur.execute(
                    f"SELECT {person} FROM {rt} r {membership} WHERE r.id IN ({marks})",  # noqa: S608
                    chunk,
                )
                self._add_people(cur.fetchall())
            # Everyone with a request that takes effect or a waiting place, in one query.
            cur.execute(
                f"SELECT {person} FROM (SELECT resident_id FROM {wt} WHERE status = %s "  # noqa: S608
                f"UNION SELECT resident_id FROM {st} WHERE status = %s AND effective_on <= %s) p "
                f"JOIN {rt} r ON r.id = p.resident_id {membership}",
                [WStatus.WAITING, SStatus.PENDING, m],
            )
            self._add_people(cur.fetchall())
            # Requests that take effect, in order (effective_on, requested_at, id).
            cur.execute(
                f"SELECT id, resident_id, from_agreement_id, to_agreement_id, reason "  # noqa: S608
                f"FROM {st} WHERE status = %s AND effective_on <= %s "
                f"ORDER BY effective_on, requested_at, id",
                [SStatus.PENDING, m],
            )
            self.pending = [tuple(row) for row in cur.fetchall()]
            # Waiting lists in order of joining (ties: waiting-place id).
            cur.execute(
                f"SELECT id, agreement_id, resident_id FROM {wt} "  # noqa: S608
                f"WHERE status = %s ORDER BY agreement_id, joined_at, id",
                [WStatus.WAITING],
            )
            for entry, agreement_id, rid in cur.fetchall():
                self.waiting[agreement_id].append((entry, rid))
                self.waiting_of[rid] = (entry, agreement_id)
            if ended_lists:
                marks = ",".join(["%s"] * len(ended_lists))
                cur.execute(
                    f"SELECT {person} FROM {mt} m JOIN {rt} r ON r.id = m.resident_id "  # noqa: S608
                    f"WHERE m.valid_to IS NULL AND m.agreement_id IN ({marks})",
                    ended_lists,
                )
                rows = cur.fetchall()
                self.on_ended = {r[0] for r in rows}
                self._add_people(rows)
        self._order_unassigned()

    def _add_people(self, rows: Iterable[Sequence[Any]]) -> None:
        people, resident = self.people, Resident.Status.RESIDENT
        for rid, muni, status, in_scheme, mid, agreement_id, mfrom in rows:
            if rid not in people:
                people[rid] = Person(
                    rid,
                    muni,
                    status == resident and bool(in_scheme),
                    agreement_id,
                    mid,
                    _as_date(mfrom),
                )

    def _order_unassigned(self) -> None:
        """Longest waiting first: unassigned since the last list place ended, else since
        they became resident; ties by resident id (monthly rule ``unassigned_order``)."""
        ids = [p.id for p in self.people.values() if p.ok and p.list_id is None]
        last_end: dict[int, datetime.date] = {}
        since: dict[int, datetime.date | None] = {}
        for chunk in _chunks(sorted(ids), BATCH):
            for rid, end in (
                ListMembership.objects.filter(resident_id__in=chunk)
                .values("resident_id")
                .annotate(end=Max("valid_to"))
                .values_list("resident_id", "end")
            ):
                if end is not None:
                    last_end[rid] = end
            since.update(Resident.objects.filter(pk__in=chunk).values_list("pk", "resident_since"))
        far = datetime.date(1, 1, 1)
        for rid in ids:
            person = self.people[rid]
            candidates = [d for d in (last_end.get(rid), since.get(rid)) if d is not None]
            person.unassigned_since = max(candidates) if candidates else far
        for rid in sorted(ids, key=lambda r: (self.people[r].unassigned_since, r)):
            self.unassigned[self.people[rid].municipality].append(rid)
        self._unassigned_pos: dict[str, int] = defaultdict(int)

    def listed_count(self) -> int:
        return sum(s.length for s in self.lists.values())

    def unassigned_count(self) -> int:
        return sum(1 for p in self.people.values() if p.ok and p.list_id is None)

    # -- moving people -------------------------------------------------------

    def _leave(self, person: Person, reason: str) -> None:
        if person.list_id is None or person.membership_id is None:
            return
        state = self.lists[person.list_id]
        state.length -= 1
        state.moved_out += 1
        if person.municipality != state.municipality:
            state.guests -= 1
        self.listed_home[(state.id, person.municipality)] -= 1
        self.out.end_membership[person.membership_id] = reason
        if person.membership_from is not None:
            self.out.membership_from[person.membership_id] = person.membership_from
        person.list_id = None
        person.membership_id = None

    def _join(self, person: Person, list_id: int, begin: str) -> None:
        state = self.lists[list_id]
        state.length += 1
        state.moved_in += 1
        if person.municipality != state.municipality:
            state.guests += 1
        self.listed_home[(list_id, person.municipality)] += 1
        self.out.new_membership.append((person.id, list_id, begin))
        person.list_id = list_id
        person.membership_id = -1  # written by the run
        person.membership_from = self.month

    def _move(
        self,
        person: Person,
        to_list: int | None,
        *,
        step: int,
        rule: str,
        end_reason: str,
        begin: str = "",
        switch_request: int | None = None,
        waiting_entry: int | None = None,
        chain_round: int = 0,
    ) -> None:
        assert person.id not in self.moved, "a person is moved at most once per run"
        from_list = person.list_id
        self._leave(person, end_reason)
        if to_list is not None:
            self._join(person, to_list, begin)
            entry = self.waiting_of.get(person.id)
            if entry is not None and entry[1] == to_list:
                # On the list they waited for (by any step): the waiting place is used.
                self.out.waiting_status.setdefault(entry[0], WStatus.PLACED)
        self.moved.add(person.id)
        self.out.moves.append(
            Move(
                person.id,
                step,
                rule,
                from_list,
                to_list,
                switch_request,
                waiting_entry,
                chain_round,
            )
        )

    def _blocked(self, resident_id: int, list_id: int) -> bool:
        """§ 2 last paragraph: removed for threats or violence from that GP or list."""
        decisions = self.removals.get(resident_id)
        if not decisions:
            return False
        gp = self.regular_gp.get(list_id)
        doctor = gp[0] if gp else None
        for agreement_id, removed_doctor in decisions:
            if removed_doctor is not None and removed_doctor == doctor:
                return True
            if removed_doctor is None and agreement_id == list_id:
                return True
        return False

    # -- step 1 ---------------------------------------------------------------

    def step1_endings(self) -> None:
        out = self.out
        reasons: dict[str, tuple[str, str]] = {
            Resident.Status.DEAD: (Rule.DIED, MEnd.DIED),
            Resident.Status.EMIGRATED: (Rule.EMIGRATED, MEnd.EMIGRATED),
        }
        gone = sorted(p.id for p in self.people.values() if not p.ok and p.list_id is not None)
        statuses = dict(Resident.objects.filter(pk__in=gone).values_list("pk", "status"))
        for rid in gone:
            person = self.people[rid]
            rule, end = reasons.get(statuses.get(rid, ""), (Rule.OPTED_OUT, MEnd.OPTED_OUT))
            self._move(person, None, step=Step.ENDINGS, rule=rule, end_reason=end)
            out.left_scheme += 1
        # Decided moves: off a closed list, and removals (§§ 38–39).
        forced: dict[str, str] = {
            SReason.AGREEMENT_CLOSED: Rule.AGREEMENT_CLOSED,
            SReason.REMOVED: Rule.REMOVED,
        }
        begin: dict[str, str] = {
            SReason.AGREEMENT_CLOSED: MBegin.AGREEMENT_CLOSED,
            SReason.REMOVED: MBegin.REMOVAL,
        }
        ends: dict[str, str] = {
            SReason.AGREEMENT_CLOSED: MEnd.AGREEMENT_CLOSED,
            SReason.REMOVED: MEnd.REMOVED,
        }
        for pk, rid, _from, to, reason in self.pending:
            person = self.people[rid]
            if not person.ok or rid in self.moved:
                self._refuse_request(pk, SStatus.CANCELLED)
                continue
            if reason not in forced:
                continue
            if not self.lists[to].active:
                self._refuse_request(pk, SStatus.REFUSED)
                continue
            out.switch_status[pk] = SStatus.APPLIED
            self._move(
                person,
                to,
                step=Step.ENDINGS,
                rule=forced[reason],
                end_reason=ends[reason],
                begin=begin[reason],
                switch_request=pk,
            )
        # Members of a closed list without a move that takes effect: unassigned.
        with_request = {rid for _pk, rid, *_rest in self.pending}
        for person in self._on_ended_lists():
            if (
                person.list_id is not None
                and not self.lists[person.list_id].active
                and person.id not in self.moved
                and person.id not in with_request
            ):
                self._close_to_unassigned(person, Step.ENDINGS)

    def _on_ended_lists(self) -> list[Person]:
        """People on a list that has ended (all loaded by ``_load_people``), by id."""
        return [self.people[rid] for rid in sorted(self.on_ended)]

    def _close_to_unassigned(self, person: Person, step: int) -> None:
        self._move(
            person,
            None,
            step=step,
            rule=Rule.AGREEMENT_CLOSED_UNPLACED,
            end_reason=MEnd.AGREEMENT_CLOSED,
        )
        person.unassigned_since = self.month
        self.unassigned[person.municipality].append(person.id)  # waited least: last in line

    def _refuse_request(self, pk: int, status: str) -> None:
        if pk not in self.out.switch_status:
            self.out.switch_status[pk] = status
            self.out.switches_refused += 1

    # -- steps 2 and 3 ------------------------------------------------------------

    def _apply_requests(self, step: int, reasons: Iterable[str]) -> None:
        wanted = set(reasons)
        rules_of: dict[str, str] = {
            SReason.REDUCTION: Rule.REDUCTION,
            SReason.PLACEMENT: Rule.PLACEMENT,
            SReason.WAITING_LIST: Rule.WAITING_LIST,
        }
        for pk, rid, _from, to, reason in self.pending:
            if reason not in wanted or pk in self.out.switch_status:
                continue
            person = self.people[rid]
            if not person.ok or rid in self.moved:
                self._refuse_request(pk, SStatus.CANCELLED)
                continue
            if person.list_id == to:
                self._refuse_request(pk, SStatus.CANCELLED)
                continue
            if not self.lists[to].active or self._blocked(rid, to):
                self._refuse_request(pk, SStatus.REFUSED)
                continue
            self.out.switch_status[pk] = SStatus.APPLIED
            begins: dict[str, str] = {
                SReason.REDUCTION: MBegin.REDUCTION,
                SReason.PLACEMENT: MBegin.ASSIGNED,
                SReason.WAITING_LIST: MBegin.WAITING_LIST,
            }
            begin = begins.get(reason, MBegin.CHOSEN)
            end = MEnd.MOVED_BY_REDUCTION if reason == SReason.REDUCTION else MEnd.SWITCHED
            if reason in (SReason.ORDINARY, SReason.MOVED, SReason.GP_LEFT, SReason.WAITING_LIST):
                self.lists[to].switches_in += 1
            self._move(
                person,
                to,
                step=step,
                rule=rules_of.get(reason, Rule.SWITCH),
                end_reason=end,
                begin=begin,
                switch_request=pk,
            )

    def step2_reductions(self) -> None:
        self._apply_requests(Step.REDUCTIONS, [SReason.REDUCTION])
        self.out.reductions_applied = list(
            ListReduction.objects.filter(
                status=ListReduction.Status.PREPARED, effective_on__lte=self.month
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    def step3_switches(self) -> None:
        self._apply_requests(
            Step.SWITCHES,
            [
                SReason.ORDINARY,
                SReason.MOVED,
                SReason.GP_LEFT,
                SReason.PLACEMENT,
                SReason.WAITING_LIST,
            ],
        )
        # Anything left pending that takes effect (a reason the run does not know): refused.
        for pk, _rid, *_rest in self.pending:
            self._refuse_request(pk, SStatus.REFUSED)
        # Members of a closed list whose own request was refused: unassigned now.
        for person in self._on_ended_lists():
            if (
                person.list_id is not None
                and not self.lists[person.list_id].active
                and person.id not in self.moved
            ):
                self._close_to_unassigned(person, Step.SWITCHES)

    # -- steps 4 and 5 --------------------------------------------------------------

    def _next_unassigned(self, municipality: str, list_id: int) -> Person | None:
        """The longest-waiting unassigned resident of the municipality who may join the list."""
        if not self.muni_auto.get(municipality, True):
            return None
        queue = self.unassigned.get(municipality)
        if not queue:
            return None
        pos = self._unassigned_pos[municipality]
        while pos < len(queue) and (
            queue[pos] in self.moved or self.people[queue[pos]].list_id is not None
        ):
            pos += 1
        self._unassigned_pos[municipality] = pos
        for i in range(pos, len(queue)):
            rid = queue[i]
            person = self.people[rid]
            if rid in self.moved or person.list_id is not None:
                continue
            if not self._blocked(rid, list_id):
                return person
        return None

    def step4_unassigned(self) -> None:
        by_muni: dict[str, list[int]] = defaultdict(list)
        for pk, state in sorted(self.lists.items()):
            if state.receives:
                by_muni[state.municipality].append(pk)
        for muni in sorted(self.unassigned):
            candidates = by_muni.get(muni, [])
            if not candidates:
                continue
            while True:
                open_lists = [pk for pk in candidates if self.lists[pk].free > 0]
                if not open_lists:
                    break
                # Most free places first, then the lowest list id (rule unassigned_list_choice).
                open_lists.sort(key=lambda pk: (-self.lists[pk].free, pk))
                placed = False
                for pk in open_lists:
                    person = self._next_unassigned(muni, pk)
                    if person is None:
                        continue
                    self.lists[pk].placements_in += 1
                    self._move(
                        person,
                        pk,
                        step=Step.UNASSIGNED,
                        rule=Rule.PLACEMENT,
                        end_reason="",
                        begin=MBegin.ASSIGNED,
                    )
                    placed = True
                    break
                if not placed:
                    break

    def step5_waiting_lists(self) -> None:
        """Give every free place away, following the chains to the end.

        Lists with free places are served in ascending id; a list that gets a
        place freed by a move in this step joins the back of the queue. Each
        place goes to the municipality's longest-waiting unassigned resident,
        else to the first eligible person on the list's waiting list.
        """
        queue: deque[tuple[int, int]] = deque()
        queued: set[int] = set()
        for pk, state in sorted(self.lists.items()):
            if state.receives and state.free > 0 and self.waiting.get(pk):
                queue.append((pk, 0))
                queued.add(pk)
        pos: dict[int, int] = defaultdict(int)
        while queue:
            pk, chain_round = queue.popleft()
            queued.discard(pk)
            state = self.lists[pk]
            while state.free > 0:
                person = self._next_unassigned(state.municipality, pk)
                entry_id: int | None = None
                if person is None:
                    found = self._next_waiting(pk, pos)
                    if found is None:
                        break
                    entry_id, person = found
                left = person.list_id
                state.placements_in += 1
                if entry_id is not None:
                    self.out.waiting_status[entry_id] = WStatus.PLACED
                    if left is not None:
                        state.switches_in += 1
                self._move(
                    person,
                    pk,
                    step=Step.WAITING,
                    rule=Rule.WAITING_LIST if entry_id is not None else Rule.UNASSIGNED_ON_FREED,
                    end_reason=MEnd.SWITCHED,
                    begin=MBegin.WAITING_LIST if entry_id is not None else MBegin.ASSIGNED,
                    waiting_entry=entry_id,
                    chain_round=chain_round,
                )
                if left is not None:
                    freed = self.lists[left]
                    if freed.receives and freed.free > 0 and left not in queued:
                        queue.append((left, chain_round + 1))
                        queued.add(left)

    def _next_waiting(self, list_id: int, pos: dict[int, int]) -> tuple[int, Person] | None:
        entries = self.waiting.get(list_id, [])
        i = pos[list_id]
        while i < len(entries):
            entry_id, rid = entries[i]
            i += 1
            person = self.people.get(rid)
            if person is None or entry_id in self.out.waiting_status:
                continue
            if not person.ok:
                self.out.waiting_status[entry_id] = WStatus.ENDED
                continue
            if person.list_id == list_id:
                self.out.waiting_status[entry_id] = WStatus.ENDED
                continue
            if rid in self.moved or self._blocked(rid, list_id):
                continue  # keeps the place in the queue for next month
            pos[list_id] = i
            return entry_id, person
        pos[list_id] = i
        return None

    # -- step 6 ----------------------------------------------------------------

    def step6_open_closed(self) -> tuple[int, int]:
        """§ 10: a list is closed when its length reaches the ceiling; closed by hand stays."""
        self._open_changes: dict[bool, list[int]] = {True: [], False: []}
        for pk, state in sorted(self.lists.items()):
            should = state.active and not state.locked_by_hand and state.length < state.ceiling
            if should != state.is_open:
                self._open_changes[should].append(pk)
                state.is_open = should
        return len(self._open_changes[True]), len(self._open_changes[False])

    def write_open_closed(self) -> None:
        for value, ids in self._open_changes.items():
            for chunk in _chunks(ids, BATCH):
                Agreement.objects.filter(pk__in=chunk).update(is_open=value)

    # -- writing ------------------------------------------------------------------

    def write_moves(self, run: MonthRun) -> None:
        out, m = self.out, self.month
        # 1. end the old list places (before new ones: one open place per person);
        #    a place that began on or after the 1st keeps one day
        ended = sorted(out.end_membership)
        ends = [
            max(m, out.membership_from.get(mid, m) + datetime.timedelta(days=1))
            if out.membership_from.get(mid, m) >= m
            else m
            for mid in ended
        ]
        _update(
            ListMembership,
            ended,
            {
                "valid_to": ("date", ends),
                "end_reason": ("text", [out.end_membership[mid] for mid in ended]),
            },
        )
        # 2. the new list places, in the order of the moves
        _insert(
            ListMembership,
            ["resident_id", "agreement_id", "valid_from", "begin_reason", "end_reason"],
            [(rid, aid, m, begin, "") for rid, aid, begin in out.new_membership],
        )
        # 3. requests, waiting-list places, reductions
        decided = self.now
        switch_ids = sorted(out.switch_status)
        _update(
            SwitchRequest,
            switch_ids,
            {"status": ("text", [out.switch_status[pk] for pk in switch_ids])},
            same={"decided_at": decided},
            only_if=("status", SStatus.PENDING),
        )
        entry_ids = sorted(out.waiting_status)
        _update(
            WaitingListEntry,
            entry_ids,
            {"status": ("text", [out.waiting_status[pk] for pk in entry_ids])},
            same={"ended_at": decided},
            only_if=("status", WStatus.WAITING),
        )
        for chunk in _chunks(out.reductions_applied, BATCH):
            ListReduction.objects.filter(pk__in=chunk).update(status=ListReduction.Status.APPLIED)
        # 4. the trace
        _insert(
            MonthMove,
            [
                "run_id",
                "seq",
                "resident_id",
                "step",
                "rule",
                "from_agreement_id",
                "to_agreement_id",
                "switch_request_id",
                "waiting_entry_id",
                "chain_round",
            ],
            [
                (
                    run.pk,
                    seq,
                    mv.resident,
                    int(mv.step),
                    str(mv.rule),
                    mv.from_list,
                    mv.to_list,
                    mv.switch_request,
                    mv.waiting_entry,
                    mv.chain_round,
                )
                for seq, mv in enumerate(out.moves, start=1)
            ],
        )

    def counts(self) -> dict[Any, int]:
        c: dict[Any, int] = defaultdict(int)
        for mv in self.out.moves:
            if mv.to_list is None:
                c["ended"] += 1
            elif mv.step == Step.WAITING:
                if mv.rule == Rule.WAITING_LIST:
                    c["waiting"] += 1
                else:
                    c["chain_unassigned"] += 1
                if mv.chain_round:
                    c["chain"] += 1
                c["longest_chain"] = max(c["longest_chain"], mv.chain_round)
            else:
                c[mv.step] += 1
        return c

    # -- step 7 -------------------------------------------------------------------

    def step7_notifications(self) -> int:
        """A letter to everyone the run placed (steps 4–5).

        Moves of steps 1–3 were decided earlier and the person was told then
        (reduction § 11, removal § 39, closing § 9, placement); an ordinary
        switch gets no letter (helsenorge: no confirmation is sent).
        """
        targets = sorted(
            {mv.to_list for mv in self.out.moves if mv.step >= Step.UNASSIGNED and mv.to_list}
        )
        labels = _list_labels(targets, self.month)
        date = f"{self.month:%d.%m.%Y}"
        texts: dict[tuple[str, int], tuple[str, str]] = {}
        rows: list[tuple] = []
        for mv in self.out.moves:
            if mv.step < Step.UNASSIGNED or mv.to_list is None:
                continue
            kind = (
                Notification.Kind.WAITING_LIST_PLACEMENT
                if mv.rule == Rule.WAITING_LIST
                else Notification.Kind.PLACEMENT
            )
            key = (kind, mv.to_list)
            if key not in texts:
                texts[key] = letters._text(kind, {"new": labels[mv.to_list], "date": date})
            subject, body = texts[key]
            rows.append(
                (
                    mv.resident,
                    str(kind),
                    subject,
                    body,
                    mv.to_list,
                    self.month,
                    self.now,
                    None,
                    None,
                )
            )
        _insert(
            Notification,
            [
                "resident_id",
                "kind",
                "subject",
                "body",
                "agreement_id",
                "effective_on",
                "created_at",
                "read_at",
                "print_batch_id",
            ],
            rows,
        )
        return len(rows)

    # -- step 8 ---------------------------------------------------------------------

    def step8_snapshots(self, run: MonthRun) -> tuple[list[tuple], list[tuple]]:
        m = self.month
        doctors = {
            d[0]: d
            for d in Doctor.objects.filter(
                pk__in={v[0] for v in self.regular_gp.values()}
            ).values_list("pk", "sex", "specialty", "birth_date")
        }
        vacant_since = dict(
            DoctorPeriod.objects.filter(role=DoctorPeriod.Role.REGULAR, valid_to__lte=m)
            .values("agreement_id")
            .annotate(end=Max("valid_to"))
            .values_list("agreement_id", "end")
        )
        substitutes: dict[int, int] = defaultdict(int)
        for agreement_id, pct in (
            DoctorPeriod.objects.filter(role=DoctorPeriod.Role.SUBSTITUTE, valid_from__lt=self.next)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=m))
            .values_list("agreement_id", "percentage")
        ):
            substitutes[agreement_id] += pct
        # Waiting after the run.
        wait: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
        muni_wait: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for list_id, entries in self.waiting.items():
            target = self.lists[list_id]
            for entry_id, rid in entries:
                if entry_id in self.out.waiting_status:
                    continue
                person = self.people[rid]
                other_gp = (
                    person.list_id is not None
                    and self.lists[person.list_id].municipality != target.municipality
                )
                other_home = person.municipality != target.municipality
                for counter in (wait[list_id], muni_wait[person.municipality]):
                    counter[0] += 1
                    counter[1] += other_gp
                    counter[2] += other_home
        list_rows: list[tuple] = []
        list_dicts: list[dict[str, Any]] = []
        for pk, s in sorted(self.lists.items()):
            if not s.active:
                continue
            gp = self.regular_gp.get(pk)
            doctor = doctors.get(gp[0]) if gp else None
            w = wait.get(pk, [0, 0, 0])
            values = dict(
                month=m,
                agreement_id=pk,
                municipality_id=s.municipality,
                practice_id=s.practice,
                ceiling=s.ceiling,
                length=s.length,
                guests=s.guests,
                has_regular_gp=gp is not None,
                regular_gp_id=gp[0] if gp else None,
                regular_gp_sex=doctor[1] if doctor else "",
                regular_gp_specialty=doctor[2] if doctor else "",
                regular_gp_age=registry_rules.age_on(doctor[3], m) if doctor else None,
                regular_gp_since=gp[1] if gp else None,
                regular_gp_percentage=gp[2] if gp else None,
                vacant_since=None if gp else max(vacant_since.get(pk, s.valid_from), s.valid_from),
                has_substitute=substitutes.get(pk, 0) > 0,
                substitute_percentage=min(substitutes.get(pk, 0), 32767),
                waiting_count=w[0],
                waiting_other_gp_municipality=w[1],
                waiting_other_home_municipality=w[2],
                is_open=s.is_open,
                locked_by_hand=s.locked_by_hand,
                is_shared_list=s.is_shared_list,
                is_salaried=s.is_salaried,
                agreement_valid_from=s.valid_from,
                moved_in=s.moved_in,
                moved_out=s.moved_out,
                switches_in=s.switches_in,
            )
            list_rows.append(tuple(values.values()))
            list_dicts.append(values)
        columns = values_keys(ListMonthSnapshot)
        _insert(
            ListMonthSnapshot,
            ["run_id", *columns],
            [(run.pk, *(v[c] for c in columns)) for v in list_dicts],
        )

        # Per home municipality.
        residents = self.census  # the run changes nobody's residence or status
        listed: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for (list_id, home), n in self.listed_home.items():
            listed[home][0] += n
            if self.lists[list_id].municipality != home:
                listed[home][1] += n
        unassigned: dict[str, int] = defaultdict(int)
        for p in self.people.values():
            if p.ok and p.list_id is None:
                unassigned[p.municipality] += 1
        switches: dict[str, int] = defaultdict(int)
        placed: dict[str, int] = defaultdict(int)
        for mv in self.out.moves:
            home = self.people[mv.resident].municipality
            if mv.rule in (Rule.SWITCH, Rule.WAITING_LIST) and mv.from_list is not None:
                switches[home] += 1
            if mv.from_list is None and mv.to_list is not None:
                placed[home] += 1
        muni_rows: list[tuple] = []
        muni_dicts: list[dict[str, Any]] = []
        for muni in sorted(self.muni_auto):
            w = muni_wait.get(muni, [0, 0, 0])
            values = dict(
                month=m,
                municipality_id=muni,
                residents=residents[muni][0],
                opted_out=residents[muni][1],
                listed=listed[muni][0],
                listed_elsewhere=listed[muni][1],
                unassigned=unassigned[muni],
                automatic_placement=self.muni_auto[muni],
                waiting=w[0],
                waiting_other_than_gp_municipality=w[1],
                waiting_other_than_home_municipality=w[2],
                switches=switches[muni],
                placed_unassigned=placed[muni],
            )
            muni_rows.append(tuple(values.values()))
            muni_dicts.append(values)
        columns = values_keys(MunicipalityMonthSnapshot)
        _insert(
            MunicipalityMonthSnapshot,
            ["run_id", *columns],
            [(run.pk, *(v[c] for c in columns)) for v in muni_dicts],
        )
        return list_rows, muni_rows

    def checksum(self, list_rows: Sequence[tuple], muni_rows: Sequence[tuple]) -> str:
        """SHA-256 of the run's result in canonical form (no timestamps, no new row ids)."""
        h = hashlib.sha256()
        h.update(f"month {self.month.isoformat()}\n".encode())
        for seq, mv in enumerate(self.out.moves, start=1):
            h.update(
                f"move {seq} {mv.resident} {mv.step} {mv.rule} {mv.from_list} {mv.to_list} "
                f"{mv.switch_request} {mv.waiting_entry} {mv.chain_round}\n".encode()
            )
        for pk, status in sorted(self.out.switch_status.items()):
            h.update(f"switch {pk} {status}\n".encode())
        for pk, status in sorted(self.out.waiting_status.items()):
            h.update(f"waiting {pk} {status}\n".encode())
        for row in list_rows:
            h.update(("list " + " ".join(map(str, row)) + "\n").encode())
        for row in muni_rows:
            h.update(("municipality " + " ".join(map(str, row)) + "\n").encode())
        return h.hexdigest()


# --- Bulk writing: COPY and one UPDATE per table on PostgreSQL ----------------


def _insert(model: Any, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert ``rows`` (tuples in ``columns`` order). PostgreSQL: one COPY."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        table = model._meta.db_table
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with connection.cursor() as cur, cur.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    ops = connection.ops

    def adapt(value: Any) -> Any:
        if isinstance(value, datetime.datetime):
            return ops.adapt_datetimefield_value(value)
        if isinstance(value, datetime.date):
            return ops.adapt_datefield_value(value)
        return value

    table = model._meta.db_table
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cur:
        for start in range(0, len(rows), BATCH * 10):
            cur.executemany(
                sql, [tuple(map(adapt, row)) for row in rows[start : start + BATCH * 10]]
            )


def _update(
    model: Any,
    ids: Sequence[int],
    values: dict[str, tuple[str, Sequence[Any]]],
    *,
    same: dict[str, Any] | None = None,
    only_if: tuple[str, Any] | None = None,
) -> None:
    """Set per-row values on rows by id. ``values``: column -> (SQL type, one value per id);
    ``same``: column -> one value for every row (sent once, not once per row).

    PostgreSQL: one ``UPDATE … FROM unnest(…)``; elsewhere grouped ORM updates.
    """
    if not ids:
        return
    same = same or {}
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        names = list(values)
        unnest = ", ".join(f"%s::{values[n][0]}[]" for n in names)
        sets = ", ".join([*(f"{n} = v.{n}" for n in names), *(f"{n} = %s" for n in same)])
        sql = (
            f"UPDATE {table} AS t SET {sets} FROM unnest(%s::bigint[], {unnest}) "  # noqa: S608
            f"AS v(id, {', '.join(names)}) WHERE t.id = v.id"
        )
        params: list[Any] = [*same.values(), list(ids), *[list(values[n][1]) for n in names]]
        if only_if is not None:
            sql += f" AND t.{only_if[0]} = %s"
            params.append(only_if[1])
        with connection.cursor() as cur:
            cur.execute(sql, params)
        return
    groups: dict[tuple, list[int]] = defaultdict(list)
    names = list(values)
    for i, pk in enumerate(ids):
        groups[tuple(values[n][1][i] for n in names)].append(pk)
    for key, pks in sorted(groups.items(), key=lambda kv: str(kv[0])):
        qs = model.objects.all()
        if only_if is not None:
            qs = qs.filter(**{only_if[0]: only_if[1]})
        for chunk in _chunks(sorted(pks), BATCH):
            qs.filter(pk__in=chunk).update(**dict(zip(names, key, strict=True)), **same)


def _list_labels(list_ids: list[int], on: datetime.date) -> dict[int, str]:
    """How each list is named in a letter (as ``notifications.list_label``), in two queries."""
    practice = dict(Agreement.objects.filter(pk__in=list_ids).values_list("pk", "practice__name"))
    gp: dict[int, str] = {}
    for agreement_id, first, last in (
        DoctorPeriod.objects.filter(
            agreement_id__in=list_ids, role=DoctorPeriod.Role.REGULAR, valid_from__lte=on
        )
        .exclude(valid_to__lte=on)
        .order_by("agreement_id", "-valid_from")
        .values_list("agreement_id", "doctor__first_name", "doctor__last_name")
    ):
        gp.setdefault(agreement_id, f"{first} {last}")
    labels = {}
    for pk in list_ids:
        if pk in gp:
            labels[pk] = _("fastlege %(doctor)s ved %(practice)s") % {
                "doctor": gp[pk],
                "practice": practice[pk],
            }
        else:
            labels[pk] = _("liste uten fast lege ved %(practice)s") % {"practice": practice[pk]}
    return labels


def values_keys(model: Any) -> list[str]:
    """Snapshot columns in model order, without the id and the run."""
    return [f.attname for f in model._meta.concrete_fields if f.attname not in ("id", "run_id")]


def _chunks(items: Sequence[int] | list[int], size: int) -> Iterable[list[int]]:
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _as_date(value: Any) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))
