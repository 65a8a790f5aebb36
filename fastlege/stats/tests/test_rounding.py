"""The one rounding rule of published figures: half up, as SSB publishes KOSTRA.

The expected values are written out by hand (what SSB would publish), not
computed with any rounding function.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from fastlege.stats import selectors
from fastlege.stats.indicators import BY_CODE
from fastlege.stats.numbers import num, signed
from fastlege.stats.rounding import half_up, published


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0.5, 0, "1"),
        (1.5, 0, "2"),
        (2.5, 0, "3"),  # Python's round gives 2
        (882.5, 0, "883"),  # Selbu's mean list length, 3 530 / 4; round gives 882
        (722.5, 0, "723"),  # Frosta's, 2 890 / 4; round gives 722
        (882.4999, 0, "882"),
        (-0.5, 0, "-1"),
        (-2.5, 0, "-3"),
        (-1.4, 0, "-1"),
        (0.25, 1, "0.3"),
        (0.35, 1, "0.4"),  # 0.35 is a hair below 0.35 as a binary float
        (26.25, 1, "26.3"),
        (1.005, 2, "1.01"),  # 1.00499999… as a binary float
        (2.675, 2, "2.68"),  # 2.67499999… as a binary float; round gives 2.67
        (0.0, 1, "0.0"),
        (7, 0, "7"),
        (Decimal("722.5"), 0, "723"),
    ],
)
def test_half_up_at_the_halves(value: float, decimals: int, expected: str) -> None:
    assert str(half_up(value, decimals)) == expected


def test_a_half_computed_in_floating_point_is_still_a_half() -> None:
    # 105 of 400 list residents without a GP: exactly 26.25 %, published 26.3.
    share = 105 / 400 * 100
    assert published(share, 1) == 26.3
    # 23 of 80: exactly 28.75 %, but 23 / 80 * 100 is 28.749999999999996 in binary.
    assert 23 / 80 * 100 < 28.75
    assert published(23 / 80 * 100, 1) == 28.8
    # 1 097 of 9 361 (Indre Fosen 2025): 11.7188… published 11.7.
    assert published(1097 / 9361 * 100, 1) == 11.7


def test_published_types() -> None:
    assert published(None) is None
    assert published(882.5) == 883 and isinstance(published(882.5), int)
    assert published(26.25, 1) == 26.3 and isinstance(published(26.25, 1), float)


def test_display_rounds_the_mean_list_length_as_kostra() -> None:
    # Selbu 2025: 3 530 residents on 4 lists with a GP; KOSTRA publishes 883.
    counts = {"on_lists_with_gp": 3530, "lists_with_gp": 4}
    assert selectors.display(BY_CODE["listelengde"], counts, public=False) == 883
    counts = {"on_lists_with_gp": 2890, "lists_with_gp": 4}  # Frosta: 723
    assert selectors.display(BY_CODE["listelengde"], counts, public=False) == 723


def test_the_page_format_shows_the_rounded_figure_without_rounding_again() -> None:
    assert num(883) == "883"
    assert num(1234567) == "1\u00a0234\u00a0567"
    assert num(26.3) == "26,3"
    assert num(0.27) == "0,27"  # a two-decimal figure keeps both decimals
    assert num(0.3, 2) == "0,30"
    assert num(26.25, 1) == "26,3"
    assert num(4.0, 1) == "4,0"
    assert num(None) == "–"
    assert signed(-2.5, 0) == "−3"
    assert signed(0.25, 1) == "+0,3"
