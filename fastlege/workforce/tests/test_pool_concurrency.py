"""Two municipalities book the same pool substitute for overlapping days at the same
moment: exactly one booking is made. And the database itself refuses an overlapping
booking that bypasses the service (the exclusion constraint of migration 0020).

PostgreSQL only (real concurrent transactions, one connection per thread); the data
is committed on a connection of its own and removed afterwards, as in
``fastlege/registry/tests/test_concurrency.py``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from fastlege.accounts.models import Role, RoleAssignment
from fastlege.core.errors import DomainError
from fastlege.core.models import AuditEvent
from fastlege.core.testing.threads import in_thread, require_postgres
from fastlege.registry.models import Agreement, Doctor, DoctorPeriod, Practice
from fastlege.registry.tests.factories import DoctorFactory, gp_list, user_with
from fastlege.registry.tests.test_concurrency import race
from fastlege.workforce.models import PoolSubstitute, SubstituteBooking, SubstituteRequest
from fastlege.workforce.services import pool as svc
from fastlege.workforce.services.pool_errors import PoolCode

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

D = datetime.date
THREADS = 4


def _cleanup(made: dict[str, Any], audit_after: int) -> None:
    agreements = [a.pk for a in made.get("lists", [])]
    SubstituteBooking.objects.filter(request__agreement_id__in=agreements).delete()
    SubstituteRequest.objects.filter(agreement_id__in=agreements).delete()
    doctors = list(
        DoctorPeriod.objects.filter(agreement_id__in=agreements).values_list("doctor_id", flat=True)
    )
    DoctorPeriod.objects.filter(agreement_id__in=agreements).delete()
    subs = made.get("substitutes", [])
    PoolSubstitute.objects.filter(pk__in=[s.pk for s in subs]).delete()
    practices = list(
        Agreement.objects.filter(pk__in=agreements).values_list("practice_id", flat=True)
    )
    Agreement.objects.filter(pk__in=agreements).delete()
    Practice.objects.filter(pk__in=practices).delete()
    Doctor.objects.filter(pk__in=[*doctors, *(s.doctor_id for s in subs)]).delete()
    users = [u.pk for u in made.get("users", [])]
    RoleAssignment.objects.filter(user_id__in=users).delete()
    AuditEvent.objects.filter(pk__gt=audit_after).delete()
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(pk__in=users).delete()


@pytest.fixture
def committed() -> Iterator[dict[str, Any]]:
    require_postgres()
    made: dict[str, Any] = {}
    start = in_thread(
        lambda: AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    )
    try:
        yield made
    finally:
        in_thread(lambda: _cleanup(made, start))


def _setup(made: dict[str, Any]) -> tuple[Any, PoolSubstitute, list[SubstituteRequest]]:
    officer = user_with(Role.MUNICIPALITY, municipality_id="5001")
    governor = user_with(Role.COUNTY_GOVERNOR, county_id="50")
    made.setdefault("users", []).extend([officer, governor])
    lists = [gp_list(with_gp=False) for _ in range(THREADS)]
    made.setdefault("lists", []).extend(lists)
    doctor = DoctorFactory.create()
    sub = svc.add_substitute(
        governor, hpr_number=doctor.hpr_number, county_id="50", home_municipality_id="5001"
    )
    made.setdefault("substitutes", []).append(sub)
    svc.add_availability(governor, sub, valid_from=D(2026, 5, 1), valid_to=D(2026, 9, 1))
    # Every request shares at least 10–19 June with every other.
    requests = [
        svc.create_request(
            officer,
            agreement,
            reason="ubesatt",
            valid_from=D(2026, 6, 1 + i),
            valid_to=D(2026, 6, 20 + i),
        )
        for i, agreement in enumerate(lists)
    ]
    return officer, sub, requests


def test_exactly_one_of_simultaneous_overlapping_bookings_wins(committed):
    for _round in range(2):
        officer, sub, requests = in_thread(partial(_setup, committed))
        results = race([partial(svc.accept_match, officer, r.pk, sub.pk) for r in requests])
        won = [r for r in results if isinstance(r, SubstituteBooking)]
        lost = [r for r in results if isinstance(r, DomainError)]
        assert len(won) == 1, results
        assert len(lost) == THREADS - 1, results
        assert {e.code for e in lost} == {PoolCode.DOUBLE_BOOKING}, results
        assert SubstituteBooking.objects.filter(substitute=sub).count() == 1
        assert (
            DoctorPeriod.objects.filter(
                doctor_id=sub.doctor_id, role=DoctorPeriod.Role.SUBSTITUTE
            ).count()
            == 1
        )


def test_the_database_refuses_an_overlapping_booking_past_the_service(committed):
    officer, sub, requests = in_thread(partial(_setup, committed))
    booking = svc.accept_match(officer, requests[0].pk, sub.pk)
    period = DoctorPeriod.objects.create(
        agreement=requests[1].agreement,
        doctor=DoctorFactory.create(),
        role=DoctorPeriod.Role.SUBSTITUTE,
        valid_from=D(2026, 6, 19),
        valid_to=D(2026, 6, 25),
    )
    # The last day of the first booking (19 June) is the first of this one.
    with pytest.raises(IntegrityError), transaction.atomic():
        SubstituteBooking.objects.create(
            request=requests[1],
            substitute=sub,
            valid_from=D(2026, 6, 19),
            valid_to=D(2026, 6, 25),
            doctor_period=period,
        )
    # Touching is not overlapping: from the day the first one ends it is allowed.
    with transaction.atomic():
        SubstituteBooking.objects.create(
            request=requests[1],
            substitute=sub,
            valid_from=D(2026, 6, 20),
            valid_to=D(2026, 6, 25),
            doctor_period=period,
        )
    assert SubstituteBooking.objects.filter(substitute=sub).count() == 2
    assert booking.pk
