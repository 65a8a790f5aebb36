"""Removal for threats or violence (§§ 38–39): decision, move, and never that GP again."""

from __future__ import annotations

import datetime

import pytest

from fastlege.accounts.models import Role
from fastlege.core.errors import DomainError
from fastlege.core.models import AuditEvent
from fastlege.registry.models import DoctorPeriod, Notification, RemovalDecision, SwitchRequest
from fastlege.registry.services import (
    Code,
    join_waiting_list,
    remove_resident_for_threats,
    request_switch,
    take_over_list,
)
from fastlege.registry.tests.factories import (
    DoctorFactory,
    DoctorPeriodFactory,
    apply_switch,
    gp_list,
    member,
    user_with,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 3, 10)
REASON = "Truet legen og ansatte ved kontoret 2. mars."


@pytest.fixture
def muni():
    return user_with(Role.MUNICIPALITY, municipality_id="5001")


def test_removal_is_a_decision_with_a_move_and_a_letter(muni):
    source = gp_list(members=2)
    target = gp_list(ceiling=10, members=2)
    person = member(source)
    decision = remove_resident_for_threats(
        muni, person, source, reason=REASON, target=target, today=TODAY
    )
    assert decision.doctor == DoctorPeriod.objects.get(agreement=source).doctor
    move = decision.switch_request
    assert move is not None and move.reason == SwitchRequest.Reason.REMOVED
    assert not move.counts_against_quota and move.effective_on == D(2026, 4, 1)
    note = Notification.objects.get(resident=person)
    assert note.kind == Notification.Kind.REMOVAL and "Statsforvalteren" in note.body
    event = AuditEvent.objects.get(action="resident.removed_for_threats")
    assert "Truet" not in str(event.details) and "Truet" not in event.reason


def test_a_removed_resident_cannot_choose_that_gp_again(muni):
    source = gp_list(members=2)
    gp_list(ceiling=10)
    doctor = DoctorPeriod.objects.get(agreement=source).doctor
    person = member(source)
    decision = remove_resident_for_threats(muni, person, source, reason=REASON, today=TODAY)
    apply_switch(decision.switch_request)
    with pytest.raises(DomainError) as exc:
        request_switch(None, person, source, today=D(2026, 5, 10))
    assert exc.value.code == Code.REMOVED_FROM_GP
    # Nor the same doctor on another list.
    elsewhere = gp_list(ceiling=10, with_gp=False)
    DoctorPeriodFactory.create(agreement=elsewhere, doctor=doctor)
    with pytest.raises(DomainError) as exc:
        request_switch(None, person, elsewhere, today=D(2026, 5, 10))
    assert exc.value.code == Code.REMOVED_FROM_GP
    # Nor the waiting list.
    source.ceiling = 2
    source.save()
    with pytest.raises(DomainError) as exc:
        join_waiting_list(None, person, source, today=D(2026, 5, 10))
    assert exc.value.code == Code.REMOVED_FROM_GP
    # The control: someone never removed may do each of these on the same day.
    others = [member(gp_list(ceiling=10)) for _ in range(2)]
    assert (
        request_switch(None, others[0], elsewhere, today=D(2026, 5, 10)).to_agreement == elsewhere
    )
    entry = join_waiting_list(None, others[1], source, today=D(2026, 5, 10))
    assert entry.agreement == source


def test_the_list_may_be_chosen_again_under_another_gp(muni):
    source = gp_list(ceiling=10, members=2)
    gp_list(ceiling=10)
    person = member(source)
    decision = remove_resident_for_threats(muni, person, source, reason=REASON, today=TODAY)
    apply_switch(decision.switch_request)
    take_over_list(None, source, DoctorFactory.create(), valid_from=D(2026, 6, 1))
    switch = request_switch(None, person, source, today=D(2026, 6, 10))
    assert switch.to_agreement_id == source.pk


def test_without_a_target_the_list_with_most_free_places_is_chosen(muni):
    source = gp_list(members=1)
    gp_list(ceiling=5, members=4)
    roomy = gp_list(ceiling=50, members=4)
    decision = remove_resident_for_threats(muni, member(source), source, reason=REASON, today=TODAY)
    assert decision.switch_request.to_agreement_id == roomy.pk  # type: ignore[union-attr]


def test_refusals(muni):
    source = gp_list(members=1)
    person = member(source)
    with pytest.raises(DomainError) as exc:
        remove_resident_for_threats(muni, person, source, reason="  ", today=TODAY)
    assert exc.value.code == Code.REASON_REQUIRED
    with pytest.raises(DomainError) as exc:
        remove_resident_for_threats(muni, person, gp_list(), reason=REASON, today=TODAY)
    assert exc.value.code == Code.NOT_A_MEMBER
    with pytest.raises(DomainError) as exc:
        remove_resident_for_threats(
            muni, person, source, reason=REASON, target=gp_list(ceiling=1, members=1), today=TODAY
        )
    assert exc.value.code == Code.LIST_FULL
    with pytest.raises(DomainError) as exc:
        remove_resident_for_threats(
            user_with(Role.MUNICIPALITY, municipality_id="0301"),
            person,
            source,
            reason=REASON,
            today=TODAY,
        )
    assert exc.value.code == Code.NOT_AUTHORISED
    assert not RemovalDecision.objects.exists()


def test_the_municipality_may_place_above_the_ceiling(muni):
    source, full = gp_list(members=1), gp_list(ceiling=1, members=1)
    decision = remove_resident_for_threats(
        muni,
        member(source),
        source,
        reason=REASON,
        target=full,
        allow_over_ceiling=True,
        today=TODAY,
    )
    assert decision.switch_request.to_agreement_id == full.pk  # type: ignore[union-attr]
