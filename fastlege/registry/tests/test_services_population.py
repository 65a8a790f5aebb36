"""Population side: arrivals, newborns, moves, deaths and emigration as the register reports."""

from __future__ import annotations

import datetime

import pytest

from fastlege.accounts.models import Role
from fastlege.core.errors import DomainError
from fastlege.core.models import AuditEvent
from fastlege.registry.models import (
    ListMembership,
    Notification,
    PopulationEvent,
    Resident,
    SwitchRequest,
    WaitingListEntry,
)
from fastlege.registry.services import (
    Code,
    join_waiting_list,
    register_arrival,
    register_birth,
    register_death,
    register_emigration,
    register_move,
    request_switch,
)
from fastlege.registry.tests.factories import gp_list, member, synthetic_nin, user_with

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 3, 10)


def test_a_new_resident_is_unassigned_until_placed():
    nin = synthetic_nin(D(1990, 4, 4))
    person = register_arrival(
        None,
        nin=nin,
        first_name="Ola",
        last_name="Nordmann",
        municipality="5001",
        arrived_on=D(2026, 3, 1),
        today=TODAY,
    )
    assert person.birth_date == D(1990, 4, 4) and person.status == Resident.Status.RESIDENT
    assert person.resident_since == D(2026, 3, 1)
    assert not ListMembership.objects.filter(resident=person).exists()
    assert PopulationEvent.objects.get(resident=person).kind == PopulationEvent.Kind.ARRIVED
    assert nin not in str(AuditEvent.objects.get(action="resident.arrived").details)
    with pytest.raises(DomainError) as exc:
        register_arrival(
            None,
            nin=nin,
            first_name="Ola",
            last_name="Nordmann",
            municipality="5001",
            arrived_on=D(2026, 3, 1),
            today=TODAY,
        )
    assert exc.value.code == Code.RESIDENT_EXISTS


def test_an_invalid_identity_number_is_refused_without_repeating_it():
    bad = "01819012345"
    with pytest.raises(DomainError) as exc:
        register_arrival(
            None,
            nin=bad,
            first_name="X",
            last_name="Y",
            municipality="5001",
            arrived_on=TODAY,
            today=TODAY,
        )
    assert exc.value.code == Code.INVALID_NIN
    assert bad not in exc.value.messages[0]
    assert not Resident.objects.exists()


def test_only_the_register_feed_or_national_staff_report_events():
    with pytest.raises(DomainError) as exc:
        register_arrival(
            user_with(Role.MUNICIPALITY, municipality_id="5001"),
            nin=synthetic_nin(D(1990, 4, 4)),
            first_name="Ola",
            last_name="N",
            municipality="5001",
            arrived_on=TODAY,
            today=TODAY,
        )
    assert exc.value.code == Code.NOT_AUTHORISED


def test_a_newborn_goes_to_the_mothers_list_even_when_it_is_closed_and_full():
    full = gp_list(ceiling=2, members=1, is_open=False)
    mother = member(full, birth_date=D(1992, 1, 1), household=9)
    child = register_birth(
        user_with(Role.NATIONAL),
        nin=synthetic_nin(D(2026, 3, 5)),
        first_name="Baby",
        last_name="Nordmann",
        mother=mother,
        today=TODAY,
    )
    membership = ListMembership.objects.get(resident=child)
    assert membership.agreement == full and membership.valid_from == D(2026, 3, 5)
    assert membership.begin_reason == ListMembership.BeginReason.NEWBORN
    assert child.household == 9 and child.mother == mother
    assert ListMembership.objects.filter(agreement=full, valid_to__isnull=True).count() == 3


def test_a_newborn_whose_mother_has_no_list_goes_to_the_fathers_if_same_household():
    dad_list = gp_list(members=1)
    mother = member(gp_list(), household=3)
    ListMembership.objects.filter(resident=mother).delete()
    father = member(dad_list, household=3)
    child = register_birth(
        None,
        nin=synthetic_nin(D(2026, 3, 1)),
        first_name="B",
        last_name="N",
        mother=mother,
        father=father,
        today=TODAY,
    )
    assert ListMembership.objects.get(resident=child).agreement == dad_list
    lonely = register_birth(
        None,
        nin=synthetic_nin(D(2026, 3, 2)),
        first_name="C",
        last_name="N",
        mother=mother,
        today=TODAY,
    )
    assert not ListMembership.objects.filter(resident=lonely).exists()  # unassigned


def test_a_move_keeps_the_gp_gives_an_extra_switch_and_a_letter():
    home = gp_list(members=1)
    person = member(home)
    register_move(None, person, to_municipality="5006", moved_on=D(2026, 3, 1), today=TODAY)
    person.refresh_from_db()
    assert person.municipality_id == "5006"
    assert ListMembership.objects.get(resident=person, valid_to__isnull=True).agreement == home
    note = Notification.objects.get(resident=person)
    assert note.kind == Notification.Kind.MOVED_MUNICIPALITY and "Steinkjer" in note.body
    switch = request_switch(None, person, gp_list(municipality="5006"), today=TODAY)
    assert switch.reason == SwitchRequest.Reason.MOVED and not switch.counts_against_quota
    with pytest.raises(DomainError) as exc:
        register_move(None, person, to_municipality="5006", moved_on=TODAY, today=TODAY)
    assert exc.value.code == Code.SAME_MUNICIPALITY


@pytest.mark.parametrize(
    ("register", "status", "reason"),
    [
        (lambda p, d: register_death(None, p, died_on=d, today=TODAY), "dod", "dod"),
        (
            lambda p, d: register_emigration(None, p, emigrated_on=d, today=TODAY),
            "utvandret",
            "utvandret",
        ),
    ],
)
def test_death_or_emigration_ends_the_membership_and_pending_things(register, status, reason):
    home, full = gp_list(members=1), gp_list(ceiling=1, members=1)
    person = member(home)
    join_waiting_list(None, person, full, today=TODAY)
    pending = request_switch(None, person, gp_list(), today=TODAY)
    register(person, D(2026, 3, 8))
    person.refresh_from_db()
    assert person.status == status and person.status_changed_on == D(2026, 3, 8)
    membership = ListMembership.objects.get(resident=person)
    assert membership.valid_to == D(2026, 3, 8) and membership.end_reason == reason
    pending.refresh_from_db()
    assert pending.status == SwitchRequest.Status.CANCELLED
    assert WaitingListEntry.objects.get(resident=person).status == "avsluttet"
    with pytest.raises(DomainError) as exc:
        register(person, D(2026, 3, 9))
    assert exc.value.code == Code.PERSON_NOT_RESIDENT


def test_events_cannot_be_in_the_future():
    person = member(gp_list(members=1))
    with pytest.raises(DomainError) as exc:
        register_death(None, person, died_on=D(2026, 3, 11), today=TODAY)
    assert exc.value.code == Code.DATE_IN_FUTURE


def test_an_emigrant_who_comes_back_is_the_same_person():
    person = member(gp_list(members=1))
    register_emigration(None, person, emigrated_on=D(2025, 1, 1), today=D(2025, 1, 2))
    back = register_arrival(
        None,
        nin=person.nin,
        first_name=person.first_name,
        last_name=person.last_name,
        municipality="5001",
        arrived_on=D(2026, 2, 1),
        today=TODAY,
    )
    assert back.pk == person.pk and back.status == Resident.Status.RESIDENT
    assert AuditEvent.objects.get(action="resident.arrived").details["returning"] is True
