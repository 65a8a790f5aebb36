"""`fastlege demo_continue`: the demo carried on from 31.12.2025 to last month.

Steinkjer and the small Tydal, seeded with one month of history (the landing on
KOSTRA 2025), then continued three months, one call a month (as the command resumes
where the last run stopped). Each month's volumes are counted here with plain
queries and held against the national rates of domain.md § 8, computed here from
the published figures, within the bands the seed states (seed/targets.py).
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.utils import timezone

from fastlege.demo.seed.continuation import (
    MOVES_BAND,
    UNASSIGNED_ALLOWANCE,
    UNASSIGNED_MAX,
    WAITING_BAND,
    continue_demo,
    last_completed_month,
)
from fastlege.monthly.models import MonthMove, MonthRun
from fastlege.registry import periods
from fastlege.registry.models import (
    Agreement,
    DoctorPeriod,
    ListMembership,
    PopulationEvent,
    Resident,
    WaitingListEntry,
)

pytestmark = pytest.mark.django_db

AREA = ("5006", "5033")
MONTHS = [datetime.date(2026, m, 1) for m in range(1, 4)]
STATE_DAY = datetime.date(2025, 12, 31)

# domain.md § 8 and § 6.4, per month as a share of the list residents.
VOLUNTARY = 327_863 / 5_499_917 / 12  # voluntary switches, 2012
ALL_MOVES = 618_485 / 5_499_917 / 12  # all switches, 2012
WAITING = 240_000 / (5_376_756 + 180_789)  # waiting, May 2024 (a stock)
UNASSIGNED = 3_866 / 5_499_917  # unassigned, 1.9.2023 (a stock)


def registry_on_state_day() -> dict[str, object]:
    """What the calibrated state is made of on 31.12.2025."""
    return {
        "places": sorted(
            ListMembership.objects.filter(periods.in_force_on(STATE_DAY)).values_list(
                "resident_id", "agreement_id"
            )
        ),
        "gps": sorted(
            DoctorPeriod.objects.filter(
                periods.in_force_on(STATE_DAY), role=DoctorPeriod.Role.REGULAR
            ).values_list("agreement_id", "doctor_id")
        ),
        "events": PopulationEvent.objects.filter(occurred_on__lte=STATE_DAY).count(),
        "waiting_joined": WaitingListEntry.objects.filter(joined_at__date__lte=STATE_DAY).count(),
    }


def lists_without_gp(day: datetime.date) -> int:
    with_gp = DoctorPeriod.objects.filter(
        periods.in_force_on(day), role=DoctorPeriod.Role.REGULAR
    ).values("agreement_id")
    return Agreement.objects.filter(periods.in_force_on(day)).exclude(pk__in=with_gp).count()


def list_residents() -> int:
    return ListMembership.objects.filter(
        valid_to=None, resident__status=Resident.Status.RESIDENT
    ).count()


def list_residents_where_closed() -> int:
    closed = set(
        Agreement.objects.filter(valid_to=None, is_open=False).values_list(
            "municipality_id", flat=True
        )
    )
    return ListMembership.objects.filter(
        valid_to=None,
        resident__status=Resident.Status.RESIDENT,
        agreement__municipality_id__in=closed,
    ).count()


def test_the_demo_continues_month_by_month_at_realistic_levels() -> None:
    args = [a for n in AREA for a in ("--kommune", n)]
    call_command("seed", *args, "--months", "1", stdout=io.StringIO())
    before = registry_on_state_day()
    vacant_2025 = lists_without_gp(STATE_DAY)

    moves: list[int] = []
    for month in MONTHS:
        done = continue_demo(until=month)
        assert done.months == [month]
        listed = list_residents()
        # The engine's moves of the month, counted from its move rows.
        moved = MonthMove.objects.filter(run__month=month).count()
        moves.append(moved)
        assert MOVES_BAND[0] == pytest.approx(0.25 * VOLUNTARY)
        assert MOVES_BAND[1] == pytest.approx(1.5 * ALL_MOVES)
        assert 0.25 * VOLUNTARY * listed <= moved <= 1.5 * ALL_MOVES * listed, (month, moved)
        # Waiting places after the month, against the stock of May 2024.
        waiting = WaitingListEntry.objects.filter(status=WaitingListEntry.Status.WAITING).count()
        target = WAITING * list_residents_where_closed()
        assert target > 200  # Steinkjer has closed lists: the check means something
        low, high = WAITING_BAND
        assert low * target <= waiting <= high * target, (month, waiting, target)
        # Unassigned after the month's run: residents in the scheme without a place.
        unassigned = (
            Resident.objects.filter(status=Resident.Status.RESIDENT, in_scheme=True)
            .exclude(memberships__valid_to=None)
            .count()
        )
        assert unassigned <= UNASSIGNED_MAX * UNASSIGNED * listed + UNASSIGNED_ALLOWANCE + (
            # those who arrived during the month wait for the next run to be placed
            PopulationEvent.objects.filter(
                kind=PopulationEvent.Kind.ARRIVED, occurred_on__gte=month
            ).count()
        )
        # Lists without a GP hold the 2025 level (a GP who left this month at most).
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        assert lists_without_gp(following) <= vacant_2025 + 1
    # No growth over the months (the history's landing grew fourfold), and the last
    # month's waiting lists are far from empty.
    assert max(moves) <= 2 * min(moves), moves
    assert waiting >= 0.5 * target

    # The months had their events: births, arrivals, moves, deaths, GPs leaving.
    kinds = dict(
        PopulationEvent.objects.filter(occurred_on__gt=STATE_DAY)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    assert kinds.get(PopulationEvent.Kind.BORN, 0) > 0
    assert kinds.get(PopulationEvent.Kind.ARRIVED, 0) > 0
    assert kinds.get(PopulationEvent.Kind.MOVED, 0) > 0
    assert kinds.get(PopulationEvent.Kind.DIED, 0) + kinds.get(PopulationEvent.Kind.EMIGRATED, 0)
    # (GPs leave 0.46 % of lists a month: with 31 lists, none may leave in three months.)

    # The calibrated state on 31.12.2025 is untouched: the landing on KOSTRA stays.
    assert registry_on_state_day() == before
    runs = list(MonthRun.objects.order_by("month").values_list("month", "status"))
    assert runs == [(m, MonthRun.Status.COMPLETED) for m in [datetime.date(2025, 12, 1), *MONTHS]]
    # Every run and the registry as it stands now (with last month's events and the
    # requests waiting for the next run) pass the consistency check.
    call_command("consistency_check", stdout=io.StringIO())  # raises on a failure


def test_default_end_is_the_last_completed_month_and_a_later_one_is_refused() -> None:
    assert last_completed_month(datetime.date(2026, 12, 3)) == datetime.date(2026, 11, 1)
    assert last_completed_month(datetime.date(2027, 1, 1)) == datetime.date(2026, 12, 1)
    this_month = timezone.localdate().strftime("%Y-%m")
    with pytest.raises(CommandError):
        call_command("demo_continue", "--til", this_month, stdout=io.StringIO())


def test_without_a_seeded_history_nothing_is_run() -> None:
    assert continue_demo(until=datetime.date(2026, 2, 1)).months == []
    assert not MonthRun.objects.exists()
