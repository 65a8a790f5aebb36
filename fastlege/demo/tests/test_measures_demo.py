"""measures_demo: realistic Trøndelag measures and the GPs' demands, idempotent."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from fastlege.measures import selectors
from fastlege.measures.models import Demand, DemandList, Measure

pytestmark = pytest.mark.django_db


def test_demo_registers_measures_and_the_demands_list_once():
    call_command("measures_demo", stdout=io.StringIO())
    measures = Measure.objects.count()
    assert measures >= 10
    assert Measure.objects.values("municipality").distinct().count() >= 6
    dl = DemandList.objects.get(municipality_id="5001")
    demands = list(dl.demands.order_by("position"))
    assert len(demands) == 12
    assert all(d.measure_type_id for d in demands)
    assert demands[0].text == "Kommunalt tilskudd til drift av legesentrene"
    assert Demand.objects.filter(status="innfridd", measure__isnull=False).exists()
    assert [s.measure.municipality_id for s in selectors.county_signals("50")] == ["5028"]
    out = io.StringIO()
    call_command("measures_demo", stdout=out)
    assert "finnes allerede" in out.getvalue()
    assert Measure.objects.count() == measures and DemandList.objects.count() == 1
