"""The run's in-memory state and how it is loaded (read once, before step 1).

Lists (``ListState``), the people the run may touch (``Person``), the moves it
decides (``Move``) and everything it will write (``Outcome``). The state is read
with a handful of aggregate queries: one pass over residents and their open list
places (the census), one query for everyone with a request that takes effect or a
waiting place, the requests and waiting lists in their fixed order, the removal
decisions (§ 2 last paragraph) and the regular GP of each list.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Max
from django.utils import timezone

from fastlege.monthly import rules as monthly_rules
from fastlege.monthly.models import (
    MonthMove,
)
from fastlege.monthly.services.engine.months import next_month
from fastlege.reference.models import Municipality
from fastlege.registry import capacity
from fastlege.registry import rules as registry_rules
from fastlege.registry.models import (
    Agreement,
    DoctorPeriod,
    ListMembership,
    RemovalDecision,
    Resident,
    SwitchRequest,
    WaitingListEntry,
)
from fastlege.registry.periods import in_force, in_force_on
from fastlege.registry.rules import Address
from fastlege.registry.services.citizen import counted_switches_of, exemptions_of_members

Rule = MonthMove.Rule
Step = MonthMove.Step
MEnd = ListMembership.EndReason
MBegin = ListMembership.BeginReason
SReason = SwitchRequest.Reason
SStatus = SwitchRequest.Status
WStatus = WaitingListEntry.Status

BATCH = 2000


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
    incoming: int = 0  # pending moves onto the list due after the month: promised places

    @property
    def free(self) -> int:
        """Places the run may give away (steps 4–5): ``capacity.free_places``."""
        return capacity.free_places(self.ceiling, self.length, self.incoming)

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
    eligible_from: datetime.date | None = None  # see ``monthly.rules.eligible_from``


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
    # step 0: (change id, list, new ceiling, low ceiling approved)
    ceiling_changes: list[tuple[int, int, int, bool]] = field(default_factory=list)
    # Waiting-list moves of step 5 as applied switch requests (resident, from, to, the list
    # place left), so switches_counted sees them; whether each counts against the two a
    # year (pasientrettighetsforskriften § 6) is decided when they are written.
    waiting_switches: list[tuple[int, int | None, int, int | None]] = field(default_factory=list)
    left_scheme: int = 0
    switches_refused: int = 0


class EngineState:
    """The registry as the run sees it: lists, people, requests and waiting lists, read once
    with a handful of aggregate queries; every later step works on this in memory."""

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
        self.deferred: set[int] = set()  # requests due, kept for next month (not yet eligible)
        self.on_ended: set[int] = set()  # members of lists that have ended
        self.out = Outcome()
        self.listed_home: dict[tuple[int, str], int] = defaultdict(int)
        self.census: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # in scheme, opted out
        # People's rules (issue 14): D-number holders are placed by hand (domain brief § 3.1);
        # unassigned children and their parents (pasientrettighetsforskriften § 5);
        # Sami speakers first on a Sami GP's waiting list (fastlegeforskriften § 36);
        # the two-a-year rule for waiting-list moves (§ 6).
        self.d_number: set[int] = set()
        self.children: dict[int, tuple[datetime.date, int | None, int | None, Address]] = {}
        self.parents: dict[int, tuple[Address, int | None]] = {}  # id -> address, open list
        self.sami_area: dict[str, bool] = {}
        self.sami_speakers: set[int] = set()  # waiting on a § 36 list, who declared Sami
        self.sami_gp_lists: set[int] = set()  # lists whose regular GP speaks Sami
        self.quota_used: dict[int, int] = {}  # waiting resident -> counted switches this year
        self.exemption: dict[int, str] = {}  # waiting resident on a list -> exempt_from

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
                active=in_force(vf, vt, m),
            )
        for agreement_id, n in capacity.incoming_after(m).items():
            if agreement_id in self.lists:
                self.lists[agreement_id].incoming = n
        for number, auto, sami in Municipality.objects.values_list(
            "number", "automatic_placement", "sami_language_area"
        ):
            self.muni_auto[number] = auto
            self.sami_area[number] = sami
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
        for agreement_id, doctor_id, vf, pct, sami in (
            DoctorPeriod.objects.filter(in_force_on(m), role=DoctorPeriod.Role.REGULAR)
            .order_by("agreement_id", "-valid_from", "pk")
            .values_list(
                "agreement_id", "doctor_id", "valid_from", "percentage", "doctor__speaks_sami"
            )
        ):
            if agreement_id not in self.regular_gp and sami:
                self.sami_gp_lists.add(agreement_id)
            self.regular_gp.setdefault(agreement_id, (doctor_id, vf, pct))
        self._order_waiting_lists()
        self._load_quota()

    def _order_waiting_lists(self) -> None:
        """§ 36: on the waiting list of a Sami-speaking GP whose list is in the Sami language
        area, Sami speakers first, each group in order of joining
        (``registry.rules.waiting_queue_order``); every other list as joined."""
        priority = [
            list_id
            for list_id in self.waiting
            if (state := self.lists.get(list_id)) is not None
            and registry_rules.sami_priority_applies(
                list_id in self.sami_gp_lists,
                self.sami_area.get(state.municipality, False),
                self.month,
            )
        ]
        waiting_on = sorted({rid for list_id in priority for _entry, rid in self.waiting[list_id]})
        for chunk in _chunks(waiting_on, BATCH):
            self.sami_speakers.update(
                Resident.objects.filter(pk__in=chunk, speaks_sami=True).values_list("pk", flat=True)
            )
        for list_id in priority:
            entries = self.waiting[list_id]
            resident_of = dict(entries)
            order = registry_rules.waiting_queue_order(
                [(entry, rid in self.sami_speakers) for entry, rid in entries], sami_priority=True
            )
            self.waiting[list_id] = [(entry, resident_of[entry]) for entry in order]

    def _load_quota(self) -> None:
        """The two-a-year rule for waiting-list moves (pasientrettighetsforskriften § 6), as the
        services decide it (``counted_switches_of``, ``exemptions_of_members``): one query for
        the counted switches per waiting person in the month's year; the exemptions only of
        those whose quota is used (the only ones it can hold back). Whether a move counts is
        decided for the people moved, when the moves are written."""
        waiting = WaitingListEntry.objects.filter(status=WStatus.WAITING).values("resident_id")
        year = registry_rules.quota_year(self.month, self.month)
        self.quota_used = counted_switches_of(waiting, self.month, year)
        used_up = sorted(
            rid
            for rid, n in self.quota_used.items()
            if registry_rules.switch_quota_used_up(n, self.month)
        )
        self.exemption = {}
        for chunk in _chunks(used_up, BATCH):
            members = ListMembership.objects.filter(valid_to__isnull=True, resident_id__in=chunk)
            self.exemption.update(
                (rid, str(reason)) for rid, reason in exemptions_of_members(members).items()
            )

    def _load_people(self, leavers: list[int]) -> None:
        """The people the run may touch: leavers, requesters, the waiting, members of ended
        lists (the unassigned come from the census), each read once with their open list
        place. Requests and waiting places are read on their own, in their fixed order."""
        m = self.month
        mt, rt = ListMembership._meta.db_table, Resident._meta.db_table
        st, wt = SwitchRequest._meta.db_table, WaitingListEntry._meta.db_table
        person = (
            "r.id, r.municipality_id, r.status, r.in_scheme, m.id, m.agreement_id, m.valid_from, "
            "r.resident_since, r.in_scheme_since"
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
        for rid, muni, status, in_scheme, mid, agreement_id, mfrom, since, back in rows:
            if rid not in people:
                people[rid] = Person(
                    rid,
                    muni,
                    status == resident and bool(in_scheme),
                    agreement_id,
                    mid,
                    _as_date(mfrom),
                    eligible_from=monthly_rules.eligible_from(_as_date(since), _as_date(back)),
                )

    def _order_unassigned(self) -> None:
        """Longest waiting first: unassigned since the last list place ended, else since
        they became resident; ties by resident id (monthly rule ``unassigned_order``)."""
        ids = [p.id for p in self.people.values() if p.ok and p.list_id is None]
        last_end: dict[int, datetime.date] = {}
        since: dict[int, datetime.date | None] = {}
        child_age = int(registry_rules.param("child_age_self_decides", self.month))
        by_hand = bool(registry_rules.param("d_number_placed_by_hand", self.month))
        for chunk in _chunks(sorted(ids), BATCH):
            for rid, end in (
                ListMembership.objects.filter(resident_id__in=chunk)
                .values("resident_id")
                .annotate(end=Max("valid_to"))
                .values_list("resident_id", "end")
            ):
                if end is not None:
                    last_end[rid] = end
            for (
                rid,
                rsince,
                back,
                d_number,
                born,
                mother,
                father,
                household,
                code,
                muni,
            ) in Resident.objects.filter(pk__in=chunk).values_list(
                "pk",
                "resident_since",
                "in_scheme_since",
                "has_d_number",
                "birth_date",
                "mother_id",
                "father_id",
                "household",
                "postal_code_id",
                "municipality_id",
            ):
                since[rid] = rsince
                self.people[rid].eligible_from = monthly_rules.eligible_from(rsince, back)
                if d_number and by_hand:
                    self.d_number.add(rid)
                elif (mother or father) and registry_rules.age_on(born, self.month) < child_age:
                    self.children[rid] = (born, mother, father, Address(household, code, muni))
        far = datetime.date(1, 1, 1)
        for rid in ids:
            person = self.people[rid]
            candidates = [d for d in (last_end.get(rid), since.get(rid)) if d is not None]
            person.unassigned_since = max(candidates) if candidates else far
        for rid in sorted(ids, key=lambda r: (self.people[r].unassigned_since, r)):
            if rid not in self.d_number:  # placed by hand only (``d_number_placed_by_hand``)
                self.unassigned[self.people[rid].municipality].append(rid)
        self._unassigned_pos: dict[str, int] = defaultdict(int)
        self._load_parents()

    def _load_parents(self) -> None:
        """The unassigned children's parents: address and open list place, one query per
        chunk of parents (pasientrettighetsforskriften § 5)."""
        parent_ids = sorted(
            {
                p
                for _born, mother, father, _a in self.children.values()
                for p in (mother, father)
                if p is not None
            }
        )
        mt, rt = ListMembership._meta.db_table, Resident._meta.db_table
        with connection.cursor() as cur:
            for chunk in _chunks(parent_ids, BATCH):
                marks = ",".join(["%s"] * len(chunk))
                cur.execute(
                    f"SELECT r.id, r.household, r.postal_code_id, r.municipality_id, "  # noqa: S608
                    f"m.agreement_id FROM {rt} r LEFT JOIN {mt} m "
                    f"ON m.resident_id = r.id AND m.valid_to IS NULL WHERE r.id IN ({marks})",
                    chunk,
                )
                for rid, household, code, muni, agreement_id in cur.fetchall():
                    self.parents[rid] = (Address(household, code, muni), agreement_id)

    def may_be_placed(self, person: Person) -> bool:
        """Someone without a list place is placed only if eligible by the 1st (a late run
        never dates a place before the person arrived or opted back in)."""
        return person.list_id is not None or monthly_rules.may_be_placed(
            person.eligible_from, self.month
        )

    def listed_count(self) -> int:
        return sum(s.length for s in self.lists.values())

    def unassigned_count(self) -> int:
        return sum(1 for p in self.people.values() if p.ok and p.list_id is None)


def _chunks(items: Sequence[int] | list[int], size: int) -> Iterable[list[int]]:
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _as_date(value: Any) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))
