"""Reading a municipality's registry files: four tables, as CSV files, a zip or a workbook.

A municipality moving to fastlege loads what its old system has
(``registry.services.file_import``; formats in docs/import.md):

* ``practices.csv`` – legekontor, one line per practice (key: ``orgnr``);
* ``gps.csv`` – leger, one line per doctor (key: ``hpr``);
* ``agreements.csv`` – fastlegeavtaler (lists) with their regular GP (key: ``avtale_id``);
* ``members.csv`` – listeplasser, one line per person's period on a list
  (key: ``fodselsnummer`` + ``avtale_id`` + ``fra``).

Each CSV file is UTF-8 (a byte-order mark is allowed) with a header line naming
its columns; the separator, ``;`` or ``,``, is read from the header line. The
same tables may come as one ``.xlsx`` workbook with sheets named ``practices``,
``gps``, ``agreements`` and ``members``, or packed in a ``.zip``.

This module only reads: text in, rows with their line numbers out, and the
field parsers that turn one cell into a value or a Norwegian reason. What the
rows mean for the registry is decided in the service. A reason never repeats an
identity number.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

#: The four tables, in the order they are read (later ones refer to earlier ones).
KINDS = ("practices", "gps", "agreements", "members")
#: Largest upload, and largest total after unpacking a zip or workbook (a few hundred
#: thousand members fit; a zip bomb does not).
MAX_BYTES = 50 * 1024 * 1024
YES = frozenset({"ja", "j", "yes", "y", "true", "1", "x"})
NO = frozenset({"nei", "n", "no", "false", "0", ""})
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 1, 1)


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False


def _cols(*names: str) -> tuple[Column, ...]:
    """Column names; a trailing ``*`` marks a column every line must fill."""
    return tuple(Column(n.rstrip("*"), n.endswith("*")) for n in names)


COLUMNS: dict[str, tuple[Column, ...]] = {
    "practices": _cols("orgnr*", "navn*", "kommunenr*", "adresse", "postnr", "kommunalt"),
    "gps": _cols(
        "hpr*",
        "fornavn*",
        "etternavn*",
        "fodselsdato*",
        "kjonn*",
        "spesialitet",
        "alis_fra",
        "alis_til",
        "samisktalende",
        "kompetanseunntak",
        "kompetanseunntak_til",
    ),
    "agreements": _cols(
        "avtale_id*",
        "kommunenr*",
        "orgnr*",
        "listetak*",
        "listetak_under_500_godkjent",
        "apen",
        "fellesliste",
        "fastlonnet",
        "gyldig_fra*",
        "gyldig_til",
        "fastlege_hpr",
        "fastlege_fra",
        "stillingsprosent",
    ),
    "members": _cols(
        "fodselsnummer*",
        "fornavn*",
        "etternavn*",
        "bostedskommune",
        "postnr",
        "avtale_id*",
        "fra*",
        "til",
        "sluttarsak",
    ),
}


@dataclass(frozen=True)
class Problem:
    """One bad line (or file): where, which column, and why, in Norwegian."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = self.file or _("Filene")
        if self.line:
            where += " " + _("linje %(line)s") % {"line": self.line}
        if self.column:
            where += _(", kolonne %(column)s") % {"column": self.column}
        return f"{where}: {self.message}"


@dataclass
class Table:
    kind: str
    file: str
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


class CellError(ValueError):
    """A cell that cannot be read; the message is the Norwegian reason."""


# --- Files -----------------------------------------------------------------------


def files_from_path(path: Path) -> dict[str, bytes]:
    """The files of a directory (its ``.csv``, ``.xlsx`` and ``.zip`` files), or one
    ``.zip`` or ``.xlsx`` file, as name -> content."""
    if path.is_dir():
        found = sorted(
            p
            for p in path.iterdir()
            if p.is_file() and p.suffix.lower() in {".csv", ".xlsx", ".zip"}
        )
        return {p.name: p.read_bytes() for p in found}
    return {path.name: path.read_bytes()}


def read_files(files: Mapping[str, bytes]) -> tuple[dict[str, Table], list[Problem]]:
    """The tables in ``files`` (name -> content), and the problems with the files
    themselves (unknown names, bad encoding, unknown or missing columns)."""
    tables: dict[str, Table] = {}
    problems: list[Problem] = []
    if sum(len(content) for content in files.values()) > MAX_BYTES:
        problems.append(Problem("", 0, "", _too_large()))
        return tables, problems
    for name, content in files.items():
        lower = name.lower()
        if lower.endswith(".zip"):
            inner, zip_problems = _unzip(name, content)
            problems += zip_problems
            sub, sub_problems = read_files(inner)
            problems += sub_problems
            _merge(tables, sub, problems)
        elif lower.endswith(".xlsx"):
            _merge(tables, _read_workbook(name, content, problems), problems)
        elif lower.endswith(".csv"):
            kind = _kind_of(name)
            if kind is None:
                problems.append(Problem(name, 0, "", _unknown_file()))
                continue
            table = _read_csv(kind, name, content, problems)
            if table is not None:
                _merge(tables, {kind: table}, problems)
        else:
            problems.append(Problem(name, 0, "", _unknown_file()))
    if not tables and not problems:
        problems.append(Problem("", 0, "", _("Ingen av filene ble funnet.") + " " + _expected()))
    return tables, problems


def _too_large() -> str:
    return _("Filene er for store (mer enn %(mb)s MB til sammen).") % {
        "mb": MAX_BYTES // (1024 * 1024)
    }


def _expected() -> str:
    return _("Forventet practices.csv, gps.csv, agreements.csv og members.csv.")


def _unknown_file() -> str:
    return _("Ukjent fil.") + " " + _expected()


