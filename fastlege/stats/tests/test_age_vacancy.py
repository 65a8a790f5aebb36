"""GP age cohorts and vacancy figures in a small hand-built world with known answers."""

from __future__ import annotations

import datetime

import pytest

from fastlege.monthly.services import run_month
from fastlege.registry.tests.factories import AgreementFactory, DoctorFactory, DoctorPeriodFactory
from fastlege.stats import selectors
from fastlege.stats.indicators import BY_CODE, age_cohort, compute, gp_age_in_month
from fastlege.stats.models import AreaKind, AreaMonthCount, StatsFill
from fastlege.stats.services import fill_month_from_registry, stats_fill

pytestmark = pytest.mark.django_db

D = datetime.date
DEC = D(2025, 12, 1)
JAN = D(2026, 1, 1)
MUNI = "5001"
SINCE = D(2020, 1, 1)


def _list(valid_from: D = SINCE):
    return AgreementFactory.create(practice__municipality_id=MUNI, valid_from=valid_from)


def _gp(agreement, doctor, start: D = SINCE, end: D | None = None) -> None:
    DoctorPeriodFactory.create(agreement=agreement, doctor=doctor, valid_from=start, valid_to=end)


@pytest.fixture
def world() -> None:
    """Five GPs, one in each age cohort; two lists vacant now, one vacant earlier in the
    window, one vacant only before the window and one only between two 1sts."""
    a = DoctorFactory.create(birth_date=D(1995, 3, 10))  # 30 in December 2025
    b = DoctorFactory.create(birth_date=D(1980, 12, 20))  # 44 on 1 Dec, 45 in December
    c = DoctorFactory.create(birth_date=D(1960, 6, 1))  # 65
    d = DoctorFactory.create(birth_date=D(1970, 1, 15))  # 55
    e = DoctorFactory.create(birth_date=D(1990, 1, 1))  # 35
    _gp(_list(), a)
    _gp(_list(), b)
    _gp(_list(), b)  # a GP with two lists is one GP
    _gp(_list(), c)
    _gp(_list(), d)
    # F: vacant 1 March – 1 May 2025 (inside the window), a GP again since.
    f = _list()
    _gp(f, DoctorFactory.create(), end=D(2025, 3, 1))
    _gp(f, e, start=D(2025, 5, 1))
    # G: vacant 1 Nov 2024 – 15 Jan 2025: vacant on 1 January 2025 only, before the window.
    g = _list()
    _gp(g, DoctorFactory.create(), end=D(2024, 11, 1))
    _gp(g, d, start=D(2025, 1, 15))
    # H: vacant 10–20 June 2025, on no 1st of a month.
    h = _list()
    _gp(h, DoctorFactory.create(), end=D(2025, 6, 10))
    _gp(h, d, start=D(2025, 6, 20))
    # V1: vacant since 1 October 2025; V2: a new list never filled, since 1 June 2024.
    v1 = _list()
    _gp(v1, DoctorFactory.create(), end=D(2025, 10, 1))
    _list(valid_from=D(2024, 6, 1))


def _row(month: D) -> AreaMonthCount:
    return AreaMonthCount.objects.get(month=month, kind=AreaKind.MUNICIPALITY, code=MUNI)


