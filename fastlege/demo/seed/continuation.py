"""The demo lives in the present: ``fastlege demo_continue [--til ÅÅÅÅ-MM]``.

The seed (:mod:`.history`) ends with the calibrated state on 31.12.2025,
exactly KOSTRA 2025, and the run of December 2025. The continuation carries
the registry on from there, month by month, up to and including the last
completed month before the operator's date (``timezone.localdate()``), so the
statistics end last month, "fra i fjor" has a year to compare with and the
day counts are plausible. It never touches anything dated on or before
31.12.2025: the landing on KOSTRA stays exact.

For each month M after the last completed run:

1. the real monthly engine runs M (:func:`~fastlege.monthly.services.engine.run_month`,
   on M's 1st, as the operator would);
2. then the events *of* M are written, dated from M's 2nd to its last day, so
   they take effect in the run of M + 1 (the registry today holds last month's
   events and the requests waiting for the next run): births on the mother's
   list, deaths and emigrations, moves between the seeded municipalities,
   voluntary switches (via the waiting list where the wanted list is closed),
   waiting-list joins on closed lists, new residents arriving unassigned (the
   engine places them), and GPs leaving lists while vacant lists are taken over.

The events go through the history's own writer (``History._apply`` and
``History._ask``: population events, list places ended with their reason,
switch requests, waiting places) — there is one event writer, not two.

The trend after 2025: each municipality holds its 2025 level. Departures
balance births and arrivals, so the number on the lists holds; vacant lists
are taken over (the longest vacant first) so that each municipality keeps its
number of lists without a GP of 31.12.2025; ceilings are not changed. KOSTRA has no figure
after 2025 to extrapolate to, and a damped 2024→2025 change would move small
municipalities by whole lists at random; holding the level is the neutral
choice.

The volumes are the national rates of ``/work/shared/domain.md`` § 8 scaled to
the seeded municipalities by their list residents (:mod:`.targets`, shared with
the history); ``demo/tests/test_levels.py`` and ``test_continuation.py`` check
that each month stays in :data:`MOVES_BAND`, :data:`WAITING_BAND` and
:data:`UNASSIGNED_MAX`. Where the open lists' free places do not hold the
municipality's unassigned (every list closed), the municipality places those above
the target stock by hand (:meth:`_Month._place_by_hand`), so they do not creep up.
"""

from __future__ import annotations

import datetime
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import connection, transaction
from django.utils import timezone

from fastlege.core import audit
from fastlege.demo.seed.calendar import Calendar, month_first, month_index
from fastlege.demo.seed.history import (
    BIRTH_SHARE_PER_MONTH,
    IMMIGRATION_RATE,
    MOVE_RATE,
    WAITING_IF_CLOSED,
    History,
    leaving_status,
)
from fastlege.demo.seed.lists import (
    DOCTOR_FIELDS,
    IdCounter,
    ListContext,
    ListRows,
    NumberAllocator,
    _DoctorMaker,
)
from fastlege.demo.seed.people import (
    RESIDENT_FIELDS,
    ChunkSpec,
    NinAllocator,
    PeopleContext,
    generate_chunk,
)
from fastlege.demo.seed.plan import SeedPlan
from fastlege.demo.seed.runner import DEFAULT_STATE_DATE
from fastlege.demo.seed.targets import (
    ALL_MOVES_RATE,
    CATCH_UP,
    GP_LEAVING_RATE,
    MOVES_BAND,
    UNASSIGNED_ALLOWANCE,
    UNASSIGNED_MAX,
    UNASSIGNED_SHARE,
    VOLUNTARY_SWITCH_RATE,
    WAITING_BAND,
    WAITING_SHARE,
)
from fastlege.monthly.models import MonthRun
from fastlege.monthly.selectors import last_run_month
from fastlege.registry import periods, rules
from fastlege.registry.models import (
    Agreement,
    Doctor,
    DoctorPeriod,
    ListMembership,
    Practice,
    Resident,
    SwitchRequest,
    WaitingListEntry,
)
from fastlege.registry.services.citizen import counted_switches_of

Progress = Callable[[str], None]


@dataclass
class ContinueResult:
    months: list[datetime.date] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # month -> counts
    seconds: float = 0.0


def last_completed_month(today: datetime.date | None = None) -> datetime.date:
    """The 1st of the last month that has ended before ``today`` (the operator's date)."""
    today = today or timezone.localdate()
    return month_first(month_index(today) - 1)


