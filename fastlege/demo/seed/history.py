"""History for the demo: ``fastlege seed --months N``.

The seed builds the calibrated registry as it stands on the state date,
31.12.2025 by default: KOSTRA's day (``fastlege.stats.kostra.kostra_day``) —
the *end state*, exactly KOSTRA's figures. With ``--months
N`` it does not write that state directly but a *start state* N months
earlier, and then carries it forward month by month with the real monthly
engine (:func:`fastlege.monthly.services.engine.run_month`), applying each
month's events before the run:

* arrivals: newborns (on the mother's list, § 5) and immigrants (placed on
  their list of the end state as they arrive); everybody who is on a list at the end but
  born or arrived during the history is absent at the start;
* deaths and emigrations: extra residents who are on lists at the start and
  leave during the history (their list place ends);
* moves between municipalities: some residents lived in another seeded
  municipality at the start and move to their end municipality;
* ordinary switches, and waiting-list places where the wanted list is closed;
  newcomers the engine placed on another list than the one they have at the
  end switch (or wait) later;
* GPs leaving and new GPs taking lists over: each list's regular-GP periods
  inside the history window are redrawn so that the share of list residents
  on lists without a GP follows the municipality's trend; lists that started
  during the history (agreement start) are empty before they start.

The trend (``fastlege_kommune_trend.csv``: share without GP and mean list
length per year, as of 31 December) is interpolated month by month. The
number of residents on each municipality's lists at the start is set from
it, and arrivals and departures are spread so that the count follows it.

List ceilings follow the trend's reserve capacity: before each run they are
set (the end ceilings times one factor per municipality and month), recorded
as applied ceiling changes, and restored to the end ceilings for the last run.

The landing on the end state is spread over the last runs: in each of them a
share of the residents not yet on their end list ask for it. The last month
(the run of December of the reference year) lands exactly on the end state:
before it, everybody whose list still differs from the end state gets a
switch request (or a placement) that takes effect in that run, and the waiting
places that run could serve are ended (the others stay: the waiting lists hold
their level across the turn of the year, :meth:`History._top_up_waiting`). The
residents who are unassigned at the
end arrive during that last month, after its run, as in the seed without
history. Every other event of the last month, whatever its day in December
(a birth on the 20th: on the mother's list from that day), is written before
that run, and nothing is dated after the state date, so the landing is in
force on 31.12: the last month's snapshot, the registry on 31.12 and the
registry on 1 January before its run all give KOSTRA's figures exactly; the
months before follow the trend approximately (docs/monthly-update.md).

After the seed, ``fastlege demo_continue`` (:mod:`.continuation`) carries the
registry on from the state date, month by month with this module's event
writer and the real engine, up to the last completed month before today; it
writes nothing dated on or before the state date, so the landing stays exact.

What is not varied: substitutes. The events are written in bulk as the
population-register and switch services would record them (status, list
places ended with their reason, population events, switch requests, waiting
places), with one audit event per month, not one per person; each month's
run is the engine's own (audited, with its moves and snapshots).
"""

from __future__ import annotations

import datetime
import random
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from fastlege.core import audit
from fastlege.demo.seed.calendar import Calendar, month_first, month_index
from fastlege.demo.seed.lists import ListInfo, ListRows, _DoctorMaker
from fastlege.demo.seed.plan import SeedPlan
from fastlege.demo.seed.targets import CATCH_UP, WAITING_SHARE
from fastlege.reference.models import KostraGpTrend
from fastlege.registry import capacity, rules
from fastlege.registry.models import (
    Agreement,
    CeilingChange,
    ListMembership,
    PopulationEvent,
    Resident,
    SwitchRequest,
    WaitingListEntry,
)

# Per month, as a share of the residents on a municipality's lists.
IMMIGRATION_RATE = 0.002  # arrivals besides newborns (immigrants, people moving in)
MIN_LEAVING_RATE = 0.0008  # deaths and emigration at least
SWITCH_RATE = 0.001  # ordinary switches (helsenorge: about 4 % a year switch)
MOVE_RATE = 0.001  # moves between seeded municipalities
BIRTH_SHARE_PER_MONTH = 0.0009  # newborns, to size the other arrivals
WAITING_IF_CLOSED = 0.6  # a switch to a closed list goes via its waiting list this often
# Months after arriving until a newcomer placed on another list asks for the end one.
SETTLE_MONTHS = (1, 6)
# Runs before the last in which those not yet on their end list are asked to move there
# (a share each month), so that the last run is not one large move: at least this many,
# and a third of the history when it is longer (more is left to land after 36 months).
LANDING_MONTHS = 4

# How near the history must come to the trend is stated in its test
# (demo/tests/test_history.py), not here.

Progress = Callable[[str], None]


ROLE_STAY, ROLE_ARRIVE, ROLE_SWITCH = 0, 1, 2


def _iso_month(iso: str) -> int:
    return int(iso[:4]) * 12 + int(iso[5:7]) - 1


@dataclass
class Trend:
    """Monthly targets of one municipality for the history window (index 0 = first run)."""

    share: list[float]  # per cent of list residents on lists without a GP
    mean: list[float] | None  # mean list length of lists with a GP (None: keep the end value)
    # reserve capacity: sum of ceilings / residents on lists with a GP × 100 (None: keep)
    reserve: list[float] | None = None


