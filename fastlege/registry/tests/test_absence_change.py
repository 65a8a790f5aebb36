"""Changing an absence (issue 20 item 7): the GP changes the days, the reason and the
proposed substitute until the municipality decides; a refused substitute can be
replaced by a new proposal; a refusal changes nothing and writes no audit row."""

from __future__ import annotations

import datetime

import pytest

from fastlege.accounts.models import Role
from fastlege.core.errors import DomainError
from fastlege.core.models import AuditEvent
from fastlege.registry.models import Absence
from fastlege.registry.services import change_absence, decide_absence, register_absence
from fastlege.registry.services.absence import REFUSE, WITHOUT_SUBSTITUTE
from fastlege.registry.services.errors import Code
from fastlege.registry.tests.factories import DoctorFactory, gp_list, user_with

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 12, 3)
DAY = D(2027, 1, 11)


@pytest.fixture
def s():
    agreement = gp_list(ceiling=100, members=3)
    gp = agreement.doctor_periods.get().doctor
    other = gp_list(ceiling=100)
    return {
        "agreement": agreement,
        "gp": gp,
        "gp_user": user_with(Role.GP, doctor=gp),
        "other_gp": user_with(Role.GP, doctor=other.doctor_periods.get().doctor),
        "municipality": user_with(Role.MUNICIPALITY, municipality_id="5001"),
    }


def reported(s, **fields) -> Absence:
    return register_absence(
        s["gp_user"],
        s["agreement"],
        valid_from=DAY,
        valid_to=None,
        reason="kurs",
        today=TODAY,
        **fields,
    )


def change(s, absence, actor="gp_user", **fields) -> Absence:
    args = {"valid_from": DAY, "valid_to": DAY + datetime.timedelta(days=1), "reason": "ferie"}
    args.update(fields)
    return change_absence(s[actor], absence, today=TODAY, **args)  # type: ignore[arg-type]


def test_the_gp_changes_days_reason_and_substitute_with_an_audit_row(s):
    absence = reported(s)
    locum = DoctorFactory.create()
    change(s, absence, proposed_substitute_hpr=locum.hpr_number)
    absence.refresh_from_db()
    assert (absence.valid_from, absence.valid_to, absence.reason) == (
        DAY,
        D(2027, 1, 12),  # a one-day absence: back the next day
        "ferie",
    )
    assert absence.proposed_substitute == locum
    event = AuditEvent.objects.get(action="absence.changed")
    assert event.object_id == str(absence.pk)
    assert event.details["before"] == {
        "valid_from": "2027-01-11",
        "valid_to": None,
        "reason": "kurs",
        "proposed_substitute": None,
        "status": "meldt",
    }


def test_a_refused_substitute_is_replaced_and_the_absence_goes_back_to_the_municipality(s):
    absence = reported(s, proposed_substitute_hpr=DoctorFactory.create().hpr_number)
    decide_absence(s["municipality"], absence, REFUSE, note="Ingen vikaravtale")
    locum = DoctorFactory.create()
    change(s, absence, proposed_substitute_hpr=locum.hpr_number)
    absence.refresh_from_db()
    assert (absence.status, absence.proposed_substitute, absence.decided_at) == (
        Absence.Status.REPORTED,
        locum,
        None,
    )


@pytest.mark.parametrize(
    ("setup", "fields", "actor", "code"),
    [
        ("approved", {}, "gp_user", Code.ABSENCE_ALREADY_DECIDED),
        ("", {"valid_to": DAY}, "gp_user", Code.INVALID_PERIOD),
        ("", {"proposed_substitute_hpr": "own"}, "gp_user", Code.SUBSTITUTE_IS_LIST_GP),
        ("", {}, "other_gp", Code.GP_NOT_ON_AGREEMENT),
    ],
)
def test_a_refused_change_changes_nothing(s, setup, fields, actor, code):
    absence = reported(s, proposed_substitute_hpr=DoctorFactory.create().hpr_number)
    if setup == "approved":
        decide_absence(s["municipality"], absence, WITHOUT_SUBSTITUTE)
    if fields.get("proposed_substitute_hpr") == "own":
        fields = {"proposed_substitute_hpr": s["gp"].hpr_number}
    before = Absence.objects.filter(pk=absence.pk).values().get()
    with pytest.raises(DomainError) as refused:
        change(s, absence, actor=actor, **fields)
    assert refused.value.code == code
    assert Absence.objects.filter(pk=absence.pk).values().get() == before
    assert not AuditEvent.objects.filter(action="absence.changed").exists()
