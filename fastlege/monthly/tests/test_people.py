"""The monthly run keeps the people's promises of the regulation (issue 14):

* waiting-list moves obey the two-a-year rule (pasientrettighetsforskriften § 6);
* an unassigned child follows a parent's list, also above the ceiling (§§ 4 a, 5);
* D-number holders are placed by hand, never by the run (domain brief § 3.1);
* Sami speakers come first on a Sami-speaking GP's waiting list in the Sami
  language area (fastlegeforskriften § 36).
"""

from __future__ import annotations

import datetime

import pytest

from fastlege.accounts.models import Role
from fastlege.core.errors import DomainError
from fastlege.monthly.models import MonthMove
from fastlege.monthly.services import check_consistency, run_month
from fastlege.monthly.tests.world import MONTH, current_list, unassigned, wait
from fastlege.reference.models import Municipality
from fastlege.registry.models import (
    Agreement,
    DoctorPeriod,
    ListMembership,
    PopulationEvent,
    RemovalDecision,
    Resident,
    SwitchRequest,
    WaitingListEntry,
)
from fastlege.registry.services import Code, place_unassigned, request_switch
from fastlege.registry.tests.factories import (
    ResidentFactory,
    gp_list,
    member,
    synthetic_nin,
    user_with,
)

pytestmark = pytest.mark.django_db
D = datetime.date
YEAR_START = D(2026, 1, 1)  # MONTH is February 2026


def counted_switches(person: Resident, n: int) -> None:
    """``n`` ordinary switches already made this year (applied, counted)."""
    for _ in range(n):
        SwitchRequest.objects.create(
            resident=person,
            to_agreement=gp_list(ceiling=5),
            reason=SwitchRequest.Reason.ORDINARY,
            counts_against_quota=True,
            status=SwitchRequest.Status.APPLIED,
            effective_on=YEAR_START,
        )


def waiting_switch(person: Resident) -> SwitchRequest:
    return SwitchRequest.objects.get(resident=person, reason=SwitchRequest.Reason.WAITING_LIST)


# --- § 6: two switches a year, also from a waiting list ----------------------------


def test_a_person_whose_quota_is_used_keeps_the_waiting_place_and_the_next_gets_it() -> None:
    target = gp_list(ceiling=2, members=1)  # one free place
    first, second = member(gp_list(ceiling=5)), member(gp_list(ceiling=5))
    counted_switches(first, 2)
    first_entry = wait(first, target, minutes=0)
    wait(second, target, minutes=5)
    first_list = current_list(first)

    run_month(None, MONTH)

    assert current_list(first) == first_list
    first_entry.refresh_from_db()
    assert first_entry.status == WaitingListEntry.Status.WAITING
    assert current_list(second) == target.pk
    recorded = waiting_switch(second)
    assert recorded.counts_against_quota and recorded.status == SwitchRequest.Status.APPLIED
    assert recorded.effective_on == MONTH and recorded.to_agreement_id == target.pk
    assert not SwitchRequest.objects.filter(
        resident=first, reason=SwitchRequest.Reason.WAITING_LIST
    ).exists()


def test_after_a_counted_waiting_list_move_a_third_ordinary_switch_is_refused() -> None:
    target = gp_list(ceiling=2, members=1)
    person = member(gp_list(ceiling=5))
    counted_switches(person, 1)
    wait(person, target)

    run_month(None, MONTH)

    assert current_list(person) == target.pk
    with pytest.raises(DomainError) as exc:
        request_switch(None, person, gp_list(ceiling=5), today=D(2026, 2, 10))
    assert exc.value.code == Code.SWITCH_QUOTA_USED


def test_exempt_waiting_list_moves_do_not_count_and_are_allowed_with_a_used_quota() -> None:
    target = gp_list(ceiling=4, members=1)  # three free places
    moved = member(gp_list(ceiling=5))
    PopulationEvent.objects.create(
        resident=moved,
        kind=PopulationEvent.Kind.MOVED,
        occurred_on=D(2025, 5, 1),
        from_municipality_id="5006",
        to_municipality_id="5001",
    )
    vacant = gp_list(ceiling=5)
    gp_left = member(vacant)
    DoctorPeriod.objects.filter(agreement=vacant).update(valid_to=D(2025, 6, 1))
    newcomer = unassigned("5006")  # no list: a first place, never counted
    for person in (moved, gp_left):
        counted_switches(person, 2)
    for minutes, person in enumerate((moved, gp_left, newcomer)):
        wait(person, target, minutes)

    run_month(None, MONTH)

    for person in (moved, gp_left, newcomer):
        assert current_list(person) == target.pk
        assert not waiting_switch(person).counts_against_quota
    # The exempt move left the quota as it was: an ordinary switch is still refused (2 used).
    with pytest.raises(DomainError) as exc:
        request_switch(None, moved, gp_list(ceiling=5), today=D(2026, 2, 10))
    assert exc.value.code == Code.SWITCH_QUOTA_USED
    assert request_switch(None, newcomer, gp_list(ceiling=5), today=D(2026, 2, 10))


# --- § 5: children follow a parent ---------------------------------------------