def load_trends(subset: list[str], first_month: int, months: int) -> dict[str, Trend]:
    """Yearly trend values interpolated month by month (a year's value holds on 31 December)."""
    yearly: dict[str, list[tuple[int, float | None, float | None, float | None]]] = defaultdict(
        list
    )
    for number, year, share, mean, reserve in (
        KostraGpTrend.objects.filter(municipality_id__in=subset)
        .order_by("municipality_id", "year")
        .values_list(
            "municipality_id",
            "year",
            "share_without_gp_pct",
            "mean_list_length",
            "reserve_capacity",
        )
    ):
        yearly[number].append(
            (
                year * 12 + 11,
                None if share is None else float(share),
                mean and float(mean),
                reserve and float(reserve),
            )
        )

    def series(points: list[tuple[int, float]]) -> list[float] | None:
        if not points:
            return None
        xs = [p[0] for p in points]
        out = []
        for k in range(months):
            m = first_month + k
            i = bisect_left(xs, m)
            if i == 0:
                out.append(points[0][1])
            elif i >= len(xs):
                out.append(points[-1][1])
            elif xs[i] == m:
                out.append(points[i][1])
            else:
                (x0, y0), (x1, y1) = points[i - 1], points[i]
                out.append(y0 + (y1 - y0) * (m - x0) / (x1 - x0))
        return out

    trends: dict[str, Trend] = {}
    for number in subset:
        rows = yearly.get(number, [])
        shares = series([(m, s) for m, s, _v, _r in rows if s is not None])
        means = series([(m, v) for m, _s, v, _r in rows if v])
        reserves = series([(m, r) for m, _s, _v, r in rows if r])
        if shares is not None or means is not None or reserves is not None:
            trends[number] = Trend(shares or [], means, reserves)
    return trends


def vacancy_timeline(
    rng: random.Random,
    lists: list[tuple[int, int, int, bool]],
    share: list[float] | None,
    months: int,
) -> dict[int, list[bool]]:
    """Which lists are without a regular GP in each month of the window.

    ``lists``: (id, start index in the window, length at the end, vacant at the
    end). The last month is the end state. Going back a month at a time, lists
    get or lose their vacancy (a GP who left, a new GP who took over) so that
    the residents on lists without a GP come as near the trend as whole lists
    allow.
    """
    vac = {lid: [False] * months for lid, *_ in lists}
    current = {lid for lid, _s, _len, vacant in lists if vacant}
    for lid in current:
        vac[lid][months - 1] = True
    length = {lid: n for lid, _s, n, _v in lists}
    for k in range(months - 2, -1, -1):
        active = [lid for lid, start, _n, _v in lists if start <= k]
        active_set = set(active)
        current &= active_set
        if share is not None and active:
            total = sum(length[lid] for lid in active)
            target = share[k] / 100 * total
            cur = sum(length[lid] for lid in current)
            with_gp = [length[lid] for lid in active if lid not in current]
            typical = sum(with_gp) / len(with_gp) if with_gp else 0
            # One direction a month: fewer vacant (a vacancy that started after this
            # month) or more (a GP who took over after it). Lists near the typical
            # length first, so the mean list length moves as little as possible.
            if cur > target:
                pool, sign = sorted(current), -1
            else:
                pool, sign = sorted(active_set - current), 1
            rng.shuffle(pool)
            pool.sort(key=lambda lid: abs(length[lid] - typical))
            for lid in pool:
                if (cur > target) != (sign < 0) or cur == target:
                    break
                if abs(cur + sign * length[lid] - target) < abs(cur - target):
                    (current.discard if sign < 0 else current.add)(lid)
                    cur += sign * length[lid]
        for lid in current:
            vac[lid][k] = True
    return vac


def _segments(flags: list[bool], first: int) -> list[tuple[int, int | None, bool]]:
    """Runs of equal flags from index ``first``: (start, end or None for the last, vacant)."""
    out: list[tuple[int, int | None, bool]] = []
    start = first
    for k in range(first + 1, len(flags) + 1):
        if k == len(flags) or flags[k] != flags[start]:
            out.append((start, k if k < len(flags) else None, flags[start]))
            start = k
    return out


@dataclass
class _Person:
    home: str
    list_id: int  # at the end; 0 = none


