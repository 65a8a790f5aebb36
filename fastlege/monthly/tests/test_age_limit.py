"""The monthly run ends agreements at the age limit first (fastlegeforskriften § 12)."""

from __future__ import annotations

import datetime

import pytest

from fastlege.core.models import AuditEvent
from fastlege.monthly.models import ListMonthSnapshot
from fastlege.monthly.services import run_month
from fastlege.monthly.tests.world import MONTH
from fastlege.registry.models import DoctorPeriod, ListMembership, Notification
from fastlege.registry.tests.factories import DoctorFactory, DoctorPeriodFactory, gp_list

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_run_ends_a_70_year_olds_period_and_the_list_keeps_its_residents() -> None:
    # Turns 70 in the month before the run's month: the agreement ends on its 1st.
    before = MONTH - datetime.timedelta(days=1)
    seventy = gp_list(ceiling=10, members=4, with_gp=False)
    doctor = DoctorFactory.create(birth_date=D(before.year - 70, before.month, 10))
    DoctorPeriodFactory.create(agreement=seventy, doctor=doctor)
    younger = gp_list(ceiling=10, members=2)  # the factory's GP, born 1975

    run = run_month(None, MONTH).run

    period = DoctorPeriod.objects.get(agreement=seventy)
    assert (period.valid_to, period.end_reason) == (MONTH, DoctorPeriod.EndReason.AGE_LIMIT)
    assert ListMembership.objects.filter(agreement=seventy, valid_to__isnull=True).count() == 4
    assert (
        Notification.objects.filter(agreement=seventy, kind=Notification.Kind.GP_LEAVING).count()
        == 4
    )
    assert DoctorPeriod.objects.get(agreement=younger).valid_to is None
    # The run's own snapshot already sees the list without a regular GP.
    snap = ListMonthSnapshot.objects.get(run=run, agreement=seventy)
    assert not snap.has_regular_gp and snap.length == 4
    event = AuditEvent.objects.get(action="monthly.run")
    assert event.details["age_limit_ended"] == 1
