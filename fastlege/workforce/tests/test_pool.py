"""Matching arithmetic of the substitute pool, with the expected figures counted by hand."""

from __future__ import annotations

import datetime
from fractions import Fraction

from fastlege.workforce import pool

D = datetime.date
BORDERS = {"5001": {"5028", "5059"}, "5028": {"5001"}, "5059": {"5001"}}
COUNTY = {"5001": "50", "5028": "50", "5059": "50", "5035": "50", "0301": "03"}


def test_overlap_days_of_half_open_periods():
    # 1–10 March and 5–20 March share 5, 6, 7, 8, 9 March: five days.
    assert pool.overlap_days((D(2026, 3, 1), D(2026, 3, 10)), (D(2026, 3, 5), D(2026, 3, 20))) == 5
    # Touching periods share no day: the end day is not in the period.
    assert pool.overlap_days((D(2026, 3, 1), D(2026, 3, 10)), (D(2026, 3, 10), D(2026, 4, 1))) == 0
    assert pool.overlap_days((D(2026, 3, 1), D(2026, 3, 2)), (D(2026, 5, 1), D(2026, 6, 1))) == 0


def test_free_periods_take_the_booked_days_out_of_the_available_ones():
    available = [(D(2026, 3, 1), D(2026, 3, 20)), (D(2026, 3, 15), D(2026, 4, 1))]
    booked = [(D(2026, 3, 10), D(2026, 3, 12))]
    # Available 1 March – 31 March (joined), minus 10–11 March.
    assert pool.free_periods(available, booked) == [
        (D(2026, 3, 1), D(2026, 3, 10)),
        (D(2026, 3, 12), D(2026, 4, 1)),
    ]
    assert pool.covered_days(available) == 31


def test_distance_classes():
    assert pool.distance("5001", "5001", BORDERS, COUNTY) == 0
    assert pool.distance("5028", "5001", BORDERS, COUNTY) == 1
    assert pool.distance("5035", "5001", BORDERS, COUNTY) == 2
    assert pool.distance("0301", "5001", BORDERS, COUNTY) == 3


def test_ranking_by_share_first_then_distance_then_id():
    request = (D(2026, 6, 1), D(2026, 6, 11))  # ten days, in Trondheim (5001)
    full = ((D(2026, 5, 1), D(2026, 7, 1)),)
    half = ((D(2026, 6, 6), D(2026, 7, 1)),)  # 6–10 June: five days
    subs = [
        pool.Substitute(1, "5035", frozenset(), full),  # 100 %, same county (2)
        pool.Substitute(2, "5028", frozenset(), full),  # 100 %, bordering (1)
        pool.Substitute(3, "5001", frozenset(), half),  # 50 %, same municipality (0)
        pool.Substitute(4, "5001", frozenset({"5028"}), full),  # will not work in 5001
        pool.Substitute(5, "5001", frozenset(), ((D(2026, 7, 1), D(2026, 8, 1)),)),  # not free
        pool.Substitute(6, "0301", frozenset(), full),  # 100 %, other county (3)
        pool.Substitute(7, "5028", frozenset({"5001"}), full),  # 100 %, bordering, later id
    ]
    ranked = pool.rank(request, "5001", subs, BORDERS, COUNTY)
    assert [(c.substitute_id, c.free_days, c.share, c.distance) for c in ranked] == [
        (2, 10, Fraction(1), 1),
        (7, 10, Fraction(1), 1),
        (1, 10, Fraction(1), 2),
        (6, 10, Fraction(1), 3),
        (3, 5, Fraction(1, 2), 0),
    ]
    assert ranked[-1].percent == 50
    assert [c.substitute_id for c in pool.rank(request, "5001", subs, BORDERS, COUNTY, 2)] == [
        2,
        7,
    ]
