"""Citizen side: switching GP, cancelling, age rules, closed lists, opting out."""

from __future__ import annotations

import datetime

import pytest

from fastlege.accounts.models import Role
from fastlege.core.errors import DomainError
from fastlege.core.models import AuditEvent
from fastlege.registry.models import (
    ListMembership,
    PopulationEvent,
    Resident,
    SwitchRequest,
    WaitingListEntry,
)
from fastlege.registry.services import (
    Code,
    cancel_switch,
    gp_leaves,
    opt_in,
    opt_out,
    register_move,
    request_switch,
)
from fastlege.registry.tests.factories import (
    ResidentFactory,
    apply_switch,
    gp_list,
    member,
    user_with,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 3, 10)


def code_of(exc: pytest.ExceptionInfo[DomainError]) -> str:
    return str(exc.value.code)


def citizen(person: Resident):
    return user_with(Role.CITIZEN, resident=person)


def test_switch_takes_effect_on_the_first_of_next_month_and_is_audited():
    old, new = gp_list(ceiling=10, members=3), gp_list(ceiling=10, members=3)
    person = member(old)
    switch = request_switch(citizen(person), person, new, today=TODAY)
    assert switch.status == SwitchRequest.Status.PENDING
    assert switch.effective_on == D(2026, 4, 1)
    assert switch.from_agreement_id == old.pk
    assert switch.reason == SwitchRequest.Reason.ORDINARY
    assert switch.counts_against_quota
    event = AuditEvent.objects.get(action="switch.requested")
    assert event.object_id == str(switch.pk) and event.details["acting_as"] == "self"
    # Nothing moves before the monthly update.
    assert ListMembership.objects.get(resident=person, valid_to__isnull=True).agreement == old


def test_december_switch_takes_effect_in_january():
    old, new = gp_list(members=1), gp_list(members=1)
    person = member(old)
    switch = request_switch(None, person, new, today=D(2026, 12, 31))
    assert switch.effective_on == D(2027, 1, 1)


def test_full_list_counting_pending_requests_is_refused_and_nothing_is_written():
    old = gp_list(ceiling=50, members=5)
    full = gp_list(ceiling=3, members=2)
    first, second = member(old), member(old)
    request_switch(None, first, full, today=TODAY)  # the last free place, pending
    before = (SwitchRequest.objects.count(), AuditEvent.objects.count())
    with pytest.raises(DomainError) as exc:
        request_switch(None, second, full, today=TODAY)
    assert code_of(exc) == Code.LIST_FULL
    assert "full" in exc.value.messages[0]
    assert (SwitchRequest.objects.count(), AuditEvent.objects.count()) == before


def test_list_closed_by_hand_is_refused_even_with_free_places():
    old = gp_list(members=1)
    closed = gp_list(ceiling=100, members=1, is_open=False)
    with pytest.raises(DomainError) as exc:
        request_switch(None, member(old), closed, today=TODAY)
    assert code_of(exc) == Code.LIST_CLOSED


def _switch_and_apply(person: Resident, to, today: D) -> SwitchRequest:
    switch = request_switch(None, person, to, today=today)
    apply_switch(switch)
    return switch


def test_third_ordinary_switch_in_a_calendar_year_is_refused():
    a, b, c = (gp_list(ceiling=10, members=1) for _ in range(3))
    person = member(a)
    _switch_and_apply(person, b, D(2026, 1, 5))
    _switch_and_apply(person, c, D(2026, 3, 5))
    with pytest.raises(DomainError) as exc:
        request_switch(None, person, a, today=D(2026, 6, 5))
    assert code_of(exc) == Code.SWITCH_QUOTA_USED
    assert "2 ganger i 2026" in exc.value.messages[0]
    # A new calendar year gives two new switches.
    switch = request_switch(None, person, a, today=D(2026, 12, 5))
    assert switch.effective_on == D(2027, 1, 1) and switch.counts_against_quota


def test_cancelled_switch_does_not_count():
    a, b, c = (gp_list(ceiling=10, members=1) for _ in range(3))
    person = member(a)
    first = request_switch(None, person, b, today=D(2026, 1, 5))
    cancel_switch(None, first, today=D(2026, 1, 6))
    _switch_and_apply(person, b, D(2026, 1, 7))
    switch = request_switch(None, person, c, today=D(2026, 2, 7))
    assert switch.counts_against_quota


def test_switch_after_moving_is_allowed_and_not_counted():
    a, b, c = (gp_list(ceiling=10, members=1) for _ in range(3))
    person = member(a)
    _switch_and_apply(person, b, D(2026, 1, 5))
    _switch_and_apply(person, c, D(2026, 2, 5))
    register_move(None, person, to_municipality="5006", moved_on=D(2026, 4, 1), today=D(2026, 4, 2))
    switch = request_switch(None, person, a, today=D(2026, 4, 10))
    assert switch.reason == SwitchRequest.Reason.MOVED
    assert not switch.counts_against_quota
    assert PopulationEvent.objects.filter(resident=person, kind="flyttet").count() == 1


