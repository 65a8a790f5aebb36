"""The projection's arithmetic against values computed by hand (docs/workforce.md).

Every expected figure below was worked out on paper from the module docstring's
rules, not by calling the code under test."""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from fastlege.registry import rules
from fastlege.workforce import projection
from fastlege.workforce.projection import Figures

F = Figures(
    target_list_length=1000.0,
    listing_rate=1.0,
    population_variant="trend",
    attrition_under_40=0.10,
    attrition_40_54=0.05,
    attrition_55_64=0.05,
    attrition_65_plus=0.20,
    share_extended=0.5,
    extension_years=2,
    recruitment_rate=0.10,
    alis_completions_per_100=0.0,
    fte_per_gp=1.0,
    entry_age=35,
    growth_offset=0.004,
)
YEARS = [2026, 2027, 2028, 2029]


def stock() -> list[float]:
    # 10 GPs aged 30, 4 aged 68, 2 aged 69
    return projection.stock_vector([30] * 10 + [68] * 4 + [69] * 2)


def test_supply_ages_leaves_and_joins_as_computed_by_hand():
    # joiners every year: 16 GPs on the first day × 0,1 = 1,6, entering at 35
    # 2027: 30→31: 10×0,9 = 9; 68→69: 4×0,8 = 3,2; 69→70: 2×0,8×0,5 (extended) = 0,8;
    #       joiners 1,6                                             → 14,6
    # 2028: 8,1 + 1,44 (joiners of 2027) + 1,28 (69→70 extended) + 0,64 (70→71)
    #       + joiners 1,6                                           → 13,06
    # 2029: 7,29 + 1,296 (37) + 1,44 (36) + 1,024 (70→71); the 71-year-olds reach
    #       72 = 70 + 2 extension years and leave; joiners 1,6      → 12,65
    assert projection.supply(stock(), YEARS, F) == pytest.approx([16, 14.6, 13.06, 12.65])


def test_demand_and_gap_follow_the_population_trend():
    history = {2020: 10_000, 2023: 10_400, 2026: 11_000}
    rows = projection.project(stock(), history, YEARS, F)
    growth = 1.1 ** (1 / 6)  # 10 000 → 11 000 over six years
    assert [r.population for r in rows] == pytest.approx(
        [11_000, 11_000 * growth, 11_000 * growth**2, 11_000 * growth**3]
    )
    assert rows[0].needed == pytest.approx(11.0)
    assert rows[1].needed == pytest.approx(11_000 * growth / 1000)
    assert rows[0].gap == pytest.approx(11.0 - 16.0)
    assert rows[3].gap == pytest.approx(11 * growth**3 - 12.65)


def test_high_and_low_growth_add_and_subtract_the_offset():
    history = {2020: 10_000, 2026: 11_000}
    growth = 1.1 ** (1 / 6) - 1
    high = projection.population(
        history, [2026, 2028], dataclasses.replace(F, population_variant="hoy")
    )
    low = projection.population(
        history, [2026, 2028], dataclasses.replace(F, population_variant="lav")
    )
    assert high[1] == pytest.approx(11_000 * (1 + growth + 0.004) ** 2)
    assert low[1] == pytest.approx(11_000 * (1 + growth - 0.004) ** 2)


def test_a_loaded_projection_is_used_where_it_has_the_year():
    history = {2020: 10_000, 2026: 11_000}
    loaded = {2027: 12_345}
    f = dataclasses.replace(F, population_variant="innlest")
    people = projection.population(history, [2026, 2027, 2028], f, loaded)
    assert people[:2] == [11_000, 12_345]
    assert people[2] == pytest.approx(11_000 * 1.1 ** (2 / 6))  # no row: the trend


def test_fte_listing_rate_and_list_length_scale_demand_and_supply():
    f = dataclasses.replace(F, fte_per_gp=0.8, listing_rate=0.95, target_list_length=800.0)
    rows = projection.project(stock(), {2026: 8_000}, [2026], f)
    assert rows[0].expected == pytest.approx(16 * 0.8)
    assert rows[0].needed == pytest.approx(8_000 * 0.95 / 800)


def test_alis_completions_add_joiners_per_hundred_gps():
    f = dataclasses.replace(F, recruitment_rate=0.0, alis_completions_per_100=5.0)
    # 20 GPs aged 40: 20×0,95 = 19 stay, joiners 20 × 5/100 = 1
    assert projection.supply(projection.stock_vector([40] * 20), [2026, 2027], f) == (
        pytest.approx([20, 20])
    )


def test_without_extension_everyone_leaves_at_the_end_age():
    f = dataclasses.replace(F, extension_years=0, recruitment_rate=0.0, attrition_65_plus=0.0)
    assert projection.supply(projection.stock_vector([69, 69, 68]), [2026, 2027, 2028], f) == [
        3,
        1,
        0,
    ]


def test_the_age_limit_is_the_registry_rule(monkeypatch):
    """The end age comes from ``rules.PARAMETERS`` (one definition): a row raising it to
    72 from 2027 keeps the 69-year-old, whom the real rule (70) lets go."""
    f = dataclasses.replace(F, extension_years=0, recruitment_rate=0.0, attrition_65_plus=0.0)
    assert projection.age_limit(2027, 0).end_age == rules.param(
        "agreement_end_age", datetime.date(2027, 1, 1)
    )
    assert projection.supply(projection.stock_vector([69]), [2026, 2027], f) == [1, 0]
    raised = rules.Parameter("agreement_end_age", 72, datetime.date(2027, 1, 1), "test")
    monkeypatch.setattr(rules, "PARAMETERS", (*rules.PARAMETERS, raised))
    assert projection.supply(projection.stock_vector([69]), [2026, 2027], f) == [1, 1]


def test_extension_never_passes_the_cap(monkeypatch):
    """Ten extension years from 70 end at the cap (80): a 79-year-old leaves."""
    f = dataclasses.replace(F, extension_years=10, recruitment_rate=0.0, attrition_65_plus=0.0)
    cap = rules.param("agreement_extension_age_cap", datetime.date(2027, 1, 1))
    assert cap == 80
    assert projection.supply(projection.stock_vector([78, cap - 1]), [2026, 2027], f) == [2, 1]


def test_total_sums_areas_year_by_year():
    a = projection.project(projection.stock_vector([40]), {2026: 1000}, [2026], F)
    b = projection.project(projection.stock_vector([40, 50]), {2026: 3000}, [2026], F)
    (row,) = projection.total([a, b], [2026])
    assert (row.population, row.needed, row.expected) == (4000, 4.0, 3.0)
    assert row.gap == 1.0


def test_a_registry_extension_ends_on_its_day():
    """A GP with a known extension (ending 1 March 2028) counts in 2027 and 2028 —
    thinned by the 65+ rate, 0,2 a year — and not from 2029."""
    f = dataclasses.replace(F, attrition_65_plus=0.2)
    ten = projection.stock_vector([40] * 10)
    got = projection.supply(ten, YEARS, f, extended_until=[datetime.date(2028, 3, 1)])
    # intake 11 × 0,1 = 1,1 a year at 35
    # 2027: 10×0,95 = 9,5 + 1,1 + 0,8                                   → 11,4
    # 2028: 9,025 + 0,99 (36) + 1,1 + 0,64                              → 11,755
    # 2029: 8,57375 + 0,891 (37) + 0,99 (36) + 1,1; the extension is over → 11,55475
    assert got == pytest.approx([11, 11.4, 11.755, 11.55475])
