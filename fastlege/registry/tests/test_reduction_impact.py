"""The impact of a ceiling reduction before it is approved (§ 11): who would have to move,
their households, the lists that could take them, and the six months' notice. Expected
figures are worked out by hand from the world each test builds."""

from __future__ import annotations

import datetime

import pytest

from fastlege.accounts.models import Role
from fastlege.registry.models import DoctorPeriod
from fastlege.registry.selectors import reduction_impact
from fastlege.registry.services import prepare_list_reduction, request_switch
from fastlege.registry.tests.factories import add_members, gp_list, member, user_with

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 3, 10)
MONTH = D(2026, 10, 1)  # more than six months after TODAY


def households_of_two(source, n: int) -> None:
    """``n`` households of two adults each on ``source``."""
    for h in range(1, n + 1):
        add_members(source, 2, household=1000 + h)


def test_households_move_whole_so_four_residents_are_two_households():
    source = gp_list(ceiling=500, members=0)
    households_of_two(source, 5)  # 10 residents, 5 households
    impact = reduction_impact(source, 6, MONTH, today=TODAY)
    # 10 on the list, new ceiling 6: 4 must move; households of two: exactly 2 households
    assert impact.members == 10
    assert impact.to_move == 4
    assert impact.household_units == 5
    assert (impact.households_min, impact.households_max) == (2, 2)
    assert (impact.drawn_min, impact.drawn_max) == (4, 4)


def test_people_already_leaving_lower_the_number_who_must_move():
    source = gp_list(ceiling=500, members=0)
    leaving = member(source)
    add_members(source, 9)  # 10 single residents
    request_switch(None, leaving, gp_list(ceiling=10), today=TODAY)  # from 1 April
    impact = reduction_impact(source, 7, MONTH, today=TODAY)
    # 10 − 1 leaving − 7 = 2 must move, each alone: 2 households; the leaver is not drawn
    assert impact.leaving == 1
    assert impact.to_move == 2
    assert impact.household_units == 9
    assert (impact.households_min, impact.households_max) == (2, 2)


def test_the_count_is_what_the_reduction_then_draws():
    muni = user_with(Role.MUNICIPALITY, municipality_id="5001")
    source = gp_list(ceiling=5, members=8)  # ceiling already 5: 3 above it
    target = gp_list(ceiling=50, members=0)
    impact = reduction_impact(source, 5, MONTH, today=TODAY)
    assert impact.to_move == 3
    reduction = prepare_list_reduction(
        muni, source, effective_on=MONTH, plan=[(target, impact.to_move)], seed=1, today=TODAY
    )
    assert reduction.drawn == 3


def test_no_one_moves_when_the_list_is_within_the_new_ceiling():
    source = gp_list(ceiling=500, members=4)
    impact = reduction_impact(source, 400, MONTH, today=TODAY)
    assert impact.to_move == 0
    assert (impact.households_min, impact.households_max) == (0, 0)


def test_receiving_lists_show_regular_gp_and_free_places():
    source = gp_list(ceiling=500, members=12)
    with_gp = gp_list(ceiling=8, members=3)  # 5 free
    vacant = gp_list(ceiling=10, members=0, with_gp=False)  # 10 free, no regular GP
    full = gp_list(ceiling=2, members=3)  # above its ceiling: 0 free
    gp_list(ceiling=90, members=0, municipality="0301")  # another municipality
    impact = reduction_impact(source, 6, MONTH, today=TODAY)
    rows = {r.agreement.pk: r for r in impact.receiving}
    assert set(rows) == {with_gp.pk, vacant.pk, full.pk}
    assert (rows[with_gp.pk].has_regular_gp, rows[with_gp.pk].free) == (True, 5)
    assert (rows[vacant.pk].has_regular_gp, rows[vacant.pk].free) == (False, 10)
    assert rows[full.pk].free == 0
    # 6 must move; lists with a regular GP have 5 + 0 free places: not room enough
    assert impact.to_move == 6
    assert impact.free_with_gp == 5
    assert not impact.room_enough


def test_a_list_whose_gp_has_left_is_without_regular_gp():
    source = gp_list(ceiling=500, members=3)
    gone = gp_list(ceiling=10, members=0)
    DoctorPeriod.objects.filter(agreement=gone).update(valid_to=D(2026, 1, 1))
    impact = reduction_impact(source, 1, MONTH, today=TODAY)
    assert [r.has_regular_gp for r in impact.receiving] == [False]


@pytest.mark.parametrize(
    ("effective_on", "ok"),
    [(D(2026, 8, 1), False), (D(2026, 9, 1), False), (D(2026, 10, 1), True)],
)
def test_warns_when_the_six_months_notice_is_not_met(effective_on, ok):
    source = gp_list(ceiling=500, members=3)
    impact = reduction_impact(source, 1, effective_on, requested_on=TODAY, today=TODAY)
    # asked on 10 March 2026: six months' notice runs to 10 September 2026
    assert impact.notice_months == 6
    assert impact.full_notice_from == D(2026, 9, 10)
    assert impact.notice_ok is ok
