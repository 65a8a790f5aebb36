"""ALIS: the competence shares and completions counted by hand on a small registry,
the refusals of the services (nothing saved), the database's own check, and who
reads which agreements."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from fastlege.core.models import AuditEvent
from fastlege.registry.models import Doctor, DoctorPeriod
from fastlege.registry.tests.factories import (
    AgreementFactory,
    DoctorFactory,
    DoctorPeriodFactory,
    PracticeFactory,
)
from fastlege.workforce import alis, selectors_alis
from fastlege.workforce.models import AlisAgreement
from fastlege.workforce.services import alis as services
from fastlege.workforce.services.alis import AlisData, AlisRefused, Code

from .conftest import MELHUS, OSLO, TRONDHEIM

pytestmark = pytest.mark.django_db

D = datetime.date
ON = D(2026, 1, 15)
NONE = Doctor.Specialty.NONE


def gp(municipality: str = TRONDHEIM, *, specialty: str = NONE, **period) -> Doctor:
    """A regular GP (LPFL) on a new list in ``municipality`` since 2020."""
    doctor = DoctorFactory.create(specialty=specialty)
    agreement = AgreementFactory.create(
        practice=PracticeFactory.create(municipality_id=municipality)
    )
    DoctorPeriodFactory.create(agreement=agreement, doctor=doctor, **period)
    return doctor


def alis_row(doctor: Doctor, start: D, completed: D | None = None, **kw) -> AlisAgreement:
    return AlisAgreement.objects.create(
        municipality_id=kw.pop("municipality_id", TRONDHEIM),
        doctor=doctor,
        start=start,
        planned_completion=kw.pop("planned_completion", start + datetime.timedelta(days=5 * 365)),
        completed_on=completed,
        **kw,
    )


# --- The rules, by hand -----------------------------------------------------------


def test_competence_status_rules():
    started = alis.AlisDates(D(2024, 1, 1), D(2029, 1, 1), None)
    done = alis.AlisDates(D(2020, 1, 1), D(2025, 1, 1), D(2025, 3, 1))
    status = alis.competence_status
    assert status(ON, specialty="spesialist") == alis.Competence.SPECIALIST
    assert status(ON, specialty="ingen", agreements=[started]) == alis.Competence.IN_TRAINING
    assert status(D(2023, 12, 31), specialty="ingen", agreements=[started]) == (
        alis.Competence.NEITHER
    )
    assert status(ON, specialty="ingen", agreements=[done]) == alis.Competence.SPECIALIST
    # The day before completion the doctor is still in specialisation.
    assert status(D(2025, 2, 28), specialty="ingen", agreements=[done]) == (
        alis.Competence.IN_TRAINING
    )
    assert status(ON, specialty="alis") == alis.Competence.IN_TRAINING
    assert status(ON, specialty="ingen", registry_alis_from=D(2025, 1, 1)) == (
        alis.Competence.IN_TRAINING
    )
    assert status(ON, specialty="ingen") == alis.Competence.NEITHER


def test_agreement_status_from_dates():
    a = alis.AlisDates(D(2026, 3, 1), D(2031, 3, 1), None)
    assert alis.agreement_status(a, D(2026, 2, 28)) == alis.Status.PLANNED
    assert alis.agreement_status(a, D(2026, 3, 1)) == alis.Status.IN_PROGRESS
    assert alis.agreement_status(a, D(2031, 3, 1)) == alis.Status.OVERDUE
    done = alis.AlisDates(a.start, a.planned_completion, D(2030, 1, 1))
    assert alis.agreement_status(done, D(2030, 1, 1)) == alis.Status.COMPLETED


def test_competence_shares_counted_by_hand_on_a_registry():
    # Trondheim's regular GPs on ON, judged by hand:
    a = gp(specialty=Doctor.Specialty.SPECIALIST)  # specialist (registry)
    i = gp(specialty=Doctor.Specialty.SPECIALIST)  # specialist (registry)
    e = gp()  # completed ALIS 1 June 2025: specialist
    alis_row(e, D(2020, 6, 1), D(2025, 6, 1))
    b = gp()  # ALIS in progress: in specialisation
    alis_row(b, D(2025, 1, 1))
    gp(specialty=Doctor.Specialty.IN_TRAINING)  # the registry says so: in specialisation
    gp()  # neither
    f = gp()  # neither, two lists in Trondheim: counted once
    DoctorPeriodFactory.create(
        agreement=AgreementFactory.create(
            practice=PracticeFactory.create(municipality_id=TRONDHEIM)
        ),
        doctor=f,
    )
    # Not counted in Trondheim:
    gp(MELHUS, specialty=Doctor.Specialty.SPECIALIST)  # another municipality
    gp(valid_to=D(2025, 12, 31))  # no longer a GP on ON
    gp(valid_from=D(2026, 2, 1))  # not yet a GP on ON
    gp(role=DoctorPeriod.Role.SUBSTITUTE)  # a substitute, not a regular GP
    starts_later = gp()  # an ALIS agreement that starts after ON: neither on ON
    alis_row(starts_later, D(2026, 6, 1))

    table = selectors_alis.indicators([(TRONDHEIM, "Trondheim")], ON, "Trondheim")
    c = table.rows[0].competence
    # 8 GPs: specialists a, i, e; in specialisation b and the registry's "alis";
    # neither: the plain one, f and starts_later.
    assert (c.total, c.specialists, c.in_training, c.neither) == (8, 3, 2, 3)
    assert c.share_specialists == pytest.approx(100 * 3 / 8)
    assert c.share_in_training == pytest.approx(100 * 2 / 8)
    assert c.share_neither == pytest.approx(100 * 3 / 8)
    assert table.rows[0].in_progress == 1  # b; starts_later has not started, e is done
    assert a and i


def test_completions_per_year_and_share_staying():
    doctors = [gp() for _ in range(6)]
    alis_row(doctors[0], D(2018, 1, 1), D(2023, 5, 1), stays_after_completion="ja")
    alis_row(doctors[1], D(2019, 1, 1), D(2024, 2, 1), stays_after_completion="nei")
    alis_row(doctors[2], D(2019, 6, 1), D(2024, 11, 30), stays_after_completion="ja")
    alis_row(doctors[3], D(2021, 1, 1), D(2025, 12, 31), stays_after_completion="ukjent")
    alis_row(doctors[4], D(2022, 1, 1))  # not completed
    alis_row(doctors[5], D(2021, 1, 1), D(2026, 3, 1))  # after ON: not counted yet
    melhus = gp(MELHUS)
    alis_row(melhus, D(2019, 1, 1), D(2024, 6, 1), municipality_id=MELHUS)

    table = selectors_alis.indicators([(TRONDHEIM, "Trondheim")], ON, "Trondheim")
    row = table.rows[0]
    assert row.completions == {2023: 1, 2024: 2, 2025: 1}
    # Known outcomes: 2 stayed, 1 left (the unknown one is not in the share).
    assert (row.stays.stayed, row.stays.left, row.stays.unknown) == (2, 1, 1)
    assert row.stays.share == pytest.approx(100 * 2 / 3)

    both = selectors_alis.indicators(
        [(TRONDHEIM, "Trondheim"), (MELHUS, "Melhus")], ON, "Trøndelag", "50"
    )
    assert both.total.completions == {2023: 1, 2024: 3, 2025: 1}
    assert both.years == [2023, 2024, 2025]


# --- The services ----------------------------------------------------------------


def data(doctor: Doctor, **kw) -> AlisData:
    return AlisData(
        doctor_hpr=doctor.hpr_number,
        start=kw.pop("start", D(2025, 1, 1)),
        planned_completion=kw.pop("planned_completion", D(2030, 1, 1)),
        **kw,
    )


def test_register_and_complete_with_audit_rows(users):
    doctor = gp()
    supervisor = gp(specialty=Doctor.Specialty.SPECIALIST)
    a = services.create_alis_agreement(
        users["municipality"],
        TRONDHEIM,
        data(
            doctor,
            supervisor_hpr=supervisor.hpr_number,
            guidance_group="Gruppe Trondheim sør",
            grant_applied_amount="120 000",
            grant_applied_on=D(2025, 2, 1),
        ),
    )
    a.refresh_from_db()
    assert (a.doctor, a.supervisor, a.grant_applied_amount) == (doctor, supervisor, 120000)
    assert AuditEvent.objects.filter(action="workforce.alis_create", object_id=str(a.pk)).exists()

    today = timezone.localdate()
    services.complete_alis_agreement(users["municipality"], a.pk, today, "ja")
    a.refresh_from_db()
    assert (a.completed_on, a.stays_after_completion) == (today, "ja")
    assert AuditEvent.objects.filter(action="workforce.alis_complete", object_id=str(a.pk)).exists()


def test_completion_before_start_is_refused_and_nothing_saved(users):
    a = services.create_alis_agreement(users["municipality"], TRONDHEIM, data(gp()))
    events = AuditEvent.objects.count()
    with pytest.raises(AlisRefused) as caught:
        services.complete_alis_agreement(users["municipality"], a.pk, D(2024, 12, 31), "ja")
    assert caught.value.code == Code.COMPLETION_BEFORE_START
    assert caught.value.message == (
        "ALIS-avtalen kan ikke være fullført (31.12.2024) før den startet (01.01.2025)."
    )
    assert caught.value.field == "completed_on"
    a.refresh_from_db()
    assert (a.completed_on, a.stays_after_completion) == (None, "ukjent")
    assert AuditEvent.objects.count() == events


def test_planned_completion_before_start_is_refused_and_nothing_saved(users):
    with pytest.raises(AlisRefused) as caught:
        services.create_alis_agreement(
            users["municipality"],
            TRONDHEIM,
            data(gp(), start=D(2025, 1, 1), planned_completion=D(2024, 1, 1)),
        )
    assert caught.value.code == Code.PLANNED_BEFORE_START
    assert "kan ikke være før start" in caught.value.message
    assert not AlisAgreement.objects.exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"doctor_hpr": "123"}, Code.UNKNOWN_DOCTOR),
        ({"grant_applied_amount": "-5"}, Code.BAD_AMOUNT),
        (
            {"grant_applied_on": D(2025, 3, 1), "grant_received_on": D(2025, 2, 1)},
            Code.GRANT_RECEIVED_BEFORE_APPLIED,
        ),
        ({"stays_after_completion": "kanskje"}, Code.BAD_STAYS),
    ],
)
def test_bad_input_is_refused(users, change, code):
    d = data(gp())
    for k, v in change.items():
        setattr(d, k, v)
    with pytest.raises(AlisRefused) as caught:
        services.create_alis_agreement(users["municipality"], TRONDHEIM, d)
    assert caught.value.code == code
    assert not AlisAgreement.objects.exists()


def test_a_specialist_or_a_doctor_already_in_alis_is_refused(users):
    with pytest.raises(AlisRefused) as caught:
        services.create_alis_agreement(
            users["municipality"], TRONDHEIM, data(gp(specialty=Doctor.Specialty.SPECIALIST))
        )
    assert caught.value.code == Code.ALREADY_SPECIALIST
    doctor = gp()
    services.create_alis_agreement(users["municipality"], TRONDHEIM, data(doctor))
    with pytest.raises(AlisRefused) as caught:
        services.create_alis_agreement(users["municipality"], TRONDHEIM, data(doctor))
    assert caught.value.code == Code.ALIS_IN_PROGRESS
    assert AlisAgreement.objects.count() == 1


def test_the_database_refuses_a_completion_before_the_start():
    doctor = gp()
    with pytest.raises(IntegrityError), transaction.atomic():
        alis_row(doctor, D(2025, 1, 1), D(2024, 12, 31))
    with pytest.raises(IntegrityError), transaction.atomic():
        alis_row(doctor, D(2025, 1, 1), planned_completion=D(2024, 12, 31))
    assert not AlisAgreement.objects.exists()


@pytest.mark.parametrize("who", ["county_governor", "other_municipality", "citizen", "gp"])
def test_only_the_municipality_and_national_staff_write(users, who):
    with pytest.raises(AlisRefused) as caught:
        services.create_alis_agreement(users[who], TRONDHEIM, data(gp()))
    assert caught.value.code == Code.NOT_AUTHORISED
    assert not AlisAgreement.objects.exists()


def test_national_staff_may_register(users):
    services.create_alis_agreement(users["national"], TRONDHEIM, data(gp()))
    assert AlisAgreement.objects.count() == 1


# --- Who reads which agreements ----------------------------------------------------


def test_scoping_per_role(users):
    trondheim = alis_row(gp(), D(2025, 1, 1))
    melhus = alis_row(gp(MELHUS), D(2025, 1, 1), municipality_id=MELHUS)
    oslo = alis_row(gp(OSLO), D(2025, 1, 1), municipality_id=OSLO)

    def seen(who: str) -> set[int]:
        return set(selectors_alis.visible_agreements(users[who]).values_list("pk", flat=True))

    assert seen("municipality") == {trondheim.pk}
    assert seen("other_municipality") == {melhus.pk}
    assert seen("county_governor") == {trondheim.pk, melhus.pk}
    assert seen("other_county_governor") == {oslo.pk}
    assert seen("national") == {trondheim.pk, melhus.pk, oslo.pk}
    assert seen("citizen") == set()
    assert seen("gp") == set()


# --- Demo data ----------------------------------------------------------------------


def test_the_demo_makes_agreements_for_gps_in_specialisation_once():
    from django.core.management import call_command

    today = timezone.localdate()
    current = gp(specialty=Doctor.Specialty.IN_TRAINING)
    current.alis_from, current.alis_to = D(2024, 1, 1), D(2099, 1, 1)
    current.save()
    finished = gp(MELHUS, specialty=Doctor.Specialty.IN_TRAINING)
    finished.alis_from, finished.alis_to = D(2019, 1, 1), D(2024, 1, 1)
    finished.save()
    gp(OSLO, specialty=Doctor.Specialty.IN_TRAINING)  # outside Trøndelag
    gp()  # not in specialisation
    call_command("workforce_alis_demo")
    call_command("workforce_alis_demo")
    made = {a.doctor_id: a for a in AlisAgreement.objects.all()}
    assert set(made) == {current.pk, finished.pk}
    assert made[current.pk].completed_on is None and made[current.pk].start == D(2024, 1, 1)
    assert made[finished.pk].completed_on == D(2024, 1, 1) <= today
    assert made[finished.pk].municipality_id == MELHUS


def test_the_registrys_competence_check_reads_the_alis_agreement(users):
    """A doctor without specialty may be given a list while an ALIS agreement is in
    progress (kompetanseforskriften § 3), from its start until its completion, and the
    registry records the period with an audit row."""
    doctor = DoctorFactory.create(specialty=NONE)
    assert not doctor.meets_competence_requirement(D(2026, 1, 15))
    a = services.create_alis_agreement(
        users["municipality"], TRONDHEIM, data(doctor, start=D(2025, 9, 1))
    )
    doctor.refresh_from_db()
    assert (doctor.alis_from, doctor.alis_to) == (D(2025, 9, 1), None)
    assert not doctor.meets_competence_requirement(D(2025, 8, 31))
    assert doctor.meets_competence_requirement(D(2026, 1, 15))
    event = AuditEvent.objects.get(action="registry.alis_period")
    assert event.object_id == str(doctor.pk) and event.actor == users["municipality"]

    services.update_alis_agreement(users["municipality"], a.pk, data(doctor, start=D(2025, 10, 1)))
    doctor.refresh_from_db()
    assert doctor.alis_from == D(2025, 10, 1)

    today = timezone.localdate()
    services.complete_alis_agreement(users["municipality"], a.pk, today, "ja")
    doctor.refresh_from_db()
    assert (doctor.alis_from, doctor.alis_to) == (D(2025, 10, 1), today)
    assert doctor.meets_competence_requirement(today - datetime.timedelta(days=1))
    assert not doctor.meets_competence_requirement(today)  # HPR's specialist status decides
    assert AuditEvent.objects.filter(action="registry.alis_period").count() == 3


def test_a_refused_alis_agreement_leaves_the_registry_as_it_was(users):
    doctor = DoctorFactory.create(specialty=NONE)
    with pytest.raises(AlisRefused):
        services.create_alis_agreement(
            users["municipality"],
            TRONDHEIM,
            data(doctor, start=D(2025, 9, 1), planned_completion=D(2025, 1, 1)),
        )
    doctor.refresh_from_db()
    assert (doctor.alis_from, doctor.alis_to) == (None, None)
    assert not AuditEvent.objects.filter(action="registry.alis_period").exists()
