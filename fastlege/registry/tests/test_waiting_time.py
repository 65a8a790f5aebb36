"""Expected waiting time (issue 20 item 4): the range a person in a queue is shown.

The first ranges below are computed by hand from the method's building block, the
Poisson case (``POISSON``: no lumps, no change of the rate ahead; docs/waiting-time.md):
with ``x`` places opened in ``W`` months, the chance that the person who needs ``n``
places to open has had their turn within ``j`` months is P(NB(x + ½, W / (W + j)) ≥ n),
for n = 1: 1 − p^r, for n = 3: 1 − p^r (1 + r q + r (r + 1) / 2 · q²), p = W / (W + j),
q = 1 − p, r = x + ½. The method as published (``PARAMETERS``: lumps and a changing
rate) is checked against a simulation of its model (``test_waiting_time_model``).
"""

from __future__ import annotations

import datetime
from dataclasses import replace

import pytest

from fastlege.registry import waiting_time as wt
from fastlege.registry.tests.factories import gp_list
from fastlege.registry.tests.waiting_history import queue, record, steady
from fastlege.registry.waiting_time import Kind, MonthFigures

D = datetime.date
#: The method without lumps (dispersion 1) and without a change of the rate ahead.
POISSON = replace(wt.PARAMETERS, dispersion=1.0, drift=0.0)


# --- The method, on hand-built histories ------------------------------------------------


def test_places_opened_are_leavers_and_ceiling_rises_less_joins_not_from_the_queue() -> None:
    history = [
        MonthFigures(D(2025, 1, 1), ceiling=100, length=100),
        # 5 left, 3 came from the queue: 98 on the list, 2 places still free.
        MonthFigures(D(2025, 2, 1), ceiling=100, length=98, from_waiting_list=3),
        # The ceiling rose by 10; 2 left, a newborn joined, 8 came from the queue.
        MonthFigures(D(2025, 3, 1), ceiling=110, length=105, from_waiting_list=8),
        # The ceiling fell by 5 and 5 were moved off by the reduction.
        MonthFigures(D(2025, 4, 1), ceiling=105, length=100, from_waiting_list=0),
    ]
    assert wt.openings(history) == [5, 2 + 10 - 1, 0]


def test_first_in_line_with_eleven_places_in_a_year_waits_one_to_two_months() -> None:
    # r = 11.5, W = 12: j = 1: 1 − (12/13)^11.5 = 0.60 (≥ 0.25, < 0.75); j = 2: 0.83.
    history = steady([1] * 11 + [0])
    e = wt.estimate(history, position=1, params=POISSON)
    assert (e.kind, e.low, e.high) == (Kind.RANGE, 1, 2)
    assert (e.opened, e.window, e.needed) == (11, 12, 1)


def test_third_in_line_with_five_places_in_a_year_waits_four_to_eleven_months() -> None:
    # r = 5.5, W = 12, n = 3: j = 3: 0.175, j = 4: 0.282 (first ≥ 0.25);
    # j = 10: 0.7435, j = 11: 0.784 (first ≥ 0.75).
    history = steady([0, 1, 0, 0, 1, 0, 2, 0, 0, 0, 1, 0])
    e = wt.estimate(history, position=3, params=POISSON)
    assert (e.kind, e.low, e.high) == (Kind.RANGE, 4, 11)


def test_only_the_window_counts() -> None:
    """A busy month more than a year ago does not shorten today's wait."""
    recent = steady([0, 1, 0, 0, 1, 0, 2, 0, 0, 0, 1, 0])
    older = steady([40, 0, 1, 0, 0, 1, 0, 2, 0, 0, 0, 1, 0])
    a, b = wt.estimate(older, 3, params=POISSON), wt.estimate(recent, 3, params=POISSON)
    assert (
        (a.low, a.high, a.opened, a.window) == (b.low, b.high, b.opened, b.window) == (4, 11, 5, 12)
    )


def test_free_places_now_and_a_list_above_its_ceiling() -> None:
    history = steady([1] * 11 + [0])
    # Two free places: the first two get one at the next run.
    assert (wt.estimate(history, 2, places_left_now=2).low, wt.estimate(history, 2, 2).high) == (
        1,
        1,
    )
    # Two free places: the fifth needs three more to open, as the third with none free.
    assert wt.estimate(history, 5, 2).low == wt.estimate(history, 3, 0).low
    assert wt.estimate(history, 5, 2).high == wt.estimate(history, 3, 0).high
    # Three above the ceiling: the first needs four places to open.
    assert wt.estimate(history, 1, -3).needed == 4
    assert wt.estimate(history, 1, -3).high == wt.estimate(history, 4, 0).high