def continue_demo(
    *,
    until: datetime.date | None = None,
    seed: int = 2026,
    progress: Progress | None = None,
) -> ContinueResult:
    """Run every month after the last completed run up to ``until``, with its events.

    ``until`` is a month's 1st (default :func:`last_completed_month`). Does nothing
    when the registry has no completed run (no seed with history) or is already there.
    Each month's run and its events are one transaction each.
    """
    say = progress or (lambda _msg: None)
    until = until or last_completed_month()
    started = time.monotonic()
    result = ContinueResult()
    last = last_run_month()
    if last is None:
        return result
    from fastlege.monthly.services.engine import run_month

    for index in range(month_index(last) + 1, month_index(until) + 1):
        month = month_first(index)
        if index == month_index(DEFAULT_STATE_DATE) + 1:
            # Straight after the calibrated state (31.12.2025): see _Month.write.
            with transaction.atomic():
                counts = _Month(seed, month, turn_of_year=True).write()
                audit.record(
                    None, "seed.continue_turn_of_year", None, month=f"{month:%Y-%m}", counts=counts
                )
        run = run_month(None, month, source=MonthRun.Source.SEED, today=month)
        with transaction.atomic():
            counts = _Month(seed, month).write()
            audit.record(None, "seed.continue_month", None, month=f"{month:%Y-%m}", counts=counts)
        result.months.append(month)
        result.counts[f"{month:%Y-%m}"] = counts
        say(
            f"{month:%Y-%m}: {run.run.moved} flyttinger, {counts['waiting']} nye på "
            f"venteliste, {run.seconds:.1f} s"
        )
    result.seconds = time.monotonic() - started
    return result


def last_completed_run() -> MonthRun | None:
    return MonthRun.objects.filter(status=MonthRun.Status.COMPLETED).order_by("-month").first()


def _rounded(rng: random.Random, x: float) -> int:
    """``x`` rounded at random to a whole number (its expectation is ``x``)."""
    whole = int(x)
    return whole + (rng.random() < x - whole)


