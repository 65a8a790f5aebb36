"""Importing SSB's published tables (JSON-stat 2): the shipped files give exactly the
CSV figures, the import is all or nothing, idempotent, and reports every bad cell.

The expected figures are read here from the CSVs with the csv module and a mapping
written out in this file (SSB code → CSV column → stored field), not from the
importer's or the loader's code."""

from __future__ import annotations

import copy
import csv
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from fastlege.core.models import AuditEvent
from fastlege.reference.errors import Code, ReferenceDataError
from fastlege.reference.jsonstat import parse
from fastlege.reference.models import KostraGpFigures, KostraGpTrend, MunicipalityPopulation
from fastlege.reference.ssb import import_ssb

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data"
KOSTRA_FILE = DATA / "ssb_12005.json"
POPULATION_FILE = DATA / "ssb_07459.json"

#: CSV column of fastlege_kommune_2025.csv → field of KostraGpFigures.
FIGURE_COLUMNS = {
    "fastlegeavtaler": "agreements_with_gp",
    "lister_uten_fast_lege": "lists_without_gp",
    "lister_totalt": "lists_total",
    "pasienter_liste_med_lege": "residents_on_lists_with_gp",
    "pasienter_liste_uten_lege": "residents_on_lists_without_gp",
    "andel_pasienter_liste_uten_lege_pst": "share_without_gp_pct",
    "aapne_lister": "open_lists",
    "gjsn_listelengde": "mean_list_length",
    "gjsn_listelengde_korr_kommunale_timer": "mean_list_length_corrected",
    "kvinnelige_fastleger": "female_gps",
    "andel_kvinnelige_fastleger_pst": "share_female_gps_pct",
    "kapasitet": "capacity",
    "kapasitet_beregnet": "capacity_calculated",
    "reservekapasitet": "reserve_capacity",
}
TREND_COLUMNS = {
    "andel_pasienter_liste_uten_lege_pst": "share_without_gp_pct",
    "gjsn_listelengde": "mean_list_length",
    "reservekapasitet": "reserve_capacity",
}


