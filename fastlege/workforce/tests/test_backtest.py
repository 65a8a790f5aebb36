"""The back-test's arithmetic (hand-computed) and a run on the shipped KOSTRA data."""

from __future__ import annotations

import pytest

from fastlege.workforce import backtest


def test_observed_gps_are_derived_from_list_length_and_share_without_gp():
    # 31.12.2020 ≈ population 1.1.2021 = 12 000; 5 % on lists without a GP; mean list 950
    got = backtest.observed_gps({2021: 12_000}, {2020: (5.0, 950)}, 1.0, [2020, 2021])
    assert got == {2020: pytest.approx(12_000 * 0.95 / 950)}  # 2021 has no KOSTRA figures


def test_mape_ignores_zero_observations():
    assert backtest.mape([(11, 10), (9, 10), (5, 0)]) == pytest.approx(10.0)


def test_default_age_profile_sums_to_one():
    assert sum(backtest.default_profile()) == pytest.approx(1.0)


@pytest.mark.django_db
def test_a_run_on_the_reference_data():
    result = backtest.run()
    assert result.years == [2020, 2021, 2022, 2023, 2024, 2025]
    assert result.municipalities > 200
    assert result.mape[2020] == pytest.approx(
        0.0, abs=1e-9
    )  # the projection starts from the observed GPs
    assert result.age_profile == "standard"  # no GPs in the registry here
    assert result.derivation_mape is not None
