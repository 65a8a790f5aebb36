"""The outbidding rule at its margins, and the yearly value per GP."""

from __future__ import annotations

import datetime
from decimal import Decimal

from fastlege.measures import rules

M = Decimal("0.20")


def test_the_margin_is_a_named_versioned_parameter():
    assert rules.param("outbidding_margin", datetime.date(2026, 1, 1)) == M
    assert "penger" in rules.MONEY_CATEGORIES


def test_exactly_at_the_margin_over_the_neighbours_does_not_fire():
    result = rules.outbidding(Decimal("120000"), [Decimal("100000")], [], M)
    assert not result.fires
    assert result.neighbour_max == Decimal("100000")


def test_one_ore_over_the_margin_fires():
    result = rules.outbidding(Decimal("120000.01"), [Decimal("100000")], [], M)
    assert result.fires and result.over_neighbours and not result.over_county


def test_the_neighbours_highest_offer_is_the_reference():
    result = rules.outbidding(Decimal("130000"), [Decimal("50000"), Decimal("110000")], [], M)
    assert not result.fires  # 110 000 × 1.2 = 132 000
    assert rules.outbidding(Decimal("132001"), [Decimal("50000"), Decimal("110000")], [], M).fires


def test_the_county_median_fires_without_any_neighbour_offer():
    county = [Decimal("50000"), Decimal("100000"), Decimal("400000")]  # median 100 000
    assert not rules.outbidding(Decimal("120000"), [], county, M).fires
    result = rules.outbidding(Decimal("120001"), [], county, M)
    assert result.fires and result.over_county and not result.over_neighbours
    assert result.county_median == Decimal("100000")


def test_median_of_an_even_count_is_the_mean_of_the_middle_two():
    county = [Decimal("100000"), Decimal("200000")]  # median 150 000 → limit 180 000
    assert not rules.outbidding(Decimal("180000"), [], county, M).fires
    assert rules.outbidding(Decimal("180001"), [], county, M).fires


def test_nothing_to_outbid_when_nobody_else_offers_the_measure():
    assert not rules.outbidding(Decimal("1000000"), [], [], M).fires


def test_a_lower_offer_never_fires():
    assert not rules.outbidding(Decimal("90000"), [Decimal("100000")], [Decimal("100000")], M).fires


def test_only_money_offers_count():
    assert rules.is_offer("penger", "kr_per_ar", "planlagt", Decimal(1))
    assert not rules.is_offer("penger", "kr_per_ar", "vurdert", Decimal(1))
    assert not rules.is_offer("penger", "kr_per_ar", "avsluttet", Decimal(1))
    assert not rules.is_offer("arbeidsvilkar", "kr_per_ar", "aktiv", Decimal(1))
    assert not rules.is_offer("penger", "timer_per_uke", "aktiv", Decimal(1))
    assert not rules.is_offer("penger", "kr_per_ar", "aktiv", None)


def test_yearly_value_per_gp_adds_per_gp_amounts_and_shares_whole_municipality_amounts():
    assert rules.yearly_value_per_gp([Decimal(100000)], [Decimal(400000)], 10) == Decimal(140000)
    assert rules.yearly_value_per_gp([Decimal(100000)], [], None) == Decimal(100000)
    assert rules.yearly_value_per_gp([], [Decimal(400000)], 0) is None


def test_every_measures_parameter_is_in_the_glossary_with_its_value_and_date():
    import re
    from pathlib import Path

    from django.conf import settings

    text = (Path(settings.PROJECT_DIR) / "docs" / "glossary.md").read_text(encoding="utf-8")
    start = text.index("## Rule parameters of the measures app")
    end = text.find("\n## ", start + 1)
    part = text[start : end if end != -1 else len(text)]
    rows = {
        (m[1], m[2], m[3].strip())
        for m in re.finditer(r"^\| `([a-z_]+)` \| (\d{4}-\d{2}-\d{2}) \| ([^|]+) \|", part, re.M)
    }
    known = {(p.name, p.effective_from.isoformat(), str(p.value)) for p in rules.PARAMETERS}
    assert rows == known
