"""The demo's substitute pool: locums of Trøndelag's lists join the pool with
availability, lists without a GP ask it for a substitute; a second run changes
nothing."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command

from fastlege.registry.models import DoctorPeriod
from fastlege.registry.tests.factories import DoctorFactory, DoctorPeriodFactory, gp_list
from fastlege.workforce.models import PoolSubstitute, SubstituteAvailability, SubstituteRequest

pytestmark = pytest.mark.django_db


def test_the_pool_demo_adds_locums_and_requests_once():
    served = gp_list(ceiling=100, members=2)
    vacant = gp_list(ceiling=100, members=2, with_gp=False)
    locum = DoctorFactory.create()
    DoctorPeriodFactory.create(
        agreement=served,
        doctor=locum,
        role=DoctorPeriod.Role.SUBSTITUTE,
        valid_from=datetime.date(2024, 1, 1),
        valid_to=datetime.date(2024, 3, 1),
    )
    gp = served.doctor_periods.get(role=DoctorPeriod.Role.REGULAR).doctor
    DoctorPeriodFactory.create(  # a regular GP elsewhere who once stood in: not in the pool
        agreement=vacant,
        doctor=gp,
        role=DoctorPeriod.Role.SUBSTITUTE,
        valid_from=datetime.date(2024, 1, 1),
        valid_to=datetime.date(2024, 2, 1),
    )
    call_command("workforce_pool_demo", stdout=io.StringIO())
    assert list(PoolSubstitute.objects.values_list("doctor_id", flat=True)) == [locum.pk]
    assert SubstituteAvailability.objects.filter(substitute__doctor=locum).count() == 1
    request = SubstituteRequest.objects.get()
    assert request.agreement_id == vacant.pk
    assert request.reason == SubstituteRequest.Reason.VACANT
    out = io.StringIO()
    call_command("workforce_pool_demo", stdout=out)
    assert "ingenting er endret" in out.getvalue()
    assert SubstituteRequest.objects.count() == 1
