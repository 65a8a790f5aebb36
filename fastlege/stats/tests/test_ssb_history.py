"""The published SSB history beside the registry's own figures, on the municipality's
and the county's statistics pages (issue 19, item 6).

SSB's figures are read here straight from the shipped CSV (the reference data the
test database is loaded with, the same figures ``fastlege import-ssb`` stores); the
registry's are hand-made count rows whose figures are worked out in the comments.
"""

from __future__ import annotations

import csv
import datetime
import re
from pathlib import Path

import pytest
from django.test import Client

from fastlege.accounts.models import Role
from fastlege.registry.tests.factories import user_with
from fastlege.stats.models import AreaKind, AreaMonthCount

pytestmark = pytest.mark.django_db

TREND_CSV = (
    Path(__file__).resolve().parents[2] / "reference" / "data" / "fastlege_kommune_trend.csv"
)
DEC_2024 = datetime.date(2024, 12, 1)
DEC_2025 = datetime.date(2025, 12, 1)
COLUMNS = {
    "andel_uten_lege": ("andel_pasienter_liste_uten_lege_pst", 1),
    "listelengde": ("gjsn_listelengde", 0),
    "reservekapasitet": ("reservekapasitet", 0),
}


def _published(municipality: str) -> dict[int, dict[str, str]]:
    with open(TREND_CSV, encoding="utf-8", newline="") as fh:
        return {
            int(r["aar"]): {code: r[col] for code, (col, _d) in COLUMNS.items()}
            for r in csv.DictReader(fh)
            if r["kommunenummer"] == municipality
        }


def _shown(text: str, decimals: int) -> str:
    """The page's number format: thousands with a no-break space, a decimal comma."""
    if text == "":
        return "–"
    return f"{float(text):,.{decimals}f}".replace(",", "\u00a0").replace(".", ",")


def _rows(counts: dict[str, int], **where: object) -> None:
    AreaMonthCount.objects.create(**where, **counts)


@pytest.fixture
def rennebu() -> None:
    """Rennebu (5022) and Trøndelag (50), December 2024 and 2025.

    2025: 2 400 on 4 lists, 1 800 of them on the 3 lists with a GP, ceilings 3 000:
    share without a GP 600 / 2 400 × 100 = 25.0 %; mean list length 1 800 / 3 = 600;
    reserve capacity 3 000 / 1 800 × 100 = 166.7, shown 167.
    2024: 2 403 on lists, 2 400 with a GP: 3 without one (below 5, hidden in public);
    share 3 / 2 403 × 100 = 0.12, shown 0,1 to those who see it.
    """
    for month, on_lists, with_gp in ((DEC_2024, 2403, 2400), (DEC_2025, 2400, 1800)):
        counts = {
            "gps": 4,
            "lists": 4,
            "lists_with_gp": 3 if month == DEC_2025 else 4,
            "on_lists": on_lists,
            "on_lists_with_gp": with_gp,
            "ceiling_sum": 3000,
            "ceiling_sum_with_gp": 2250,
            "residents": 2500,
        }
        _rows(counts, month=month, kind=AreaKind.MUNICIPALITY, code="5022")
        _rows(counts, month=month, kind=AreaKind.COUNTY, code="50")
        _rows(counts, month=month, kind=AreaKind.NATION, code="")


def _cells(html: str, year: int) -> dict[tuple[str, str], str]:
    row = re.search(rf'<tr data-year="{year}">(.*?)</tr>', html, re.S)
    assert row, f"no row for {year}"
    return {
        (source, code): value
        for source, code, value in re.findall(
            r'<td data-source="(\w+)" data-figure="(\w+)">([^<]*)</td>', row.group(1)
        )
    }


def test_a_municipality_sees_ssbs_history_beside_the_registry(client: Client, rennebu) -> None:
    html = client.get("/statistikk/kommune/5022/?maned=2025-12").content.decode()
    published = _published("5022")
    assert min(published) == 2018 and max(published) == 2025  # SSB has Rennebu from 2018
    for year, figures in published.items():
        cells = _cells(html, year)
        for code, (_col, decimals) in COLUMNS.items():
            assert cells[("ssb", code)] == _shown(figures[code], decimals), (year, code)
    now = _cells(html, 2025)
    assert now[("registeret", "andel_uten_lege")] == "25,0"
    assert now[("registeret", "listelengde")] == "600"
    assert now[("registeret", "reservekapasitet")] == "167"
    assert _cells(html, 2023)[("registeret", "listelengde")] == "–"  # no December 2023
    assert _cells(html, 2024)[("registeret", "andel_uten_lege")] == ":"  # 3 people: hidden


def test_the_municipality_and_its_county_governor_see_their_figures_unsuppressed(
    client: Client, rennebu
) -> None:
    for user in (
        user_with(Role.MUNICIPALITY, municipality_id="5022"),
        user_with(Role.COUNTY_GOVERNOR, county_id="50"),
    ):
        client.force_login(user)
        html = client.get("/statistikk/kommune/5022/?maned=2025-12").content.decode()
        assert _cells(html, 2024)[("registeret", "andel_uten_lege")] == "0,1"


def test_the_page_as_json_has_the_history(client: Client, rennebu) -> None:
    data = client.get("/statistikk/kommune/5022/?maned=2025-12&format=json").json()
    by_year = {h["ar"]: h for h in data["ssb_historikk"]}
    assert by_year[2025]["registeret_desember"]["listelengde"] == 600
    published = _published("5022")[2019]
    assert by_year[2019]["ssb"]["listelengde"] == int(published["listelengde"])
    assert by_year[2019]["ssb"]["andel_uten_lege"] == float(published["andel_uten_lege"])


def _county_cells(html: str, municipality: str) -> dict[tuple[str, str], str]:
    row = re.search(rf'<tr data-municipality="{municipality}">(.*?)</tr>', html, re.S)
    assert row, f"no row for {municipality}"
    return {
        (source, year): value
        for source, year, value in re.findall(
            r'<td data-source="(\w+)" data-year="(\d+)">([^<]*)</td>', row.group(1)
        )
    }


@pytest.mark.parametrize("code", ["andel_uten_lege", "listelengde", "reservekapasitet"])
def test_the_county_governor_sees_every_municipalitys_history(
    client: Client, rennebu, code: str
) -> None:
    client.force_login(user_with(Role.COUNTY_GOVERNOR, county_id="50"))
    html = client.get(f"/statistikk/fylke/50/?maned=2025-12&historikk={code}").content.decode()
    column, decimals = COLUMNS[code]
    with open(TREND_CSV, encoding="utf-8", newline="") as fh:
        trondelag = [r for r in csv.DictReader(fh) if r["kommunenummer"].startswith("50")]
    assert len({r["kommunenummer"] for r in trondelag}) == 38
    for r in trondelag:
        cells = _county_cells(html, r["kommunenummer"])
        assert cells[("ssb", r["aar"])] == _shown(r[column], decimals), (r, code)
    mine = _county_cells(html, "5022")
    expected = {"andel_uten_lege": ("0,1", "25,0"), "listelengde": ("600", "600")}
    expected["reservekapasitet"] = ("125", "167")  # 3 000 / 2 400 × 100 = 125
    assert (mine[("registeret", "2024")], mine[("registeret", "2025")]) == expected[code]


def test_an_unknown_history_indicator_is_not_found(client: Client, rennebu) -> None:
    assert client.get("/statistikk/fylke/50/?maned=2025-12&historikk=x").status_code == 404