def test_too_little_history_is_unknown() -> None:
    short = steady([3, 3, 3, 3, 3])  # five months: fewer than PARAMETERS.min_history_months
    assert wt.estimate(short, 1).kind == Kind.UNKNOWN
    assert wt.estimate(None, 1).kind == Kind.UNKNOWN
    assert wt.estimate(steady([3] * 6), 1).kind == Kind.RANGE


def test_no_place_opened_in_a_year_is_said_not_guessed() -> None:
    e = wt.estimate(steady([0] * 12), 1)
    assert e.kind == Kind.NONE_OPENED and e.low is None and e.high is None


def test_a_long_queue_is_more_than_the_cap() -> None:
    e = wt.estimate(steady([1] * 12), 200)  # 12 a year: 200 take about 17 years
    assert e.kind == Kind.LONGER and e.low is None and e.high is None


def test_fewer_places_or_a_longer_queue_never_shortens_the_wait() -> None:
    for position in range(1, 40, 3):
        busy, quiet = (
            wt.estimate(steady([3] * 12), position),
            wt.estimate(steady([1] * 12), position),
        )
        behind = wt.estimate(steady([3] * 12), position + 3)
        for slow, fast in ((quiet, busy), (behind, busy)):
            assert (slow.low or 999) >= (fast.low or 999)
            assert (slow.high or 999) >= (fast.high or 999)


# --- From the database: one list or many -----------------------------------------------


@pytest.mark.django_db
def test_the_history_is_read_back_from_the_snapshots_and_the_list_places() -> None:
    agreement = gp_list(ceiling=3, members=3)
    history = steady([1] * 11 + [0], agreement_id=agreement.pk)
    record(agreement, history)
    assert wt.histories([agreement.pk]) == {agreement.pk: history}


@pytest.mark.django_db
def test_many_lists_at_once_give_what_each_list_alone_gives() -> None:
    lists = [gp_list(ceiling=2, members=2) for _ in range(4)]
    record(lists[0], steady([1] * 12, agreement_id=lists[0].pk))
    record(lists[1], steady([0, 2, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0], agreement_id=lists[1].pk))
    record(lists[2], steady([2, 2], agreement_id=lists[2].pk))  # too short
    # lists[3]: no history at all
    for agreement, waiting in zip(lists, (4, 1, 2, 0), strict=True):
        queue(agreement, waiting)
    together = wt.for_lists([a.pk for a in lists])
    alone = {a.pk: wt.for_list(a.pk) for a in lists}
    assert together == alone
    assert together[lists[0].pk].position == 5
    assert together[lists[0].pk].kind == Kind.RANGE
    assert together[lists[1].pk].opened == 4
    assert together[lists[2].pk].kind == Kind.UNKNOWN
    assert together[lists[3].pk].kind == Kind.UNKNOWN


def test_a_ceiling_cut_does_not_hide_the_places_the_queue_got() -> None:
    history = steady([1] * 11 + [0])
    cut = MonthFigures(history.months[-1].month, ceiling=70, length=100, from_waiting_list=0)
    reduced = type(history)(history.agreement_id, (*history.months[:-1], cut))
    assert sum(wt.openings(reduced.months)) == 11 - 30  # the ceiling cut by 30
    assert wt.estimate(reduced, 1).opened == 11  # but the queue got 11


def test_those_ahead_who_leave_the_queue_shorten_the_wait() -> None:
    # 12 a year, a tenth of the queue leaving each month: the tenth in line.
    base = steady([1] * 12)
    leaving = type(base)(
        base.agreement_id,
        tuple(
            MonthFigures(m.month, m.ceiling, m.length, m.from_waiting_list, 10, 1)
            for m in base.months
        ),
    )
    assert wt.leaving_share(leaving.months) == pytest.approx(13 / 130)
    # After j months 9 × 0.9^j are still ahead: 8.1 → 9, 7.29 → 8, 6.56 → 7.
    assert [wt.still_ahead(9, 0.1, j) for j in (1, 2, 3)] == [9, 8, 7]
    slow, fast = wt.estimate(base, 10, params=POISSON), wt.estimate(leaving, 10, params=POISSON)
    assert fast.high is not None and slow.high is not None
    assert fast.low is not None and slow.low is not None
    assert fast.high < slow.high and fast.low <= slow.low
