"""`fastlege seed --months N`: a history made by the monthly engine along the trend.

Two Trøndelag municipalities, six months (July–December 2025): Steinkjer,
whose share of list residents without a GP rose from 0.3 % (2024) to 4.2 %
(2025), and the small Tydal (no list without a GP in 2024 or 2025). One seed for
the whole check (it is the slow part).

December 2025 is checked as users get it (the export, beside SSB's file) and in
the registry on 31.12.2025; the months before against the trend file, read and
interpolated here, with the tolerances stated below (not the seed's own).
"""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.forms.models import model_to_dict
from django.test import Client

from fastlege.accounts.models import Role
from fastlege.monthly.models import ListMonthSnapshot, MonthRun
from fastlege.registry.models import (
    CeilingChange,
    ListMembership,
    PopulationEvent,
    Resident,
    SwitchRequest,
    WaitingListEntry,
)
from fastlege.registry.tests.calibration import figures_by_municipality
from fastlege.registry.tests.factories import user_with
from fastlege.stats.models import AreaKind, AreaMonthCount
from fastlege.stats.services import stats_fill
from fastlege.stats.tests.published import differences, from_export, kostra

pytestmark = pytest.mark.django_db

AREA = ("5006", "5033")
MONTHS = 6
FIRST = datetime.date(2025, 7, 1)
LAST = datetime.date(2025, 12, 1)
TREND_FILE = (
    Path(__file__).resolve().parents[2] / "reference" / "data" / "fastlege_kommune_trend.csv"
)

# What the history should achieve in the months before the last (which is exact).
#
# Share of list residents on lists without a GP: a list is vacant or not as a
# whole, so the nearest the share can come to the trend is within half a list. With
# lists of about the same length that is half an average list: 50 / lists
# percentage points (Steinkjer, 29 lists: 1.7). Where the trend is 0, no list is
# vacant: 0 vacant lists is exactly on it.
HALF_A_LIST_PP = 50.0
# Mean list length (lists with a GP): within 5 % of the trend. One list getting or
# losing its GP moves Steinkjer's mean by up to 1 / 27 ≈ 3.7 % (the residents of a
# list stay when its GP leaves), and a month's arrivals, departures and placements
# move about 1 % of the list residents.
MEAN_TOLERANCE = 0.05
# Reserve capacity (sum of ceilings ÷ residents on lists with a GP × 100): within 1 %
# of the trend. The ceilings are set before each run for the trend's value; the run
# then places and moves about 1 % of the list residents, and the trend is KOSTRA's
# published whole number (± 0.5, i.e. ± 0.5 % at about 100).
RESERVE_TOLERANCE = 0.01


def trend(number: str, column: str, month: datetime.date) -> float:
    """The trend file's yearly value (per 31.12) interpolated linearly to ``month``:
    the year before's value plus month/12 of the change over the year."""
    with TREND_FILE.open(encoding="utf-8") as f:
        yearly = {
            int(r["aar"]): float(r[column])
            for r in csv.DictReader(f)
            if r["kommunenummer"] == number
        }
    before, after = yearly[month.year - 1], yearly[month.year]
    return before + (after - before) * month.month / 12


def test_history_of_six_months() -> None:
    args = [a for n in AREA for a in ("--kommune", n)]
    call_command("seed", *args, "--months", str(MONTHS), stdout=io.StringIO())
    stats_fill(None)
    check_runs_and_the_last_month_reproduces_kostra_2025()
    check_the_months_before_follow_the_trend()
    check_no_month_has_a_landing_far_above_the_others()
    check_ceilings_changed_through_applied_ceiling_changes()
    check_arrivals_deaths_moves_switches_and_gp_changes()


def counts(number: str, month: datetime.date) -> dict:
    row = AreaMonthCount.objects.get(month=month, kind=AreaKind.MUNICIPALITY, code=number)
    return model_to_dict(row)


def check_runs_and_the_last_month_reproduces_kostra_2025() -> None:
    runs = list(MonthRun.objects.order_by("month").values_list("month", "status", "source"))
    months = [datetime.date(2025, m, 1) for m in range(7, 13)]
    assert runs == [(m, MonthRun.Status.COMPLETED, MonthRun.Source.SEED) for m in months]
    assert_december_exported_as_kostra(set(AREA))
    call_command("consistency_check", stdout=io.StringIO())  # raises on a failure


def assert_december_exported_as_kostra(numbers: set[str]) -> None:
    """December 2025 as downloaded equals SSB's file, and the registry on 31.12.2025
    (KOSTRA's day: the landing is in force then) has KOSTRA's lists and residents."""
    client = Client()
    client.force_login(user_with(Role.COUNTY_GOVERNOR, county_id="50"))
    published = kostra(numbers)
    assert set(published) == numbers
    assert differences(published, from_export(client, "csv")) == {}
    registry = figures_by_municipality()
    for number, k in published.items():
        assert registry[number] == {
            "total": k["lister"],
            "vacant": k["lister_uten_lege"],
            "open": k["apne_lister"],
            "capacity": k["sum_listetak"],
            "with_gp": k["listeinnbyggere_med_lege"],
            "without_gp": k["listeinnbyggere_uten_lege"],
        }, number


