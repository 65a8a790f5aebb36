"""The region's picture: who uses what, values side by side, the yearly value per GP,
the map, and a number of queries that does not grow with the municipalities."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from fastlege.measures import selectors
from fastlege.measures.models import Measure
from fastlege.measures.tests.factories import MALVIK, MELHUS, TRONDHEIM, counts, measure

pytestmark = pytest.mark.django_db

MONTH = datetime.date(2025, 12, 1)


def test_values_side_by_side_and_the_yearly_value_per_gp(users):
    counts(MALVIK, MONTH, gps=8)
    counts(MELHUS, MONTH, gps=10)
    measure(MALVIK, "driftstilskudd", value=100_000, status="aktiv")
    measure(MALVIK, "vikarutgifter-fravaer", value=400_000, status="vedtatt", basis="totalt")
    measure(MALVIK, "etableringstilskudd", value=300_000, status="aktiv")
    measure(MELHUS, "driftstilskudd", value=50_000, status="planlagt")  # not in force
    region = selectors.region(users["county_governor"], "50")
    rows = {r.number: r for r in region.rows}
    assert len(rows) == 38
    assert rows[MALVIK].gps == 8
    assert rows[MALVIK].yearly_per_gp == Decimal(150_000)  # 100 000 + 400 000 / 8
    assert rows[MALVIK].yearly_total == Decimal(1_200_000)
    assert rows[MALVIK].once_per_gp == Decimal(300_000)
    assert rows[MELHUS].yearly_per_gp == Decimal(0)
    col = [t.code for t in region.types].index("driftstilskudd")
    assert [m.value for m in rows[MALVIK].cells[col]] == [Decimal(100_000)]
    assert [m.value for m in rows[MELHUS].cells[col]] == [Decimal(50_000)]
    assert region.map_values[MALVIK] == 150_000.0


def test_ended_measures_leave_the_picture(users):
    m = measure(TRONDHEIM, value=100_000, status="aktiv")
    Measure.objects.filter(pk=m.pk).update(status="avsluttet")
    region = selectors.region(users["county_governor"], "50")
    assert region.types == []


def test_the_county_page_has_table_and_map_in_a_few_queries(users, django_assert_max_num_queries):
    client = Client()
    client.force_login(users["county_governor"])
    url = reverse("measures:county", args=["50"])
    counts(TRONDHEIM, MONTH)
    measure(TRONDHEIM, value=100_000, status="aktiv")
    client.get(url)  # warm the session and the map shapes
    with django_assert_max_num_queries(15) as few:
        client.get(url)
    for number in ("5006", "5007", "5014", "5020", "5021", "5022", MALVIK, MELHUS):
        counts(number, MONTH)
        measure(number, value=100_000, status="aktiv")
        measure(number, "driftstilskudd", value=10_000, status="aktiv")
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = client.get(url)
    html = r.content.decode()
    assert 'data-testid="region-table"' in html
    assert '<svg role="group"' in html and "<script" not in html
    assert reverse("measures:municipality", args=[MELHUS]) in html


def test_each_cell_links_every_measure_with_its_value_and_status(users):
    """The county table's cells (written out in Python): each of a municipality's
    measures of the type, linked, with value, unit, basis and status, in order."""
    import re

    first = measure(MALVIK, "driftstilskudd", value=100_000, status="aktiv", basis="totalt")
    second = measure(MALVIK, "driftstilskudd", value=25_500, status="planlagt")
    client = Client()
    client.force_login(users["county_governor"])
    html = client.get(reverse("measures:county", args=["50"])).content.decode()
    row = re.search(r'<tr><th scope="row"><a href="[^"]*/' + MALVIK + r'/">.*?</tr>', html, re.S)
    assert row is not None
    cells = re.findall(r"<td>(.*?)</td>", row.group(0), re.S)
    cell = next(c for c in cells if reverse("measures:measure", args=[first.pk]) in c)
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a> <span class="help">\(([^)]+)\)</span>', cell)
    assert links == [
        (
            reverse("measures:measure", args=[first.pk]),
            f"100\u00a0000 {first.get_unit_display()}",
            "aktiv",
        ),
        (
            reverse("measures:measure", args=[second.pk]),
            f"25\u00a0500 {second.get_unit_display()} per lege",
            "planlagt",
        ),
    ]
    assert "<br>" in cell
