"""The monthly open data: the public statistics of a month as files anyone may reuse,
the way NHS England publishes «Patients Registered at a GP Practice» each month.

For each filled month (``selectors.months_available``) five files, made here and
nowhere else — ``fastlege open-data --month YYYY-MM --out DIR`` writes them, the
page ``/statistikk/apne-data/`` serves them:

* ``fastlege-YYYY-MM-omrader.csv`` / ``.json``: the nation, every county and every
  municipality, one line each, with every indicator (``indicators.INDICATORS``);
* ``fastlege-YYYY-MM-lister.csv`` / ``.json``: every list (agreement) with its
  municipality, practice, ceiling, length, whether it has a regular GP, is open, and
  its waiting count — the lists table of the municipality's statistics page;
* ``fastlege-YYYY-MM-metadata.json``: the fields and their definitions
  (``definitions.definitions``), the suppression rule, the licence (NLOD 2.0), the
  source, and each data file's SHA-256.

The figures are the public statistics pages' own: read through
``selectors.export_rows`` and ``selectors.list_rows`` with the public viewer, so
small counts and their complements are hidden («:») exactly as on the pages
(:mod:`fastlege.stats.disclosure`). No person is in them (no names of GPs or
residents, no identity numbers). The output is deterministic: the same count
tables give the same bytes (no time of writing; the day the figures describe is
the month's ``StatsFill.as_of``).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import override

from fastlege.core import tabular
from fastlege.core.tabular import Column
from fastlege.stats import selectors
from fastlege.stats.definitions import definitions, method_text
from fastlege.stats.disclosure import MARK
from fastlege.stats.indicators import SUPPRESSION_THRESHOLD
from fastlege.stats.models import AreaKind

LICENCE = {
    "navn": "Norsk lisens for offentlige data (NLOD) 2.0",
    "kode": "NLOD-2.0",
    "url": "https://data.norge.no/nlod/no/2.0",
}
PUBLISHER = "fastlege – registeret for fastlegeordningen"
#: The area kinds of the areas file, in this order (nation, counties, municipalities).
AREA_KINDS = (AreaKind.NATION, AreaKind.COUNTY, AreaKind.MUNICIPALITY)
MUNICIPALITY = Column("kommunenummer", "Kommunenummer")
JSON_TYPE = "application/json; charset=utf-8"
#: The data tables, in file order.
TABLES = ("omrader", "lister")


@dataclass(frozen=True)
class OpenFile:
    name: str
    content_type: str
    content: bytes


def _prefix(month: datetime.date) -> str:
    return f"fastlege-{month:%Y-%m}"


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _records(columns: Sequence[Column], rows: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    return [dict(zip((c.key for c in columns), row, strict=True)) for row in rows]


def _table(month: datetime.date, columns: Sequence[Column], rows: list) -> tuple[bytes, bytes]:
    """The CSV (``tabular.machine_csv``: comma, decimal point, «:» where hidden) and the
    JSON of one table."""
    data = {"maned": f"{month:%Y-%m}", "rader": _records(columns, rows)}
    return tabular.machine_csv(columns, rows), _json(data)


def areas(month: datetime.date) -> tuple[list[Column], list[list[Any]]]:
    """The areas table: the public figures of every area of ``AREA_KINDS``."""
    columns: list[Column] = []
    rows: list[list[Any]] = []
    for kind in AREA_KINDS:
        columns, lines = selectors.export_rows(kind, None, [month], viewer=selectors.PUBLIC)
        rows += lines
    return columns, rows


def lists(month: datetime.date) -> tuple[list[Column], list[list[Any]]]:
    """The lists table: every municipality's lists, as its page shows them in public."""
    return [MUNICIPALITY, *selectors.LIST_COLUMNS], selectors.list_rows(month, public=True)


