"""Write the project's SSB tables as SSB's statistics bank returns them, in JSON-stat 2.

The project's copies of SSB table 12005 (KOSTRA, Fastlegelister og
fastlegekonsultasjoner) and table 07459 (Befolkning) are CSV files in
``fastlege/reference/data`` (see SOURCES.md there). This script writes the same
figures as JSON-stat 2.0 datasets shaped like the answer of SSB's PxWebApi
(``POST https://data.ssb.no/api/v0/no/table/12005`` with
``"response": {"format": "json-stat2"}``): dimensions region × statistics variable
(``ContentsCode``) × year (``Tid``), the values in one row-major array, ``null``
with status ``..`` where the CSV has no figure. They are what ``fastlege
import-ssb`` reads, and the test that the import gives the CSV's figures.

    python scripts/make_ssb_jsonstat.py            # writes ssb_12005.json, ssb_07459.json
    python scripts/make_ssb_jsonstat.py --check    # exit 1 if the files are not current

The output is deterministic (same CSVs, same bytes). Only the figures and codes
are SSB's; the labels are the project's (SOURCES.md).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / "fastlege" / "reference" / "data"

#: SSB's content code of 12005 → (column of the CSVs, label, unit, decimals), the
#: mapping of the data brief (/work/shared/data/SOURCES.md, «Column ↔ SSB content code»).
KOSTRA_CONTENTS: dict[str, tuple[str, str, str, int]] = {
    "KOSantallavtaler0001": ("fastlegeavtaler", "Fastlegeavtaler", "avtaler", 0),
    "KOSantallavtaler0000": ("lister_uten_fast_lege", "Lister uten fast lege", "lister", 0),
    "KOSantallavtaler0002": ("lister_totalt", "Lister i alt", "lister", 0),
    "KOSantallpasient0000": (
        "pasienter_liste_med_lege",
        "Pasienter på liste med fast lege",
        "personer",
        0,
    ),
    "KOSantallpasient0001": (
        "pasienter_liste_uten_lege",
        "Pasienter på liste uten fast lege",
        "personer",
        0,
    ),
    "KOSandelpasiente0000": (
        "andel_pasienter_liste_uten_lege_pst",
        "Andel pasienter på liste uten fast lege",
        "prosent",
        1,
    ),
    "KOSaapnelister0000": ("aapne_lister", "Åpne lister", "lister", 0),
    "KOSgjsnlisteleng0000": ("gjsn_listelengde", "Gjennomsnittlig listelengde", "personer", 0),
    "KOSgjsnllkomm0000": (
        "gjsn_listelengde_korr_kommunale_timer",
        "Gjennomsnittlig listelengde korrigert for kommunale timer",
        "personer",
        0,
    ),
    "KOSantallkvinnel0000": ("kvinnelige_fastleger", "Kvinnelige fastleger", "leger", 0),
    "KOSandelkvinnele0000": (
        "andel_kvinnelige_fastleger_pst",
        "Andel kvinnelige fastleger",
        "prosent",
        1,
    ),
    "KOSkapasitet0000": ("kapasitet", "Kapasitet (sum listetak)", "personer", 0),
    "KOSkapasitetbere0000": ("kapasitet_beregnet", "Beregnet kapasitet", "personer", 0),
    "KOSreservekapasi0000": ("reservekapasitet", "Reservekapasitet", "indeks", 0),
}
#: The three indicators of the trend file (every year), a subset of the above.
TREND = ("KOSandelpasiente0000", "KOSgjsnlisteleng0000", "KOSreservekapasi0000")
NOT_AVAILABLE = ".."  # SSB: «Tallgrunnlag mangler»


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _number(text: str) -> int | Decimal | None:
    if text == "":
        return None
    return int(text) if text.lstrip("-").isdigit() else Decimal(text)


def _dimension(label: str, ids: list[str], labels: dict[str, str], **extra: Any) -> dict:
    return {
        "label": label,
        "category": {
            "index": {c: i for i, c in enumerate(ids)},
            "label": {c: labels[c] for c in ids},
            **extra,
        },
    }


def _dataset(
    table: str,
    label: str,
    region: str,
    regions: dict[str, str],
    contents: dict[str, tuple[str, str, int]],
    years: list[str],
    figures: dict[tuple[str, str, str], int | Decimal],
    note: str,
) -> dict[str, Any]:
    ids = [region, "ContentsCode", "Tid"]
    codes, region_ids = list(contents), sorted(regions)
    values: list[int | Decimal | None] = []
    status: dict[str, str] = {}
    for r in region_ids:
        for c in codes:
            for y in years:
                v = figures.get((r, c, y))
                if v is None:
                    status[str(len(values))] = NOT_AVAILABLE
                values.append(v)
    return {
        "version": "2.0",
        "class": "dataset",
        "label": label,
        "source": "Statistisk sentralbyrå",
        "note": [note],
        "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": [region]},
        "id": ids,
        "size": [len(region_ids), len(codes), len(years)],
        "dimension": {
            region: _dimension("region", region_ids, regions),
            "ContentsCode": _dimension(
                "statistikkvariabel",
                codes,
                {c: contents[c][0] for c in codes},
                unit={c: {"base": contents[c][1], "decimals": contents[c][2]} for c in codes},
            ),
            "Tid": _dimension("år", years, {y: y for y in years}),
        },
        "extension": {"px": {"tableid": table, "language": "no"}},
        "value": values,
        "status": status,
    }


NOTE = (
    "Laget av fastlege (scripts/make_ssb_jsonstat.py) fra prosjektets CSV-kopier av "
    "SSB-tabellen ({files}); tallene og kodene er SSBs, navnene er prosjektets. "
    "Kilde: Statistisk sentralbyrå."
)


def kostra_12005() -> dict[str, Any]:
    latest = _rows("fastlege_kommune_2025.csv")
    trend = _rows("fastlege_kommune_trend.csv")
    regions = {r["kommunenummer"]: r["navn"] for r in latest}
    figures: dict[tuple[str, str, str], int | Decimal] = {}
    for r in trend:
        for code in TREND:
            v = _number(r[KOSTRA_CONTENTS[code][0]])
            if v is not None:
                figures[(r["kommunenummer"], code, r["aar"])] = v
    for r in latest:
        for code, (column, *_rest) in KOSTRA_CONTENTS.items():
            v = _number(r[column])
            if v is not None:
                key = (r["kommunenummer"], code, r["aar"])
                if key in figures and figures[key] != v:
                    raise SystemExit(f"the two CSVs differ at {key}: {figures[key]} and {v}")
                figures[key] = v
    years = sorted({y for _r, _c, y in figures})
    return _dataset(
        "12005",
        "12005: Fastlegelister og fastlegekonsultasjoner, etter region, statistikkvariabel og år",
        "KOKkommuneregion0000",
        regions,
        {c: (label, unit, d) for c, (_col, label, unit, d) in KOSTRA_CONTENTS.items()},
        years,
        figures,
        NOTE.format(files="fastlege_kommune_2025.csv, fastlege_kommune_trend.csv"),
    )


def population_07459() -> dict[str, Any]:
    names = {r["kommunenummer"]: r["navn"] for r in _rows("kommuner_2024.csv")}
    figures: dict[tuple[str, str, str], int | Decimal] = {}
    for r in _rows("befolkning_kommune_2020_2026.csv"):
        v = _number(r["folketall"])
        if v is not None:
            figures[(r["kommunenummer"], "Personer1", r["aar"])] = v
    years = sorted({y for _r, _c, y in figures})
    regions = {code: names[code] for code, _c, _y in figures}
    return _dataset(
        "07459",
        "07459: Befolkning, etter region, statistikkvariabel og år",
        "Region",
        regions,
        {"Personer1": ("Personer", "personer", 0)},
        years,
        figures,
        NOTE.format(files="befolkning_kommune_2020_2026.csv"),
    )


def _with_floats(o: Any) -> Any:
    """Decimals as JSON numbers written as in the CSV (48.6, not 48.600000000000001)."""
    if isinstance(o, Decimal):
        f = float(o)
        assert Decimal(repr(f)) == o, o  # one decimal: the shortest repr is exact
        return f
    if isinstance(o, dict):
        return {k: _with_floats(v) for k, v in o.items()}
    if isinstance(o, list):
        return [_with_floats(v) for v in o]
    return o


def render(dataset: dict[str, Any]) -> bytes:
    return (
        json.dumps(_with_floats(dataset), ensure_ascii=False, separators=(",", ":")) + "\n"
    ).encode("utf-8")


FILES = {"ssb_12005.json": kostra_12005, "ssb_07459.json": population_07459}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the files are current")
    args = parser.parse_args(argv)
    stale = []
    for name, build in FILES.items():
        content = render(build())
        path = DATA / name
        if args.check:
            if not path.exists() or path.read_bytes() != content:
                stale.append(name)
        else:
            path.write_bytes(content)
            print(f"{path.relative_to(DATA.parents[2])}: {len(content)} bytes")
    if stale:
        print("not current: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