def test_switch_because_the_gp_left_is_not_counted():
    a, b, c, d = (gp_list(ceiling=10, members=1) for _ in range(4))
    person = member(a)
    _switch_and_apply(person, b, D(2026, 1, 5))
    _switch_and_apply(person, c, D(2026, 2, 5))
    gp_leaves(None, c, end_date=D(2026, 9, 1), end_reason="sluttet", today=D(2026, 3, 1))
    switch = request_switch(None, person, d, today=D(2026, 3, 10))
    assert switch.reason == SwitchRequest.Reason.GP_LEFT
    assert not switch.counts_against_quota


def test_first_choice_for_an_unassigned_person_is_not_a_switch():
    target = gp_list(ceiling=10, members=1)
    person = ResidentFactory.create()
    switch = request_switch(citizen(person), person, target, today=TODAY)
    assert switch.from_agreement is None and not switch.counts_against_quota


def test_cancel_before_it_takes_effect_but_not_after():
    old, new = gp_list(members=1), gp_list(members=1)
    person = member(old)
    user = citizen(person)
    switch = request_switch(user, person, new, today=TODAY)
    with pytest.raises(DomainError) as exc:
        cancel_switch(user, switch, today=D(2026, 4, 1))
    assert code_of(exc) == Code.SWITCH_ALREADY_EFFECTIVE
    cancelled = cancel_switch(user, switch, today=D(2026, 3, 31))
    assert cancelled.status == SwitchRequest.Status.CANCELLED
    with pytest.raises(DomainError) as exc:
        cancel_switch(user, switch, today=D(2026, 3, 31))
    assert code_of(exc) == Code.SWITCH_NOT_PENDING


def test_one_pending_switch_at_a_time():
    a, b, c = (gp_list(members=1) for _ in range(3))
    person = member(a)
    request_switch(None, person, b, today=TODAY)
    with pytest.raises(DomainError) as exc:
        request_switch(None, person, c, today=TODAY)
    assert code_of(exc) == Code.SWITCH_ALREADY_PENDING


def test_already_on_the_list():
    a = gp_list(members=1)
    with pytest.raises(DomainError) as exc:
        request_switch(None, member(a), a, today=TODAY)
    assert code_of(exc) == Code.ALREADY_ON_LIST


def test_switching_to_an_ended_list_is_refused():
    a, ended = gp_list(members=1), gp_list(members=1)
    ended.valid_to = D(2026, 3, 1)
    ended.save()
    with pytest.raises(DomainError) as exc:
        request_switch(None, member(a), ended, today=TODAY)
    assert code_of(exc) == Code.LIST_ENDED


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"status": Resident.Status.DEAD}, Code.PERSON_NOT_RESIDENT),
        ({"status": Resident.Status.EMIGRATED}, Code.PERSON_NOT_RESIDENT),
        ({"in_scheme": False}, Code.NOT_IN_SCHEME),
    ],
)
def test_people_without_the_right_are_refused(change, code):
    a, b = gp_list(members=1), gp_list(members=1)
    person = member(a)
    Resident.objects.filter(pk=person.pk).update(**change)
    with pytest.raises(DomainError) as exc:
        request_switch(None, person.pk, b, today=TODAY)
    assert code_of(exc) == code


def test_unknown_person_and_unknown_list():
    a = gp_list(members=1)
    with pytest.raises(DomainError) as exc:
        request_switch(None, 987_654_321, a, today=TODAY)
    assert code_of(exc) == Code.UNKNOWN_PERSON
    with pytest.raises(DomainError) as exc:
        request_switch(None, member(a), 987_654_321, today=TODAY)
    assert code_of(exc) == Code.UNKNOWN_LIST


def test_another_citizen_cannot_switch_for_someone():
    a, b = gp_list(members=1), gp_list(members=1)
    person, stranger = member(a), member(a)
    with pytest.raises(DomainError) as exc:
        request_switch(citizen(stranger), person, b, today=TODAY)
    assert code_of(exc) == Code.NOT_AUTHORISED
    with pytest.raises(DomainError) as exc:
        request_switch(user_with(Role.MUNICIPALITY, municipality_id="5001"), person, b, today=TODAY)
    assert code_of(exc) == Code.NOT_AUTHORISED