def _list_fields() -> list[dict[str, str]]:
    texts = {
        "kommunenummer": _("Kommunen listen hører til."),
        "liste": _("Fastlegeavtalens nummer i registeret."),
        "legekontor": _("Legekontoret listen er knyttet til."),
        "listetak": _("Høyeste antall personer på listen (avtalt listetak)."),
        "listelengde": _("Antall personer på listen ved månedens telling."),
        "fast_lege": _("true når listen har en fast lege (ikke vakant), ellers false."),
        "apen": _("true når listen tar imot nye personer."),
        "venteliste": _("Antall personer som venter på plass på listen."),
    }
    return [
        {"kode": c.key, "navn": str(c.label), "beskrivelse": str(texts[c.key])}
        for c in [MUNICIPALITY, *selectors.LIST_COLUMNS]
    ]


def _area_fields() -> list[dict[str, Any]]:
    first = [
        ("maned", _("Måneden tallene gjelder (ÅÅÅÅ-MM).")),
        ("omradetype", _("nasjon (hele landet), fylke eller kommune.")),
        ("omradekode", _("Fylkes- eller kommunenummer; tom for hele landet.")),
        ("omradenavn", _("Områdets navn.")),
    ]
    return [{"kode": k, "beskrivelse": str(t)} for k, t in first] + [
        {
            "kode": d.code,
            "navn": d.name,
            "enhet": d.unit,
            "desimaler": d.decimals,
            "definisjon": d.formula,
            "kilde": d.source,
            "skjerming": d.suppression,
        }
        for d in definitions()
    ]


def metadata(month: datetime.date, files: Sequence[OpenFile]) -> bytes:
    """The metadata file: what the data files hold, how, and on what terms."""
    counted = selectors.counted_on(month)
    return _json(
        {
            "tittel": _("Fastlegeordningen: åpne data for %(month)s") % {"month": f"{month:%Y-%m}"},
            "maned": f"{month:%Y-%m}",
            "telledag": counted.isoformat() if counted else None,
            "utgiver": PUBLISHER,
            "kilde": _(
                "Fastlegeregisteret i fastlege: månedens telling av listene "
                "(månedskjøringen), samme tall som på statistikksidene /statistikk/."
            ),
            "lisens": LICENCE,
            "skjerming": {
                "grense": SUPPRESSION_THRESHOLD,
                "merke": MARK,
                "regel": method_text(),
            },
            "filer": [
                {
                    "navn": f.name,
                    "type": f.content_type.split(";")[0],
                    "sha256": hashlib.sha256(f.content).hexdigest(),
                }
                for f in files
            ],
            "felter": {"omrader": _area_fields(), "lister": _list_fields()},
            "format": _(
                "CSV: komma mellom feltene, punktum som desimaltegn, UTF-8 uten BOM, "
                'første linje er feltkodene. JSON: {"maned", "rader": [{feltkode: verdi}]}. '
                "Et skjult tall er «:», et tall som ikke finnes er tomt (null i JSON)."
            ),
        }
    )


def month_files(month: datetime.date) -> list[OpenFile]:
    """The month's files, data first, the metadata last (Norwegian texts)."""
    with override("nb"):
        out = []
        for name, (columns, rows) in zip(TABLES, (areas(month), lists(month)), strict=True):
            csv_bytes, json_bytes = _table(month, columns, rows)
            out.append(OpenFile(f"{_prefix(month)}-{name}.csv", tabular.CSV_TYPE, csv_bytes))
            out.append(OpenFile(f"{_prefix(month)}-{name}.json", JSON_TYPE, json_bytes))
        out.append(OpenFile(f"{_prefix(month)}-metadata.json", JSON_TYPE, metadata(month, out)))
        return out


def file_names(month: datetime.date) -> list[str]:
    """The names of ``month_files(month)``, without making them."""
    p = _prefix(month)
    return [f"{p}-{t}.{ext}" for t in TABLES for ext in ("csv", "json")] + [f"{p}-metadata.json"]


def months() -> list[datetime.date]:
    """The months there are open data for: every filled month, newest first."""
    return sorted(selectors.months_available(), reverse=True)


def write(month: datetime.date, out: Path) -> list[Path]:
    """Write the month's files into the directory ``out`` (made if missing)."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for f in month_files(month):
        path = out / f.name
        path.write_bytes(f.content)
        paths.append(path)
    return paths
