"""The demo's levels hold month by month, through the history and the continuation.

Steinkjer (29 lists, most closed), three municipalities whose lists are all closed
(Overhalla, its lists far above their ceilings; Rindal and Høylandet, at them) and the
small Tydal (open lists), seeded with six months of history (July–December 2025,
the landing on KOSTRA 2025 on 31.12.2025) and continued five months (January–May
2026): what `make run` does, on a small area. Each month is read from its run (the
engine's moves and snapshots, what the statistics show) and held against the national
figures of ``/work/shared/domain.md`` § 8 (and § 6, where § 8 takes its base),
computed here from the published numbers (not from the seed's constants), scaled by
the area's list residents:

* moves in the month (the run's switches, placements of the unassigned and places from
  a waiting list: steps 3–5): § 8 has 327 863 voluntary switches in 2012 and 618 485
  moves of every kind, of 5 499 917 list residents (§ 6.3): 0.50 % and 0.94 % a month.
  The band: from a quarter of the voluntary rate (a switch needs a free place or goes
  via a waiting list, and Trøndelag's lists are nearly full) to 1.5 × every kind;
* waiting (a stock): 240 000 in May 2024 (§ 6.4, NRK) of 5 557 545 list residents
  (§ 6.1): 4.3 %; the record, 343 859 of 5 499 917 in September 2023, is 6.3 %. The
  demo's waiting lists are on closed lists, so the share applies to the list residents
  of the municipalities with a closed list; band ±50 % (1.5 × reaches the record);
* unassigned (a stock): 3 866 of 5 499 917 (§ 6.3): 0.07 %; at most three times that,
  plus a handful (0.07 % of Overhalla is two people, and a month's newcomers wait for
  the next run), in every municipality, also where every list is closed.

No jumps: from one month to the next, moves and waiting change by at most a factor of
2.5 — except the moves at the turn of the year (see
``test_moves_at_the_turn_of_the_year``). The waiting lists are never emptied (the old
landing ended every waiting place on 30.11.2025 and the continuation refilled them on
1.1.2026), and nothing grows month by month to the landing (the old history's moves
rose from 0 to fourfold in its last month).
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

import pytest
from django.core.management import call_command

from fastlege.demo.seed.continuation import continue_demo
from fastlege.monthly.models import (
    ListMonthSnapshot,
    MonthMove,
    MonthRun,
    MunicipalityMonthSnapshot,
)

pytestmark = pytest.mark.django_db

STEINKJER, TYDAL, OVERHALLA = "5006", "5033", "5047"
RINDAL, HOYLANDET = "5061", "5046"
AREA = (STEINKJER, TYDAL, OVERHALLA, RINDAL, HOYLANDET)
HISTORY_MONTHS = 6
CONTINUED_TO = datetime.date(2026, 5, 1)
CONTINUATION_STARTS = datetime.date(2026, 1, 1)

# domain.md, the published national figures.
LIST_RESIDENTS_SEPT_2023 = 5_499_917  # § 6.3
VOLUNTARY_SWITCHES_2012 = 327_863  # § 8
ALL_SWITCHES_2012 = 618_485  # § 8
WAITING_MAY_2024 = 240_000  # § 6.4 (NRK)
LIST_RESIDENTS_MAY_2024 = 5_376_756 + 180_789  # § 6.1, with and without a GP
UNASSIGNED_SEPT_2023 = 3_866  # § 6.3

VOLUNTARY_A_MONTH = VOLUNTARY_SWITCHES_2012 / LIST_RESIDENTS_SEPT_2023 / 12
ALL_A_MONTH = ALL_SWITCHES_2012 / LIST_RESIDENTS_SEPT_2023 / 12
WAITING_SHARE = WAITING_MAY_2024 / LIST_RESIDENTS_MAY_2024
UNASSIGNED_SHARE = UNASSIGNED_SEPT_2023 / LIST_RESIDENTS_SEPT_2023

MOVES_BAND = (0.25 * VOLUNTARY_A_MONTH, 1.5 * ALL_A_MONTH)
WAITING_BAND = (0.5, 1.5)  # × WAITING_SHARE of the list residents where a list is closed
UNASSIGNED_FACTOR, UNASSIGNED_HANDFUL = 3.0, 15
MONTH_ON_MONTH = 2.5
LANDING_FACTOR = 1.5
UNASSIGNED_CREEP = 3


def test_figures_are_the_published_ones() -> None:
    """The rates above, as domain.md's figures give them (a typo would show here)."""
    assert pytest.approx(0.00497, abs=1e-5) == VOLUNTARY_A_MONTH
    assert pytest.approx(0.00937, abs=1e-5) == ALL_A_MONTH
    assert pytest.approx(0.0432, abs=1e-4) == WAITING_SHARE
    assert pytest.approx(0.000703, abs=1e-6) == UNASSIGNED_SHARE


