"""Import of published statistics: SSB's tables 12005 (KOSTRA, the GP lists) and 07459
(population), as the statistics bank returns them in JSON-stat 2
(:mod:`fastlege.reference.jsonstat`). ``fastlege import-ssb <file>`` (docs/open-data.md).

What is stored, in the tables the shipped CSVs fill (``loader.load_reference``), so the
import and the loader agree on every figure:

* 12005, per municipality and year: ``KostraGpFigures`` when the file gives the
  year's number of lists (``KOSantallavtaler0002``), as the loader does, with every
  KOSTRA figure the file has; ``KostraGpTrend`` when it gives any of the three trend
  figures (share of list patients without a GP, mean list length, reserve capacity);
* 07459: ``MunicipalityPopulation`` (population on 1 January of the year).

Regions that are not a municipality of the register (SSB's aggregates such as
``EAK`` or a county, and municipality numbers of earlier structures) are skipped and
counted in the report, as are statistics variables the register does not keep (the
consultations of 12005). A cell without a figure (``null``, status ``..``) stores
nothing.

All or nothing: every cell is checked first; one bad cell (not a number, negative,
not whole, more decimals than the field, too large) or a bad year refuses the whole
file, with every problem and its position (``ReferenceDataError.problems``), and
nothing is written. Idempotent: only rows that differ are written, so importing the
same file again changes nothing (and writes no audit row). A dry run reports the
same counts and writes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from fastlege.core import audit
from fastlege.reference import jsonstat
from fastlege.reference.errors import Code, Problem, ReferenceDataError, refuse
from fastlege.reference.loader import LoadResult, sync
from fastlege.reference.models import (
    KostraGpFigures,
    KostraGpTrend,
    Municipality,
    MunicipalityPopulation,
)

KOSTRA_TABLE = "12005"
POPULATION_TABLE = "07459"

#: SSB's content code of 12005 → field of ``KostraGpFigures`` (the codes of the data
#: brief, /work/shared/data/SOURCES.md).
KOSTRA_FIELDS: dict[str, str] = {
    "KOSantallavtaler0001": "agreements_with_gp",
    "KOSantallavtaler0000": "lists_without_gp",
    "KOSantallavtaler0002": "lists_total",
    "KOSantallpasient0000": "residents_on_lists_with_gp",
    "KOSantallpasient0001": "residents_on_lists_without_gp",
    "KOSandelpasiente0000": "share_without_gp_pct",
    "KOSaapnelister0000": "open_lists",
    "KOSgjsnlisteleng0000": "mean_list_length",
    "KOSgjsnllkomm0000": "mean_list_length_corrected",
    "KOSantallkvinnel0000": "female_gps",
    "KOSandelkvinnele0000": "share_female_gps_pct",
    "KOSkapasitet0000": "capacity",
    "KOSkapasitetbere0000": "capacity_calculated",
    "KOSreservekapasi0000": "reserve_capacity",
}
#: The figure whose presence makes a year's ``KostraGpFigures`` row (as in the loader).
LISTS_TOTAL = "lists_total"
#: The fields of ``KostraGpTrend`` (each also a field of ``KostraGpFigures``).
TREND_FIELDS = ("share_without_gp_pct", "mean_list_length", "reserve_capacity")
#: 07459's content code of the population.
POPULATION_CODE = "Personer1"

REGION_IDS = ("KOKkommuneregion0000", "Region")
MAX_INT = 2**31 - 1  # PositiveIntegerField on PostgreSQL


@dataclass
class ImportReport:
    table: str
    file: str
    sha256: str
    cells: int = 0  # cells with a figure that were stored (or would be, in a dry run)
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    skipped_regions: list[str] = field(default_factory=list)
    ignored_contents: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())


def _table_of(ds: jsonstat.Dataset, contents: jsonstat.Dimension) -> str:
    px = ds.extension.get("px")
    table = str(px.get("tableid", "")) if isinstance(px, dict) else ""
    if not table:  # no extension: the codes say which table it is
        if set(contents.categories) & set(KOSTRA_FIELDS):
            table = KOSTRA_TABLE
        elif POPULATION_CODE in contents.categories:
            table = POPULATION_TABLE
    if table not in (KOSTRA_TABLE, POPULATION_TABLE):
        refuse(Code.SSB_UNKNOWN_TABLE, table=table or ds.label[:60])
    return table


def _municipality(region: str, known: set[str]) -> str | None:
    """The register's municipality number of an SSB region code, or None. SSB's
    harmonised municipality series (valueset ``agg_KommSummer``) may name a
    municipality ``K-<number>``; both forms are read."""
    number = region[2:] if region.startswith("K-") else region
    return number if number in known else None


def _decimals(f: Any) -> int | None:
    return getattr(f, "decimal_places", None)


def _checked(
    value: Any, decimals: int | None, max_digits: int | None
) -> tuple[Any, Problem | None]:
    """The value as the field stores it, or the problem (position filled in by the caller)."""

    def problem(code: Code, **params: Any) -> tuple[None, Problem]:
        return None, Problem(code, None, "", {"value": value, **params})

    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return problem(Code.CELL_NOT_NUMBER)
    if not Decimal(value).is_finite():
        return problem(Code.CELL_NOT_NUMBER)
    if value < 0:
        return problem(Code.CELL_NEGATIVE)
    if decimals is None:
        if value != int(value):
            return problem(Code.CELL_NOT_WHOLE)
        if value > MAX_INT:
            return problem(Code.CELL_TOO_LARGE, limit=MAX_INT)
        return int(value), None
    number = Decimal(value)
    quantum = Decimal(1).scaleb(-decimals)
    if number != number.quantize(quantum):
        return problem(Code.CELL_DECIMALS, decimals=decimals)
    limit = Decimal(10) ** ((max_digits or 5) - decimals) - quantum
    if number > limit:
        return problem(Code.CELL_TOO_LARGE, limit=limit)
    return number.quantize(quantum), None


def _fields(table: str) -> dict[str, Any]:
    """Content code → the model field its figure is stored in."""
    if table == KOSTRA_TABLE:
        return {c: KostraGpFigures._meta.get_field(f) for c, f in KOSTRA_FIELDS.items()}
    return {POPULATION_CODE: MunicipalityPopulation._meta.get_field("population")}


def _read(
    ds: jsonstat.Dataset, table: str, report: ImportReport
) -> dict[tuple[str, int], dict[str, Any]]:
    """(municipality, year) → {field: value} of every cell with a figure; refuses the
    file with every problem."""
    region = ds.find("geo", *REGION_IDS)
    time = ds.find("time", "Tid")
    contents = ds.find("metric", "ContentsCode")
    for dim, what in ((region, "region"), (time, "år (Tid)"), (contents, "statistikkvariabel")):
        if dim is None:
            refuse(Code.SSB_NO_DIMENSION, what=what)
    assert region is not None and time is not None and contents is not None
    for d in ds.dimensions:
        if d not in (region, time, contents) and len(d.categories) != 1:
            refuse(Code.SSB_EXTRA_DIMENSION, dimension=d.id, n=len(d.categories))
    known = set(Municipality.objects.values_list("number", flat=True))
    fields = _fields(table)
    municipality = {r: _municipality(r, known) for r in region.categories}
    report.skipped_regions = [r for r, m in municipality.items() if m is None]
    report.ignored_contents = [c for c in contents.categories if c not in fields]
    problems: list[Problem] = []
    years: dict[str, int] = {}
    for i, y in enumerate(time.categories):
        if y.isdigit() and len(y) == 4 and 1900 <= int(y) <= 2100:
            years[y] = int(y)
        else:
            problems.append(Problem(Code.BAD_YEAR, None, f"{time.id} nr. {i}", {"value": y}))
    at = {d.id: k for k, d in enumerate(ds.dimensions)}
    r_at, t_at, c_at = at[region.id], at[time.id], at[contents.id]
    out: dict[tuple[str, int], dict[str, Any]] = {}
    for cell in ds.cells():
        muni = municipality[cell.categories[r_at]]
        year, code = cell.categories[t_at], cell.categories[c_at]
        if cell.value is None or muni is None or code not in fields or year not in years:
            continue
        f = fields[code]
        value, problem = _checked(cell.value, _decimals(f), getattr(f, "max_digits", None))
        if problem is not None:
            where = f"{muni}, {code}, {year}"
            problems.append(Problem(problem.code, cell.position, where, problem.params))
            continue
        out.setdefault((muni, years[year]), {})[f.name] = value
        report.cells += 1
    if problems:
        error = ReferenceDataError(Code.SSB_BAD_CELLS, {"n": len(problems)})
        error.problems = problems
        raise error
    return out


def _rows(table: str, figures: dict[tuple[str, int], dict[str, Any]]) -> dict[Any, list[dict]]:
    if table == POPULATION_TABLE:
        return {
            MunicipalityPopulation: [
                {"municipality_id": m, "year": y, "population": v["population"]}
                for (m, y), v in sorted(figures.items())
            ]
        }
    kostra, trend = [], []
    for (m, y), v in sorted(figures.items()):
        key = {"municipality_id": m, "year": y}
        if v.get(LISTS_TOTAL) is not None:
            kostra.append({**key, **v})
        if any(f in v for f in TREND_FIELDS):
            trend.append({**key, **{f: v[f] for f in TREND_FIELDS if f in v}})
    return {KostraGpFigures: kostra, KostraGpTrend: trend}


def import_ssb(actor: Any, data: bytes, *, name: str, dry_run: bool = False) -> ImportReport:
    """Store the figures of an SSB table in JSON-stat 2 (``data``, the file's bytes;
    ``name``, the file's name for the report and the audit). One transaction with its
    audit row; ``dry_run``: the same checks and counts, nothing written."""
    ds = jsonstat.parse(data)
    contents = ds.find("metric", "ContentsCode")
    if contents is None:
        refuse(Code.SSB_NO_DIMENSION, what="statistikkvariabel")
    table = _table_of(ds, contents)
    report = ImportReport(table, name, hashlib.sha256(data).hexdigest(), dry_run=dry_run)
    figures = _read(ds, table, report)
    with transaction.atomic():
        result = LoadResult()
        for model, rows in _rows(table, figures).items():
            # only the fields with a figure in the file (``sync`` compares only those)
            sync(model, ("municipality_id", "year"), rows, result)
            label = model._meta.label
            report.created[label] = result.created[model._meta.model_name]
            report.updated[label] = result.updated[model._meta.model_name]
            report.unchanged[label] = len(rows) - report.created[label] - report.updated[label]
        if report.changed and not dry_run:
            audit.record(
                actor,
                "reference.ssb_import",
                None,
                table=table,
                file=name,
                sha256=report.sha256,
                cells=report.cells,
                created=report.created,
                updated=report.updated,
            )
        if dry_run:
            transaction.set_rollback(True)
    return report
