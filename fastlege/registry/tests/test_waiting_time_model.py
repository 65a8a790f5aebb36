"""The expected wait as published (``waiting_time.PARAMETERS``): openings come in lumps
(overdispersion, fitted from the list's own months and shrunk toward a common value)
and the rate ahead may differ from the window's (a log-normal change). The figures are
checked against a plain simulation of that model, not against the closed form the code
uses (the incomplete beta function and a five-point quadrature)."""

from __future__ import annotations

import math
import random
from dataclasses import replace

import pytest

from fastlege.registry import waiting_time as wt
from fastlege.registry.tests.waiting_history import steady
from fastlege.registry.waiting_time import Kind

P = wt.PARAMETERS


def _nb_at_least_by_sum(needed: int, mean: float, variance: float) -> float:
    """1 − Σ_{k < needed} P(NB = k), term by term."""
    r, p = mean * mean / (variance - mean), mean / variance
    return 1.0 - sum(
        math.exp(
            math.lgamma(k + r)
            - math.lgamma(r)
            - math.lgamma(k + 1)
            + r * math.log(p)
            + k * math.log1p(-p)
        )
        for k in range(needed)
    )


@pytest.mark.parametrize(
    ("needed", "mean", "variance"),
    [(1, 1.0, 2.0), (3, 2.5, 4.0), (50, 40.0, 80.0), (200, 150.0, 1000.0), (5, 0.3, 0.5)],
)
def test_the_chance_of_enough_places_is_the_negative_binomial(
    needed: int, mean: float, variance: float
) -> None:
    assert wt.at_least(needed, mean, variance) == pytest.approx(
        _nb_at_least_by_sum(needed, mean, variance), abs=1e-9
    )


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw by inversion (means here are small)."""
    u, k, term = rng.random(), 0, math.exp(-mean)
    total = term
    while u > total and k < 10_000:
        k += 1
        term *= mean / k
        total += term
    return k


def _simulated_chances(opened: int, window: int, phi: float, needed: int) -> list[float]:
    """P(wait ≤ j) for j = 0..max_months by simulation: the rate ahead λc, c = e^(σZ)
    with Z normal; the places in ``j`` months a gamma–Poisson draw with the mean and
    variance of the model (docs/waiting-time.md): m = cλj, v = φm + (cj)² φλ/W."""
    rng = random.Random(20)
    draws = 4_000
    lam = (opened + P.prior_shape) / window
    reached = [0] * (P.max_months + 1)
    for _ in range(draws):
        c = math.exp(P.drift * rng.gauss(0.0, 1.0))
        for j in range(1, P.max_months + 1):
            m = c * lam * j
            v = phi * m + (c * j) ** 2 * phi * lam / window
            r, p = m * m / (v - m), m / v
            # P(wait ≤ j) = P(places in j months ≥ needed), each j drawn on its own
            if _poisson(rng, rng.gammavariate(r, (1 - p) / p)) >= needed:
                reached[j] += 1
    return [n / draws for n in reached]


def _agrees_with_simulation(e: wt.WaitEstimate, phi: float) -> None:
    """The chance of a turn by each month, as the method computes it, is the simulated
    one (within 0.03), and the range's months are where the simulation crosses."""
    per_month = wt.rate(e.opened, e.window, [], replace(P, dispersion=phi, dispersion_weight=1))
    assert per_month.dispersion == pytest.approx(phi)
    simulated = _simulated_chances(e.opened, e.window, phi, e.needed)
    for j in range(1, P.max_months + 1):
        assert wt.turn_by(e.needed, per_month, j) == pytest.approx(simulated[j], abs=0.03), j
    assert e.low is not None and e.median is not None
    for month, q in ((e.low, P.low_quantile), (e.median, 0.5)):
        assert simulated[month] >= q - 0.03 and simulated[month - 1] <= q + 0.03


def test_a_list_opening_one_place_a_month_the_third_waits_about_three_months() -> None:
    history = steady([1] * 12)  # 12 places in 12 months, like clockwork
    e = wt.estimate(history, position=3)
    # by hand: x = 12, W = 12; the months vary not at all, so the dispersion is the
    # prior's, weighed 6 against 11: (6 × 3 + 11 × 0) / 17 → at least 1 → 1.06
    phi = max(1.0, (P.dispersion_weight * P.dispersion) / (P.dispersion_weight + 11))
    assert wt.dispersion(wt.openings(history.months)) == pytest.approx(phi)
    assert e.kind == Kind.RANGE and e.median == 3
    assert e.low is not None and e.high is not None
    assert e.low <= 3 <= e.high
    # if the rate could not change ahead, the lumps and the window alone: narrow
    fixed = wt.estimate(history, position=3, params=replace(P, drift=0.0))
    assert (fixed.low, fixed.median) == (2, 3) and fixed.high is not None and fixed.high <= 5
    _agrees_with_simulation(e, phi)


def test_an_erratic_list_with_the_same_places_gets_a_wider_range() -> None:
    steady_list = wt.estimate(steady([1] * 12), position=3)
    lumpy = steady([0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 6])  # the same 12 places in two lumps
    e = wt.estimate(lumpy, position=3)
    # by hand: mean 1, sample variance (10 × 1 + 2 × 25) / 11 = 60/11, so the list's own
    # dispersion is 5.45; shrunk: (6 × 3 + 11 × 5.45) / 17 = 4.59
    phi = (P.dispersion_weight * P.dispersion + 11 * 60 / 11) / (P.dispersion_weight + 11)
    assert wt.dispersion(wt.openings(lumpy.months)) == pytest.approx(phi)
    assert e.low is not None and e.high is not None
    assert steady_list.low is not None and steady_list.high is not None
    assert e.high - e.low > steady_list.high - steady_list.low
    _agrees_with_simulation(e, phi)


def test_a_short_history_gives_a_wider_range_than_a_long_one_at_the_same_rate() -> None:
    short, long = wt.estimate(steady([2] * 6), 10), wt.estimate(steady([2] * 12), 10)
    assert short.low is not None and short.high is not None
    assert long.low is not None and long.high is not None
    assert short.low <= long.low and short.high >= long.high
    assert short.high - short.low > long.high - long.low