class _Month:
    """The events of one month, written through the history's writer."""

    def __init__(self, seed: int, month: datetime.date, turn_of_year: bool = False) -> None:
        self.month = month
        self.turn_of_year = turn_of_year
        self.rng = random.Random(f"{seed}-continue-{month:%Y-%m}-{turn_of_year}")
        index = month_index(month)
        self.next_month = month_first(index + 1)
        # Run index 1 of a two-month "history" ending with the next month: the history
        # dates the events of run k in the month before it (History._day_in), here
        # ``month``, and they take effect in the next month's run.
        self.history = History(
            plan=cast(SeedPlan, None),
            months=2,
            seed=seed,
            calendar=Calendar(self.next_month),
            settle_newcomers=False,
        )
        self.next_id = _max_id(Resident) + 1
        self.postal: dict[str, list[str]] = {}
        self._served: set[int] | None = None

    def write(self) -> dict[str, int]:
        """The month's events, after its run (they take effect in the next run).

        ``turn_of_year``: before the first run after the calibrated state instead, on
        its 1st: the requests that run would have had (voluntary switches; the
        history's last run had to land on the end state, so nothing was asked after it)
        and the waiting places the landing had to end (those its last run could have
        served), up to the level.
        """
        rng, h = self.rng, self.history
        turn_of_year = self.turn_of_year
        k = 1
        # Who is on which list now (residents in the scheme, alive and here).
        rt, mt = Resident._meta.db_table, "registry_listmembership"
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT r.id, r.municipality_id, m.agreement_id, r.sex, "  # noqa: S608
                f"CAST(r.birth_date AS TEXT), r.household, r.postal_code_id, r.last_name "
                f"FROM {rt} r JOIN {mt} m "
                f"ON m.resident_id = r.id AND m.valid_to IS NULL "
                f"WHERE r.status = %s AND r.in_scheme ORDER BY r.id",
                [Resident.Status.RESIDENT],
            )
            listed = cur.fetchall()
        lists = list(
            Agreement.objects.filter(valid_to=None).values_list("pk", "municipality_id", "is_open")
        )
        by_muni: dict[str, list[tuple]] = defaultdict(list)
        for row in listed:
            by_muni[row[1]].append(row)
        lists_of: dict[str, list[tuple[int, bool]]] = defaultdict(list)
        for lid, number, is_open in lists:
            lists_of[number].append((lid, is_open))
            h.lists[lid] = (number, 0, 0)
        waiting_in: dict[str, int] = defaultdict(int)
        for number in WaitingListEntry.objects.filter(
            status=WaitingListEntry.Status.WAITING
        ).values_list("agreement__municipality_id", flat=True):
            waiting_in[number] += 1
        busy = set(
            WaitingListEntry.objects.filter(status=WaitingListEntry.Status.WAITING).values_list(
                "resident_id", flat=True
            )
        )
        numbers = sorted(n for n in by_muni if lists_of.get(n))
        # § 6: nobody asks for a switch that would go over the year's quota (the
        # registry's own count, as the switch service checks it).
        requested_on = self.next_month - datetime.timedelta(days=1)
        if self.turn_of_year:
            requested_on = self.month
        effective = self.month if self.turn_of_year else self.next_month
        year = rules.quota_year(requested_on, effective)
        used = counted_switches_of(
            SwitchRequest.objects.filter(counts_against_quota=True).values("resident_id"),
            requested_on,
            year,
        )
        at_quota = {rid for rid, n in used.items() if rules.switch_quota_used_up(n, effective)}
        # The unassigned after the run, per municipality.
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT r.municipality_id, COUNT(*) FROM {rt} r WHERE r.status = %s "  # noqa: S608
                f"AND r.in_scheme AND NOT EXISTS (SELECT 1 FROM {mt} m "
                f"WHERE m.resident_id = r.id AND m.valid_to IS NULL) GROUP BY r.municipality_id",
                [Resident.Status.RESIDENT],
            )
            unassigned_in: dict[str, int] = defaultdict(int, cur.fetchall())
        # Postal codes where list residents live, per municipality.
        codes: dict[str, set[str]] = defaultdict(set)
        for row in listed:
            if row[6]:
                codes[row[1]].add(row[6])
        postal = {number: sorted(c) for number, c in codes.items()}
        self.postal = postal

        free = self._free_places()
        taken: set[int] = set()  # one event a person a month
        joins: list[int] = []
        leaving_waiting: dict[str, int] = {}
        placed: list[int] = []
        births: dict[str, int] = {}
        arrivals: dict[str, int] = {}
        for number in numbers:
            people = by_muni[number]
            n = len(people)
            own_lists = lists_of[number]
            closed = [lid for lid, is_open in own_lists if not is_open]

            def pick(count: int, people: list[tuple] = people) -> list[tuple]:
                out: list[tuple] = []
                for _ in range(count * 3):
                    if len(out) >= count:
                        break
                    row = people[int(rng.random() * len(people))]
                    if row[0] not in taken and row[0] not in busy and row[0] not in at_quota:
                        taken.add(row[0])
                        out.append(row)
                return out

            if turn_of_year:
                births[number] = arrivals[number] = 0
                if len(own_lists) > 1:
                    room = [self._room(own_lists, free, unassigned_in[number])]
                    for row in pick(_rounded(rng, VOLUNTARY_SWITCH_RATE * n)):
                        self._switch(row, own_lists, free, joins, room)
                gap = WAITING_SHARE * n - waiting_in[number]
                if closed and gap > 0:
                    for row in pick(_rounded(rng, gap)):
                        choices = [lid for lid in closed if lid != row[2]]
                        if choices:
                            h.target[row[0]] = choices[int(rng.random() * len(choices))]
                            joins.append(row[0])
                continue
            births[number] = _rounded(rng, BIRTH_SHARE_PER_MONTH * n)
            # Fewer move in where the unassigned are above their target (no list to be
            # placed on); departures balance births and arrivals, so the level holds.
            excess = max(0.0, unassigned_in[number] - UNASSIGNED_SHARE * n)
            arrivals[number] = _rounded(rng, max(0.0, IMMIGRATION_RATE * n - excess * CATCH_UP))
            for row in pick(births[number] + arrivals[number]):
                age = (self.next_month - datetime.date.fromisoformat(str(row[4]))).days // 365
                h.depart[k].append((row[0], leaving_status(rng, age), h._day_in(rng, k)))
            others = [o for o in numbers if o != number and postal.get(o)]
            if others:
                for row in pick(_rounded(rng, MOVE_RATE * n)):
                    to = others[int(rng.random() * len(others))]
                    code = postal[to][int(rng.random() * len(postal[to]))]
                    h.moves[k].append((row[0], number, to, code, h._day_in(rng, k)))
            # The municipality places its unassigned: those the open lists' free places
            # do not hold (every list closed) above the target stock, by hand, from next
            # month (the run places only on a free place, step 4).
            short = self._placement_shortfall(n, unassigned_in[number], own_lists, free)
            if short > 0:
                placed += self._place_by_hand(number, short, own_lists)
            if len(own_lists) > 1:
                room = [self._room(own_lists, free, unassigned_in[number] + arrivals[number])]
                for row in pick(_rounded(rng, VOLUNTARY_SWITCH_RATE * n)):
                    self._switch(row, own_lists, free, joins, room)
            gap = WAITING_SHARE * n - waiting_in[number] if closed else -waiting_in[number]
            if gap > 0:
                for row in pick(_rounded(rng, gap * CATCH_UP)):
                    choices = [lid for lid in closed if lid != row[2]]
                    if choices:
                        h.target[row[0]] = choices[int(rng.random() * len(choices))]
                        joins.append(row[0])
            elif gap < 0:
                leaving_waiting[number] = _rounded(rng, -gap * CATCH_UP)

        if turn_of_year:
            on = timezone.make_aware(datetime.datetime.combine(self.month, datetime.time(10)))
            switches, waiting = h._ask(rng, h.switches[k], self.month, on, spread_days=0)
            _requests, joined = h._ask(
                rng, joins, self.month, on, waiting_if_closed=1.0, spread_days=0
            )
            return {"switch_requests": switches, "waiting": waiting + joined}
        # Newborns and new residents: rows first (not yet resident), then the history's
        # writer makes them arrive on their day (newborns on the mother's list, § 5).
        new_rows = self._newborns(by_muni, births) + self._arrivals(arrivals, numbers)
        Resident.objects.bulk_create([_resident(row) for row in new_rows], batch_size=1000)
        counts = h._apply(rng, k, defaultdict(list))
        now = timezone.make_aware(
            datetime.datetime.combine(
                self.next_month - datetime.timedelta(days=1), datetime.time(12)
            )
        )
        _requests, waiting = h._ask(rng, joins, self.next_month, now, waiting_if_closed=1.0)
        counts["placed_by_hand"], _none = h._ask(
            rng, placed, self.next_month, now, waiting_if_closed=0.0
        )
        counts["waiting"] += waiting
        counts["waiting_left"] = self._leave_waiting(leaving_waiting)
        counts["gps_left"], counts["lists_taken_over"] = self._turnover(numbers)
        _reset_sequences([Resident, Doctor, DoctorPeriod])
        return counts

    def _free_places(self) -> dict[int, int]:
        """Places left on each list as the last run left it (its snapshot), less the
        requests already waiting for the next run: what the switch service would offer
        (``registry.capacity``), and what the run's ceiling check counts."""
        from fastlege.monthly.models import ListMonthSnapshot
        from fastlege.registry import capacity

        run = last_completed_run()
        length = dict(
            ListMonthSnapshot.objects.filter(run=run).values_list("agreement_id", "length")
        )
        incoming: dict[int, int] = defaultdict(int)
        for to in capacity.incoming_requests().values_list("to_agreement_id", flat=True):
            incoming[to] += 1
        return {
            lid: capacity.free_places(ceiling, length.get(lid, ceiling) + incoming[lid])
            for lid, ceiling in Agreement.objects.filter(valid_to=None).values_list("pk", "ceiling")
        }

    def _served_by_last_run(self) -> set[int]:
        if self._served is None:
            from fastlege.monthly.models import MonthMove

            run = last_completed_run()
            self._served = set(
                MonthMove.objects.filter(
                    run=run, step__in=(MonthMove.Step.UNASSIGNED, MonthMove.Step.WAITING)
                ).values_list("to_agreement_id", flat=True)
            )
        return self._served

    @staticmethod
    def _placement_shortfall(
        n: int, unassigned: int, own_lists: list[tuple[int, bool]], free: dict[int, int]
    ) -> int:
        """How many of the municipality's unassigned neither the open lists' free places
        nor the target stock (UNASSIGNED_SHARE) hold."""
        open_room = sum(max(0, free.get(lid, 0)) for lid, is_open in own_lists if is_open)
        return unassigned - round(UNASSIGNED_SHARE * n) - open_room

    def _place_by_hand(
        self, number: str, count: int, own_lists: list[tuple[int, bool]]
    ) -> list[int]:
        """The municipality places ``count`` of its unassigned by hand (those who have
        waited longest first, Helfo's order): each on the list of the municipality with a
        regular GP that is least over its ceiling, as a placement (``tildeling``) from
        next month's 1st, which the run carries out as decided (step 3). The list's
        ceiling is not changed."""
        rt, mt = Resident._meta.db_table, "registry_listmembership"
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT r.id FROM {rt} r WHERE r.municipality_id = %s AND r.status = %s "  # noqa: S608
                f"AND r.in_scheme AND NOT EXISTS (SELECT 1 FROM {mt} m "
                f"WHERE m.resident_id = r.id AND m.valid_to IS NULL) "
                f"ORDER BY r.resident_since, r.id",
                [number, Resident.Status.RESIDENT],
            )
            waiting_longest = [row[0] for row in cur.fetchall()][:count]
        lids = [lid for lid, _open in own_lists]
        with_gp = set(
            DoctorPeriod.objects.filter(
                periods.in_force_on(self.next_month),
                role=DoctorPeriod.Role.REGULAR,
                agreement_id__in=lids,
            ).values_list("agreement_id", flat=True)
        )
        # Not onto a list the last run gave a place itself (steps 4–5): the run's ceiling
        # check, done again after the fact (``consistency_check``), counts the requests
        # waiting for the next run, and a run's own placement may not end above the
        # ceiling (monthly.rules.CEILING_EXCEPTIONS).
        served = self._served_by_last_run()
        lists = Agreement.objects.filter(
            pk__in=sorted((with_gp or set(lids)) - served), locked_by_hand=False
        )
        ceiling = dict(lists.values_list("pk", "ceiling"))
        length: dict[int, int] = defaultdict(int)
        for lid in ListMembership.objects.filter(
            agreement_id__in=sorted(ceiling), valid_to=None
        ).values_list("agreement_id", flat=True):
            length[lid] += 1
        if not ceiling:
            return []
        for rid in waiting_longest:
            to = min(ceiling, key=lambda lid: (length[lid] / max(1, ceiling[lid]), lid))
            length[to] += 1
            self.history.target[rid] = to
        return waiting_longest

    @staticmethod
    def _room(own_lists: list[tuple[int, bool]], free: dict[int, int], unassigned: int) -> int:
        """Free places on the open lists of a municipality left for switches: the
        unassigned there (and this month's arrivals) come first, as the engine places
        them before anyone switches in (a newcomer has a right to a place)."""
        return sum(free.get(lid, 0) for lid, is_open in own_lists if is_open) - unassigned

    def _switch(
        self,
        row: tuple,
        own_lists: list[tuple[int, bool]],
        free: dict[int, int],
        joins: list,
        room: list[int],
    ) -> None:
        """A voluntary switch to another list of the municipality, as the switch service
        allows it: onto a list with a free place (not one the municipality's unassigned
        need: ``room``); to a closed list via its waiting list (as often as the history's
        WAITING_IF_CLOSED); to a full open list not at all."""
        rng, h = self.rng, self.history
        choices = [(lid, is_open) for lid, is_open in own_lists if lid != row[2]]
        to, is_open = choices[int(rng.random() * len(choices))]
        h.target[row[0]] = to
        if is_open and free.get(to, 0) > 0 and room[0] > 0:
            free[to] -= 1
            room[0] -= 1
            h.switches[1].append(row[0])
        elif not is_open and rng.random() < WAITING_IF_CLOSED:
            joins.append(row[0])

    def _leave_waiting(self, leaving: dict[str, int]) -> int:
        """Above the target, some leave the waiting list (they gave up or chose otherwise)."""
        rng, h = self.rng, self.history
        ids: list[int] = []
        for number, count in sorted(leaving.items()):
            waiting = sorted(
                WaitingListEntry.objects.filter(
                    status=WaitingListEntry.Status.WAITING, agreement__municipality_id=number
                ).values_list("pk", flat=True)
            )
            ids += rng.sample(waiting, min(count, len(waiting)))
        by_day: dict[int, list[int]] = defaultdict(list)
        for pk in ids:
            by_day[h._day_in(rng, 1)].append(pk)
        for day, pks in sorted(by_day.items()):
            at = datetime.datetime.combine(datetime.date.fromordinal(day), datetime.time(15))
            WaitingListEntry.objects.filter(pk__in=pks).update(
                status=WaitingListEntry.Status.LEFT, ended_at=timezone.make_aware(at)
            )
        return len(ids)

    # -- people --------------------------------------------------------------

    def _newborns(self, by_muni: dict[str, list[tuple]], births: dict[str, int]) -> list[tuple]:
        rng, h = self.rng, self.history
        rows: list[tuple] = []
        nins = _FreshNins(self.month)
        cal = h.calendar
        from fastlege.demo.seed import names

        for number, count in sorted(births.items()):
            mothers = [
                r
                for r in by_muni[number]
                if r[3] == "K" and 20 <= (self.month - _date(r[4])).days // 365 <= 44
            ]
            for _ in range(count if mothers else 0):
                mother = mothers[int(rng.random() * len(mothers))]
                day = h._day_in(rng, 1)
                female = rng.random() < 0.49
                nin, _ordinal = nins.allocate(cal, day, female)
                pool = names.FEMALE[2] if female else names.MALE[2]
                iso = datetime.date.fromordinal(day).isoformat()
                rows.append(
                    (self.next_id, nin, rng.choice(pool), mother[7], iso, "K" if female else "M",
                     number, mother[6], mother[5], mother[0], None, True,
                     Resident.Status.EMIGRATED, iso, iso)
                )  # fmt: skip
                h.arrive[1].append((self.next_id, "fodt", day))
                self.next_id += 1
        return rows

    def _arrivals(self, arrivals: dict[str, int], numbers: list[str]) -> list[tuple]:
        """New residents (immigrants, people moving in from outside the area), unassigned."""
        rng, h = self.rng, self.history
        from fastlege.reference.models import Municipality

        centrality = dict(
            Municipality.objects.filter(pk__in=numbers).values_list("number", "centrality")
        )
        ctx = PeopleContext(
            calendar=h.calendar,
            # The generator's new residents are young adults (19–34).
            nins=_FreshNins(self.month - datetime.timedelta(days=36 * 366)),
            lists=[],
            lists_by_municipality={},
            next_resident_id=self.next_id,
            next_household=_max_id(Resident, "household") + 1,
        )
        rows: list[tuple] = []
        for number in numbers:
            count = arrivals.get(number, 0)
            if not count:
                continue
            spec = ChunkSpec(
                municipality=number,
                centrality=centrality.get(number),
                postal_codes=[(code, "") for code in self.postal.get(number, [])],
                people=count,
                slots=[],
                unassigned=count,
                opted_out=0,
                # Young adults living alone, as most who move here (the generator's
                # families need list places to be made).
                guests_only=True,
            )
            chunk, _memberships = generate_chunk(rng, spec, ctx)
            self.next_id = ctx.next_resident_id
            for row in chunk:
                born = datetime.date.fromisoformat(row[4]).toordinal()
                day = max(h._day_in(rng, 1), born)
                iso = datetime.date.fromordinal(day).isoformat()
                rows.append(row[:12] + (Resident.Status.EMIGRATED, iso, iso))
                h.arrive[1].append((row[0], "ny_innbygger", day))
        return rows

    # -- GPs -------------------------------------------------------------------

    def _turnover(self, numbers: list[str]) -> tuple[int, int]:
        """GPs leave lists (from next month's 1st); vacant lists are taken over.

        Each municipality holds its number of lists without a GP of 31.12.2025: as many
        vacant lists are taken over (the longest vacant first) as would otherwise put it
        above that number.
        """
        rng = self.rng
        vacant_2025: dict[str, int] = defaultdict(int)
        with_gp_2025 = set(
            DoctorPeriod.objects.filter(
                periods.in_force_on(DEFAULT_STATE_DATE), role=DoctorPeriod.Role.REGULAR
            ).values_list("agreement_id", flat=True)
        )
        for lid, number in Agreement.objects.filter(
            periods.in_force_on(DEFAULT_STATE_DATE)
        ).values_list("pk", "municipality_id"):
            if lid not in with_gp_2025:
                vacant_2025[number] += 1
        start = self.next_month
        regular = DoctorPeriod.Role.REGULAR
        open_periods = dict(
            DoctorPeriod.objects.filter(
                role=regular, valid_from__lte=start, valid_to=None, agreement__valid_to=None
            ).values_list("agreement_id", "pk")
        )
        vacant_since: dict[int, datetime.date] = {}
        for lid, ended in DoctorPeriod.objects.filter(role=regular).values_list(
            "agreement_id", "valid_to"
        ):
            if lid not in open_periods and ended is not None:
                vacant_since[lid] = max(ended, vacant_since.get(lid, ended))
        left: list[int] = []
        taken_over: list[int] = []
        for number in numbers:
            lids = sorted(
                Agreement.objects.filter(municipality_id=number, valid_to=None).values_list(
                    "pk", flat=True
                )
            )
            with_gp = [lid for lid in lids if lid in open_periods]
            vacant = sorted(
                (lid for lid in lids if lid not in open_periods),
                key=lambda lid: (vacant_since.get(lid, datetime.date.min), lid),
            )
            leaving = _rounded(rng, GP_LEAVING_RATE * len(with_gp))
            rng.shuffle(with_gp)
            left += with_gp[:leaving]
            over = len(vacant) + leaving - vacant_2025[number]
            taken_over += vacant[: max(0, min(len(vacant), over))]
        if left:
            DoctorPeriod.objects.filter(pk__in=[open_periods[lid] for lid in left]).update(
                valid_to=start, end_reason=DoctorPeriod.EndReason.RESIGNED
            )
        if taken_over:
            cal = Calendar(start)
            rows = ListRows()
            ctx = ListContext(
                calendar=cal,
                numbers=NumberAllocator(
                    rng,
                    set(Doctor.objects.values_list("hpr_number", flat=True)),
                    set(Practice.objects.values_list("org_number", flat=True)),
                ),
                practice_ids=IdCounter(0),
                doctor_ids=IdCounter(_max_id(Doctor) + 1),
                agreement_ids=IdCounter(0),
                period_ids=IdCounter(0),
                created_at=None,
            )
            maker = _DoctorMaker(rng, ctx, rows)
            doctors = [maker.make(rng.randint(30, 55), new_gp=True) for _ in taken_over]
            Doctor.objects.bulk_create(
                [Doctor(**dict(zip(DOCTOR_FIELDS, r, strict=True))) for r in rows.doctors]
            )
            DoctorPeriod.objects.bulk_create(
                [
                    DoctorPeriod(
                        agreement_id=lid,
                        doctor_id=doctor,
                        role=regular,
                        percentage=100,
                        valid_from=start,
                    )
                    for lid, doctor in zip(taken_over, doctors, strict=True)
                ]
            )
        return len(left), len(taken_over)


