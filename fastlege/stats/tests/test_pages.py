"""The statistics pages, the map, comparisons, alerts, exports and small-count suppression."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from fastlege.accounts.models import Role
from fastlege.monthly.services import run_month
from fastlege.registry.models import DoctorPeriod, Resident
from fastlege.registry.tests.factories import user_with
from fastlege.stats.areas import size_group
from fastlege.stats.indicators import ALERT_SHARE_WITHOUT_GP_PCT, INDICATORS
from fastlege.stats.models import AreaKind, AreaMonthCount
from fastlege.stats.selectors import SUPPRESSED
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


def _table(client, query: str = "") -> list[tuple[str, Any]]:
    """The county table's rows as (municipality, share without a GP), in the page's order."""
    rows = client.get("/statistikk/fylke/50/" + query).context["child_rows"]
    return [(row["code"], row["values"]["andel_uten_lege"]) for row in rows]


def test_table_sorts_by_any_indicator_in_both_directions(client, filled):
    by_code = _table(client)
    assert [code for code, _ in by_code] == ["5022", "5026"]  # the default: municipality code
    share = dict(by_code)
    # Rennebu (5022) has the larger share, so the rising order is not the code order
    assert share["5022"] > share["5026"]
    rising = _table(client, "?sorter=andel_uten_lege&retning=stigende")
    assert [code for code, _ in rising] == ["5026", "5022"]
    falling = _table(client, "?sorter=andel_uten_lege&retning=synkende")
    assert [code for code, _ in falling] == ["5022", "5026"]
    # by name: Holtålen before Rennebu, and back
    by_name = _table(client, "?sorter=navn")
    assert [code for code, _ in by_name] == ["5026", "5022"]
    assert [code for code, _ in _table(client, "?sorter=navn&retning=synkende")] == [
        "5022",
        "5026",
    ]


def test_suppressed_values_sort_last_in_both_directions(client, filled):
    for direction in ("stigende", "synkende"):
        rows = client.get(f"/statistikk/fylke/50/?sorter=ufordelte&retning={direction}")
        values = [row["values"]["ufordelte"] for row in rows.context["child_rows"]]
        assert values == [0, SUPPRESSED], direction


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


SMALL = SUPPRESSED  # the mark of a hidden figure


@pytest.fixture
def small(filled):
    """Small counts of unassigned in January: Rennebu 2, Holtålen 1, Trøndelag 3, Norway 4."""
    for kind, code, n in [
        (AreaKind.MUNICIPALITY, "5022", 2),
        (AreaKind.MUNICIPALITY, "5026", 1),
        (AreaKind.COUNTY, "50", 3),
        (AreaKind.NATION, "", 4),
    ]:
        AreaMonthCount.objects.filter(month=JAN, kind=kind, code=code).update(unassigned=n)


def _unassigned(client, url: str) -> object:
    data = client.get(url + "?format=json").json()
    return {h["indikator"]: h["verdi"] for h in data["nokkeltall"]}["ufordelte"]


def _export(client, kind: str) -> dict[str, str]:
    """January's «ufordelte» per area code in the full CSV export."""
    text = client.get(f"/statistikk/eksport/?omrade={kind}&format=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    col = rows[0].index("Ufordelte")
    return {r[2]: r[col] for r in rows[1:] if r[0] == "2026-01"}


def _excel(client, kind: str) -> dict[str, object]:
    r = client.get(f"/statistikk/eksport/?omrade={kind}&format=xlsx")
    table = list(load_workbook(io.BytesIO(r.content)).active.values)
    col = list(table[0]).index("Ufordelte")
    return {row[2]: row[col] for row in table[1:] if row[0] == "2026-01"}


def _map(client) -> dict[str, object]:
    return client.get("/statistikk/kart/?indikator=ufordelte&fylke=50&format=json").json()[
        "verdier"
    ]


def _county_table(client) -> dict[str, str]:
    text = client.get("/statistikk/fylke/50/?format=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    col = rows[0].index("Ufordelte")
    return {r[0]: r[col] for r in rows[1:]}


def test_public_figures_suppress_small_counts_everywhere(client, small):
    assert _unassigned(client, "/statistikk/kommune/5022/") == SMALL
    assert _unassigned(client, "/statistikk/fylke/50/") == SMALL
    assert _unassigned(client, "/statistikk/") == SMALL
    assert _export(client, "kommune") == {"5022": SMALL, "5026": SMALL}
    assert _excel(client, "kommune") == {"5022": SMALL, "5026": SMALL}
    assert _county_table(client) == {"5022": SMALL, "5026": SMALL}
    assert _map(client)["5022"] == SMALL
    page = client.get("/statistikk/kommune/5022/?format=json").json()
    assert page["skjermet"] is True
    assert "vises som" in client.get("/statistikk/kommune/5022/").content.decode()


@pytest.mark.parametrize("role", [None, Role.CITIZEN, Role.GP])
def test_a_login_without_an_area_sees_the_public_figures(client, small, role):
    if role is None:
        user = get_user_model().objects.create_user("stat", password="x")
    elif role == Role.CITIZEN:  # a resident of Rennebu
        user = user_with(role, resident=Resident.objects.filter(municipality_id="5022").first())
    else:  # a GP in Rennebu
        period = DoctorPeriod.objects.filter(agreement__municipality_id="5022").first()
        assert period is not None
        user = user_with(role, doctor=period.doctor)
    client.force_login(user)
    assert _unassigned(client, "/statistikk/kommune/5022/") == SMALL
    assert _export(client, "kommune") == {"5022": SMALL, "5026": SMALL}
    assert _map(client)["5026"] == SMALL


def test_a_municipality_sees_its_own_figures_unsuppressed_and_only_those(client, small):
    client.force_login(user_with(Role.MUNICIPALITY, municipality_id="5022"))
    assert _unassigned(client, "/statistikk/kommune/5022/") == 2
    assert _unassigned(client, "/statistikk/kommune/5026/") == SMALL  # a neighbour
    assert _unassigned(client, "/statistikk/fylke/50/") == SMALL
    assert _unassigned(client, "/statistikk/") == SMALL
    page = client.get("/statistikk/kommune/5022/?format=json").json()
    assert page["skjermet"] is False
    compared = {c["kind"]: c["values"]["ufordelte"] for c in page["sammenligning"]}
    assert compared["kommune"] == 2 and compared["fylke"] == SMALL and compared["nasjon"] == SMALL
    assert _export(client, "kommune") == {"5022": "2", "5026": SMALL}
    assert _excel(client, "kommune") == {"5022": 2, "5026": SMALL}
    assert _export(client, "fylke") == {"50": SMALL}
    assert _county_table(client) == {"5022": "2", "5026": SMALL}
    values = _map(client)
    assert values["5022"] == 2 and values["5026"] == SMALL


def test_a_county_governor_sees_the_county_and_its_municipalities(client, small):
    client.force_login(user_with(Role.COUNTY_GOVERNOR, county_id="50"))
    assert _unassigned(client, "/statistikk/kommune/5022/") == 2
    assert _unassigned(client, "/statistikk/kommune/5026/") == 1
    assert _unassigned(client, "/statistikk/fylke/50/") == 3
    assert _unassigned(client, "/statistikk/") == SMALL  # the nation is not theirs
    assert _export(client, "kommune") == {"5022": "2", "5026": "1"}
    assert _export(client, "fylke") == {"50": "3"}
    assert _export(client, "nasjon") == {"": SMALL}
    assert _county_table(client) == {"5022": "2", "5026": "1"}
    assert _map(client)["5026"] == 1
    html = client.get("/statistikk/fylke/50/").content.decode()
    assert "rollen din gjelder" in html


def test_another_county_governor_sees_trondelag_as_the_public(client, small):
    client.force_login(user_with(Role.COUNTY_GOVERNOR, county_id="03"))
    assert _unassigned(client, "/statistikk/fylke/50/") == SMALL
    assert _export(client, "kommune") == {"5022": SMALL, "5026": SMALL}


def test_a_national_administrator_sees_everything_unsuppressed(client, small):
    client.force_login(user_with(Role.NATIONAL))
    assert _unassigned(client, "/statistikk/") == 4
    assert _unassigned(client, "/statistikk/fylke/50/") == 3
    assert _unassigned(client, "/statistikk/kommune/5026/") == 1
    assert _export(client, "kommune") == {"5022": "2", "5026": "1"}
    assert _export(client, "nasjon") == {"": "4"}
    page = client.get("/statistikk/kommune/5026/?format=json").json()
    assert {c["kind"]: c["values"]["ufordelte"] for c in page["sammenligning"]}["nasjon"] == 4
    html = client.get("/statistikk/").content.decode()
    assert "vises som" not in html


def test_list_table_of_a_municipality_hides_small_lengths_except_for_its_own_staff(client, small):
    from fastlege.monthly.models import ListMonthSnapshot

    snap = ListMonthSnapshot.objects.filter(municipality_id="5022", month=JAN).first()
    assert snap is not None
    ListMonthSnapshot.objects.filter(pk=snap.pk).update(waiting_count=3)

    def waiting(c: Client) -> object:
        rows = c.get("/statistikk/kommune/5022/?format=json").json()["lister"]
        return next(r["venteliste"] for r in rows if r["liste"] == snap.agreement_id)

    assert waiting(client) == SMALL
    client.force_login(user_with(Role.MUNICIPALITY, municipality_id="5026"))
    assert waiting(client) == SMALL
    client.force_login(user_with(Role.MUNICIPALITY, municipality_id="5022"))
    assert waiting(client) == 3


def test_exports_csv_and_excel(client, filled):
    r = client.get("/statistikk/fylke/50/?format=csv")
    assert r["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Kode", "Navn"] and len(rows[0]) == 2 + len(INDICATORS)
    r = client.get("/statistikk/eksport/?omrade=kommune&format=xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    table = list(ws.values)
    assert table[0][0] == "Måned" and len(table) == 1 + 2 * 2  # two months, two municipalities


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
    chart = line_chart([(DEC, 1.0), (JAN, SUPPRESSED), (datetime.date(2026, 2, 1), 3.0)], "x")
    assert chart.count("<polyline") == 2 and "http://www.w3.org/2000/svg" in chart
    svg, legend = choropleth(
        {"5022": 1, "5026": 9}, ["5022", "5026"], higher_is_worse=True, link="/k/{}/"
    )
    assert 'href="/k/5022/"' in svg and len(legend) == 2
    assert legend.classes[0].colour != legend.classes[1].colour  # low and high differ
    assert "https://" not in svg


def test_size_group_page_lists_its_municipalities(client, filled):
    data = client.get("/statistikk/kommune/5026/?format=json").json()
    size = next(c for c in data["sammenligning"] if c["kind"] == "storrelse")
    r = client.get(f"/statistikk/gruppe/storrelse/{size['code']}/")
    assert r.status_code == 200
    assert "5026" in {row["code"] for row in r.context["child_rows"]}
    html = r.content.decode()  # the reader sees Holtålen, linked to its own page
    assert '<a href="/statistikk/kommune/5026/">Holtålen</a>' in html
    assert client.get("/statistikk/gruppe/fylke/50/").status_code == 404


@pytest.mark.parametrize(
    ("population", "band"),
    [
        (0, "1"),
        (599, "1"),
        (600, "2"),
        (1_999, "2"),
        (2_000, "3"),
        (9_999, "3"),
        (10_000, "4"),
        (29_999, "5"),
        (44_999, "6"),
        (45_000, "7"),
        (74_999, "7"),
        (75_000, "8"),
        (299_999, "8"),
        (717_710, "9"),  # Oslo, KOSTRA group 13
    ],
)
def test_size_groups_are_the_population_bands_of_ssbs_kostra_grouping(population, band):
    assert size_group(population) == band


def test_a_municipality_is_compared_with_its_ssb_size_band_and_centrality_class(client, filled):
    from fastlege.reference.models import Municipality, MunicipalityPopulation

    data = client.get("/statistikk/kommune/5022/?format=json").json()
    groups = {c["kind"]: (c["code"], c["name"]) for c in data["sammenligning"]}
    population = (
        MunicipalityPopulation.objects.filter(municipality_id="5022", year__lte=2026)
        .order_by("-year")
        .values_list("population", flat=True)
        .first()
    )
    assert population is not None and 2_000 <= population < 10_000  # Rennebu
    assert groups["storrelse"] == ("3", "Kommuner med 2 000–9 999 innbyggere")
    centrality = Municipality.objects.get(number="5022").centrality
    assert groups["sentralitet"] == (str(centrality), f"Sentralitetsklasse {centrality}")


def test_selectors_still_take_the_older_public_flag(small):
    """Callers written before the role scope pass ``public=``; False means unsuppressed."""
    from fastlege.stats import selectors
    from fastlege.stats.indicators import BY_CODE

    indicator = BY_CODE["ufordelte"]
    assert selectors.map_values(indicator, JAN, public=False)["5022"] == 2
    assert selectors.map_values(indicator, JAN, public=True)["5022"] == SMALL
    assert selectors.map_values(indicator, JAN)["5022"] == SMALL  # no viewer: public
    rows = selectors.export_rows(AreaKind.NATION, None, [JAN], public=False)[1]
    assert rows[0][4 + [i.code for i in INDICATORS].index("ufordelte")] == 4