@dataclass
class History:
    """The plan of the history and, after the rows are written, its execution."""

    plan: SeedPlan
    months: int
    seed: int
    calendar: Calendar
    first: int = 0  # month index of the first run
    trends: dict[str, Trend] = field(default_factory=dict)
    # agreement id -> (municipality, start index in the window, length at the end)
    lists: dict[int, tuple[str, int, int]] = field(default_factory=dict)
    start_lists: dict[str, list[int]] = field(default_factory=dict)  # active at the start
    list_index: dict[int, int] = field(default_factory=dict)  # agreement id -> seed list index
    members_target: dict[str, list[float]] = field(default_factory=dict)
    arrival_rate: dict[str, float] = field(default_factory=dict)
    arrivals: dict[str, list[int]] = field(default_factory=dict)  # per window index
    # events per window index (applied before that month's run)
    arrive: dict[int, list[tuple[int, str, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )  # (resident, kind, day ordinal)
    depart: dict[int, list[tuple[int, str, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )  # (resident, status, day ordinal)
    moves: dict[int, list[tuple[int, str, str, str | None, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )  # (resident, from, to, postal code, day ordinal)
    switches: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    last_arrivals: list[tuple[int, int]] = field(default_factory=list)  # after the last run
    target: dict[int, int] = field(default_factory=dict)  # resident -> list at the end
    leavers: int = 0
    vacant: dict[int, list[bool]] = field(default_factory=dict)  # list -> without a GP, per month
    end_with_gp: dict[str, int] = field(default_factory=dict)  # on lists with a GP at the end
    ceiling_changes: int = 0
    # Newcomers placed on another list than their end list ask for it later (the
    # history); the continuation (.continuation) has no end state to reach.
    settle_newcomers: bool = True
    _full: set[int] | None = None  # lists without a free place in the end state

    def __post_init__(self) -> None:
        # The runs end with the state date's month: December 2025 for 31.12.2025.
        self.first = self.calendar.state_month - self.months + 1
        # No plan: the continuation (.continuation), which only writes events.
        if self.plan is not None:
            self.trends = load_trends(self.plan.subset, self.first, self.months)
        self.first_iso = self.calendar.month_iso(self.first)
        self.first_ordinal = month_first(self.first).toordinal()

    @property
    def run_months(self) -> list[datetime.date]:
        return [month_first(self.first + k) for k in range(self.months)]

    def _day_in(self, rng: random.Random, k: int) -> int:
        """A day ordinal in the month before run ``k`` (the events of that month)."""
        start = month_first(self.first + k - 1).toordinal() + 1  # not the 1st: runs start then
        end = month_first(self.first + k).toordinal()
        return start + int(rng.random() * (end - start))

    # -- lists -------------------------------------------------------------

    def shape_lists(
        self,
        rng: random.Random,
        number: str,
        infos: list[ListInfo],
        rows: ListRows,
        first_period: int,
        doctors: _DoctorMaker,
    ) -> None:
        """Redraw the regular-GP periods of one municipality's lists inside the window."""
        n = self.months
        spec = []
        for info in infos:
            start = max(0, info.valid_from_month - self.first)
            self.lists[info.id] = (number, start, info.length)
            if start == 0:
                self.start_lists.setdefault(number, []).append(info.id)
            spec.append((info.id, start, info.length, not info.has_gp))
        trend = self.trends.get(number)
        share = trend.share if trend and trend.share else None
        vac = vacancy_timeline(rng, spec, share, n)
        self.vacant.update(vac)
        self.end_with_gp[number] = sum(info.length for info in infos if info.has_gp)

        periods = rows.periods[first_period:]
        by_list: dict[int, list[tuple]] = defaultdict(list)
        others: list[tuple] = []
        for p in periods:
            (by_list[p[1]] if p[3] == "LPFL" else others).append(p)
        new: list[tuple] = []
        first = self.first
        iso = self.calendar.month_iso
        for info in infos:
            regular = sorted(by_list.get(info.id, []), key=lambda p: p[6])
            start = self.lists[info.id][1]
            kept = [p for p in regular if p[7] is not None and _iso_month(p[7]) <= first]
            cover = next(
                (
                    p
                    for p in regular
                    if _iso_month(p[6]) <= first and (p[7] is None or _iso_month(p[7]) > first)
                ),
                None,
            )
            current = next((p for p in regular if p[7] is None), None)
            cover_is_current = cover is not None and cover is current
            segments = _segments(vac[info.id], start)
            used_cover = False
            out = list(kept)

            def period(
                doctor: int,
                a: int,
                b: int | None,
                reason: str,
                pct: int = 100,
                out: list[tuple] = out,
                info: ListInfo = info,
            ) -> None:
                if b is not None and b <= a:
                    return
                out.append(
                    (0, info.id, doctor, "LPFL", None, pct, iso(a), iso(b) if b else None, reason)
                )

            def new_doctor(
                a: int, info: ListInfo = info, kept: list[tuple] = kept
            ) -> tuple[int, int]:
                lower = max([info.valid_from_month] + [_iso_month(p[7]) for p in kept])
                since = a if a > first else max(lower, first - rng.randint(6, 120))
                return doctors.make(
                    rng.randint(40, 66) + (self.calendar.state_month - a) // 12
                ), since

            for a_rel, b_rel, vacant in segments:
                a = first + a_rel
                b = None if b_rel is None else first + b_rel
                at_start = a_rel == 0 and a_rel == start
                if vacant:
                    if at_start and cover is not None and not used_cover:
                        # The GP of the start had left by then.
                        used_cover = True
                        if _iso_month(cover[6]) < first:
                            doctor = new_doctor(a)[0] if cover_is_current else cover[2]
                            period(doctor, _iso_month(cover[6]), first, cover[8] or "sluttet")
                    continue
                last = b is None
                if last:
                    assert current is not None  # the end state has a GP here
                    cur_from = _iso_month(current[6])
                    if at_start and cover_is_current:
                        out.append(current)
                        used_cover = True
                        continue
                    if cur_from > a:
                        # Someone held the list until the end GP took it over.
                        if at_start and cover is not None and not cover_is_current:
                            period(cover[2], _iso_month(cover[6]), cur_from, "overtatt")
                            used_cover = True
                        else:
                            doctor, since = new_doctor(a)
                            period(doctor, since, cur_from, "overtatt")
                        out.append(current)
                    else:
                        out.append(current[:6] + (iso(a),) + current[7:])
                    continue
                if at_start and cover is not None and not cover_is_current and not used_cover:
                    used_cover = True
                    period(cover[2], _iso_month(cover[6]), b, "sluttet", cover[5])
                else:
                    doctor, since = new_doctor(a)
                    if at_start and cover is not None and cover_is_current:
                        used_cover = True
                        since = _iso_month(cover[6])
                    period(doctor, since, b, rng.choice(("sluttet", "sluttet", "alder")))
            new.extend(out)
        # Re-number the periods of this municipality in the order they came.
        ids = [p[0] for p in periods]
        extra = len(new) + len(others) - len(ids)
        for _ in range(max(0, extra)):
            ids.append(doctors.ctx.period_ids.take())
        ids.sort()
        merged = others + new
        rows.periods[first_period:] = [(pid, *p[1:]) for pid, p in zip(ids, merged, strict=False)]

        # Residents on the lists month by month: mean list length × lists with a GP,
        # divided by the share on lists with a GP.
        end_total = sum(info.length for info in infos)
        gp_lists = [info.length for info in infos if info.has_gp]
        targets: list[float] = []
        mean = trend.mean if trend else None
        # Anchored on the end: the end's mean list length over the trend's last value.
        scale = (sum(gp_lists) / len(gp_lists) / mean[n - 1]) if mean and gp_lists else 1.0
        for k in range(n):
            with_gp = sum(1 for lid, st, _n, _v in spec if st <= k and not vac[lid][k])
            on_vacant = sum(ln for lid, st, ln, _v in spec if st <= k and vac[lid][k])
            if k == n - 1 or not mean:
                targets.append(float(end_total))
                continue
            targets.append(mean[k] * scale * with_gp + on_vacant * mean[k] / mean[n - 1])
        self.members_target[number] = targets
        start_target = targets[0]
        leaving = MIN_LEAVING_RATE * n
        births = BIRTH_SHARE_PER_MONTH * n
        needed = (end_total - start_target) / end_total + leaving - births if end_total else 0
        self.arrival_rate[number] = min(0.5, max(IMMIGRATION_RATE * n, needed))

    # -- people ------------------------------------------------------------

    def shape_people(
        self,
        rng: random.Random,
        residents: list[tuple],
        memberships: list[tuple],
        in_subset: bool,
        postal_codes: dict[str, list[str]],
    ) -> tuple[list[tuple], list[tuple]]:
        """Turn a batch of end-state rows into start-state rows and record their events."""
        n = self.months
        first_iso = self.first_iso
        open_of: dict[int, int] = {}
        for i, m in enumerate(memberships):
            if m[3] is None:
                open_of[m[0]] = i
        drop: set[int] = set()  # residents whose membership rows are all dropped
        swap: dict[int, int] = {}  # resident -> list at the start
        subset = self.plan.subset
        out_residents: list[tuple] = []
        for row in residents:
            rid, home = row[0], row[6]
            at = open_of.get(rid)
            if at is None:
                if row[11]:  # in the scheme, unassigned at the end: arrives after the last run
                    day = self._day_in(rng, n)
                    iso = datetime.date.fromordinal(day).isoformat()
                    row = row[:12] + ("utvandret", iso, iso)
                    self.last_arrivals.append((rid, day))
                    drop.add(rid)
                out_residents.append(row)
                continue
            agreement = memberships[at][1]
            self.target[rid] = agreement
            number, list_start, _len = self.lists[agreement]
            born = datetime.date.fromisoformat(row[4]).toordinal()
            if n > 1 and born >= self.first_ordinal:
                k = max(
                    1, min(n - 1, month_index(datetime.date.fromordinal(born)) + 1 - self.first)
                )
                self.arrive[k].append((rid, "fodt", born))
                self._count_arrival(number, k)
                row = row[:12] + ("utvandret", row[4], row[4])
                drop.add(rid)
                out_residents.append(row)
                continue
            r = rng.random()
            rate = self.arrival_rate.get(number, 0.0)
            others = [x for x in self.start_lists.get(number, ()) if x != agreement]
            if n > 1 and ((home == number and r < rate) or (list_start > 0 and not others)):
                # From the first run on (k = 0: arrived in the month before it).
                k = rng.randint(list_start, n - 1)
                day = self._day_in(rng, k)
                iso = datetime.date.fromordinal(day).isoformat()
                self.arrive[k].append((rid, "ny_innbygger", day))
                self._count_arrival(number, k)
                row = row[:12] + ("utvandret", iso, iso)
                drop.add(rid)
                out_residents.append(row)
                continue
            if n > 1 and others and (list_start > 0 or r < rate + SWITCH_RATE * n):
                swap[rid] = others[int(rng.random() * len(others))]
                # From the first run on (k = 0: asked in the month before it), so that the
                # first month is not a month without switches.
                k = rng.randint(list_start, n - 1)
                self.switches[k].append(rid)
            elif n > 1 and in_subset and len(subset) > 1 and rng.random() < MOVE_RATE * n:
                before = subset[int(rng.random() * len(subset))]
                codes = postal_codes.get(before)
                if before != home and codes:
                    k = rng.randint(1, n - 1)
                    self.moves[k].append((rid, before, home, row[7], self._day_in(rng, k)))
                    row = row[:6] + (before, codes[int(rng.random() * len(codes))]) + row[8:]
            out_residents.append(row)

        out_memberships: list[tuple] = []
        for m in memberships:
            rid = m[0]
            if rid in drop:
                continue
            vf, vt = m[2], m[3]
            if vt is None:
                agreement = swap.get(rid, m[1])
                out_memberships.append((rid, agreement, min(vf, first_iso), None, m[4], m[5]))
            elif vt <= first_iso:
                out_memberships.append(m)
            elif vf < first_iso:
                out_memberships.append((rid, m[1], vf, first_iso, m[4], m[5]))
        return out_residents, out_memberships

    def _count_arrival(self, number: str, k: int) -> None:
        if number not in self.arrivals:
            self.arrivals[number] = [0] * self.months
        self.arrivals[number][k] += 1

    def leaver_specs(self) -> list[tuple[str, int, list[int]]]:
        """(municipality, count, list index per person) of the residents who leave."""
        out = []
        for number in self.plan.subset:
            targets = self.members_target.get(number)
            if not targets:
                continue
            end_total = targets[-1]
            arrived = sum(self.arrivals.get(number, ()))
            count = max(0, round(targets[0] - end_total + arrived))
            lists = self.start_lists.get(number, [])
            room = {lid: self.lists[lid][2] for lid in lists}
            total = sum(room.values())
            if not count or not total:
                continue
            slots: list[int] = []
            for lid in lists:
                slots.extend([self.list_index[lid]] * (count * room[lid] // total))
            while len(slots) < count:
                slots.append(self.list_index[lists[len(slots) % len(lists)]])
            out.append((number, count, slots))
        return out

    def shape_leavers(
        self, rng: random.Random, number: str, residents: list[tuple], memberships: list[tuple]
    ) -> tuple[list[tuple], list[tuple]]:
        """Residents on lists at the start who die or emigrate during the history."""
        n = self.months
        targets = self.members_target[number]
        # Cumulative departures so that the residents on the lists follow the targets.
        arrivals_by_k = self.arrivals.get(number) or [0] * n
        born_after = {r[0] for r in residents if r[4] >= self.first_iso}
        people = [r for r in residents if r[0] not in born_after]
        total = len(people)
        schedule: list[int] = []
        cum_a = arrivals_by_k[0]  # those who arrived before the first run
        prev = 0
        for k in range(1, n):
            cum_a += arrivals_by_k[k]
            want = cum_a - round(targets[k] - targets[0]) if k < n - 1 else total
            want = min(total, max(prev, want))
            schedule.extend([k] * (want - prev))
            prev = want
        schedule.extend([n - 1] * (total - len(schedule)))
        rng.shuffle(people)
        for row, k in zip(people, schedule, strict=False):
            age = (self.first_ordinal - datetime.date.fromisoformat(row[4]).toordinal()) // 365
            self.depart[k].append((row[0], leaving_status(rng, age), self._day_in(rng, k)))
        self.leavers += total
        keep = [r for r in residents if r[0] not in born_after]
        members = []
        for m in memberships:
            if m[0] in born_after or m[3] is not None:
                continue
            members.append((m[0], m[1], min(m[2], self.first_iso), None, m[4], m[5]))
        return keep, members

    # -- running -----------------------------------------------------------

    def run(self, say: Progress) -> list[Any]:
        """Apply each month's events and run the engine for it; the last lands on the end."""
        from fastlege.monthly.models import MonthRun
        from fastlege.monthly.services.engine import run_month

        runs = []
        rng = random.Random(f"{self.seed}-history-run")
        settle: dict[int, list[int]] = defaultdict(list)
        self._end_ceiling = dict(
            Agreement.objects.filter(pk__in=sorted(self.lists)).values_list("pk", "ceiling")
        )
        for k, month in enumerate(self.run_months):
            counts: dict[str, int] = {}
            if self.months > 1:
                # The events of the month before the run (for the first run: the month
                # before the history, so that it is not a month without events).
                counts = self._apply(rng, k, settle)
            counts["waiting_joined"] = self._top_up_waiting(rng, k, month)
            if k == self.months - 1:
                counts["landing"] = self._land(month)
            elif k >= self.months - 1 - max(LANDING_MONTHS, self.months // 3):
                # Spread the landing: a share of those not yet on their end list ask now.
                counts["landing"] = self._land_part(rng, k, month, settle)
            counts["ceiling_changes"] = self._ceilings(k, month)
            audit.record(None, "seed.history_month", None, month=f"{month:%Y-%m}", counts=counts)
            # Each month is run on its 1st, as the operator would (independent of the clock).
            result = run_month(None, month, source=MonthRun.Source.SEED, today=month)
            runs.append(result.run)
            say(f"{month:%Y-%m}: {result.run.moved} flyttinger, {result.seconds:.1f} s")
        self._arrive(self.last_arrivals, "ny_innbygger")
        return runs

    def _ceilings(self, k: int, month: datetime.date) -> int:
        """Set the ceilings for run ``k`` so that the reserve capacity follows the trend.

        Reserve capacity (KOSTRA): sum of the ceilings of the active lists / residents
        on lists with a GP × 100. The ceilings of the end state are scaled by one
        factor per municipality and month; the target is the trend anchored on the
        end state's own figure (as for the mean list length). The last run has the
        end state's ceilings. Changes after the first run are recorded as applied
        ceiling changes (§§ 10–11), as the ceiling service would record them.
        """
        n = self.months
        low, high = rules.ceiling_limits()
        want: dict[int, int] = {}
        if k == n - 1:
            want = dict(self._end_ceiling)
        else:
            lengths: dict[int, int] = defaultdict(int)
            for agreement, count in (
                ListMembership.objects.filter(valid_to=None)
                .values("agreement_id")
                .annotate(c=Count("pk"))
                .values_list("agreement_id", "c")
            ):
                lengths[agreement] = count
            by_muni: dict[str, list[int]] = defaultdict(list)
            for lid, (number, start, _len) in self.lists.items():
                if start <= k:
                    by_muni[number].append(lid)
            for number, lids in by_muni.items():
                trend = self.trends.get(number)
                end_with_gp = self.end_with_gp.get(number, 0)
                end_sum = sum(
                    c for lid, c in self._end_ceiling.items() if self.lists[lid][0] == number
                )
                if not trend or not trend.reserve or not end_with_gp or not end_sum:
                    continue
                anchor = 100 * end_sum / end_with_gp / trend.reserve[n - 1]
                with_gp = sum(lengths[lid] for lid in lids if not self.vacant[lid][k])
                base = sum(self._end_ceiling[lid] for lid in lids)
                if not with_gp or not base:
                    continue
                factor = trend.reserve[k] * anchor / 100 * with_gp / base
                for lid in lids:
                    want[lid] = min(high, max(low, round(self._end_ceiling[lid] * factor)))
        have = dict(Agreement.objects.filter(pk__in=sorted(want)).values_list("pk", "ceiling"))
        changed = {lid: c for lid, c in want.items() if have.get(lid) != c}
        if not changed:
            return 0
        objs = [Agreement(pk=lid, ceiling=c) for lid, c in sorted(changed.items())]
        Agreement.objects.bulk_update(objs, ["ceiling"], batch_size=500)
        if k > 0:
            decided = timezone.make_aware(
                datetime.datetime.combine(month - datetime.timedelta(days=1), datetime.time(12))
            )
            CeilingChange.objects.bulk_create(
                [
                    CeilingChange(
                        agreement_id=lid,
                        old_ceiling=have[lid],
                        new_ceiling=c,
                        requested_on=month - datetime.timedelta(days=30),
                        effective_on=month,
                        shorter_notice_approved=c < have[lid],
                        status=CeilingChange.Status.APPLIED,
                        decided_at=decided,
                        low_ceiling_approved=rules.ceiling_needs_approval(c),
                        reason="Historikk (testdata): listetaket følger kommunens trend.",
                    )
                    for lid, c in sorted(changed.items())
                ],
                batch_size=2000,
            )
            self.ceiling_changes += len(changed)
        return len(changed)

    def _arrive(self, items: list[tuple[int, int]], kind: str) -> None:
        by_day: dict[int, list[int]] = defaultdict(list)
        for rid, day in items:
            by_day[day].append(rid)
        for day, ids in sorted(by_day.items()):
            on = datetime.date.fromordinal(day)
            for chunk in _chunks(sorted(ids)):
                Resident.objects.filter(pk__in=chunk).update(
                    status=Resident.Status.RESIDENT, status_changed_on=on, resident_since=on
                )
        homes = dict(_in_chunks(Resident, [rid for rid, _ in items], "municipality_id"))
        PopulationEvent.objects.bulk_create(
            [
                PopulationEvent(
                    resident_id=rid,
                    kind=kind,
                    occurred_on=datetime.date.fromordinal(day),
                    to_municipality_id=homes[rid],
                )
                for rid, day in items
            ],
            batch_size=2000,
        )

    def _apply(self, rng: random.Random, k: int, settle: dict[int, list[int]]) -> dict[str, int]:
        month = month_first(self.first + k)
        now = timezone.make_aware(
            datetime.datetime.combine(month - datetime.timedelta(days=1), datetime.time(12))
        )
        # Arrivals: newborns on the mother's list (§ 5), the others unassigned until placed.
        arrivals = self.arrive.get(k, [])
        born = [(rid, day) for rid, kind, day in arrivals if kind == "fodt"]
        moved_in = [(rid, day) for rid, kind, day in arrivals if kind != "fodt"]
        self._arrive(born, PopulationEvent.Kind.BORN)
        self._arrive(moved_in, PopulationEvent.Kind.ARRIVED)
        mothers = dict(_in_chunks(Resident, [rid for rid, _ in born], "mother_id"))
        mother_list = dict(_open_lists([m for m in mothers.values() if m is not None]))
        newborn_rows = []
        for rid, day in born:
            agreement = mother_list.get(mothers.get(rid) or 0)
            if agreement is not None and self.lists[agreement][1] <= k:
                newborn_rows.append(
                    ListMembership(
                        resident_id=rid,
                        agreement_id=agreement,
                        valid_from=datetime.date.fromordinal(day),
                        begin_reason=ListMembership.BeginReason.NEWBORN,
                    )
                )
        ListMembership.objects.bulk_create(newborn_rows, batch_size=2000)
        # Newborns not on their list at the end (the mother's list differs) ask for it later.
        # The others are placed on a list as they arrive (the history's newcomers are
        # placed on their list at the end at once, not by the run on any free place and
        # moved again later: that made a landing of the whole history's newcomers).
        for rid, _day in born if self.settle_newcomers else ():
            later = k + rng.randint(*SETTLE_MONTHS)
            if later < self.months - 1:
                settle[later].append(rid)

        # Deaths and emigrations: the list place ends on the day (population register).
        departures = self.depart.get(k, [])
        groups: dict[tuple[str, int], list[int]] = defaultdict(list)
        for rid, status, day in departures:
            groups[(status, day)].append(rid)
        events = []
        homes = dict(_in_chunks(Resident, [rid for rid, *_ in departures], "municipality_id"))
        for (status, day), ids in sorted(groups.items()):
            on = datetime.date.fromordinal(day)
            end = (
                ListMembership.EndReason.DIED
                if status == Resident.Status.DEAD
                else ListMembership.EndReason.EMIGRATED
            )
            for chunk in _chunks(sorted(ids)):
                Resident.objects.filter(pk__in=chunk).update(status=status, status_changed_on=on)
                ListMembership.objects.filter(resident_id__in=chunk, valid_to=None).update(
                    valid_to=on, end_reason=end
                )
            kind = PopulationEvent.Kind.DIED if status == "dod" else PopulationEvent.Kind.EMIGRATED
            events += [
                PopulationEvent(
                    resident_id=rid, kind=kind, occurred_on=on, from_municipality_id=homes[rid]
                )
                for rid in ids
            ]

        # Moves between municipalities: the person keeps the GP (§ 6: a switch that does
        # not count is offered).
        moves = self.moves.get(k, [])
        if moves:
            objs = []
            for rid, before, after, code, day in moves:
                on = datetime.date.fromordinal(day)
                objs.append(
                    Resident(pk=rid, municipality_id=after, postal_code_id=code, resident_since=on)
                )
                events.append(
                    PopulationEvent(
                        resident_id=rid,
                        kind=PopulationEvent.Kind.MOVED,
                        occurred_on=on,
                        from_municipality_id=before,
                        to_municipality_id=after,
                    )
                )
            Resident.objects.bulk_update(
                objs, ["municipality_id", "postal_code_id", "resident_since"], batch_size=500
            )
        PopulationEvent.objects.bulk_create(events, batch_size=2000)

        # Switches (and waiting places on closed lists), and newcomers who settle.
        wanted = self.switches.get(k, []) + settle.get(k, [])
        requests, waiting = self._ask(rng, wanted, month, now)
        if self.settle_newcomers:
            placed, _none = self._ask(
                rng, [rid for rid, _day in moved_in], month, now, waiting_if_closed=0.0
            )
            requests += placed
        return {
            "scheduled_switches": len(self.switches.get(k, [])),
            "settling": len(settle.get(k, [])),
            "arrivals": len(arrivals),
            "departures": len(departures),
            "moves": len(moves),
            "switch_requests": requests,
            "waiting": waiting,
        }

    def _ask(
        self,
        rng: random.Random,
        wanted: list[int],
        month: datetime.date,
        now: datetime.datetime,
        waiting_if_closed: float = WAITING_IF_CLOSED,
        spread_days: int = 25,
    ) -> tuple[int, int]:
        if not wanted:
            return 0, 0
        current = dict(_open_lists(wanted))
        alive = {
            pk
            for pk, status in _in_chunks(Resident, wanted, "status")
            if status == Resident.Status.RESIDENT
        }
        busy = {
            rid
            for chunk in _chunks(sorted(set(wanted)))
            for rid in SwitchRequest.objects.filter(
                resident_id__in=chunk, status=SwitchRequest.Status.PENDING
            ).values_list("resident_id", flat=True)
        } | {
            rid
            for chunk in _chunks(sorted(set(wanted)))
            for rid in WaitingListEntry.objects.filter(
                resident_id__in=chunk, status=WaitingListEntry.Status.WAITING
            ).values_list("resident_id", flat=True)
        }
        targets = {self.target[rid] for rid in wanted}
        is_open = dict(
            Agreement.objects.filter(pk__in=sorted(targets)).values_list("pk", "is_open")
        )
        requests, entries = [], []
        for rid in sorted(set(wanted)):
            to = self.target[rid]
            if rid not in alive or rid in busy or current.get(rid) == to:
                continue
            at = now - datetime.timedelta(
                days=rng.randint(0, spread_days), minutes=rng.randint(0, 600)
            )
            if not is_open.get(to, True) and rng.random() < waiting_if_closed:
                entries.append(WaitingListEntry(resident_id=rid, agreement_id=to, joined_at=at))
                continue
            requests.append(
                SwitchRequest(
                    resident_id=rid,
                    from_agreement_id=current.get(rid),
                    to_agreement_id=to,
                    reason=(
                        SwitchRequest.Reason.ORDINARY
                        if current.get(rid)
                        else SwitchRequest.Reason.PLACEMENT
                    ),
                    requested_at=at,
                    effective_on=month,
                )
            )
        SwitchRequest.objects.bulk_create(requests, batch_size=2000)
        WaitingListEntry.objects.bulk_create(entries, batch_size=2000)
        return len(requests), len(entries)

    def _land_part(
        self, rng: random.Random, k: int, month: datetime.date, settle: dict[int, list[int]]
    ) -> int:
        """A month of the landing before the last: a share of those off their end list ask.

        With r runs left after this one, 1 / (r + 1) of the residents whose list
        differs from the end state ask for their end list now (switch, placement or
        waiting place, as any request), so the landing is spread over the last
        ``LANDING_MONTHS`` (or a third of the history) + 1 runs instead of falling on
        the last alone.
        """
        now = timezone.make_aware(
            datetime.datetime.combine(month - datetime.timedelta(days=1), datetime.time(12))
        )
        current = self._current_lists()
        # Not to a list that has not started yet (its residents come when it starts), and
        # not those who will ask in a later month anyway (switches and settling newcomers
        # already spread over the months, e.g. onto a list that started in the window).
        later = {
            rid
            for k2 in range(k + 1, self.months)
            for rid in self.switches.get(k2, []) + settle.get(k2, [])
        }
        off = [
            rid
            for rid, to in sorted(self.target.items())
            if current.get(rid) != to and self.lists[to][1] <= k and rid not in later
        ]
        left = self.months - 1 - k
        share = 1 / (left + 1)
        wanted = [rid for rid in off if rng.random() < share]
        # Those still waiting for a place on a closed list leave the waiting list and ask
        # for a switch (as in the last run), so the waiting lists do not all land there.
        for chunk in _chunks(wanted):
            WaitingListEntry.objects.filter(
                resident_id__in=chunk, status=WaitingListEntry.Status.WAITING
            ).update(status=WaitingListEntry.Status.LEFT, ended_at=now)
        requests, waiting = self._ask(rng, wanted, month, now, waiting_if_closed=0.0)
        return requests + waiting

    def _full_at_end(self) -> set[int]:
        """Lists with no free place in the end state (its members against its ceiling):
        a waiting place there cannot be served by the last run. Computed once."""
        if self._full is not None:
            return self._full
        length: dict[int, int] = defaultdict(int)
        for lid in self.target.values():
            length[lid] += 1
        self._full = {
            lid
            for lid, ceiling in self._end_ceiling.items()
            if capacity.free_places(ceiling, length[lid]) <= 0
        }
        return self._full

    def _top_up_waiting(self, rng: random.Random, k: int, month: datetime.date) -> int:
        """The waiting lists at their level before run ``k`` (``targets.WAITING_SHARE`` of
        the list residents of a municipality with a closed list): before the first run
        all of it (joined during the year before), then each month ``CATCH_UP`` of the
        gap, as in the continuation. Those who join are on their list of the end state
        and wait for another closed list that is full at the end, so the landing need not
        move them."""
        now = _noon_before(month)
        active = {lid: number for lid, (number, start, _n) in self.lists.items() if start <= k}
        is_open = dict(Agreement.objects.filter(pk__in=sorted(active)).values_list("pk", "is_open"))
        full = self._full_at_end()
        listed: dict[str, int] = defaultdict(int)
        settled: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for rid, lid in sorted(self._current_lists().items()):
            number = active.get(lid)
            if number is None:
                continue
            listed[number] += 1
            if self.target.get(rid) == lid:
                settled[number].append((rid, lid))
        waiting = WaitingListEntry.objects.filter(status=WaitingListEntry.Status.WAITING)
        waiting_in: dict[str, int] = defaultdict(int)
        for lid in waiting.values_list("agreement_id", flat=True):
            waiting_in[active.get(lid, "")] += 1
        busy = set(waiting.values_list("resident_id", flat=True)) | set(
            SwitchRequest.objects.filter(status=SwitchRequest.Status.PENDING).values_list(
                "resident_id", flat=True
            )
        )
        share = 1.0 if k == 0 else CATCH_UP
        back = 365 if k == 0 else 27
        entries = []
        for number in sorted(listed):
            closed = sorted(
                lid
                for lid, num in active.items()
                if num == number and not is_open.get(lid, True) and lid in full
            )
            gap = WAITING_SHARE * listed[number] - waiting_in[number]
            people = settled[number]
            if not closed or gap <= 0 or not people:
                continue
            count = int(gap * share + rng.random())
            for _ in range(count * 3):
                if count <= 0:
                    break
                rid, lid = people[int(rng.random() * len(people))]
                choices = [c for c in closed if c != lid]
                if rid in busy or not choices:
                    continue
                busy.add(rid)
                count -= 1
                at = now - datetime.timedelta(
                    days=rng.randint(0, back), minutes=rng.randint(0, 600)
                )
                entries.append(
                    WaitingListEntry(
                        resident_id=rid,
                        agreement_id=choices[int(rng.random() * len(choices))],
                        joined_at=at,
                    )
                )
        WaitingListEntry.objects.bulk_create(entries, batch_size=2000)
        return len(entries)

    def _current_lists(self) -> dict[int, int]:
        mt = ListMembership._meta.db_table
        with connection.cursor() as cur:
            cur.execute(f"SELECT resident_id, agreement_id FROM {mt} WHERE valid_to IS NULL")  # noqa: S608
            return dict(cur.fetchall())

    def _land(self, month: datetime.date) -> int:
        """Before the last run: everybody whose list differs from the end state asks for it."""
        now = _noon_before(month)
        # The waiting places stay (the waiting lists are not emptied at the turn of the
        # year), except those the last run could serve, which would move someone off the
        # end state: on a list with a free place at the end, or for the list the person
        # is on at the end.
        full = self._full_at_end()
        ending = [
            pk
            for pk, rid, lid in WaitingListEntry.objects.filter(
                status=WaitingListEntry.Status.WAITING
            ).values_list("pk", "resident_id", "agreement_id")
            if lid not in full or self.target.get(rid) == lid
        ]
        for chunk in _chunks(ending):
            WaitingListEntry.objects.filter(pk__in=chunk).update(
                status=WaitingListEntry.Status.LEFT, ended_at=now
            )
        SwitchRequest.objects.filter(status=SwitchRequest.Status.PENDING).update(
            status=SwitchRequest.Status.CANCELLED, decided_at=now
        )
        current = self._current_lists()
        requests = []
        for rid, to in self.target.items():
            have = current.get(rid)
            if have == to:
                continue
            requests.append(
                SwitchRequest(
                    resident_id=rid,
                    from_agreement_id=have,
                    to_agreement_id=to,
                    reason=(
                        SwitchRequest.Reason.ORDINARY if have else SwitchRequest.Reason.PLACEMENT
                    ),
                    requested_at=now,
                    effective_on=month,
                )
            )
        SwitchRequest.objects.bulk_create(requests, batch_size=2000)
        # The end state may date someone's residence after this run (a move in December)
        # while the history has them here all along: the engine places nobody from before
        # they could have a GP (monthly.rules.may_be_placed), so they settle by the 1st.
        placed = [r.resident_id for r in requests if r.from_agreement_id is None]
        for chunk in _chunks(sorted(placed)):
            Resident.objects.filter(pk__in=chunk, resident_since__gt=month).update(
                resident_since=month
            )
        return len(requests)


def _noon_before(month: datetime.date) -> datetime.datetime:
    """Noon on the last day before ``month``'s run: when the month's requests are written."""
    return timezone.make_aware(
        datetime.datetime.combine(month - datetime.timedelta(days=1), datetime.time(12))
    )


def leaving_status(rng: random.Random, age: int) -> str:
    """Whether a resident who leaves dies or emigrates (by age): the status they get."""
    dies = rng.random() < (0.9 if age >= 75 else 0.5 if age >= 55 else 0.1)
    return Resident.Status.DEAD if dies else Resident.Status.EMIGRATED


def _chunks(ids: list[int], size: int = 900) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _in_chunks(model: Any, ids: list[int], column: str) -> list[tuple[int, Any]]:
    out: list[tuple[int, Any]] = []
    for chunk in _chunks(sorted(set(ids))):
        out += list(model.objects.filter(pk__in=chunk).values_list("pk", column))
    return out


def _open_lists(resident_ids: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for chunk in _chunks(sorted(set(resident_ids))):
        out += list(
            ListMembership.objects.filter(resident_id__in=chunk, valid_to=None).values_list(
                "resident_id", "agreement_id"
            )
        )
    return out


__all__ = [
    "LANDING_MONTHS",
    "History",
    "load_trends",
    "vacancy_timeline",
]
