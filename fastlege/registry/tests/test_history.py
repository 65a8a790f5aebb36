"""`fastlege seed --months N`: a history made by the monthly engine along the trend.

Two Trøndelag municipalities, six months (July–December 2025): Steinkjer,
whose share of list residents without a GP rose from 0.3 % (2024) to 4.2 %
(2025), and the small Tydal. One seed for the whole check (it is the slow part).
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.forms.models import model_to_dict

from fastlege.monthly.models import ListMonthSnapshot, MonthRun
from fastlege.registry.models import (
    CeilingChange,
    ListMembership,
    PopulationEvent,
    Resident,
    SwitchRequest,
    WaitingListEntry,
)
from fastlege.registry.seed.calendar import month_index
from fastlege.registry.seed.history import (
    RESERVE_TOLERANCE,
    load_trends,
    mean_tolerance,
    share_tolerance,
)
from fastlege.stats.indicators import compute
from fastlege.stats.kostra import compare_year
from fastlege.stats.models import AreaKind, AreaMonthCount
from fastlege.stats.services import stats_fill

pytestmark = pytest.mark.django_db

AREA = ("5006", "5033")
MONTHS = 6
FIRST = datetime.date(2025, 7, 1)
LAST = datetime.date(2025, 12, 1)


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
    result = [c for c in compare_year(2025) if c.municipality in AREA]
    assert [c.municipality for c in result] == list(AREA)
    for c in result:
        assert c.differences == {}, c.municipality
    call_command("consistency_check", stdout=io.StringIO())  # raises on a failure


def check_the_months_before_follow_the_trend() -> None:
    trends = load_trends(list(AREA), month_index(FIRST), MONTHS)
    for number in AREA:
        trend = trends[number]
        for k in range(MONTHS - 1):
            month = datetime.date(2025, 7 + k, 1)
            c = counts(number, month)
            values = compute(c)
            share, mean = values["andel_uten_lege"], values["listelengde"]
            reserve = values["reservekapasitet"]
            assert share is not None and mean is not None and trend.mean is not None
            assert reserve is not None and trend.reserve is not None
            assert abs(reserve / trend.reserve[k] - 1) <= RESERVE_TOLERANCE, (
                number,
                month,
                reserve,
                trend.reserve[k],
            )
            assert abs(share - trend.share[k]) <= share_tolerance(number, month), (number, month)
            assert abs(mean / trend.mean[k] - 1) <= mean_tolerance(number, month), (
                number,
                month,
            )
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
    result = [c for c in compare_year(2025) if c.municipality == "5033"]
    assert len(result) == 1 and result[0].differences == {}


def test_without_history_nothing_is_run() -> None:
    call_command("seed", "--kommune", "5033", "--months", "0", stdout=io.StringIO())
    assert not MonthRun.objects.exists()
    assert not PopulationEvent.objects.exists()


@pytest.mark.parametrize("value", ["-1", "121", "tre"])
def test_bad_month_count_is_refused_and_changes_nothing(value: str) -> None:
    with pytest.raises(CommandError, match="måneder"):
        call_command("seed", "--kommune", "5033", "--months", value, stdout=io.StringIO())
    assert not Resident.objects.exists()
