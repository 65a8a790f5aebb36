"""The follow-up severity score (docs/followup.md): each alert's points worked out by hand."""

from __future__ import annotations

from typing import Any

from fastlege.stats.indicators import ALERT_SHARE_WITHOUT_GP_PCT
from fastlege.stats.severity import AlertFacts, facts, score_terms, severity


def counts(**kw: Any) -> dict[str, Any]:
    base = {
        "lists": 10,
        "lists_full": 0,
        "lists_with_gp": 10,
        "on_lists": 2000,
        "on_lists_with_gp": 2000,
        "lists_vacant_over_year": 0,
        "unassigned": 0,
    }
    base.update(kw)
    return base


def test_no_alert_scores_zero():
    assert severity(facts(counts(), counts(), 0, 0)) == 0
    assert score_terms(facts(counts(), None, 0, 0)) == {}


def test_every_list_full_scores_ten():
    f = facts(counts(lists_full=10), None, 0, 0)
    assert f.all_lists_full
    assert severity(f) == 10


def test_share_without_gp_counts_its_percentage_above_the_threshold_only():
    # 200 of 2000 without a regular GP: 10 % > 5 %: 10 points
    assert severity(facts(counts(on_lists_with_gp=1800), None, 0, 0)) == 10
    # 100 of 2000: exactly 5 %, not above the threshold: no points
    assert ALERT_SHARE_WITHOUT_GP_PCT == 5.0
    assert severity(facts(counts(on_lists_with_gp=1900), None, 0, 0)) == 0


def test_lists_vacant_over_a_year_score_five_each():
    assert severity(facts(counts(lists_vacant_over_year=3), None, 0, 0)) == 15


def test_unassigned_growth_scores_five_per_percent_of_list_residents():
    # 30 more unassigned than the month before, 2000 list residents: 1.5 % × 5 = 7.5
    f = facts(counts(unassigned=50), counts(unassigned=20), 0, 0)
    assert f.unassigned_growth == 30
    assert severity(f) == 7.5
    # fewer unassigned: no alert; no month before: no alert
    assert severity(facts(counts(unassigned=10), counts(unassigned=20), 0, 0)) == 0
    assert severity(facts(counts(unassigned=50), None, 0, 0)) == 0


def test_waiting_on_closed_or_vacant_lists_scores_five_per_percent():
    # 40 waiting of 2000 list residents: 2 % × 5 = 10
    assert severity(facts(counts(), None, 40, 0)) == 10
    # no statistics month: today's list residents are the base (40 of 800: 5 % × 5)
    assert severity(facts(None, None, 40, 800)) == 25


def test_terms_add_up_and_the_worst_ranks_first():
    worst = AlertFacts(
        list_residents=1000,
        all_lists_full=True,
        share_without_gp=12.0,
        lists_vacant_over_year=1,
        unassigned_growth=10,
        waiting_on_closed_or_vacant=5,
    )
    # 10 + 12 + 5 + (1 % × 5) + (0.5 % × 5) = 34.5
    assert score_terms(worst) == {
        "fulle": 10,
        "uten_lege": 12,
        "ubesatt": 5,
        "ufordelte_vekst": 5,
        "venter_stengt": 2.5,
    }
    assert severity(worst) == 34.5
    milder = AlertFacts(list_residents=1000, lists_vacant_over_year=2)
    assert sorted([milder, worst], key=lambda f: -severity(f)) == [worst, milder]
