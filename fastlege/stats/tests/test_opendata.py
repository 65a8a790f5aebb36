"""The monthly open data (issue 19, item 6): the same figures as the public statistics
pages, small counts hidden as there, the same bytes every time, listed on a public
page.

The expected figures are read from the public pages' own JSON (the county page's
table of its municipalities, the national page's table of counties, each
municipality's lists), not from the code that makes the files."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from fastlege.monthly.services import run_month
from fastlege.registry.models import Doctor
from fastlege.stats import opendata
from fastlege.stats.indicators import INDICATORS
from fastlege.stats.models import AreaKind, AreaMonthCount
from fastlege.stats.services import fill_month_from_registry, stats_fill

pytestmark = pytest.mark.django_db

DEC = datetime.date(2025, 12, 1)
JAN = datetime.date(2026, 1, 1)
PREFIX = "fastlege-2026-01"


@pytest.fixture
def filled() -> None:
    """Rennebu and Holtålen seeded on 31.12.2025, January 2026 run (its lists are the
    month's snapshots) and filled; 2 and 1 unassigned residents (below 5: hidden in
    public), Trøndelag 3, the nation 3."""
    call_command(
        "seed", "--kommune", "5022", "--kommune", "5026", "--months", "0", stdout=io.StringIO()
    )
    fill_month_from_registry(None, DEC)
    run_month(None, JAN)
    stats_fill(None)
    for kind, code, n in [
        (AreaKind.MUNICIPALITY, "5022", 2),
        (AreaKind.MUNICIPALITY, "5026", 1),
        (AreaKind.COUNTY, "50", 3),
        (AreaKind.NATION, "", 3),
    ]:
        AreaMonthCount.objects.filter(month=JAN, kind=kind, code=code).update(unassigned=n)


def _files() -> dict[str, bytes]:
    return {f.name: f.content for f in opendata.month_files(JAN)}


def _csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def _page(client: Client, url: str) -> dict:
    return client.get(f"{url}?maned=2026-01&format=json").json()


def test_the_areas_are_the_public_pages_figures(client: Client, filled) -> None:
    files = _files()
    rows = json.loads(files[f"{PREFIX}-omrader.json"])["rader"]
    by_area = {(r["omradetype"], r["omradekode"]): r for r in rows}
    assert {k for k, _c in by_area} == {"nasjon", "fylke", "kommune"}
    on_pages = {
        ("kommune", child["code"]): child["values"]
        for child in _page(client, "/statistikk/fylke/50/")["underomrader"]
    }
    on_pages.update(
        {
            ("fylke", child["code"]): child["values"]
            for child in _page(client, "/statistikk/")["underomrader"]
        }
    )
    assert ("kommune", "5022") in on_pages and ("fylke", "50") in on_pages
    for key, values in on_pages.items():
        assert {i.code: by_area[key][i.code] for i in INDICATORS} == values, key
    national = {h["indikator"]: h["verdi"] for h in _page(client, "/statistikk/")["nokkeltall"]}
    for code, value in national.items():
        assert by_area[("nasjon", "")][code] == value, code
    # the CSV holds the same table as the JSON
    table = _csv(files[f"{PREFIX}-omrader.csv"])
    assert len(table) == len(rows)
    line = next(r for r in table if r["omradekode"] == "5022")
    expected = by_area[("kommune", "5022")]
    for i in INDICATORS:
        shown = expected[i.code]
        assert line[i.code] == ("" if shown is None else str(shown)), i.code


def test_small_counts_are_hidden_as_on_the_pages(client: Client, filled) -> None:
    rows = json.loads(_files()[f"{PREFIX}-omrader.json"])["rader"]
    unassigned = {r["omradekode"]: r["ufordelte"] for r in rows}
    assert unassigned["5022"] == unassigned["5026"] == unassigned["50"] == ":"
    assert unassigned[""] == ":"  # 3 in the nation
    table = _csv(_files()[f"{PREFIX}-omrader.csv"])
    assert {r["ufordelte"] for r in table if r["omradekode"] in ("5022", "5026", "50")} == {":"}
    assert "2" not in {r["ufordelte"] for r in table}


def test_the_lists_are_the_municipality_pages_lists(client: Client, filled) -> None:
    files = _files()
    rows = json.loads(files[f"{PREFIX}-lister.json"])["rader"]
    for number in ("5022", "5026"):
        page = _page(client, f"/statistikk/kommune/{number}/")["lister"]
        mine = [
            {k: v for k, v in r.items() if k != "kommunenummer"}
            for r in rows
            if r["kommunenummer"] == number
        ]
        assert mine == page and len(page) >= 4, number
    table = _csv(files[f"{PREFIX}-lister.csv"])
    assert list(table[0]) == [
        "kommunenummer",
        "liste",
        "legekontor",
        "listetak",
        "listelengde",
        "fast_lege",
        "apen",
        "venteliste",
    ]
    assert len(table) == len(rows)


def test_no_persons_in_the_files(filled) -> None:
    text = b"".join(_files().values()).decode("utf-8")
    names = list(Doctor.objects.values_list("first_name", "last_name")[:50])
    assert names
    assert not any(f"{first} {last}" in text or last in text for first, last in names)


def test_the_same_counts_give_the_same_bytes(client: Client, filled, tmp_path: Path) -> None:
    first = _files()
    assert _files() == first
    call_command(
        "open_data", "--month", "2026-01", "--out", str(tmp_path / "a"), stdout=io.StringIO()
    )
    call_command(
        "open_data", "--month", "2026-01", "--out", str(tmp_path / "b"), stdout=io.StringIO()
    )
    for name, content in first.items():
        assert (tmp_path / "a" / name).read_bytes() == content
        assert (tmp_path / "b" / name).read_bytes() == content
        download = client.get(f"/statistikk/apne-data/2026-01/{name}")
        assert download.status_code == 200 and download.content == content
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(first)


def test_the_metadata_describes_fields_licence_suppression_and_files(filled) -> None:
    files = _files()
    meta = json.loads(files[f"{PREFIX}-metadata.json"])
    assert meta["lisens"]["kode"] == "NLOD-2.0"
    assert meta["lisens"]["url"] == "https://data.norge.no/nlod/no/2.0"
    assert meta["skjerming"]["grense"] == 5 and meta["skjerming"]["merke"] == ":"
    assert meta["telledag"] == "2026-01-01"  # the run of January counts on the 1st
    area_fields = {f["kode"]: f for f in meta["felter"]["omrader"]}
    assert {i.code for i in INDICATORS} <= set(area_fields)
    assert area_fields["andel_uten_lege"]["desimaler"] == 1
    assert "listeinnbyggere" in area_fields["andel_uten_lege"]["definisjon"]
    listed = {f["navn"]: f["sha256"] for f in meta["filer"]}
    assert set(listed) == set(files) - {f"{PREFIX}-metadata.json"}
    for name, digest in listed.items():
        assert hashlib.sha256(files[name]).hexdigest() == digest


def test_the_open_data_page_lists_the_months(client: Client, filled) -> None:
    html = client.get("/statistikk/apne-data/").content.decode()
    assert "januar 2026" in html.lower() and "desember 2025" in html.lower()
    for name in opendata.file_names(JAN):
        assert f"/statistikk/apne-data/2026-01/{name}" in html
    assert "NLOD" in html
    assert (
        client.get("/statistikk/apne-data/2025-11/fastlege-2025-11-omrader.csv").status_code == 404
    )
    assert client.get("/statistikk/apne-data/2026-01/passwd").status_code == 404
    assert client.get("/statistikk/apne-data/x/y").status_code == 404


def test_the_command_refuses_a_month_without_statistics(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="ikke fylt"):
        call_command(
            "open_data", "--month", "2025-11", "--out", str(tmp_path), stdout=io.StringIO()
        )
    with pytest.raises(CommandError):
        call_command(
            "open_data", "--month", "2025-13", "--out", str(tmp_path), stdout=io.StringIO()
        )
    assert not list(tmp_path.iterdir())
