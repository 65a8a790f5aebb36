"""The substitute pool's writes: a booking registers the substitute period through the
registry's service; a double booking is refused with nothing saved (SQLite and
PostgreSQL). The database's own guard and the races: test_pool_concurrency.py."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from fastlege.accounts.models import Role
from fastlege.core.models import AuditEvent
from fastlege.registry.models import Absence, DoctorPeriod
from fastlege.registry.tests.factories import DoctorFactory, gp_list, user_with
from fastlege.workforce.models import (
    PoolSubstitute,
    SubstituteBooking,
    SubstituteRequest,
)
from fastlege.workforce.selectors_pool import locum_dependency
from fastlege.workforce.services import pool as svc
from fastlege.workforce.services.pool_errors import PoolCode, PoolError

from .conftest import MELHUS, TRONDHEIM

pytestmark = pytest.mark.django_db

D = datetime.date
JUNE = (D(2026, 6, 1), D(2026, 7, 1))
MAY_TO_AUGUST = ((D(2026, 5, 1), D(2026, 9, 1)),)


def pool_doctor(county_gov, *, home: str = TRONDHEIM, available=MAY_TO_AUGUST):
    doctor = DoctorFactory.create()
    sub = svc.add_substitute(
        county_gov, hpr_number=doctor.hpr_number, county_id="50", home_municipality_id=home
    )
    for start, end in available:
        svc.add_availability(county_gov, sub, valid_from=start, valid_to=end)
    return sub


@pytest.fixture
def setting(users):
    vacant = gp_list(with_gp=False)
    other_vacant = gp_list(with_gp=False)
    sub = pool_doctor(users["county_governor"])
    return users, vacant, other_vacant, sub


def test_accepting_a_match_registers_the_substitute_period_and_saves_the_booking(setting):
    users, vacant, _, sub = setting
    officer = users["municipality"]
    req = svc.create_request(
        officer, vacant, reason="ubesatt", valid_from=JUNE[0], valid_to=JUNE[1], needs="Kveld"
    )
    booking = svc.accept_match(officer, req.pk, sub.pk, cost=Decimal("120000"))

    period = DoctorPeriod.objects.get(pk=booking.doctor_period_id)
    assert (period.agreement_id, period.doctor_id, period.role) == (
        vacant.pk,
        sub.doctor_id,
        DoctorPeriod.Role.SUBSTITUTE,
    )
    assert (period.valid_from, period.valid_to) == JUNE
    assert (booking.valid_from, booking.valid_to, booking.cost) == (*JUNE, Decimal("120000"))
    req.refresh_from_db()
    assert req.status == SubstituteRequest.Status.BOOKED
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    # The registry's own audit row (its service was used) and the pool's.
    assert {"agreement.substitute_registered", "workforce.pool_substitute_booked"} <= actions


def test_an_absence_request_gets_the_substitute_period_as_its_cover(users):
    officer = users["municipality"]
    agreement = gp_list()
    gp = DoctorPeriod.objects.get(agreement=agreement).doctor
    absence = Absence.objects.create(
        agreement=agreement, doctor=gp, valid_from=JUNE[0], valid_to=JUNE[1], reason="sykdom"
    )
    sub = pool_doctor(users["county_governor"])
    req = svc.create_request(
        officer, agreement, reason="fravaer", absence=absence, valid_from=JUNE[0], valid_to=JUNE[1]
    )
    booking = svc.accept_match(officer, req, sub)
    absence.refresh_from_db()
    assert absence.substitute_period_id == booking.doctor_period_id
    assert DoctorPeriod.objects.get(pk=booking.doctor_period_id).substitute_for == gp


def test_a_double_booking_is_refused_in_norwegian_and_nothing_is_saved(setting):
    users, vacant, other_vacant, sub = setting
    officer = users["municipality"]
    first = svc.create_request(
        officer, vacant, reason="ubesatt", valid_from=JUNE[0], valid_to=JUNE[1]
    )
    svc.accept_match(officer, first, sub)
    # 20 June – 9 July shares 20–30 June with the first booking.
    second = svc.create_request(
        officer, other_vacant, reason="ubesatt", valid_from=D(2026, 6, 20), valid_to=D(2026, 7, 10)
    )
    periods, bookings, audits = (
        DoctorPeriod.objects.count(),
        SubstituteBooking.objects.count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises(PoolError) as refused:
        svc.accept_match(officer, second, sub)
    assert refused.value.code == PoolCode.DOUBLE_BOOKING
    assert refused.value.message == (
        "Vikaren er allerede booket i en overlappende periode (01.06.2026–30.06.2026). "
        "Ingenting er lagret."
    )
    assert DoctorPeriod.objects.count() == periods
    assert SubstituteBooking.objects.count() == bookings
    assert AuditEvent.objects.count() == audits
    second.refresh_from_db()
    assert second.status == SubstituteRequest.Status.OPEN
    # The day after the first booking ends is free: half-open periods.
    third = svc.create_request(
        officer, other_vacant, reason="ubesatt", valid_from=D(2026, 7, 1), valid_to=D(2026, 7, 10)
    )
    assert svc.accept_match(officer, third, sub).valid_from == D(2026, 7, 1)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"valid_to": D(2026, 10, 1)}, PoolCode.NOT_AVAILABLE),  # available only to 31 August
        ({"municipality": MELHUS}, PoolCode.NOT_WILLING),
    ],
)
def test_a_substitute_who_cannot_take_the_request_is_refused(users, change, code):
    county_gov = users["county_governor"]
    doctor = DoctorFactory.create()
    sub = svc.add_substitute(
        county_gov,
        hpr_number=doctor.hpr_number,
        county_id="50",
        home_municipality_id=TRONDHEIM,
        municipality_ids=[TRONDHEIM],
    )
    svc.add_availability(county_gov, sub, valid_from=D(2026, 5, 1), valid_to=D(2026, 9, 1))
    muni = change.get("municipality", TRONDHEIM)
    officer = user_with(Role.MUNICIPALITY, municipality_id=muni)
    req = svc.create_request(
        officer,
        gp_list(with_gp=False, municipality=muni),
        reason="ubesatt",
        valid_from=JUNE[0],
        valid_to=change.get("valid_to", JUNE[1]),
    )
    with pytest.raises(PoolError) as refused:
        svc.accept_match(officer, req, sub)
    assert refused.value.code == code
    assert not SubstituteBooking.objects.exists()
    assert not DoctorPeriod.objects.filter(role=DoctorPeriod.Role.SUBSTITUTE).exists()


def test_bad_input_is_refused_with_nothing_saved(users):
    county_gov, officer = users["county_governor"], users["municipality"]
    doctor = DoctorFactory.create()
    for hpr, code in [("012", PoolCode.BAD_HPR), ("987654321", PoolCode.UNKNOWN_DOCTOR)]:
        with pytest.raises(PoolError) as refused:
            svc.add_substitute(
                county_gov, hpr_number=hpr, county_id="50", home_municipality_id=TRONDHEIM
            )
        assert refused.value.code == code
    with pytest.raises(PoolError) as refused:
        svc.add_substitute(
            county_gov, hpr_number=doctor.hpr_number, county_id="50", home_municipality_id="0301"
        )
    assert refused.value.code == PoolCode.OUTSIDE_COUNTY
    assert not PoolSubstitute.objects.exists()
    with pytest.raises(PoolError) as refused:
        svc.create_request(
            officer, gp_list(), reason="ubesatt", valid_from=JUNE[0], valid_to=JUNE[1]
        )
    assert refused.value.code == PoolCode.LIST_HAS_GP
    with pytest.raises(PoolError) as refused:
        svc.create_request(
            officer, gp_list(with_gp=False), reason="ubesatt", valid_from=JUNE[1], valid_to=JUNE[0]
        )
    assert refused.value.code == PoolCode.INVALID_PERIOD
    assert not SubstituteRequest.objects.exists()


def test_who_may_write(users):
    vacant = gp_list(with_gp=False)
    doctor = DoctorFactory.create()
    for who in ("other_county_governor", "oslo_municipality", "citizen", "gp"):
        with pytest.raises(PoolError) as refused:
            svc.add_substitute(
                users[who],
                hpr_number=doctor.hpr_number,
                county_id="50",
                home_municipality_id=TRONDHEIM,
            )
        assert refused.value.code == PoolCode.NOT_AUTHORISED
    for who in ("other_municipality", "county_governor"):
        with pytest.raises(PoolError) as refused:
            svc.create_request(
                users[who], vacant, reason="ubesatt", valid_from=JUNE[0], valid_to=JUNE[1]
            )
        assert refused.value.code == PoolCode.NOT_AUTHORISED
    # A municipality of the county may add to the county's pool.
    assert svc.add_substitute(
        users["other_municipality"],
        hpr_number=doctor.hpr_number,
        county_id="50",
        home_municipality_id=MELHUS,
    )


def test_locum_dependency_counts_substitute_days_and_spreads_the_cost(setting):
    users, vacant, other_vacant, sub = setting
    officer = users["municipality"]
    req = svc.create_request(
        officer, vacant, reason="ubesatt", valid_from=JUNE[0], valid_to=JUNE[1]
    )
    svc.accept_match(officer, req, sub, cost=Decimal("30000"))
    # Another substitute (not from the pool, no cost) on the same list 21 June – 10 July.
    DoctorPeriod.objects.create(
        agreement=vacant,
        doctor=DoctorFactory.create(),
        role=DoctorPeriod.Role.SUBSTITUTE,
        percentage=50,
        valid_from=D(2026, 6, 21),
        valid_to=D(2026, 7, 11),
    )
    # Window 15 June – 4 July (20 days): pool booking 15–30 June = 16 days at 1 000 kr a
    # day; the second period adds 1–4 July (21–30 June are already counted): 20 days.
    per_list, per_muni = locum_dependency([TRONDHEIM], D(2026, 6, 15), D(2026, 7, 5))
    assert [(d.key, d.days_covered, d.cost) for d in per_list] == [
        (str(vacant.pk), 20, Decimal("16000"))
    ]
    (trondheim,) = per_muni
    lists = 2  # the two vacant lists of the fixture, both in force
    assert (trondheim.lists, trondheim.days_covered, trondheim.cost) == (
        lists,
        20,
        Decimal("16000"),
    )
    assert trondheim.percent == 50.0  # 20 of 2 × 20 list-days
