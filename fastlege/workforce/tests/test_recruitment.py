"""Recruitment cases: opening (refused for a list with a GP, nothing saved), the steps
allowed and refused, filling through the registry's service (the list then has a GP;
a refused fill changes nothing), time to fill, and the link to the measures register."""

from __future__ import annotations

from datetime import date as D

import pytest

from fastlege.core.errors import DomainError
from fastlege.core.models import AuditEvent
from fastlege.measures.tests.factories import measure
from fastlege.registry.models import DoctorPeriod, Notification
from fastlege.registry.tests.factories import (
    DoctorFactory,
    DoctorPeriodFactory,
    add_members,
    gp_list,
)
from fastlege.workforce import recruitment as rules
from fastlege.workforce import selectors_recruitment as sel
from fastlege.workforce.models import RecruitmentCase
from fastlege.workforce.services import recruitment as svc
from fastlege.workforce.services.recruitment_errors import Code

pytestmark = pytest.mark.django_db

TODAY = D(2026, 3, 2)
Status = RecruitmentCase.Status


def vacant_list(municipality: str = "5001", members: int = 3):
    """A list whose regular GP left on 1 February 2026."""
    agreement = gp_list(municipality=municipality, with_gp=False, members=members)
    DoctorPeriodFactory.create(agreement=agreement, valid_to=D(2026, 2, 1))
    return agreement


def opened(officer, agreement=None) -> RecruitmentCase:
    return svc.open_case(officer, agreement or vacant_list(), today=TODAY)