def _check(row: AreaMonthCount, as_of: D, age_sum: int) -> None:
    assert row.gps == 5
    cohorts = (
        row.gps_age_under_35,
        row.gps_age_35_44,
        row.gps_age_45_54,
        row.gps_age_55_64,
        row.gps_age_65_plus,
    )
    assert cohorts == (1, 1, 1, 1, 1)
    assert row.gps_age_sum == age_sum
    assert row.lists == 10 and row.lists_with_gp == 8
    v1 = (as_of - D(2025, 10, 1)).days
    v2 = (as_of - D(2024, 6, 1)).days
    assert row.vacant_days_sum == v1 + v2
    assert row.vacancy_median_days == (v1 + v2) // 2
    assert row.lists_vacant_in_year == 3  # V1, V2 and F; not G nor H
    # How long they lasted: F 1 March – 1 May 2025 (61 days), V1 and V2 still vacant.
    assert row.vacancy_days_in_year_sum == 61 + v1 + v2
    assert row.vacancy_in_year_median_days == v1
    assert row.lists_vacant_over_year == 1  # V2
    values = compute(AreaMonthCount.objects.filter(pk=row.pk).values(*selectors.COUNT_FIELDS)[0])
    assert values["fastlege_alder"] == pytest.approx(age_sum / 5)
    assert values["andel_fastleger_45_54"] == pytest.approx(20.0)
    assert values["ubesatt_varighet"] == pytest.approx((v1 + v2) / 2 / 365.25)
    assert values["ubesatte_lister_siste_ar"] == 3
    assert values["ubesatt_varighet_siste_ar"] == pytest.approx((61 + v1 + v2) / 3 / 365.25)
    assert values["ubesatt_varighet_siste_ar_median"] == pytest.approx(v1 / 365.25)


def test_counts_from_the_registry_and_from_the_first_run(world):
    fill_month_from_registry(None, DEC)
    _check(_row(DEC), JAN, 30 + 45 + 65 + 55 + 35)
    run_month(None, JAN)
    stats_fill(None)
    # January from its run's snapshots; the window's earlier months from the registry.
    # D (born 15 January 1970) and E (1 January 1990) are a year older in January.
    _check(_row(JAN), JAN, 30 + 45 + 65 + 56 + 36)
    nation = AreaMonthCount.objects.get(month=JAN, kind=AreaKind.NATION)
    assert nation.lists_vacant_in_year == 3 and nation.gps_age_sum == 232


def test_a_month_filled_by_an_older_version_is_filled_again(world):
    run_month(None, JAN)
    stats_fill(None)
    before = _row(JAN).lists_vacant_in_year
    # As a month filled before this version: no new figures, version 1.
    AreaMonthCount.objects.filter(month=JAN).update(lists_vacant_in_year=None, gps_age_sum=None)
    StatsFill.objects.filter(month=JAN).update(version=1)
    assert (
        BY_CODE["fastlege_alder"].value(selectors.rows_for(AreaKind.NATION, None, [JAN])[0]) is None
    )
    result = stats_fill(None)
    assert [f.month for f in result.filled] == [JAN]
    assert _row(JAN).lists_vacant_in_year == before == 3
    assert stats_fill(None).filled == []


def test_age_cohorts_follow_the_monthly_cohort_rule():
    born = D(1980, 12, 20)
    assert gp_age_in_month(born, D(2025, 11, 1)) == 44
    assert gp_age_in_month(born, D(2025, 12, 1)) == 45  # birthday later in the month
    assert [age_cohort(a) for a in (34, 35, 44, 45, 54, 55, 64, 65, 80)] == [
        "gps_age_under_35",
        "gps_age_35_44",
        "gps_age_35_44",
        "gps_age_45_54",
        "gps_age_45_54",
        "gps_age_55_64",
        "gps_age_55_64",
        "gps_age_65_plus",
        "gps_age_65_plus",
    ]


def test_age_figures_of_fewer_than_five_gps_are_hidden_in_public():
    row = {
        "gps": 3,
        "gps_age_sum": 150,
        "gps_age_under_35": 1,
        "lists": 3,
        "lists_with_gp": 3,
        "on_lists": 3000,
        "on_lists_with_gp": 3000,
    }
    for code in ("fastlege_alder", "andel_fastleger_under_35"):
        assert selectors.display(BY_CODE[code], row, public=True) == selectors.SUPPRESSED
        assert selectors.display(BY_CODE[code], row, public=False) is not None
    # Lists are not people: the vacancy figures are shown.
    vacant = dict(row, lists=4, vacant_days_sum=100, lists_vacant_in_year=2)
    assert selectors.display(BY_CODE["ubesatte_lister_siste_ar"], vacant, public=True) == 2
    assert selectors.display(BY_CODE["ubesatt_varighet"], vacant, public=True) == 0.27