class _FreshNins(NinAllocator):
    """Synthetic identity numbers that no resident has yet."""

    def __init__(self, born_from: datetime.date) -> None:
        super().__init__()
        born = Resident.objects.filter(birth_date__gte=born_from)
        self._taken = set(born.values_list("nin", flat=True))

    def allocate(self, calendar: Calendar, ordinal: int, female: bool) -> tuple[str, int]:
        while True:
            number, ordinal = super().allocate(calendar, ordinal, female)
            if number not in self._taken:
                self._taken.add(number)
                return number, ordinal


def _date(value: Any) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def _max_id(model: Any, column: str = "id") -> int:
    from django.db.models import Max

    return int(model.objects.aggregate(m=Max(column))["m"] or 0)


def _reset_sequences(models: list[Any]) -> None:
    """After rows written with their own ids (PostgreSQL's sequences do not follow)."""
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql)


def _resident(row: tuple) -> Resident:
    values = dict(zip(RESIDENT_FIELDS, row, strict=True))
    for fk in ("municipality", "postal_code", "mother", "father"):
        values[f"{fk}_id"] = values.pop(fk)
    return Resident(**values)


__all__ = [
    "ALL_MOVES_RATE",
    "MOVES_BAND",
    "UNASSIGNED_ALLOWANCE",
    "UNASSIGNED_MAX",
    "WAITING_BAND",
    "GP_LEAVING_RATE",
    "UNASSIGNED_SHARE",
    "VOLUNTARY_SWITCH_RATE",
    "WAITING_SHARE",
    "ContinueResult",
    "continue_demo",
    "last_completed_month",
]