def refused(code: Code, fn, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as exc:
        fn(*args, **kwargs)
    assert exc.value.code == code.value
    return exc.value


# -- opening -------------------------------------------------------------------------


def test_a_vacant_list_becomes_a_case_with_an_audit_row(users):
    agreement = vacant_list()
    case = svc.open_case(users["municipality"], agreement, today=TODAY, note=" Haster ")
    assert (case.status, case.opened_on, case.vacant_from, case.note) == (
        Status.OPENED,
        TODAY,
        D(2026, 2, 1),
        "Haster",
    )
    assert AuditEvent.objects.filter(
        action="workforce.recruitment_open", object_id=str(case.pk)
    ).exists()


def test_a_list_with_a_gp_is_refused_in_norwegian_and_nothing_is_saved(users):
    agreement = gp_list()  # a regular GP since 2020, no end
    before = AuditEvent.objects.count()
    error = refused(Code.LIST_HAS_GP, svc.open_case, users["municipality"], agreement, today=TODAY)
    assert "Listen har en fast lege uten kjent sluttdato" in error.message
    assert RecruitmentCase.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_a_list_whose_gp_has_given_notice_may_get_a_case_ahead(users):
    agreement = gp_list()
    DoctorPeriod.objects.filter(agreement=agreement).update(valid_to=D(2026, 9, 1))
    case = svc.open_case(users["municipality"], agreement, today=TODAY)
    assert case.vacant_from == D(2026, 9, 1)


def test_a_gp_leaving_beyond_the_horizon_is_refused(users):
    agreement = gp_list()
    # 24 months after 2 March 2026 is 2 March 2028; a day later is too far ahead.
    DoctorPeriod.objects.filter(agreement=agreement).update(valid_to=D(2028, 3, 3))
    refused(Code.GP_ENDS_LATER, svc.open_case, users["municipality"], agreement, today=TODAY)
    DoctorPeriod.objects.filter(agreement=agreement).update(valid_to=D(2028, 3, 2))
    assert svc.open_case(users["municipality"], agreement, today=TODAY).pk


def test_one_open_case_per_list_and_only_the_own_municipality_opens(users):
    agreement = vacant_list()
    refused(Code.NOT_AUTHORISED, svc.open_case, users["other_municipality"], agreement, today=TODAY)
    refused(Code.NOT_AUTHORISED, svc.open_case, users["county_governor"], agreement, today=TODAY)
    opened(users["municipality"], agreement)
    refused(Code.CASE_ALREADY_OPEN, svc.open_case, users["municipality"], agreement, today=TODAY)
    assert RecruitmentCase.objects.count() == 1


# -- steps ---------------------------------------------------------------------------


def test_the_steps_in_order_and_a_readvertisement(users):
    officer = users["municipality"]
    case = opened(officer)
    case = svc.advertise(
        officer, case.pk, advertised_on=D(2026, 3, 5), deadline=D(2026, 4, 1), channel="legejobber"
    )
    assert (case.status, case.first_advertised_on, case.readvertised_count) == (
        Status.ADVERTISED,
        D(2026, 3, 5),
        0,
    )
    svc.record_applicants(officer, case.pk, applicants=2)
    svc.record_interviews(officer, case.pk, interviews_on=D(2026, 4, 10), interviewed=2)
    doctor = DoctorFactory.create()
    case = svc.make_offer(officer, case.pk, offered_on=D(2026, 4, 20), doctor=doctor)
    assert (case.status, case.offered_to) == (Status.OFFERED, doctor)
    # The offer is declined: advertise again.
    case = svc.advertise(
        officer, case.pk, advertised_on=D(2026, 5, 1), deadline=D(2026, 6, 1), channel="finn"
    )
    case.refresh_from_db()
    assert (case.status, case.readvertised_count, case.first_advertised_on) == (
        Status.ADVERTISED,
        1,
        D(2026, 3, 5),
    )
    assert (case.advertised_on, case.channel, case.applicants, case.offered_to) == (
        D(2026, 5, 1),
        "finn",
        None,
        None,
    )
    actions = list(
        AuditEvent.objects.filter(object_id=str(case.pk), action__startswith="workforce.recruit")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "workforce.recruitment_open",
        "workforce.recruitment_advertise",
        "workforce.recruitment_applicants",
        "workforce.recruitment_interviews",
        "workforce.recruitment_offer",
        "workforce.recruitment_readvertise",
    ]


@pytest.mark.parametrize(
    ("current", "to", "allowed"),
    [
        ("opprettet", "utlyst", True),
        ("opprettet", "tilbud", False),
        ("opprettet", "besatt", False),
        ("utlyst", "besatt", False),
        ("intervjuer", "tilbud", True),
        ("tilbud", "besatt", True),
        ("tilbud", "utlyst", True),
        ("besatt", "utlyst", False),
        ("avsluttet", "utlyst", False),
        ("besatt", "avsluttet", False),
    ],
)
def test_allowed_transitions(current, to, allowed):
    assert rules.may_move(current, to) is allowed


def test_a_refused_step_says_why_and_changes_nothing(users):
    officer = users["municipality"]
    case = opened(officer)
    doctor = DoctorFactory.create()
    error = refused(
        Code.STEP_NOT_ALLOWED,
        svc.make_offer,
        officer,
        case.pk,
        offered_on=D(2026, 3, 10),
        doctor=doctor,
    )
    assert error.message == "Saken har status «opprettet» og kan ikke gå videre til «tilbud gitt»."
    refused(
        Code.DEADLINE_BEFORE_ADVERTISED,
        svc.advertise,
        officer,
        case.pk,
        advertised_on=D(2026, 3, 10),
        deadline=D(2026, 3, 9),
        channel="finn",
    )
    refused(
        Code.DATE_BEFORE_OPENED,
        svc.advertise,
        officer,
        case.pk,
        advertised_on=D(2026, 3, 1),
        deadline=D(2026, 4, 1),
        channel="finn",
    )
    refused(Code.BAD_CHANNEL, svc.advertise, officer, case.pk,
            advertised_on=D(2026, 3, 3), deadline=D(2026, 4, 1), channel="avis")  # fmt: skip
    refused(Code.STEP_NOT_ALLOWED, svc.record_applicants, officer, case.pk, applicants=3)
    case.refresh_from_db()
    assert (case.status, case.advertised_on, case.offered_to) == (Status.OPENED, None, None)
    assert AuditEvent.objects.filter(object_id=str(case.pk)).count() == 1  # the opening


def test_a_neighbour_cannot_take_steps(users):
    case = opened(users["municipality"])
    refused(
        Code.NOT_AUTHORISED,
        svc.close,
        users["other_municipality"],
        case.pk,
        closed_on=TODAY,
        reason="x",
    )
    refused(Code.REASON_REQUIRED, svc.close, users["municipality"], case.pk, closed_on=TODAY,
            reason="  ")  # fmt: skip
    case = svc.close(users["municipality"], case.pk, closed_on=TODAY, reason="Listen slås sammen")
    assert case.status == Status.CLOSED
    refused(Code.STEP_NOT_ALLOWED, svc.advertise, users["municipality"], case.pk,
            advertised_on=TODAY, deadline=TODAY, channel="finn")  # fmt: skip


# -- filling -------------------------------------------------------------------------


def offered(officer, agreement=None, doctor=None) -> RecruitmentCase:
    case = opened(officer, agreement)
    svc.advertise(
        officer, case.pk, advertised_on=D(2026, 3, 5), deadline=D(2026, 4, 1), channel="finn"
    )
    return svc.make_offer(
        officer, case.pk, offered_on=D(2026, 4, 15), doctor=doctor or DoctorFactory.create()
    )


def test_filling_starts_the_gp_period_through_the_registry(users):
    officer = users["municipality"]
    agreement = vacant_list(members=4)
    doctor = DoctorFactory.create()
    case = offered(officer, agreement, doctor)
    case = svc.fill(officer, case.pk, valid_from=D(2026, 6, 1))
    period = DoctorPeriod.objects.get(agreement=agreement, valid_to__isnull=True)
    assert (period.doctor, period.role, period.valid_from) == (
        doctor,
        DoctorPeriod.Role.REGULAR,
        D(2026, 6, 1),
    )
    assert (case.status, case.gp_period, case.filled_on) == (Status.FILLED, period, D(2026, 6, 1))
    # The registry's own side effects: its audit row, and the residents are told (§ 9).
    assert AuditEvent.objects.filter(action="agreement.gp_assigned", object_id=str(period.pk))
    assert Notification.objects.filter(kind=Notification.Kind.NEW_GP).count() == 4
    # The list has a GP now: no new case.
    refused(Code.LIST_HAS_GP, svc.open_case, officer, agreement, today=D(2026, 6, 2))


def test_a_fill_the_registry_refuses_changes_nothing(users):
    officer = users["municipality"]
    agreement = vacant_list()
    unqualified = DoctorFactory.create(specialty="")  # fails the competence requirement
    case = offered(officer, agreement, unqualified)
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError):  # the registry's own coded refusal
        svc.fill(officer, case.pk, valid_from=D(2026, 6, 1))
    case.refresh_from_db()
    assert (case.status, case.gp_period, case.filled_on) == (Status.OFFERED, None, None)
    assert not DoctorPeriod.objects.filter(agreement=agreement, valid_to__isnull=True).exists()
    assert AuditEvent.objects.count() == before


