"""The back-test: the projection run from 2020 against what KOSTRA shows for 2020–2025.

KOSTRA (SSB table 12005, ``reference.KostraGpTrend``) publishes per municipality and
year the mean list length and the share of listed residents on lists without a GP,
not the number of GPs. The GPs (agreements with a GP) are therefore derived::

    observed(Y) = population(1.1. Y+1) × listing_rate × (1 − share_without_gp) ÷ mean_list_length

(KOSTRA's figures are at 31.12; the mean list length is the residents on lists with
a GP divided by the agreements with a GP). ``derivation_error`` checks the formula
against the GP agreements KOSTRA publishes for 2025 (``reference.KostraGpFigures``).

The projection starts from each municipality's observed GPs in 2020, spread over
ages by the registry's age profile on the start day (or ``DEFAULT_AGE_PROFILE`` when
the registry has no GPs then), runs the «som i dag» figures with the known
population, and is compared year by year with the observed GPs.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fastlege.reference.models import KostraGpFigures, KostraGpTrend, MunicipalityPopulation
from fastlege.workforce import projection
from fastlege.workforce.models import Scenario
from fastlege.workforce.selectors import figures, gp_ages, recruitment_rate

FIRST = 2020
LAST = 2025

#: GPs by age band when the registry cannot give an age profile: workforce.md § 3
#: (2017: 24 % over 60, 47 % aged 40–60, so 29 % under 40), spread evenly over the
#: ages of each band; the bands' ends (30, 74) and the 2 % over 70 are our choice.
#: Unverified.
DEFAULT_AGE_PROFILE: tuple[tuple[int, int, float], ...] = (
    (30, 39, 0.29),
    (40, 59, 0.47),
    (60, 69, 0.22),
    (70, 74, 0.02),
)
#: The fewest GPs in the registry on the start day for its own age profile to be used.
MIN_REGISTRY_GPS = 50


def default_profile() -> list[float]:
    out = [0.0] * (projection.MAX_AGE + 1)
    for lo, hi, share in DEFAULT_AGE_PROFILE:
        for age in range(lo, hi + 1):
            out[age] = share / (hi - lo + 1)
    return out


def registry_profile(on: datetime.date) -> list[float] | None:
    """The national age profile of the registry's regular GPs on ``on`` (shares)."""
    total = [0.0] * (projection.MAX_AGE + 1)
    for vector in gp_ages(on).values():
        for age, count in enumerate(vector):
            total[age] += count
    n = sum(total)
    if n < MIN_REGISTRY_GPS:
        return None
    return [c / n for c in total]


def observed_gps(
    population: Mapping[int, int],
    trend: Mapping[int, tuple[float | None, int | None]],
    listing_rate: float,
    years: Sequence[int],
) -> dict[int, float]:
    """The GPs KOSTRA implies in each year (module docstring); a year without the
    figures is left out."""
    out = {}
    for year in years:
        share, mean = trend.get(year, (None, None))
        people = population.get(year + 1)
        if share is None or not mean or people is None:
            continue
        out[year] = people * listing_rate * (1.0 - share / 100.0) / mean
    return out


@dataclass(frozen=True)
class Result:
    municipalities: int
    years: list[int]
    #: mean absolute percentage error per year over the municipalities
    mape: dict[int, float]
    #: the same for the naive forecast «as in 2020» (no change), for comparison
    baseline_mape: dict[int, float]
    #: national (summed) projected and observed GPs per year
    national_projected: dict[int, float]
    national_observed: dict[int, float]
    age_profile: str
    recruitment: float
    recruitment_measured: bool
    derivation_mape: float | None

    def national_error_pct(self, year: int) -> float:
        obs = self.national_observed[year]
        return 100.0 * (self.national_projected[year] - obs) / obs


def mape(pairs: Sequence[tuple[float, float]]) -> float:
    """Mean absolute percentage error of (projected, observed) pairs, observed > 0."""
    errors = [abs(p - o) / o for p, o in pairs if o > 0]
    return 100.0 * sum(errors) / len(errors) if errors else 0.0


def derivation_error(listing_rate: float) -> float | None:
    """MAPE of the derived GPs against the GP agreements KOSTRA publishes for 2025."""
    pops = dict(
        MunicipalityPopulation.objects.filter(year=LAST + 1).values_list(
            "municipality_id", "population"
        )
    )
    trend = {
        m: (s, ml)
        for m, s, ml in KostraGpTrend.objects.filter(year=LAST).values_list(
            "municipality_id", "share_without_gp_pct", "mean_list_length"
        )
    }
    pairs = []
    for m, agreements in KostraGpFigures.objects.filter(
        year=LAST, agreements_with_gp__gt=0
    ).values_list("municipality_id", "agreements_with_gp"):
        share, mean = trend.get(m, (None, None))
        if m not in pops or share is None or not mean:
            continue
        derived = observed_gps(
            {LAST + 1: pops[m]}, {LAST: (float(share), mean)}, listing_rate, [LAST]
        )
        pairs.append((derived[LAST], float(agreements or 0)))
    return mape(pairs) if pairs else None


def run(scenario: Scenario | None = None) -> Result:
    scenario = scenario or Scenario.objects.get(preset="som_i_dag")
    years = list(range(FIRST, LAST + 1))
    start = datetime.date(FIRST, 12, 31)
    rate, measured = recruitment_rate(datetime.date(FIRST + 1, 1, 1))
    f = figures(scenario, rate)
    profile = registry_profile(start)
    profile_name = "registeret" if profile is not None else "standard"
    profile = profile or default_profile()
    populations: dict[str, dict[int, int]] = defaultdict(dict)
    for m, year, people in MunicipalityPopulation.objects.values_list(
        "municipality_id", "year", "population"
    ):
        populations[m][year] = people
    trends: dict[str, dict[int, tuple[float | None, int | None]]] = defaultdict(dict)
    for m, year, share, mean in KostraGpTrend.objects.filter(
        year__gte=FIRST, year__lte=LAST
    ).values_list("municipality_id", "year", "share_without_gp_pct", "mean_list_length"):
        trends[m][year] = (None if share is None else float(share), mean)
    per_year: dict[int, list[tuple[float, float]]] = defaultdict(list)
    baseline: dict[int, list[tuple[float, float]]] = defaultdict(list)
    nat_p: dict[int, float] = defaultdict(float)
    nat_o: dict[int, float] = defaultdict(float)
    count = 0
    for m in sorted(trends):
        observed = observed_gps(populations.get(m, {}), trends[m], f.listing_rate, years)
        if set(observed) != set(years):
            continue  # only municipalities with the whole series
        count += 1
        stock = [share * observed[FIRST] for share in profile]
        projected = projection.supply(stock, years, f)
        for year, p in zip(years, projected, strict=True):
            p *= f.fte_per_gp
            per_year[year].append((p, observed[year]))
            baseline[year].append((observed[FIRST], observed[year]))
            nat_p[year] += p
            nat_o[year] += observed[year]
    return Result(
        municipalities=count,
        years=years,
        mape={y: mape(per_year[y]) for y in years},
        baseline_mape={y: mape(baseline[y]) for y in years},
        national_projected=dict(nat_p),
        national_observed=dict(nat_o),
        age_profile=profile_name,
        recruitment=rate,
        recruitment_measured=measured,
        derivation_mape=derivation_error(f.listing_rate),
    )
