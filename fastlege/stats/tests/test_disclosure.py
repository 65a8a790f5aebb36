"""The suppression method (``stats.disclosure.suppress``) on small tables worked by hand."""

from __future__ import annotations

from fastlege.stats.disclosure import suppress


def _sum(total: str, *parts: str) -> tuple[tuple[str, int], ...]:
    """The relation total = sum of parts."""
    return ((total, 1), *((p, -1) for p in parts))


def test_one_hidden_cell_hides_the_next_smallest():
    # a county of three municipalities: 3 + 10 + 7 = 20; 3 is below 5.
    values = {"a": 3, "b": 10, "c": 7, "county": 20}
    hidden = suppress(values, [_sum("county", "a", "b", "c")], ["a"])
    # otherwise a = 20 − 10 − 7; the smallest visible cell is c (7)
    assert hidden == {"a", "c"}


def test_two_hidden_cells_hide_no_third():
    values = {"a": 3, "b": 2, "c": 10, "county": 15}
    assert suppress(values, [_sum("county", "a", "b", "c")], ["a", "b"]) == {"a", "b"}


def test_nothing_small_nothing_hidden():
    values = {"a": 5, "b": 10, "county": 15}
    assert suppress(values, [_sum("county", "a", "b")], []) == set()


def test_a_zero_is_not_the_complement():
    # a hidden zero protects little: the next smallest non-zero cell is hidden
    values = {"a": 3, "z": 0, "b": 10, "county": 13}
    assert suppress(values, [_sum("county", "a", "z", "b")], ["a"]) == {"a", "b"}


def test_linked_tables_iterate_until_stable():
    # county 1 = a + b = 2 + 2 (all three small), county 2 = c + d = 20 + 30,
    # nation = county 1 + county 2 = 54.
    values = {"a": 2, "b": 2, "k1": 4, "c": 20, "d": 30, "k2": 50, "nation": 54}
    relations = [_sum("nation", "k1", "k2"), _sum("k1", "a", "b"), _sum("k2", "c", "d")]
    hidden = suppress(values, relations, ["a", "b", "k1"])
    # the national table: k1 alone hidden -> k2 (50 < 54); then county 2's table:
    # k2 alone hidden -> c (20 < 30)
    assert hidden == {"a", "b", "k1", "k2", "c"}


def test_a_municipality_hidden_for_its_county_protects_the_county_total():
    # a (3) is hidden in county 1's table; b is its complement. The county total stays
    # visible: each relation has two hidden cells.
    values = {"a": 3, "b": 8, "k1": 11, "c": 20, "d": 30, "k2": 50, "nation": 61}
    relations = [_sum("nation", "k1", "k2"), _sum("k1", "a", "b"), _sum("k2", "c", "d")]
    assert suppress(values, relations, ["a"]) == {"a", "b"}


def test_combinations_of_relations_are_checked():
    # x + y = A, y + z = B, x + z = C: every relation has two hidden cells, but the
    # three together give x = (A − B + C) / 2. One more cell is hidden: the first
    # relation of x (A), after which x, y and z cannot be solved for.
    values = {"x": 1, "y": 2, "z": 3, "A": 3, "B": 5, "C": 4}
    relations = [_sum("A", "x", "y"), _sum("B", "y", "z"), _sum("C", "x", "z")]
    assert suppress(values, relations, ["x", "y", "z"]) == {"x", "y", "z", "A"}


def test_spread_hides_what_rests_on_a_hidden_cell():
    # a share published beside a count: hiding the count hides the share's cell,
    # which has its own total.
    values = {"a": 3, "b": 9, "k": 12, "sa": 1, "sb": 6, "sk": 7}
    relations = [_sum("k", "a", "b"), _sum("sk", "sa", "sb")]
    hidden = suppress(values, relations, ["a"], spread=lambda c, h: ["sa"] if c == "a" else [])
    assert hidden == {"a", "b", "sa", "sb"}


def _rows(**counts: int) -> list[dict[str, object]]:
    """One municipality's counts (the rest zero; the GPs all 45–54 years old)."""
    from fastlege.stats.selectors import COUNT_FIELDS

    row: dict[str, object] = dict.fromkeys(COUNT_FIELDS, 0)
    row.update(kind="kommune", code="5001", **counts)
    row["gps_age_45_54"] = row["gps"]
    return [row]


def test_gps_started_and_stopped_are_hidden_after_a_hidden_month():
    # December: 3 GPs (hidden). January: 5 GPs, 2 started, none stopped. Shown,
    # started and stopped would give December's 3 = 5 − 2 + 0.
    from fastlege.stats.disclosure import pattern_for

    december = pattern_for(_rows(gps=3), None)
    assert december.hides("kommune", "5001", "fastleger")
    assert december.hides("kommune", "5001", "fastleger_startet")  # with the GPs
    january = pattern_for(_rows(gps=5, gps_started=2, gps_stopped=0), None, before=december)
    assert not january.hides("kommune", "5001", "fastleger")
    assert january.hides("kommune", "5001", "fastleger_startet")
    assert january.hides("kommune", "5001", "fastleger_sluttet")
    # February: 5 GPs, as in January: nothing hidden any more
    february = pattern_for(_rows(gps=5, gps_started=0, gps_stopped=0), None, before=january)
    assert not february.cells