def test_a_fill_before_the_leaving_gps_last_day_is_refused(users):
    officer = users["municipality"]
    agreement = gp_list()
    DoctorPeriod.objects.filter(agreement=agreement).update(valid_to=D(2026, 9, 1))
    case = offered(officer, agreement)
    with pytest.raises(DomainError):  # the registry: the list has a GP on that day
        svc.fill(officer, case.pk, valid_from=D(2026, 8, 1))
    case.refresh_from_db()
    assert case.status == Status.OFFERED
    case = svc.fill(officer, case.pk, valid_from=D(2026, 9, 1))
    assert case.status == Status.FILLED


def test_time_to_fill_is_days_from_opening_to_the_new_gps_first_day(users):
    officer = users["municipality"]
    case = offered(officer)
    case = svc.fill(officer, case.pk, valid_from=D(2026, 6, 1))
    # 2 March → 1 June 2026: 29 (rest of March) + 30 (April) + 31 (May) + 1 = 91 days.
    (row,) = sel.rows(RecruitmentCase.objects.filter(pk=case.pk), D(2026, 7, 1))
    assert (row.time_to_fill, row.days_open) == (91, None)
    assert rules.time_to_fill(D(2026, 1, 1), None) is None
    still_open = opened(officer)
    (row,) = sel.rows(RecruitmentCase.objects.filter(pk=still_open.pk), D(2026, 3, 12))
    assert (row.time_to_fill, row.days_open) == (None, 10)


