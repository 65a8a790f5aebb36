"""The statistics pages, the map, comparisons, alerts, exports and small-count suppression."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from openpyxl import load_workbook

from fastlege.monthly.services import run_month
from fastlege.stats.indicators import ALERT_SHARE_WITHOUT_GP_PCT, INDICATORS, SUPPRESSION_THRESHOLD
from fastlege.stats.models import AreaKind, AreaMonthCount
from fastlege.stats.services import fill_month_from_registry, stats_fill
from fastlege.stats.svg import choropleth, line_chart

pytestmark = pytest.mark.django_db

DEC = datetime.date(2025, 12, 1)
JAN = datetime.date(2026, 1, 1)


@pytest.fixture
def filled():
    call_command(
        "seed", "--kommune", "5022", "--kommune", "5026", "--months", "0", stdout=io.StringIO()
    )
    fill_month_from_registry(None, DEC)
    run_month(None, JAN)
    stats_fill(None)


def test_national_page_shows_headlines_change_and_counties(client, filled):
    r = client.get("/statistikk/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "Andel listeinnbyggere uten fast lege" in html
    assert "fra forrige måned" in html
    assert "Trøndelag" in html and "/statistikk/fylke/50/" in html
    assert "<svg" in html and "<script" not in html


def test_county_page_lists_alerts(client, filled):
    r = client.get("/statistikk/fylke/50/")
    assert r.status_code == 200
    alerts = r.context["alerts"]
    # Rennebu and Holtålen: about a quarter of the list residents have no regular GP.
    assert ALERT_SHARE_WITHOUT_GP_PCT < 20
    assert {a.municipality for a in alerts if a.kind == "uten_lege"} == {"5022", "5026"}
    assert "Rennebu" in r.content.decode()


def test_table_sorts_by_any_indicator(client, filled):
    r = client.get("/statistikk/fylke/50/?sorter=andel_uten_lege&retning=synkende")
    rows = r.context["child_rows"]
    values = [row["values"]["andel_uten_lege"] for row in rows]
    numeric = [v for v in values if isinstance(v, (int, float))]
    assert numeric == sorted(numeric, reverse=True) and len(numeric) == 2


def test_municipality_page_compares_and_lists(client, filled):
    r = client.get("/statistikk/kommune/5026/?format=json")
    data = r.json()
    kinds = [c["kind"] for c in data["sammenligning"]]
    assert kinds[0] == "kommune" and kinds[-1] == "nasjon"
    assert {"fylke", "storrelse"} <= set(kinds)
    assert len(data["lister"]) == 4
    head = {h["indikator"]: h for h in data["nokkeltall"]}
    assert head["lister_uten_lege"]["verdi"] == 1
    assert head["lister_uten_lege"]["forrige_maned"] == 1


def test_public_figures_suppress_small_counts_and_staff_see_them(client, filled):
    AreaMonthCount.objects.filter(month=JAN, kind=AreaKind.MUNICIPALITY, code="5022").update(
        unassigned=2
    )
    public = client.get("/statistikk/kommune/5022/?format=json").json()
    head = {h["indikator"]: h["verdi"] for h in public["nokkeltall"]}
    assert head["ufordelte"] == f"<{SUPPRESSION_THRESHOLD}"
    rows = list(
        csv.reader(
            io.StringIO(client.get("/statistikk/eksport/?format=csv").content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    col = rows[0].index("ufordelte")
    line = next(r for r in rows if r[2] == "5022" and r[0] == "2026-01")
    assert line[col] == "<5"
    user = get_user_model().objects.create_user("stat", password="x")
    client.force_login(user)
    staff = client.get("/statistikk/kommune/5022/?format=json").json()
    assert {h["indikator"]: h["verdi"] for h in staff["nokkeltall"]}["ufordelte"] == 2


def test_exports_csv_and_excel(client, filled):
    r = client.get("/statistikk/fylke/50/?format=csv")
    assert r["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["kode", "navn"] and len(rows[0]) == 2 + len(INDICATORS)
    r = client.get("/statistikk/eksport/?omrade=kommune&format=xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    table = list(ws.values)
    assert table[0][0] == "maned" and len(table) == 1 + 2 * 2  # two months, two municipalities


def test_map_colours_municipalities_and_zooms_to_county(client, filled):
    r = client.get("/statistikk/kart/?indikator=andel_uten_lege&fylke=50")
    html = r.content.decode()
    assert html.count("<path") == 38  # Trøndelag's municipalities
    assert "/statistikk/kommune/5022/" in html
    assert "Kartverket" in html
    data = client.get("/statistikk/kart/?indikator=reservekapasitet&format=json").json()
    assert len(data["verdier"]) == 357
    assert data["verdier"]["5026"] is not None and data["verdier"]["0301"] is None


def test_svg_helpers_need_nothing_from_the_internet():
    chart = line_chart([(DEC, 1.0), (JAN, "<5"), (datetime.date(2026, 2, 1), 3.0)], "x")
    assert chart.count("<polyline") == 2 and "http://www.w3.org/2000/svg" in chart
    svg, legend = choropleth(
        {"5022": 1, "5026": 9}, ["5022", "5026"], higher_is_worse=True, link="/k/{}/"
    )
    assert 'href="/k/5022/"' in svg and len(legend) == 2
    assert legend[0][0] != legend[1][0]  # low and high get different colours
    assert "https://" not in svg


def test_size_group_page_lists_its_municipalities(client, filled):
    data = client.get("/statistikk/kommune/5026/?format=json").json()
    size = next(c for c in data["sammenligning"] if c["kind"] == "storrelse")
    r = client.get(f"/statistikk/gruppe/storrelse/{size['code']}/")
    assert r.status_code == 200
    assert "5026" in {row["code"] for row in r.context["child_rows"]}
    assert client.get("/statistikk/gruppe/fylke/50/").status_code == 404
