"""The demo's shared-list wind-downs: in the first three municipalities of Trøndelag
with GPs of 60 to 67, two lists each get one, the first without a successor and the
second with one named; younger and older GPs, a fourth municipality and other counties
none; a second run changes nothing."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from fastlege.registry import rules
from fastlege.registry.models import DoctorPeriod, WindDown
from fastlege.registry.tests.factories import gp_list

pytestmark = pytest.mark.django_db


def list_with_gp_aged(age: int, municipality: str = "5001"):
    agreement = gp_list(members=1, municipality=municipality)
    doctor = agreement.doctor_periods.get(role=DoctorPeriod.Role.REGULAR).doctor
    start = timezone.localdate().replace(day=1)
    # Born on the 1st of this month ``age`` years back, minus a day: ``age`` on the
    # start day (the first of this month), not yet ``age`` + 1.
    doctor.birth_date = start.replace(year=start.year - age) - datetime.timedelta(days=1)
    doctor.save()
    return agreement


def test_the_demo_adds_wind_downs_with_and_without_successor_once():
    trondheim_63 = list_with_gp_aged(63)
    trondheim_61 = list_with_gp_aged(61)
    list_with_gp_aged(62)  # a third in Trondheim: two per municipality
    list_with_gp_aged(59, "5006")  # too young
    list_with_gp_aged(68, "5007")  # older than the demo picks
    froya = list_with_gp_aged(64, "5014")
    osen = list_with_gp_aged(60, "5020")
    list_with_gp_aged(63, "5028")  # a fourth municipality
    list_with_gp_aged(63, "0301")  # not Trøndelag
    call_command("workforce_wind_down_demo", stdout=io.StringIO())
    rows = list(WindDown.objects.order_by("agreement__municipality_id", "agreement_id"))
    assert [w.agreement_id for w in rows] == [trondheim_63.pk, trondheim_61.pk, froya.pk, osen.pk]
    start = timezone.localdate().replace(day=1)
    assert [w.hand_over_on for w in rows] == [
        rules.add_months(start, months) for months in (4, 10, 16, 20)
    ]
    assert [w.successor is not None for w in rows] == [False, True, False, False]
    assert rows[1].successor != rows[1].outgoing
    out = io.StringIO()
    call_command("workforce_wind_down_demo", stdout=out)
    assert "ingenting er endret" in out.getvalue()
    assert WindDown.objects.count() == 4