# -- measures ------------------------------------------------------------------------


def test_the_measures_offered_are_seen_from_the_measure(users):
    officer = users["municipality"]
    own = measure("5001", starts_on=D(2026, 1, 1))
    neighbours = measure("5028")
    case = svc.open_case(officer, vacant_list(), today=TODAY, measure_ids=[own.pk])
    assert list(sel.cases_offering(own)) == [case]
    assert list(own.recruitment_cases.all()) == [case]
    refused(Code.FOREIGN_MEASURE, svc.set_measures, officer, case.pk, [own.pk, neighbours.pk])
    assert list(case.measures.all()) == [own]
    svc.set_measures(officer, case.pk, [])
    assert not sel.cases_offering(own).exists()


def test_openable_lists_follow_the_opening_rule(users):
    vacant = vacant_list()
    with_gp = gp_list()
    leaving = gp_list()
    DoctorPeriod.objects.filter(agreement=leaving).update(valid_to=D(2026, 9, 1))
    far = gp_list()
    DoctorPeriod.objects.filter(agreement=far).update(valid_to=D(2029, 1, 1))
    busy = vacant_list()
    opened(users["municipality"], busy)
    add_members(vacant, 1)
    got = {a.pk for a in sel.openable_lists("5001", TODAY)}
    assert vacant.pk in got and leaving.pk in got
    assert not got & {with_gp.pk, far.pk, busy.pk}


def test_the_measures_page_part_lists_the_cases_that_offered_the_measure(users):
    from django.template.loader import render_to_string

    own = measure("5001", starts_on=D(2026, 1, 1))
    case = svc.open_case(users["municipality"], vacant_list(), today=TODAY, measure_ids=[own.pk])
    html = render_to_string(
        "workforce/_recruitment_for_measure.html", {"cases": own.recruitment_cases.all()}
    )
    assert f"Liste {case.agreement_id}, opprettet 02.03.2026" in html
    assert f"/arbeidskraft/rekruttering/sak/{case.pk}/" in html


def test_the_database_keeps_one_open_case_per_list(users):
    from django.db import IntegrityError, transaction

    case = opened(users["municipality"])
    with pytest.raises(IntegrityError), transaction.atomic():
        RecruitmentCase.objects.create(
            agreement_id=case.agreement_id, opened_on=TODAY, vacant_from=TODAY
        )
    svc.close(users["municipality"], case.pk, closed_on=TODAY, reason="Feil liste")
    again = svc.open_case(users["municipality"], case.agreement_id, today=TODAY)
    assert again.pk != case.pk


def test_the_demo_makes_cases_at_different_steps_once(users):
    import io

    from django.core.management import call_command

    for number in ("5001", "5028", "5031", "5029", "0301"):
        vacant_list(number)
    gp_list(municipality="5006")  # a list with a GP gets no case
    call_command("workforce_recruitment_demo", stdout=io.StringIO())
    cases = RecruitmentCase.objects.all()
    assert {c.agreement.municipality_id for c in cases} == {"5001", "5028", "5029", "5031"}
    statuses = sorted(c.status for c in cases)
    assert statuses == sorted(
        [Status.OPENED, Status.ADVERTISED, Status.ADVERTISED, Status.INTERVIEWS]
    )
    assert sum(c.readvertised_count for c in cases) == 1
    call_command("workforce_recruitment_demo", stdout=io.StringIO())
    assert RecruitmentCase.objects.count() == 4


def test_a_negative_count_is_refused(users):
    officer = users["municipality"]
    case = opened(officer)
    svc.advertise(officer, case.pk, advertised_on=TODAY, deadline=TODAY, channel="finn")
    refused(Code.BAD_COUNT, svc.record_applicants, officer, case.pk, applicants=-1)
    refused(Code.BAD_COUNT, svc.record_interviews, officer, case.pk, interviews_on=TODAY,
            interviewed=-2)  # fmt: skip
    case.refresh_from_db()
    assert (case.status, case.applicants, case.interviews_on) == (Status.ADVERTISED, None, None)
