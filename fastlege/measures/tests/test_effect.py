"""The effect view's figures are the statistics app's figures for the same months."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from fastlege.measures import selectors
from fastlege.measures.tests.factories import MALVIK, MELHUS, TRONDHEIM, counts, measure
from fastlege.stats import selectors as stats
from fastlege.stats.indicators import BY_CODE
from fastlege.stats.models import AreaKind

pytestmark = pytest.mark.django_db

VERDAL = "5038"  # Trøndelag, SSB size group 10 000–19 999 as Melhus and Malvik

START = datetime.date(2025, 3, 1)
MONTHS = [stats.shift(START, k) for k in range(-3, 3)]  # 2024-12 … 2025-05


@pytest.fixture
def history():
    """Melhus loses doctors before its measure and gains after; Malvik (no measure, the
    same SSB size group 10 000–19 999) and Trondheim (same measure, so not a
    comparator) for comparison."""
    for i, month in enumerate(MONTHS):
        after = month >= START
        counts(
            MELHUS,
            month,
            lists=12,
            lists_with_gp=10 + (2 if after else 0),
            lists_vacant_over_year=1 if not after else 0,
            # Two lists without a GP before (for 400 + 31·i days in all), none after.
            vacant_days_sum=0 if after else 400 + 31 * i,
            lists_vacant_in_year=2,
            gps=10 + (2 if after else 0),
            gps_started=2 if month == START else 0,
            gps_stopped=1 if i == 1 else 0,
            ceiling_sum=12_000,
            on_lists=11_000 + i * 10,
            on_lists_with_gp=9_000,
        )
        counts(
            MALVIK,
            month,
            lists=5,
            lists_with_gp=4,
            gps_started=None if i == 0 else 1,
            vacant_days_sum=100,
        )
        counts(TRONDHEIM, month, lists=200, lists_with_gp=150)
    measure(TRONDHEIM, value=100_000, status="aktiv", starts_on=datetime.date(2020, 1, 1))
    return measure(MELHUS, value=100_000, status="aktiv", starts_on=datetime.date(2025, 3, 15))


def test_own_figures_equal_the_statistics_selectors_for_the_same_months(history, users):
    effect = selectors.effect(users["county_governor"], history.pk)
    assert effect.start == START
    assert [r.month for r in effect.rows] == MONTHS
    own_rows = {r["month"]: r for r in stats.rows_for(AreaKind.MUNICIPALITY, [MELHUS], MONTHS)}
    for row in effect.rows:
        assert row.after == (row.month >= START)
        for code in selectors.EFFECT_INDICATORS:
            expected = stats.display(BY_CODE[code], own_rows[row.month], public=False)
            assert row.own[code] == expected, (row.month, code)
    # The same figures written out from the counts the fixture gave Melhus (month i):
    # 12 lists, 10 with a GP before / 12 after; 400 + 31·i days without a GP on two
    # lists before (÷ 2 lists ÷ 365.25 days a year, two decimals); 12 000 places for
    # 11 000 + 10·i list residents.
    by_hand = {
        "lister_uten_lege": [2, 2, 2, 0, 0, 0],
        "ubesatt_varighet": [0.55, 0.59, 0.63, None, None, None],
        "lister_ubesatt_over_ett_ar": [1, 1, 1, 0, 0, 0],
        "fastleger_startet": [0, 0, 0, 2, 0, 0],
        "fastleger_sluttet": [0, 1, 0, 0, 0, 0],
        "ledige_plasser": [1000 - 10 * i for i in range(6)],
    }
    assert set(by_hand) == set(selectors.EFFECT_INDICATORS)
    for code, values in by_hand.items():
        assert [row.own[code] for row in effect.rows] == values, code
    first_after = next(r for r in effect.rows if r.after)
    assert first_after.own["fastleger_startet"] == 2
    assert first_after.own["lister_uten_lege"] == 0
    # The mean time without a GP: none after (no list without a GP), days ÷ lists before.
    assert first_after.own["ubesatt_varighet"] is None
    assert effect.rows[1].own["ubesatt_varighet"] == round((400 + 31) / 2 / 365.25, 2)


def test_comparators_mean_vacancy_duration_is_over_all_their_lists_without_a_gp(history, users):
    """Verdal (same county and size group, no measure) has 3 lists without a GP for
    900 days in all, Malvik 1 for 100: 1 000 days ÷ 4 lists, not an average of averages,
    while counts stay an average per municipality."""
    for month in MONTHS:
        counts(VERDAL, month, lists=10, lists_with_gp=7, vacant_days_sum=900)
    effect = selectors.effect(users["county_governor"], history.pk)
    assert {MALVIK, VERDAL} <= set(effect.comparators)
    for row in effect.rows:
        assert row.comparison["ubesatt_varighet"] == round(1000 / 4 / 365.25, 2)
        assert row.comparison["lister_uten_lege"] == (1 + 3) / 2
    summary = {s["indicator"].code: s for s in effect.summary}
    assert summary["ubesatt_varighet"]["comparison_after"] == round(1000 / 4 / 365.25, 2)
    assert summary["ubesatt_varighet"]["own_after"] is None
    before = [round((400 + 31 * i) / 2 / 365.25, 2) for i in range(3)]
    assert summary["ubesatt_varighet"]["own_before"] == round(sum(before) / 3, 2)


def test_comparators_are_municipalities_without_the_measure_with_their_own_stats(history, users):
    effect = selectors.effect(users["county_governor"], history.pk)
    assert TRONDHEIM not in effect.comparators and MELHUS not in effect.comparators
    assert MALVIK in effect.comparators
    # Only Malvik has statistics among the comparators: the average is Malvik's figure.
    malvik = {r["month"]: r for r in stats.rows_for(AreaKind.MUNICIPALITY, [MALVIK], MONTHS)}
    for row in effect.rows:
        for code in selectors.EFFECT_INDICATORS:
            value = stats.display(BY_CODE[code], malvik[row.month], public=False)
            assert row.comparison[code] == value, (row.month, code)
    # Malvik's figures written out: 5 lists, 4 with a GP, 100 days without a GP on the
    # one list without (100 ÷ 365.25 = 0.27 years), 1 GP started from its second month.
    for i, row in enumerate(effect.rows):
        assert row.comparison["lister_uten_lege"] == 1, row.month
        assert row.comparison["ubesatt_varighet"] == 0.27, row.month
        assert row.comparison["fastleger_startet"] == (None if i == 0 else 1), row.month
    summary = {s["indicator"].code: s for s in effect.summary}
    assert summary["lister_uten_lege"]["own_before"] == 2.0
    assert summary["lister_uten_lege"]["own_after"] == 0.0
    assert summary["lister_uten_lege"]["comparison_before"] == 1.0


def test_the_page_shows_the_figures_and_the_caveat(history, users):
    client = Client()
    client.force_login(users["municipality"])
    html = client.get(reverse("measures:measure", args=[history.pk])).content.decode()
    assert "ikke bevis for at tiltaket var årsaken" in html
    assert 'data-month="2025-03"' in html


def test_a_measure_without_a_start_has_no_effect_figures(users):
    m = measure(MELHUS, value=1)
    effect = selectors.effect(users["national"], m.pk)
    assert effect.start is None and effect.rows == []