class TestChildren:
    """§ 6: under 12 the parents ask; 12–16 the child with consent; from 16 the child alone."""

    def family(self, child_birth: D):
        a, b = gp_list(members=1), gp_list(members=1)
        mother = member(a, birth_date=D(1985, 1, 1))
        child = member(a, birth_date=child_birth, mother=mother)
        return a, b, mother, child

    def test_parent_switches_for_a_child_under_16(self):
        _a, b, mother, child = self.family(D(2018, 5, 1))
        switch = request_switch(citizen(mother), child, b, today=TODAY)
        assert AuditEvent.objects.get(object_id=str(switch.pk)).details["acting_as"] == "parent"

    def test_parent_cannot_switch_for_a_child_of_16(self):
        _a, b, mother, child = self.family(D(2010, 3, 10))  # 16 today
        with pytest.raises(DomainError) as exc:
            request_switch(citizen(mother), child, b, today=TODAY)
        assert code_of(exc) == Code.CHILD_DECIDES_SELF
        request_switch(citizen(child), child, b, today=TODAY)

    def test_child_of_13_needs_parental_consent(self):
        _a, b, _mother, child = self.family(D(2013, 1, 1))
        with pytest.raises(DomainError) as exc:
            request_switch(citizen(child), child, b, today=TODAY)
        assert code_of(exc) == Code.PARENTAL_CONSENT_REQUIRED
        request_switch(citizen(child), child, b, parental_consent=True, today=TODAY)

    def test_child_under_12_cannot_ask_alone(self):
        _a, b, _mother, child = self.family(D(2016, 1, 1))
        with pytest.raises(DomainError) as exc:
            request_switch(citizen(child), child, b, parental_consent=True, today=TODAY)
        assert code_of(exc) == Code.CHILD_TOO_YOUNG


class TestClosedLists:
    """§ 4: children under 16 of members, and returnees within three years, may join."""

    def test_child_under_16_joins_a_closed_full_list_where_a_parent_is(self):
        full = gp_list(ceiling=2, members=1, is_open=False)
        other = gp_list(members=1)
        father = member(full)
        child = member(other, birth_date=D(2015, 6, 1), father=father)
        switch = request_switch(citizen(father), child, full, today=TODAY)
        assert switch.closed_list_exception == SwitchRequest.ClosedListException.CHILD_OF_MEMBER

    def test_child_of_16_does_not(self):
        full = gp_list(ceiling=2, members=1)
        other = gp_list(members=1)
        father = member(full)
        child = member(other, birth_date=D(2009, 6, 1), father=father)
        with pytest.raises(DomainError) as exc:
            request_switch(citizen(child), child, full, today=TODAY)
        assert code_of(exc) == Code.LIST_FULL

    def _returnee(self, left: D, back: D):
        home = gp_list(ceiling=5, members=4, municipality="5001")
        away = gp_list(members=1, municipality="5006")
        person = member(home)
        register_move(None, person, to_municipality="5006", moved_on=left, today=left)
        switch = request_switch(None, person, away, today=left)  # a GP where they now live
        apply_switch(switch)
        member(home)  # the home list fills up meanwhile
        register_move(None, person, to_municipality="5001", moved_on=back, today=back)
        return home, person

    def test_returnee_within_three_years_rejoins_a_closed_list(self):
        home, person = self._returnee(D(2024, 1, 10), D(2026, 3, 1))
        switch = request_switch(None, person, home, today=TODAY)
        assert switch.closed_list_exception == SwitchRequest.ClosedListException.RETURNEE
        assert not switch.counts_against_quota  # a switch after moving

    def test_returnee_after_more_than_three_years_does_not(self):
        home, person = self._returnee(D(2022, 1, 10), D(2026, 3, 1))
        with pytest.raises(DomainError) as exc:
            request_switch(None, person, home, today=TODAY)
        assert code_of(exc) == Code.LIST_FULL


class TestOptOut:
    def test_opt_out_ends_the_place_and_pending_things_and_opt_in_makes_unassigned(self):
        a, b, full = gp_list(members=1), gp_list(members=1), gp_list(ceiling=1, members=1)
        person = member(a)
        other = member(b)
        request_switch(None, person, b, today=TODAY)
        from fastlege.registry.services import join_waiting_list

        join_waiting_list(None, other, full, today=TODAY)
        opt_out(citizen(person), person, today=TODAY)
        person.refresh_from_db()
        assert not person.in_scheme
        membership = ListMembership.objects.get(resident=person)
        assert membership.valid_to == TODAY and membership.end_reason == "reservert"
        assert not SwitchRequest.objects.filter(resident=person, status="venter").exists()
        with pytest.raises(DomainError) as exc:
            request_switch(None, person, b, today=TODAY)
        assert code_of(exc) == Code.NOT_IN_SCHEME
        opt_in(user_with(Role.MUNICIPALITY, municipality_id="5001"), person, today=TODAY)
        person.refresh_from_db()
        assert person.in_scheme
        assert not ListMembership.objects.filter(resident=person, valid_to__isnull=True).exists()
        with pytest.raises(DomainError) as exc:
            opt_in(None, person, today=TODAY)
        assert code_of(exc) == Code.ALREADY_IN_SCHEME
        assert WaitingListEntry.objects.get(resident=other).status == "venter"