def _csv(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _value(text: str) -> Any:
    if text == "":
        return None
    return Decimal(text) if "." in text else int(text)


def _same(stored: Any, expected: Any) -> bool:
    return stored == expected and (stored is None) == (expected is None)


def _empty() -> None:
    """The register without the published figures (reference data is loaded for every
    test): what the import alone stores is what is compared."""
    KostraGpFigures.objects.all().delete()
    KostraGpTrend.objects.all().delete()
    MunicipalityPopulation.objects.all().delete()


def _import(path: Path, **kw: Any):
    return import_ssb(None, path.read_bytes(), name=path.name, **kw)


def test_the_shipped_12005_file_gives_exactly_the_csv_figures():
    _empty()
    report = _import(KOSTRA_FILE)
    assert report.table == "12005" and report.changed
    figures = {(k.municipality_id, k.year): k for k in KostraGpFigures.objects.all()}
    expected = [r for r in _csv("fastlege_kommune_2025.csv") if r["lister_totalt"]]
    assert len(expected) == 351 and len(figures) == 351
    for row in expected:
        stored = figures[(row["kommunenummer"], int(row["aar"]))]
        for column, field in FIGURE_COLUMNS.items():
            assert _same(getattr(stored, field), _value(row[column])), (row["kommunenummer"], field)
    trend = {(t.municipality_id, t.year): t for t in KostraGpTrend.objects.all()}
    rows = _csv("fastlege_kommune_trend.csv")
    assert len(trend) == len(rows) == 2131
    for row in rows:
        in_trend = trend[(row["kommunenummer"], int(row["aar"]))]
        for column, field in TREND_COLUMNS.items():
            assert _same(getattr(in_trend, field), _value(row[column])), (row, field)
    assert KostraGpTrend.objects.get(municipality_id="5032", year=2025).mean_list_length == 883
    cells = {
        (r["kommunenummer"], r["aar"], field)
        for name, columns in (
            ("fastlege_kommune_2025.csv", FIGURE_COLUMNS),
            ("fastlege_kommune_trend.csv", TREND_COLUMNS),
        )
        for r in _csv(name)
        for column, field in columns.items()
        if r[column] != ""
    }
    assert report.cells == len(cells)  # every CSV figure, once


def test_the_shipped_07459_file_gives_exactly_the_csv_population():
    _empty()
    report = _import(POPULATION_FILE)
    assert report.table == "07459"
    stored = dict(
        ((m, y), p)
        for m, y, p in MunicipalityPopulation.objects.values_list(
            "municipality_id", "year", "population"
        )
    )
    expected = {
        (r["kommunenummer"], int(r["aar"])): int(r["folketall"])
        for r in _csv("befolkning_kommune_2020_2026.csv")
    }
    assert stored == expected and len(stored) == 357 * 7
    assert sum(p for (m, y), p in stored.items() if y == 2026) == 5_627_400


def test_importing_again_changes_nothing_and_agrees_with_the_loader():
    """The reference data loaded from the CSVs is already what the files hold: the
    import changes nothing, writes no audit row; after an import from empty, a
    second import changes nothing either."""
    before = AuditEvent.objects.count()
    for path in (KOSTRA_FILE, POPULATION_FILE):
        report = _import(path)
        assert not report.changed, report
        assert sum(report.unchanged.values()) > 0
    assert AuditEvent.objects.count() == before
    _empty()
    first = _import(KOSTRA_FILE)
    assert first.created == {
        "reference.KostraGpFigures": 351,
        "reference.KostraGpTrend": 2131,
    }
    event = AuditEvent.objects.get(action="reference.ssb_import")
    assert event.details["table"] == "12005" and event.details["file"] == "ssb_12005.json"
    snapshot = list(KostraGpTrend.objects.order_by("pk").values())
    second = _import(KOSTRA_FILE)
    assert not second.changed
    assert second.unchanged == first.created
    assert list(KostraGpTrend.objects.order_by("pk").values()) == snapshot
    assert AuditEvent.objects.filter(action="reference.ssb_import").count() == 1


def test_dry_run_reports_the_same_counts_and_writes_nothing():
    _empty()
    dry = _import(POPULATION_FILE, dry_run=True)
    assert dry.created == {"reference.MunicipalityPopulation": 357 * 7}
    assert not MunicipalityPopulation.objects.exists()
    assert not AuditEvent.objects.filter(action="reference.ssb_import").exists()
    real = _import(POPULATION_FILE)
    assert real.created == dry.created


def _small_dataset() -> dict[str, Any]:
    """Two municipalities (and SSB's national aggregate EAK), two figures, two years."""
    return {
        "version": "2.0",
        "class": "dataset",
        "label": "12005: Fastlegelister",
        "id": ["KOKkommuneregion0000", "ContentsCode", "Tid"],
        "size": [3, 3, 2],
        "role": {"geo": ["KOKkommuneregion0000"], "metric": ["ContentsCode"], "time": ["Tid"]},
        "dimension": {
            "KOKkommuneregion0000": {
                "category": {"index": ["EAK", "5022", "5026"]},
            },
            "ContentsCode": {
                "category": {
                    "index": {
                        "KOSandelpasiente0000": 0,
                        "KOSgjsnlisteleng0000": 1,
                        "KOSkonsultasjon0000": 2,  # not kept by the register
                    }
                }
            },
            "Tid": {"category": {"index": {"2019": 0, "2020": 1}}},
        },
        "extension": {"px": {"tableid": "12005"}},
        # row-major: region, then contents, then year varies fastest
        "value": [
            *[1.0, 2.0, 900, 910, 3, 3],  # EAK: skipped
            *[10.5, 11.0, 800, 810, 7, 7],  # 5022
            *[None, 25.3, 700, 705, 9, 9],  # 5026
        ],
        "status": {"12": ".."},
    }


def _load(ds: dict[str, Any]):
    return import_ssb(None, json.dumps(ds).encode(), name="liten.json")


def test_a_sparse_value_object_and_aggregates_are_read_as_ssb_writes_them():
    _empty()
    ds = _small_dataset()
    ds["value"] = {str(i): v for i, v in enumerate(ds["value"]) if v is not None}
    report = _load(ds)
    assert report.skipped_regions == ["EAK"]
    assert report.ignored_contents == ["KOSkonsultasjon0000"]
    got = {
        (t.municipality_id, t.year): (t.share_without_gp_pct, t.mean_list_length)
        for t in KostraGpTrend.objects.all()
    }
    assert got == {
        ("5022", 2019): (Decimal("10.5"), 800),
        ("5022", 2020): (Decimal("11.0"), 810),
        ("5026", 2019): (None, 700),
        ("5026", 2020): (Decimal("25.3"), 705),
    }
    assert not KostraGpFigures.objects.exists()  # no year's number of lists in the file
    assert parse(json.dumps(ds)).size == 18


def test_a_municipality_named_as_in_ssbs_harmonised_series_is_read():
    _empty()
    ds = _small_dataset()
    ds["dimension"]["KOKkommuneregion0000"]["category"]["index"] = ["EAK", "K-5022", "5026"]
    report = _load(ds)
    assert report.skipped_regions == ["EAK"]
    assert KostraGpTrend.objects.get(municipality_id="5022", year=2020).mean_list_length == 810


def test_every_bad_cell_is_reported_with_its_position_and_nothing_is_stored():
    _empty()
    ds = _small_dataset()
    ds["value"][6] = "ti"  # 5022, share, 2019
    ds["value"][9] = 810.5  # 5022, list length, 2020: not whole
    ds["value"][13] = 25.35  # 5026, share, 2020: two decimals
    ds["value"][14] = -1  # 5026, list length, 2019
    with pytest.raises(ReferenceDataError) as caught:
        _load(ds)
    error = caught.value
    assert error.code == Code.SSB_BAD_CELLS and "4 feil" in error.messages[0]
    assert [(p.position, p.code, p.where) for p in error.problems] == [
        (6, Code.CELL_NOT_NUMBER, "5022, KOSandelpasiente0000, 2019"),
        (9, Code.CELL_NOT_WHOLE, "5022, KOSgjsnlisteleng0000, 2020"),
        (13, Code.CELL_DECIMALS, "5026, KOSandelpasiente0000, 2020"),
        (14, Code.CELL_NEGATIVE, "5026, KOSgjsnlisteleng0000, 2019"),
    ]
    assert "verdi nr. 6" in str(error.problems[0])
    assert not KostraGpTrend.objects.exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda d: d.update(version="1.0"), Code.JSONSTAT_STRUCTURE),
        (lambda d: d.update(value=d["value"][:-1]), Code.JSONSTAT_STRUCTURE),
        (lambda d: d.update(size=[3, 3, 3]), Code.JSONSTAT_STRUCTURE),
        (
            lambda d: d["dimension"]["Tid"]["category"].update(index={"2019": 0, "x": 0}),
            Code.JSONSTAT_STRUCTURE,
        ),  # fmt: skip
        (lambda d: d.update(value={"99": 1}), Code.JSONSTAT_STRUCTURE),
        (lambda d: d["extension"]["px"].update(tableid="04861"), Code.SSB_UNKNOWN_TABLE),
        (
            lambda d: d["dimension"]["Tid"]["category"].update(index=["2019", "20x0"]),
            Code.SSB_BAD_CELLS,
        ),  # fmt: skip
    ],
)
def test_a_file_that_is_not_such_a_table_is_refused(change, code):
    _empty()
    ds = copy.deepcopy(_small_dataset())
    change(ds)
    with pytest.raises(ReferenceDataError) as caught:
        _load(ds)
    assert caught.value.code == code
    assert not KostraGpTrend.objects.exists()


