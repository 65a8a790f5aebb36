"""Shared-list wind-downs (deleliste): the municipality registers that its list's GP,
60 or older, winds down and hands over; names the successor later; cancels. Every
refusal leaves nothing behind; every write has its audit row.

Ages are worked out by hand: a GP born 15.03.1966 turns 60 on 15.03.2026, so is 59 on
14.03.2026 and 60 on 15.03.2026.
"""

from __future__ import annotations

import datetime

import pytest

from fastlege.accounts.models import Role
from fastlege.core.errors import DomainError
from fastlege.core.models import AuditEvent
from fastlege.registry.models import Agreement, WindDown
from fastlege.registry.services import cancel_wind_down, name_successor, register_wind_down
from fastlege.registry.tests.factories import (
    AgreementFactory,
    DoctorFactory,
    DoctorPeriodFactory,
    PracticeFactory,
    user_with,
)

pytestmark = pytest.mark.django_db

D = datetime.date
BORN = D(1966, 3, 15)
TURNS_60 = D(2026, 3, 15)
DAY_BEFORE = D(2026, 3, 14)


@pytest.fixture
def officer():
    return user_with(Role.MUNICIPALITY, municipality_id="5001")


def a_list(born: D = BORN, muni: str = "5001") -> Agreement:
    agreement = AgreementFactory.create(practice=PracticeFactory.create(municipality_id=muni))
    DoctorPeriodFactory.create(agreement=agreement, doctor=DoctorFactory.create(birth_date=born))
    return agreement


def refused(code: str, fn, *args, **kwargs) -> None:
    before = (WindDown.objects.count(), AuditEvent.objects.count())
    rows = list(WindDown.objects.values())
    with pytest.raises(DomainError) as exc:
        fn(*args, **kwargs)
    assert exc.value.code == code
    assert (WindDown.objects.count(), AuditEvent.objects.count()) == before
    assert list(WindDown.objects.values()) == rows


def test_a_gp_who_has_turned_60_on_the_start_day_may_wind_down(officer):
    agreement = a_list()
    successor = DoctorFactory.create()
    w = register_wind_down(
        officer,
        agreement,
        valid_from=TURNS_60,
        hand_over_on=D(2027, 1, 1),
        successor_hpr=successor.hpr_number,
    )
    gp = agreement.doctor_periods.get().doctor
    assert (w.outgoing, w.successor, w.status) == (gp, successor, WindDown.Status.ACTIVE)
    event = AuditEvent.objects.get(action="wind_down.registered")
    assert event.actor == officer
    assert event.object_id == str(w.pk)
    assert event.details["successor"] == successor.pk


def test_a_gp_of_59_on_the_start_day_is_refused_with_the_age_in_words(officer):
    agreement = a_list()
    with pytest.raises(DomainError) as exc:
        register_wind_down(officer, agreement, valid_from=DAY_BEFORE, hand_over_on=D(2027, 1, 1))
    assert exc.value.code == "wind_down_too_young"
    assert "fylt 60 år" in exc.value.messages[0]
    assert "59 år 14.03.2026" in exc.value.messages[0]
    assert not WindDown.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("code", "kwargs"),
    [
        # the hand-over on the start day, or before it
        (
            "wind_down_hand_over_not_after_start",
            {"valid_from": TURNS_60, "hand_over_on": TURNS_60},
        ),
        (
            "wind_down_hand_over_not_after_start",
            {"valid_from": TURNS_60, "hand_over_on": DAY_BEFORE},
        ),
        # an unknown successor
        (
            "unknown_doctor",
            {"valid_from": TURNS_60, "hand_over_on": D(2027, 1, 1), "successor_hpr": "999999999"},
        ),
        # before the list's agreement began (2020-01-01 in the factory)
        ("outside_agreement", {"valid_from": D(2019, 6, 1), "hand_over_on": D(2027, 1, 1)}),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(officer, code, kwargs):
    refused(code, register_wind_down, officer, a_list(), **kwargs)


def test_the_successor_cannot_be_the_outgoing_gp(officer):
    agreement = a_list()
    gp = agreement.doctor_periods.get().doctor
    refused(
        "wind_down_successor_is_outgoing",
        register_wind_down,
        officer,
        agreement,
        valid_from=TURNS_60,
        hand_over_on=D(2027, 1, 1),
        successor_hpr=gp.hpr_number,
    )
    w = register_wind_down(officer, agreement, valid_from=TURNS_60, hand_over_on=D(2027, 1, 1))
    refused("wind_down_successor_is_outgoing", name_successor, officer, w, gp.hpr_number)


def test_a_list_without_a_regular_gp_on_the_start_day_is_refused(officer):
    agreement = AgreementFactory.create()
    refused(
        "list_without_gp",
        register_wind_down,
        officer,
        agreement,
        valid_from=TURNS_60,
        hand_over_on=D(2027, 1, 1),
    )


def test_two_open_wind_downs_on_one_list_are_refused_a_cancelled_one_is_not(officer):
    agreement = a_list()
    first = register_wind_down(officer, agreement, valid_from=TURNS_60, hand_over_on=D(2027, 1, 1))
    refused(
        "wind_down_exists",
        register_wind_down,
        officer,
        agreement,
        valid_from=D(2026, 6, 1),
        hand_over_on=D(2027, 6, 1),
    )
    cancel_wind_down(officer, first, note="Legen fortsetter.")
    again = register_wind_down(
        officer, agreement, valid_from=D(2026, 6, 1), hand_over_on=D(2027, 6, 1)
    )
    assert again.status == WindDown.Status.ACTIVE
    first.refresh_from_db()
    assert first.status == WindDown.Status.CANCELLED and first.ended_at is not None
    assert "Legen fortsetter." in first.note
    assert AuditEvent.objects.filter(action="wind_down.cancelled", object_id=str(first.pk)).exists()
    refused("wind_down_not_active", cancel_wind_down, officer, first)
    refused("wind_down_not_active", name_successor, officer, first, "")


def test_the_successor_is_named_later_and_can_be_taken_away(officer):
    w = register_wind_down(officer, a_list(), valid_from=TURNS_60, hand_over_on=D(2027, 1, 1))
    successor = DoctorFactory.create()
    name_successor(officer, w.pk, successor.hpr_number)
    w.refresh_from_db()
    assert w.successor == successor
    event = AuditEvent.objects.get(action="wind_down.successor_named")
    assert (event.actor, event.details["successor"]) == (officer, successor.pk)
    name_successor(officer, w, " ")
    w.refresh_from_db()
    assert w.successor is None


def test_only_the_municipality_of_the_list_may_register(officer):
    other = user_with(Role.MUNICIPALITY, municipality_id="0301")
    governor = user_with(Role.COUNTY_GOVERNOR, county_id="50")
    agreement = a_list()
    for actor in (other, governor):
        refused(
            "not_authorised",
            register_wind_down,
            actor,
            agreement,
            valid_from=TURNS_60,
            hand_over_on=D(2027, 1, 1),
        )
    w = register_wind_down(officer, agreement, valid_from=TURNS_60, hand_over_on=D(2027, 1, 1))
    refused("not_authorised", name_successor, other, w, DoctorFactory.create().hpr_number)
    refused("not_authorised", cancel_wind_down, governor, w)
