"""Tables as files: the one definition of each download format (docs/exports.md).

Every CSV and Excel file the system writes goes through this module, so a table
reads the same in every app:

* **Human CSV** (``human_csv``), for Norwegian Excel: UTF-8 with a byte order mark
  (Excel then reads æ, ø, å), ``;`` between cells, decimal comma (``882,5``), no
  thousands separator (Excel would read «1 234» as text), Norwegian column labels,
  yes/no as «ja»/«nei», times as ``dd.mm.åååå tt:mm``.
* **Machine CSV** (``machine_csv``), for programs: UTF-8 without a byte order mark,
  ``,`` between cells, decimal point, the columns' code keys as header, yes/no as
  ``true``/``false``, ISO dates.
* **Excel** (``xlsx``): Norwegian labels, numbers as number cells with a number
  format (``# ##0`` or ``0,0`` in a Norwegian Excel), dates as date cells.

Numbers are written as they are given: rounding is the caller's (the statistics
round half up in ``fastlege.stats.rounding`` before a figure reaches a file). A
text cell starting with ``=``, ``+``, ``-``, ``@`` or a tab is prefixed with ``'``
so that a spreadsheet never runs it as a formula (CSV injection).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise

#: Content types of the formats.
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

BOM = "\ufeff"
HUMAN_DELIMITER = ";"
MACHINE_DELIMITER = ","
HUMAN_DATE = "%d.%m.%Y"
HUMAN_DATETIME = "%d.%m.%Y %H:%M"


@dataclass(frozen=True)
class Column:
    """One column: ``key`` for programs (machine CSV), ``label`` for people (human CSV,
    Excel); ``decimals`` for the Excel number format of a numeric column (``None``:
    integers, or the decimals the value holds); ``choices``: a code value → the
    Norwegian text people read in its place (programs get the code)."""

    key: str
    label: str | Promise
    decimals: int | None = None
    choices: Mapping[str, str | Promise] | None = None

    def for_people(self, value: Any) -> Any:
        """``value`` as people read it: a code of ``choices`` becomes its text."""
        if self.choices is not None and isinstance(value, str) and value in self.choices:
            return str(self.choices[value])
        return value


def decimal_comma(value: int | float | Decimal, group: str = "") -> str:
    """A number as Norwegians write it: decimal comma, ``group`` between thousands.

    The value is shown with the decimals it holds (a float by its shortest text:
    ``0.1`` → «0,1», never «0,1000000000000000055»); it is not rounded here.
    """
    shown = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    text = f"{shown:,f}" if group else f"{shown:f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", group)


def safe_text(value: str) -> str:
    """Neutralise a spreadsheet formula in text (CSV/formula injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


def _human(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, (int, float, Decimal)):
        return decimal_comma(value)
    if isinstance(value, datetime.datetime):
        return f"{_local(value):{HUMAN_DATETIME}}"
    if isinstance(value, datetime.date):
        return f"{value:{HUMAN_DATE}}"
    return safe_text(str(value))


def _machine(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (int, Decimal)):
        return f"{value:f}" if isinstance(value, Decimal) else str(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return safe_text(str(value))


def _write(header: Sequence[str], rows: Iterable[Sequence[Any]], delimiter: str, cell: Any) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([cell(v) for v in row] for row in rows)
    return buf.getvalue()


def _for_people(columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> Iterable[list[Any]]:
    mapped = [c for c in columns if c.choices is not None]
    for row in rows:
        if mapped:
            yield [c.for_people(v) for c, v in zip(columns, row, strict=True)]
        else:
            yield list(row)


def human_csv(columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> bytes:
    """The table for Norwegian Excel (module docstring)."""
    labels = [safe_text(str(c.label)) for c in columns]
    return (BOM + _write(labels, _for_people(columns, rows), HUMAN_DELIMITER, _human)).encode(
        "utf-8"
    )


def machine_csv(columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> bytes:
    """The table for programs (module docstring)."""
    return _write([c.key for c in columns], rows, MACHINE_DELIMITER, _machine).encode("utf-8")


def _number_format(value: int | float | Decimal, decimals: int | None) -> str:
    if decimals is None:
        if isinstance(value, int):
            decimals = 0
        else:
            exponent = Decimal(repr(value) if isinstance(value, float) else value).as_tuple()
            decimals = max(0, -int(exponent.exponent))
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def xlsx(
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    sheet: str,
    *,
    title: str = "",
    widths: Sequence[int] = (),
) -> bytes:
    """The table as an Excel workbook of one sheet: an optional ``title`` line, the
    labels, then the rows; numbers and dates are real cells with a format."""
    from openpyxl import Workbook  # noqa: PLC0415
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415
    from openpyxl.styles import Font  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    book = Workbook(write_only=True)
    ws = book.create_sheet(safe_text(sheet)[:31] or "Ark1")
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    if title:
        ws.append([safe_text(title)])
    header = []
    for c in columns:
        cell = WriteOnlyCell(ws, value=safe_text(str(c.label)))
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for row in _for_people(columns, rows):
        out: list[Any] = []
        for column, value in zip(columns, row, strict=True):
            if value is None:
                out.append(None)
            elif isinstance(value, bool):
                out.append("ja" if value else "nei")
            elif isinstance(value, (int, float, Decimal)):
                number = float(value) if isinstance(value, Decimal) else value
                cell = WriteOnlyCell(ws, value=number)
                cell.number_format = _number_format(value, column.decimals)
                out.append(cell)
            elif isinstance(value, datetime.datetime):
                cell = WriteOnlyCell(ws, value=_local(value))
                cell.number_format = "dd.mm.yyyy hh:mm"
                out.append(cell)
            elif isinstance(value, datetime.date):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = "dd.mm.yyyy"
                out.append(cell)
            else:
                out.append(safe_text(str(value)))
        ws.append(out)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