def test_a_breakdown_by_sex_must_be_downloaded_as_a_total():
    ds = _small_dataset()
    ds["id"].insert(1, "Kjonn")
    ds["size"].insert(1, 2)
    ds["dimension"]["Kjonn"] = {"category": {"index": ["1", "2"]}}
    ds["value"] = ds["value"] * 2
    with pytest.raises(ReferenceDataError) as caught:
        _load(ds)
    assert caught.value.code == Code.SSB_EXTRA_DIMENSION


def test_the_command_reports_counts_dry_run_and_bad_cells(tmp_path):
    _empty()
    out = io.StringIO()
    call_command("import_ssb", str(POPULATION_FILE), "--dry-run", stdout=out)
    assert "2499 nye" in out.getvalue() and "Prøvekjøring" in out.getvalue()
    assert not MunicipalityPopulation.objects.exists()
    call_command("import_ssb", str(POPULATION_FILE), stdout=(out := io.StringIO()))
    assert "2499 nye, 0 endret, 0 uendret" in out.getvalue()
    call_command("import_ssb", str(POPULATION_FILE), stdout=(out := io.StringIO()))
    assert "0 nye, 0 endret, 2499 uendret" in out.getvalue()
    assert "ingenting er endret" in out.getvalue()
    bad = _small_dataset()
    bad["value"][6] = "ti"
    path = tmp_path / "feil.json"
    path.write_text(json.dumps(bad))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 feil i filen; ingenting er lagret"):
        call_command("import_ssb", str(path), stdout=io.StringIO(), stderr=err)
    assert "verdi nr. 6: 5022, KOSandelpasiente0000, 2019" in err.getvalue()
    (tmp_path / "tom.json").write_text("{")
    with pytest.raises(CommandError, match="ikke gyldig JSON"):
        call_command("import_ssb", str(tmp_path / "tom.json"), stdout=io.StringIO())


def test_the_shipped_json_stat_files_are_current_with_the_csvs():
    """``scripts/make_ssb_jsonstat.py --check``: the committed files are what the
    script writes from the CSVs today (same bytes)."""
    script = Path(__file__).resolve().parents[3] / "scripts" / "make_ssb_jsonstat.py"
    done = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
