"""The outbidding signal on real measures: neighbours from the map, the county median,
who sees the notice, and the warning before saving."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from fastlege.measures import selectors
from fastlege.measures.models import Measure
from fastlege.measures.tests.factories import (
    MALVIK,
    MELHUS,
    STEINKJER,
    TRONDHEIM,
    measure,
    mtype,
)
from fastlege.reference.models import Municipality

pytestmark = pytest.mark.django_db


def check(number: str, value: int | str, code: str = "etableringstilskudd", **kw):
    return selectors.check_offer(
        Municipality.objects.get(number=number),
        measure_type=mtype(code),
        status=kw.get("status", "planlagt"),
        unit=kw.get("unit", mtype(code).unit),
        basis=kw.get("basis", "per_lege"),
        value=Decimal(value),
    )


def test_at_the_margin_over_a_neighbour_is_quiet_and_one_krone_more_signals():
    measure(TRONDHEIM, value=200_000, status="aktiv")
    assert check(MELHUS, 240_000) is None  # 200 000 × 1.20
    result = check(MELHUS, 240_001)
    assert result is not None and result.over_neighbours
    assert result.neighbour_max == Decimal(200_000)


def test_the_county_median_signals_for_a_municipality_far_from_the_offers():
    for number, value in ((TRONDHEIM, 100_000), (MELHUS, 100_000), ("5035", 300_000)):
        measure(number, value=value, status="aktiv")
    # Steinkjer borders none of them; the median of the others is 100 000.
    assert check(STEINKJER, 120_000) is None
    result = check(STEINKJER, 120_001)
    assert result is not None and result.over_county and not result.over_neighbours


def test_other_types_units_bases_and_non_money_measures_are_not_compared():
    measure(TRONDHEIM, value=100_000, status="aktiv")
    assert check(MELHUS, 500_000, code="rekrutteringstilskudd") is None
    assert check(MELHUS, 500_000, basis="totalt") is None
    assert check(MELHUS, 500_000, status="vurdert") is None
    measure(TRONDHEIM, "lavere-listetak", value=800, status="aktiv")
    assert check(MELHUS, 5000, code="lavere-listetak") is None


def test_considered_and_ended_offers_are_not_offers():
    measure(TRONDHEIM, value=100_000, status="vurdert")
    ended = measure(TRONDHEIM, value=100_000, status="aktiv")
    Measure.objects.filter(pk=ended.pk).update(status="avsluttet")
    assert check(MELHUS, 500_000) is None


def test_the_neighbours_and_the_county_governor_see_the_notice_others_in_the_county_do_not():
    measure(TRONDHEIM, value=200_000, status="aktiv")
    outbid = measure(MELHUS, value=300_000)
    county = [s.measure.pk for s in selectors.county_signals("50")]
    assert county == [outbid.pk]
    for number in (TRONDHEIM, MELHUS):
        page = selectors.signals_for_municipality(Municipality.objects.get(number=number))
        assert [s.measure.pk for s in page] == [outbid.pk]
    far = selectors.signals_for_municipality(Municipality.objects.get(number=STEINKJER))
    assert far == []


def _post(client: Client, number: str, value: int, **extra: str):
    return client.post(
        reverse("measures:measure_new", args=[number]),
        {
            "measure_type": mtype("etableringstilskudd").pk,
            "status": "planlagt",
            "value": str(value),
            "unit": "",
            "value_basis": "per_lege",
            "target_group": "nye_fastleger",
            **extra,
        },
    )


def test_the_municipality_sees_the_warning_before_it_saves(users):
    measure(TRONDHEIM, value=200_000, status="aktiv")
    client = Client()
    client.force_login(users["neighbour_municipality"])
    r = _post(client, MELHUS, 300_000)
    assert r.status_code == 200
    assert "Varsel om overbud" in r.content.decode()
    assert not Measure.objects.filter(municipality_id=MELHUS).exists()
    r = _post(client, MELHUS, 300_000, confirm_outbidding="on")
    saved = Measure.objects.get(municipality_id=MELHUS)
    assert r.status_code == 302 and r["Location"] == reverse("measures:measure", args=[saved.pk])
    # Within the margin: saved at once, no question asked.
    r = _post(client, MELHUS, 240_000)
    assert r.status_code == 302
    assert Measure.objects.filter(municipality_id=MELHUS).count() == 2
    second = Measure.objects.filter(municipality_id=MELHUS).exclude(pk=saved.pk).get()
    assert r["Location"] == reverse("measures:measure", args=[second.pk])


def test_malvik_sees_trondheims_outbidding_as_a_neighbour(users):
    measure(MALVIK, value=100_000, status="aktiv")
    outbid = measure(TRONDHEIM, value=150_000)
    client = Client()
    client.force_login(users["county_governor"])
    html = client.get(reverse("measures:municipality", args=[MALVIK])).content.decode()
    assert "Varsel om overbud" in html
    assert reverse("measures:measure", args=[outbid.pk]) in html
    html = client.get(reverse("measures:county", args=["50"])).content.decode()
    assert 'data-testid="signal"' in html
