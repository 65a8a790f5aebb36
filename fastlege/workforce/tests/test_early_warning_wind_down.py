"""The early warning's signal (e): shared-list wind-downs (deleliste).

The day asked about is 1 March 2026, so the horizons end on 1 September 2026 (6
months), 1 March 2027 (12) and 1 March 2028 (24), inclusive (worked out by hand). A
wind-down without a successor is a likely vacancy on its hand-over day; one with a
successor named is listed apart and counted nowhere.
"""

from __future__ import annotations

import datetime

import pytest

from fastlege.accounts.models import Role
from fastlege.reference.models import County, Municipality
from fastlege.registry.models import Agreement, DoctorPeriod, WindDown
from fastlege.registry.services import cancel_wind_down, register_wind_down
from fastlege.registry.tests.factories import (
    AgreementFactory,
    DoctorFactory,
    DoctorPeriodFactory,
    PracticeFactory,
    add_members,
    user_with,
)
from fastlege.workforce import early_warning as ew
from fastlege.workforce.early_warning import Reason

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = D(2026, 3, 1)
START = D(2026, 1, 1)
BORN = D(1962, 4, 4)  # 63 on START; 70 only in 2032, beyond every horizon


def wind_down_list(
    hand_over_on: D, *, members: int, successor: bool = False, muni: str = "5001"
) -> Agreement:
    agreement = AgreementFactory.create(practice=PracticeFactory.create(municipality_id=muni))
    DoctorPeriodFactory.create(agreement=agreement, doctor=DoctorFactory.create(birth_date=BORN))
    add_members(agreement, members)
    register_wind_down(
        None,
        agreement,
        valid_from=START,
        hand_over_on=hand_over_on,
        successor_hpr=DoctorFactory.create().hpr_number if successor else "",
    )
    return agreement


@pytest.fixture
def lists():
    L = {
        "exactly_six": wind_down_list(D(2026, 9, 1), members=4),
        "day_after_six": wind_down_list(D(2026, 9, 2), members=5),
        "exactly_24": wind_down_list(D(2028, 3, 1), members=6),
        "beyond_24": wind_down_list(D(2028, 3, 2), members=50),
        "named": wind_down_list(D(2026, 6, 1), members=7, successor=True),
        "cancelled": wind_down_list(D(2026, 6, 1), members=40),
        "steinkjer": wind_down_list(D(2026, 5, 1), members=8, muni="5006"),
        "oslo": wind_down_list(D(2026, 5, 1), members=9, muni="0301"),
    }
    cancel_wind_down(None, WindDown.objects.get(agreement=L["cancelled"]))
    # A new regular GP already registered from the hand-over day: a take-over, no signal.
    taken = wind_down_list(D(2026, 6, 1), members=30)
    period = taken.doctor_periods.get()
    period.valid_to = D(2026, 6, 1)
    period.save()
    DoctorPeriodFactory.create(agreement=taken, valid_from=D(2026, 6, 1))
    L["taken_over"] = taken
    # The outgoing GP has already left (the list is without a GP): (e) no longer speaks.
    left = wind_down_list(D(2026, 6, 1), members=31)
    period = left.doctor_periods.get()
    period.valid_to = D(2026, 2, 1)
    period.end_reason = DoctorPeriod.EndReason.OTHER
    period.save()
    L["left"] = left
    return L


def trondheim() -> Municipality:
    return Municipality.objects.get(number="5001")


def ids(rows) -> set[int]:
    return {r.agreement.pk for r in rows}


def test_a_wind_down_without_successor_is_a_likely_vacancy_on_the_hand_over_day(lists):
    national = user_with(Role.NATIONAL)
    w = ew.early_warning(national, trondheim(), DAY)
    by = {h.months: h for h in w.horizons}
    assert ids(by[6].rows) == {lists["exactly_six"].pk}
    assert ids(by[12].rows) == {lists["exactly_six"].pk, lists["day_after_six"].pk}
    assert ids(by[24].rows) == {
        lists["exactly_six"].pk,
        lists["day_after_six"].pk,
        lists["exactly_24"].pk,
    }
    # Residents affected: the lists' lengths (4; 4+5; 4+5+6).
    assert [h.residents for h in w.horizons] == [4, 9, 15]
    row = by[6].rows[0]
    assert (row.first.reason, row.on, row.first.related_on) == (
        Reason.WIND_DOWN,
        D(2026, 9, 1),
        START,
    )
    assert row.members == 4
    assert row.first.detail() == (
        "fastlegen trapper ned fra 01.01.2026 og overdrar listen 01.09.2026; "
        "ingen ny fastlege er navngitt"
    )


def test_a_wind_down_with_a_successor_is_information_not_a_vacancy(lists):
    national = user_with(Role.NATIONAL)
    w = ew.early_warning(national, trondheim(), DAY)
    counted = ids(w.horizons[-1].rows)
    assert lists["named"].pk not in counted
    assert [(o.agreement.pk, o.members) for o in w.hand_overs] == [(lists["named"].pk, 7)]
    assert w.hand_overs[0].wind_down.successor is not None
    for gone in ("cancelled", "taken_over", "left", "beyond_24"):
        assert lists[gone].pk not in counted, gone


def test_the_county_governor_sees_the_county_only(lists):
    governor = user_with(Role.COUNTY_GOVERNOR, county_id="50")
    w = ew.early_warning(governor, County.objects.get(number="50"), DAY)
    six = ids(w.horizons[0].rows)
    assert six == {lists["exactly_six"].pk, lists["steinkjer"].pk}
    assert lists["oslo"].pk not in ids(w.horizons[-1].rows)
    assert w.horizons[0].residents == 4 + 8


def test_the_rule():
    assert ew.wind_down_signal(START, D(2026, 9, 1), True) is None
    s = ew.wind_down_signal(START, D(2026, 9, 1), False)
    assert s is not None and (s.reason, s.on) == (Reason.WIND_DOWN, D(2026, 9, 1))
    assert ew.wind_down_signal(START, D(2026, 9, 1), False, D(2026, 9, 1)) is None
    late = ew.wind_down_signal(START, D(2026, 9, 1), False, D(2026, 10, 1))  # a gap
    assert late is not None and late.on == D(2026, 9, 1)
