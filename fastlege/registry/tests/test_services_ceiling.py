"""List ceiling: asked for by the GP, approved or refused by the municipality (§§ 10–11)."""

from __future__ import annotations

import datetime

import pytest

from fastlege.accounts.models import Role
from fastlege.core.errors import DomainError
from fastlege.registry.models import CeilingChange, DoctorPeriod
from fastlege.registry.services import (
    Code,
    apply_ceiling_change,
    approve_ceiling_change,
    refuse_ceiling_change,
    request_ceiling_change,
    withdraw_ceiling_change,
)
from fastlege.registry.tests.factories import DoctorPeriodFactory, gp_list, user_with

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 3, 10)


@pytest.fixture
def world():
    agreement = gp_list(ceiling=1500, members=3)
    doctor = DoctorPeriod.objects.get(agreement=agreement).doctor
    return (
        agreement,
        user_with(Role.GP, doctor=doctor),
        user_with(Role.MUNICIPALITY, municipality_id="5001"),
    )


def test_raise_asked_by_gp_and_approved_takes_effect_on_its_date(world):
    agreement, gp, muni = world
    change = request_ceiling_change(gp, agreement, 1800, effective_on=D(2026, 5, 1), today=TODAY)
    assert change.status == CeilingChange.Status.REQUESTED and change.old_ceiling == 1500
    approved = approve_ceiling_change(muni, change, today=TODAY)
    assert approved.status == CeilingChange.Status.APPROVED
    agreement.refresh_from_db()
    assert agreement.ceiling == 1500  # not yet
    with pytest.raises(DomainError) as exc:
        apply_ceiling_change(None, change, today=D(2026, 4, 30))
    assert exc.value.code == Code.DATE_IN_FUTURE
    apply_ceiling_change(None, change, today=D(2026, 5, 1))
    agreement.refresh_from_db()
    assert agreement.ceiling == 1800


def test_reduction_with_too_short_notice_is_refused(world):
    agreement, gp, muni = world
    change = request_ceiling_change(gp, agreement, 1200, effective_on=D(2026, 7, 1), today=TODAY)
    with pytest.raises(DomainError) as exc:
        approve_ceiling_change(muni, change, today=TODAY)
    assert exc.value.code == Code.NOTICE_TOO_SHORT
    assert "6 måneders varsel" in exc.value.messages[0]
    change.refresh_from_db()
    assert change.status == CeilingChange.Status.REQUESTED
    approved = approve_ceiling_change(muni, change, shorter_notice_approved=True, today=TODAY)
    assert approved.shorter_notice_approved


def test_reduction_with_six_months_notice_is_approved(world):
    agreement, gp, muni = world
    change = request_ceiling_change(gp, agreement, 1200, effective_on=D(2026, 10, 1), today=TODAY)
    assert approve_ceiling_change(muni, change, today=TODAY).status == "godkjent"


def test_the_municipality_cannot_lower_a_ceiling_on_its_own(world):
    agreement, _gp, muni = world
    with pytest.raises(DomainError) as exc:
        request_ceiling_change(muni, agreement, 1000, effective_on=D(2026, 10, 1), today=TODAY)
    assert exc.value.code == Code.REDUCTION_FROM_GP_ONLY
    request_ceiling_change(muni, agreement, 1600, effective_on=D(2026, 10, 1), today=TODAY)


@pytest.mark.parametrize("ceiling", [2501, 5000, -5])
def test_ceiling_out_of_range(world, ceiling):
    agreement, gp, _muni = world
    with pytest.raises(DomainError) as exc:
        request_ceiling_change(gp, agreement, ceiling, effective_on=D(2026, 10, 1), today=TODAY)
    assert exc.value.code == Code.CEILING_OUT_OF_RANGE
    assert not CeilingChange.objects.exists()


def test_under_500_needs_explicit_approval(world):
    agreement, gp, muni = world
    change = request_ceiling_change(gp, agreement, 400, effective_on=D(2026, 10, 1), today=TODAY)
    with pytest.raises(DomainError) as exc:
        approve_ceiling_change(muni, change, today=TODAY)
    assert exc.value.code == Code.LOW_CEILING_NEEDS_APPROVAL
    approve_ceiling_change(muni, change, low_ceiling_approved=True, today=TODAY)
    apply_ceiling_change(None, change, today=D(2026, 10, 1))
    agreement.refresh_from_db()
    assert agreement.ceiling == 400 and agreement.low_ceiling_approved


def test_one_open_request_at_a_time_and_refuse_withdraw(world):
    agreement, gp, muni = world
    first = request_ceiling_change(gp, agreement, 1700, effective_on=D(2026, 5, 1), today=TODAY)
    with pytest.raises(DomainError) as exc:
        request_ceiling_change(gp, agreement, 1800, effective_on=D(2026, 5, 1), today=TODAY)
    assert exc.value.code == Code.CEILING_CHANGE_PENDING
    refuse_ceiling_change(muni, first, reason="Kommunen trenger ikke flere plasser nå.")
    with pytest.raises(DomainError) as exc:
        approve_ceiling_change(muni, first, today=TODAY)
    assert exc.value.code == Code.CEILING_CHANGE_NOT_PENDING
    second = request_ceiling_change(gp, agreement, 1800, effective_on=D(2026, 5, 1), today=TODAY)
    withdraw_ceiling_change(gp, second, today=TODAY)
    second.refresh_from_db()
    assert second.status == CeilingChange.Status.WITHDRAWN


def test_a_gp_not_on_the_list_cannot_ask(world):
    agreement, _gp, _muni = world
    other = user_with(Role.GP, doctor=DoctorPeriodFactory.create().doctor)
    with pytest.raises(DomainError) as exc:
        request_ceiling_change(other, agreement, 1800, effective_on=D(2026, 5, 1), today=TODAY)
    assert exc.value.code == Code.GP_NOT_ON_AGREEMENT


def test_unchanged_and_dates(world):
    agreement, gp, _muni = world
    with pytest.raises(DomainError) as exc:
        request_ceiling_change(gp, agreement, 1500, effective_on=D(2026, 5, 1), today=TODAY)
    assert exc.value.code == Code.CEILING_UNCHANGED
    with pytest.raises(DomainError) as exc:
        request_ceiling_change(gp, agreement, 1600, effective_on=D(2026, 5, 3), today=TODAY)
    assert exc.value.code == Code.NOT_FIRST_OF_MONTH
    with pytest.raises(DomainError) as exc:
        request_ceiling_change(gp, agreement, 1600, effective_on=D(2026, 3, 1), today=TODAY)
    assert exc.value.code == Code.DATE_IN_PAST