@dataclass
class Month:
    month: datetime.date
    listed: int  # residents on a list in the area
    listed_where_closed: int  # … in the municipalities with a closed list
    moves: int  # the run's steps 3–5
    waiting: int
    unassigned: dict[str, tuple[int, int]]  # municipality -> (unassigned, on its lists)

    def __str__(self) -> str:
        unassigned = ", ".join(
            f"{n} {u}" for n, (u, _l) in sorted(self.unassigned.items()) if n in AREA
        )
        return (
            f"{self.month:%Y-%m}: moves {self.moves}, waiting {self.waiting}, "
            f"unassigned {unassigned}"
        )


def months_run() -> list[Month]:
    out = []
    for run in MonthRun.objects.filter(status=MonthRun.Status.COMPLETED).order_by("month"):
        snaps = list(MunicipalityMonthSnapshot.objects.filter(run=run))
        closed = set(
            ListMonthSnapshot.objects.filter(run=run, is_open=False).values_list(
                "agreement__municipality_id", flat=True
            )
        )
        steps = (MonthMove.Step.SWITCHES, MonthMove.Step.UNASSIGNED, MonthMove.Step.WAITING)
        out.append(
            Month(
                month=run.month,
                listed=sum(s.listed for s in snaps),
                listed_where_closed=sum(s.listed for s in snaps if s.municipality_id in closed),
                moves=MonthMove.objects.filter(run=run, step__in=steps).count(),
                waiting=sum(s.waiting for s in snaps),
                unassigned={s.municipality_id: (s.unassigned, s.listed) for s in snaps},
            )
        )
    return out


@pytest.fixture
def seeded_and_continued() -> list[Month]:
    args = [a for n in AREA for a in ("--kommune", n)]
    call_command("seed", *args, "--months", str(HISTORY_MONTHS), stdout=io.StringIO())
    continue_demo(until=CONTINUED_TO)
    months = months_run()
    assert [m.month for m in months] == [
        *(datetime.date(2025, m, 1) for m in range(7, 13)),
        *(datetime.date(2026, m, 1) for m in range(1, CONTINUED_TO.month + 1)),
    ]
    return months


def test_moves_waiting_and_unassigned_hold_their_levels_month_by_month(
    seeded_and_continued: list[Month],
) -> None:
    months = seeded_and_continued
    problems: list[str] = []
    for i, m in enumerate(months):
        low, high = MOVES_BAND[0] * m.listed, MOVES_BAND[1] * m.listed
        if not low <= m.moves <= high:
            problems.append(f"{m.month:%Y-%m}: {m.moves} moves outside {low:.0f}–{high:.0f}")
        target = WAITING_SHARE * m.listed_where_closed
        if not WAITING_BAND[0] * target <= m.waiting <= WAITING_BAND[1] * target:
            problems.append(f"{m.month:%Y-%m}: {m.waiting} waiting, target {target:.0f} ±50 %")
        for number, (unassigned, on_lists) in sorted(m.unassigned.items()):
            limit = UNASSIGNED_FACTOR * UNASSIGNED_SHARE * on_lists + UNASSIGNED_HANDFUL
            if unassigned > limit:
                problems.append(f"{m.month:%Y-%m}: {number} {unassigned} unassigned > {limit:.0f}")
        if i == 0:
            continue
        before = months[i - 1]
        pairs = [("waiting", before.waiting, m.waiting)]
        if m.month > CONTINUATION_STARTS:
            pairs.append(("moves", before.moves, m.moves))
        for key, a, b in pairs:
            if max(a, b) > MONTH_ON_MONTH * max(1, min(a, b)):
                problems.append(f"{m.month:%Y-%m}: {key} jumps {a} → {b}")
    # The history does not grow toward its landing: its last month (the run that lands
    # on 31.12.2025) moves at most LANDING_FACTOR × the median month before it.
    history = [m.moves for m in months if m.month < CONTINUATION_STARTS]
    median = sorted(history[1:-1])[len(history[1:-1]) // 2]
    if history[-1] > LANDING_FACTOR * median:
        problems.append(f"the landing moves {history[-1]}, the median month {median}")
    # The unassigned do not creep up over the continuation (they did where every list is
    # closed): the last two months' highest at most the first two's highest + a few.
    continued = [m for m in months if m.month >= CONTINUATION_STARTS]
    for number in AREA:
        first = max(m.unassigned[number][0] for m in continued[:2])
        last = max(m.unassigned[number][0] for m in continued[-2:])
        if last > first + UNASSIGNED_CREEP:
            problems.append(f"{number}: the unassigned rise from {first} to {last}")
    assert not problems, "\n".join([*problems, *map(str, months)])
    # Every run, and the registry with the requests waiting for the next run (the
    # municipality's placements by hand among them), pass the consistency check.
    call_command("consistency_check", stdout=io.StringIO())  # raises on a failure