def check_the_months_before_follow_the_trend() -> None:
    for number in AREA:
        for m in range(7, 12):
            month = datetime.date(2025, m, 1)
            c = counts(number, month)
            without = c["on_lists"] - c["on_lists_with_gp"]
            share = 100 * without / c["on_lists"]
            mean = c["on_lists_with_gp"] / c["lists_with_gp"]
            reserve = 100 * c["ceiling_sum"] / c["on_lists_with_gp"]
            where = (number, month)
            want_share = trend(number, "andel_pasienter_liste_uten_lege_pst", month)
            if want_share == 0:
                assert without == 0, where
            assert abs(share - want_share) <= HALF_A_LIST_PP / c["lists"], (where, share)
            want_mean = trend(number, "gjsn_listelengde", month)
            assert abs(mean / want_mean - 1) <= MEAN_TOLERANCE, (where, mean, want_mean)
            want_reserve = trend(number, "reservekapasitet", month)
            assert abs(reserve / want_reserve - 1) <= RESERVE_TOLERANCE, (where, reserve)
    # Steinkjer's vacancies grew during the year: fewer residents without a GP in July.
    july, december = counts("5006", FIRST), counts("5006", LAST)
    assert (july["on_lists"] - july["on_lists_with_gp"]) < (
        december["on_lists"] - december["on_lists_with_gp"]
    )


def check_no_month_has_a_landing_far_above_the_others() -> None:
    # The first run starts from the start state with no events before it; the months
    # after it each have their events, and the landing on the end state is spread over
    # the last of them, so December is no longer one large run of moves.
    runs = list(MonthRun.objects.order_by("month"))[1:]
    moved = sorted(run.moved for run in runs)
    median = (moved[len(moved) // 2] + moved[(len(moved) - 1) // 2]) / 2
    assert median > 0
    assert max(moved) <= 2 * median, moved


def check_ceilings_changed_through_applied_ceiling_changes() -> None:
    changes = CeilingChange.objects.filter(status=CeilingChange.Status.APPLIED)
    assert changes.exists()
    assert not changes.filter(effective_on__lt=FIRST).exists()


def check_arrivals_deaths_moves_switches_and_gp_changes() -> None:
    kinds = set(PopulationEvent.objects.values_list("kind", flat=True))
    assert {
        PopulationEvent.Kind.BORN,
        PopulationEvent.Kind.ARRIVED,
        PopulationEvent.Kind.DIED,
        PopulationEvent.Kind.EMIGRATED,
        PopulationEvent.Kind.MOVED,
    } <= kinds
    dead = Resident.objects.filter(status=Resident.Status.DEAD)
    assert dead.exists()
    assert not ListMembership.objects.filter(resident__in=dead, valid_to=None).exists()
    assert SwitchRequest.objects.filter(status=SwitchRequest.Status.APPLIED).count() > 50
    assert WaitingListEntry.objects.exists()  # switches to closed lists went via waiting lists
    runs = MonthRun.objects.order_by("month")
    assert sum(r.unassigned_placed for r in runs) > 0  # newcomers placed by the engine
    assert sum(r.switches_applied for r in runs) > 0
    # A list that had a GP in July is without one in December (a GP left), and the
    # regular GPs of the two months differ somewhere (GPs leaving and starting).
    july = dict(
        ListMonthSnapshot.objects.filter(month=FIRST).values_list("agreement_id", "regular_gp_id")
    )
    dec = dict(
        ListMonthSnapshot.objects.filter(month=LAST).values_list("agreement_id", "regular_gp_id")
    )
    assert any(july.get(a) is not None and gp is None for a, gp in dec.items())
    # Everybody unassigned at the end arrived in December, after the last run.
    assert not Resident.objects.filter(
        status=Resident.Status.EMIGRATED, population_events__isnull=True
    ).exists()


def test_one_month_of_history_is_december_and_reproduces_kostra() -> None:
    call_command("seed", "--kommune", "5033", "--months", "1", stdout=io.StringIO())
    stats_fill(None)
    assert list(MonthRun.objects.values_list("month", flat=True)) == [LAST]
    assert_december_exported_as_kostra({"5033"})


def test_without_history_nothing_is_run() -> None:
    call_command("seed", "--kommune", "5033", "--months", "0", stdout=io.StringIO())
    assert not MonthRun.objects.exists()
    assert not PopulationEvent.objects.exists()


@pytest.mark.parametrize("value", ["-1", "121", "tre"])
def test_bad_month_count_is_refused_and_changes_nothing(value: str) -> None:
    with pytest.raises(CommandError, match="måneder"):
        call_command("seed", "--kommune", "5033", "--months", value, stdout=io.StringIO())
    assert not Resident.objects.exists()