def family(mother_list: Agreement | None, father_list: Agreement | None, **child: object):
    mother = member(mother_list, household=1001) if mother_list else ResidentFactory.create()
    father = member(father_list, household=1001, sex="M") if father_list else None
    kid = ResidentFactory.create(
        birth_date=child.pop("birth_date", D(2018, 5, 5)),
        mother=mother,
        father=father,
        household=child.pop("household", 1001),
        resident_since=D(2025, 1, 1),
    )
    return mother, father, kid


def test_an_unassigned_child_goes_on_the_mothers_full_list_above_the_ceiling() -> None:
    mothers = gp_list(ceiling=1)
    fathers = gp_list(ceiling=10)
    roomy = gp_list(ceiling=50)
    _mother, _father, kid = family(mothers, fathers)

    result = run_month(None, MONTH)

    assert current_list(kid) == mothers.pk
    [move] = MonthMove.objects.filter(resident=kid)
    assert (move.step, move.rule) == (MonthMove.Step.UNASSIGNED, MonthMove.Rule.CHILD_WITH_PARENT)
    place = ListMembership.objects.get(resident=kid, valid_to__isnull=True)
    assert place.begin_reason == ListMembership.BeginReason.CHILD_WITH_PARENT
    assert ListMembership.objects.filter(agreement=mothers, valid_to__isnull=True).count() == 2
    assert not ListMembership.objects.filter(agreement=roomy).exists()
    assert result.run.unassigned_placed == 1
    assert check_consistency().ok  # an allowed above-ceiling exception


def test_parents_apart_the_child_follows_the_parent_at_its_address() -> None:
    mothers, fathers = gp_list(ceiling=10), gp_list(ceiling=10)
    mother, _father, kid = family(mothers, fathers)
    Resident.objects.filter(pk=mother.pk).update(household=2002)

    run_month(None, MONTH)

    assert current_list(kid) == fathers.pk


def test_a_child_is_placed_the_normal_way_without_a_usable_parents_list() -> None:
    roomy = gp_list(ceiling=50)
    ended = gp_list(ceiling=10)
    _m1, _f1, no_list = family(None, None)
    _m2, _f2, list_ended = family(ended, None)
    Agreement.objects.filter(pk=ended.pk).update(valid_to=MONTH)
    barred_list = gp_list(ceiling=10)
    _m3, _f3, barred = family(barred_list, None)
    RemovalDecision.objects.create(
        resident=barred,
        agreement=barred_list,
        doctor=DoctorPeriod.objects.get(agreement=barred_list).doctor,
        reason="Trusler",
        decided_on=D(2025, 10, 1),
    )
    _m4, _f4, grown = family(gp_list(ceiling=10), None, birth_date=D(2009, 1, 1))  # 17

    run_month(None, MONTH)

    for kid in (no_list, barred, grown):
        assert current_list(kid) == roomy.pk
        assert MonthMove.objects.get(resident=kid).rule == MonthMove.Rule.PLACEMENT
    assert current_list(list_ended) == roomy.pk


# --- domain brief § 3.1: D-number holders are placed by hand ---------------------


def test_an_unassigned_d_number_holder_stays_unassigned_and_is_placeable_by_hand() -> None:
    roomy = gp_list(ceiling=50)
    asylum_seeker = ResidentFactory.create(
        nin=synthetic_nin(D(1990, 3, 3), d_number=True), resident_since=D(2024, 1, 1)
    )
    resident = unassigned(since=D(2025, 1, 1))
    assert asylum_seeker.has_d_number and not resident.has_d_number
    chain_target = gp_list(ceiling=2, members=1)
    wait(member(roomy), chain_target)  # frees a place on roomy in a chain (step 5)

    run_month(None, MONTH)

    assert current_list(asylum_seeker) is None
    assert current_list(resident) == roomy.pk
    switch = place_unassigned(
        user_with(Role.MUNICIPALITY, municipality_id="5001"),
        asylum_seeker,
        roomy,
        today=D(2026, 2, 10),
    )
    assert switch.to_agreement_id == roomy.pk


# --- fastlegeforskriften § 36: Sami speakers first ----------------------------------


@pytest.mark.parametrize(
    ("municipality", "gp_speaks_sami", "sami_first"),
    [("5612", True, True), ("5612", False, False), ("5001", True, False)],
)
def test_sami_speakers_first_on_a_sami_gps_waiting_list_in_the_sami_area(
    municipality: str, gp_speaks_sami: bool, sami_first: bool
) -> None:
    assert Municipality.objects.get(pk="5612").sami_language_area  # Kautokeino
    target = gp_list(ceiling=2, members=1, municipality=municipality, gp_speaks_sami=gp_speaks_sami)
    home = gp_list(ceiling=10, municipality=municipality)
    earlier = member(home)
    sami_speaker = member(home, speaks_sami=True)
    wait(earlier, target, minutes=0)
    wait(sami_speaker, target, minutes=10)

    run_month(None, MONTH)

    winner, other = (sami_speaker, earlier) if sami_first else (earlier, sami_speaker)
    assert current_list(winner) == target.pk
    assert current_list(other) == home.pk
