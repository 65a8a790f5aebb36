"""A GP's absence and its cover (issue 17 item 6): the GP reports it and may propose a
substitute; the municipality approves it with a substitute (the substitute period is
registered in the same transaction, with its checks), without one, or refuses the
proposed substitute. Every refusal leaves nothing behind."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps as django_apps

from fastlege.accounts.models import Role
from fastlege.core.errors import DomainError
from fastlege.core.models import AuditEvent
from fastlege.registry.models import Absence, DoctorPeriod
from fastlege.registry.services import decide_absence, register_absence, register_substitute
from fastlege.registry.services.absence import APPROVE, REFUSE, WITHOUT_SUBSTITUTE
from fastlege.registry.tests.factories import DoctorFactory, gp_list, user_with

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 12, 3)
FIRST, BACK = D(2027, 1, 11), D(2027, 1, 16)  # away 11–15 January, back the 16th
SUBSTITUTE = DoctorPeriod.Role.SUBSTITUTE


@pytest.fixture
def setting():
    agreement = gp_list(ceiling=100, members=3)
    gp = agreement.doctor_periods.get().doctor
    return {
        "agreement": agreement,
        "gp": gp,
        "gp_user": user_with(Role.GP, doctor=gp),
        "municipality": user_with(Role.MUNICIPALITY, municipality_id="5001"),
        "other_municipality": user_with(Role.MUNICIPALITY, municipality_id="0301"),
        "locum": DoctorFactory.create(),
    }


def report(
    s,
    *,
    valid_from: datetime.date = FIRST,
    valid_to: datetime.date | None = BACK,
    proposed_substitute_hpr: str = "",
) -> Absence:
    return register_absence(
        s["gp_user"],
        s["agreement"],
        valid_from=valid_from,
        valid_to=valid_to,
        reason=Absence.Reason.COURSE,
        proposed_substitute_hpr=proposed_substitute_hpr,
        today=TODAY,
    )


def refused(code: str, operation) -> None:
    with pytest.raises(DomainError) as exc:
        operation()
    assert exc.value.code == code


def test_the_gp_reports_a_one_day_absence_and_proposes_a_substitute(setting):
    absence = report(
        setting,
        valid_from=D(2027, 1, 11),
        valid_to=D(2027, 1, 12),
        proposed_substitute_hpr=setting["locum"].hpr_number,
    )
    absence.refresh_from_db()
    assert absence.last_day == D(2027, 1, 11)
    assert absence.status == Absence.Status.REPORTED
    assert absence.proposed_substitute == setting["locum"]
    assert absence.doctor == setting["gp"]


def test_an_unknown_or_own_substitute_is_refused_and_nothing_saved(setting):
    refused("unknown_doctor", lambda: report(setting, proposed_substitute_hpr="123456789"))
    refused(
        "substitute_is_list_gp",
        lambda: report(setting, proposed_substitute_hpr=setting["gp"].hpr_number),
    )
    assert not Absence.objects.exists()


def test_approved_with_the_proposed_substitute_registers_the_substitute_period(setting):
    absence = report(setting, proposed_substitute_hpr=setting["locum"].hpr_number)
    decide_absence(setting["municipality"], absence, APPROVE)
    absence.refresh_from_db()
    period = absence.substitute_period
    assert absence.status == Absence.Status.APPROVED and absence.decided_at is not None
    assert period is not None
    assert (period.agreement_id, period.doctor_id, period.role) == (
        setting["agreement"].pk,
        setting["locum"].pk,
        SUBSTITUTE,
    )
    assert (period.valid_from, period.valid_to, period.percentage) == (
        D(2027, 1, 11),
        D(2027, 1, 16),
        100,
    )
    assert period.substitute_for == setting["gp"]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"absence.registered", "absence.decided", "agreement.substitute_registered"} <= actions


def test_a_substitute_already_booked_elsewhere_is_refused_and_nothing_changes(setting):
    elsewhere = gp_list(ceiling=100)
    register_substitute(
        setting["municipality"],
        elsewhere,
        setting["locum"],
        valid_from=D(2027, 1, 1),
        valid_to=D(2027, 2, 1),
    )
    absence = report(setting, proposed_substitute_hpr=setting["locum"].hpr_number)
    refused(
        "substitute_double_claim",
        lambda: decide_absence(setting["municipality"], absence, APPROVE),
    )
    absence.refresh_from_db()
    assert absence.status == Absence.Status.REPORTED and absence.substitute_period is None
    assert DoctorPeriod.objects.filter(role=SUBSTITUTE).count() == 1  # only the first


def test_the_municipality_may_choose_another_substitute(setting):
    other = DoctorFactory.create()
    absence = report(setting, proposed_substitute_hpr=setting["locum"].hpr_number)
    decide_absence(setting["municipality"], absence, APPROVE, substitute_hpr=other.hpr_number)
    absence.refresh_from_db()
    assert absence.substitute_period is not None
    assert absence.substitute_period.doctor == other


def test_approval_with_a_substitute_needs_one_and_needs_an_end(setting):
    absence = report(setting)
    refused(
        "no_substitute_chosen", lambda: decide_absence(setting["municipality"], absence, APPROVE)
    )
    open_ended = report(
        setting,
        valid_from=D(2027, 3, 1),
        valid_to=None,
        proposed_substitute_hpr=setting["locum"].hpr_number,
    )
    refused(
        "absence_without_end",
        lambda: decide_absence(setting["municipality"], open_ended, APPROVE),
    )
    assert not DoctorPeriod.objects.filter(role=SUBSTITUTE).exists()
    assert set(Absence.objects.values_list("status", flat=True)) == {Absence.Status.REPORTED}


def test_without_a_substitute_or_refused_with_a_reason_once_only(setting):
    first = report(setting)
    decide_absence(setting["municipality"], first, WITHOUT_SUBSTITUTE)
    first.refresh_from_db()
    assert first.status == Absence.Status.UNCOVERED
    refused(
        "absence_already_decided",
        lambda: decide_absence(setting["municipality"], first, REFUSE, note="Nei"),
    )
    second = report(setting, proposed_substitute_hpr=setting["locum"].hpr_number)
    refused("reason_required", lambda: decide_absence(setting["municipality"], second, REFUSE))
    decide_absence(setting["municipality"], second, REFUSE, note="Vikaren mangler autorisasjon.")
    second.refresh_from_db()
    assert second.status == Absence.Status.REJECTED
    assert second.decision_note == "Vikaren mangler autorisasjon."


def test_only_the_lists_municipality_decides(setting):
    absence = report(setting, proposed_substitute_hpr=setting["locum"].hpr_number)
    for actor in (setting["other_municipality"], setting["gp_user"]):
        refused("not_authorised", lambda actor=actor: decide_absence(actor, absence, APPROVE))
    absence.refresh_from_db()
    assert absence.status == Absence.Status.REPORTED


def test_the_migration_marks_covered_absences_approved(setting):
    covered = report(setting)
    covered.substitute_period = register_substitute(
        setting["municipality"],
        setting["agreement"],
        setting["locum"],
        valid_from=D(2027, 1, 11),
        valid_to=D(2027, 1, 16),
    )
    covered.save()
    waiting = report(setting, valid_from=D(2027, 2, 1), valid_to=D(2027, 2, 3))
    migration = importlib.import_module("fastlege.registry.migrations.0008_absence_cover")
    migration.covered_are_approved(django_apps, None)
    covered.refresh_from_db()
    waiting.refresh_from_db()
    assert covered.status == Absence.Status.APPROVED
    assert waiting.status == Absence.Status.REPORTED