def _kind_of(name: str) -> str | None:
    stem = Path(name).stem.lower()
    return stem if stem in KINDS else None


def _merge(tables: dict[str, Table], new: dict[str, Table], problems: list[Problem]) -> None:
    for kind, table in new.items():
        if kind in tables:
            problems.append(
                Problem(
                    table.file,
                    0,
                    "",
                    _("Tabellen %(kind)s finnes i mer enn én fil.") % {"kind": kind},
                )
            )
        else:
            tables[kind] = table


def _unzip(name: str, content: bytes) -> tuple[dict[str, bytes], list[Problem]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if sum(i.file_size for i in infos) > MAX_BYTES:
            return {}, [Problem(name, 0, "", _too_large())]
        inner = {Path(i.filename).name: archive.read(i) for i in infos}
    except (zipfile.BadZipFile, OSError, RuntimeError):
        return {}, [Problem(name, 0, "", _("Zip-filen kan ikke leses."))]
    return {n: c for n, c in inner.items() if not n.startswith(".")}, []


def _header(kind: str, file: str, names: list[str], problems: list[Problem]) -> bool:
    known = {c.name for c in COLUMNS[kind]}
    ok = True
    for position, name in enumerate(names, start=1):
        if name not in known:
            problems.append(
                Problem(file, 1, name or str(position), _("Ukjent kolonne.") + " " + _columns(kind))
            )
            ok = False
    if len(set(names)) != len(names):
        problems.append(Problem(file, 1, "", _("En kolonne står mer enn én gang.")))
        ok = False
    for column in COLUMNS[kind]:
        if column.required and column.name not in names:
            problems.append(Problem(file, 1, column.name, _("Kolonnen mangler.")))
            ok = False
    return ok


def _columns(kind: str) -> str:
    return _("Kolonnene er: %(names)s.") % {"names": ", ".join(c.name for c in COLUMNS[kind])}


def _read_csv(kind: str, file: str, content: bytes, problems: list[Problem]) -> Table | None:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(Problem(file, 0, "", _("Filen er ikke UTF-8.")))
        return None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        problems.append(
            Problem(file, 1, "", _("Filen er tom; første linje skal navngi kolonnene."))
        )
        return None
    names = [h.strip().lower() for h in header]
    if not _header(kind, file, names, problems):
        return None
    table = Table(kind, file)
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue  # blank lines are allowed
            if len(cells) != len(names):
                problems.append(
                    Problem(
                        file,
                        line,
                        "",
                        _("Linjen har %(found)s felt, overskriften %(expected)s.")
                        % {"found": len(cells), "expected": len(names)},
                    )
                )
                continue
            table.rows.append((line, {n: c.strip() for n, c in zip(names, cells, strict=True)}))
    except csv.Error:
        problems.append(Problem(file, reader.line_num, "", _("Linjen kan ikke leses som CSV.")))
    return table


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "ja" if value else "nei"
    return str(value).strip()


def _read_workbook(file: str, content: bytes, problems: list[Problem]) -> dict[str, Table]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        problems.append(Problem(file, 0, "", _("Arbeidsboken kan ikke leses.")))
        return {}
    tables: dict[str, Table] = {}
    for sheet in book.worksheets:
        kind = sheet.title.strip().lower()
        where = f"{file}:{sheet.title}"
        if kind not in KINDS:
            problems.append(Problem(where, 0, "", _unknown_file()))
            continue
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        names = [_cell_text(h).lower() for h in (header or ())]
        while names and not names[-1]:
            names.pop()
        if not _header(kind, where, names, problems):
            continue
        table = Table(kind, where)
        for line, values in enumerate(rows, start=2):
            cells = [_cell_text(v) for v in values][: len(names)]
            cells += [""] * (len(names) - len(cells))
            if any(cells):
                table.rows.append((line, dict(zip(names, cells, strict=True))))
        tables[kind] = table
    book.close()
    return tables


# --- Cells ------------------------------------------------------------------------


def period_message() -> str:
    return _("Perioden kan ikke slutte før eller samme dag som den starter.")


def required(value: str) -> str:
    if not value:
        raise CellError(_("Feltet må fylles ut."))
    return value


def text(value: str, max_length: int, *, needed: bool = False) -> str:
    if needed:
        required(value)
    if len(value) > max_length:
        raise CellError(_("Høyst %(n)s tegn.") % {"n": max_length})
    return value


def yes_no(value: str, default: bool = False) -> bool:
    lowered = value.lower()
    if not lowered:
        return default
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    raise CellError(_("Skriv ja eller nei."))


def date(value: str, *, needed: bool = False) -> datetime.date | None:
    if not value:
        if needed:
            raise CellError(_("Feltet må fylles ut."))
        return None
    for fmt in DATE_FORMATS:
        try:
            day = datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        if not EARLIEST <= day < LATEST:
            raise CellError(
                _("Datoen må ligge mellom %(first)s og %(last)s.")
                % {"first": f"{EARLIEST:%d.%m.%Y}", "last": f"{LATEST:%d.%m.%Y}"}
            )
        return day
    raise CellError(_("Ugyldig dato: skriv ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ."))


def integer(value: str, *, default: int | None = None) -> int:
    if not value and default is not None:
        return default
    try:
        return int(required(value).replace(" ", "").replace("\u00a0", ""))
    except ValueError:
        raise CellError(_("Skriv et heltall.")) from None


def choice(value: str, choices: Mapping[str, str], *, default: str = "") -> str:
    """One of ``choices`` (the file's word -> the stored value)."""
    lowered = value.lower()
    if not lowered:
        return default
    if lowered not in choices:
        raise CellError(_("Velg en av: %(values)s.") % {"values": ", ".join(choices)})
    return choices[lowered]
