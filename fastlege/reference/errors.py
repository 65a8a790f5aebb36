"""Refusals of the reference data's importers: a stable code, Norwegian and English.

The import of a published table (:mod:`fastlege.reference.ssb`) is refused as a whole
when the file is not a JSON-stat 2 dataset of a known table, or when any cell is bad;
each bad cell is a :class:`Problem` with its position in the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, NoReturn

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fastlege.core.errors import CodedError


class Code(StrEnum):
    JSONSTAT_NOT_JSON = "jsonstat_not_json"
    JSONSTAT_STRUCTURE = "jsonstat_structure"
    SSB_UNKNOWN_TABLE = "ssb_unknown_table"
    SSB_NO_DIMENSION = "ssb_no_dimension"
    SSB_EXTRA_DIMENSION = "ssb_extra_dimension"
    SSB_BAD_CELLS = "ssb_bad_cells"
    # one cell or category (a Problem)
    CELL_NOT_NUMBER = "cell_not_number"
    CELL_NEGATIVE = "cell_negative"
    CELL_NOT_WHOLE = "cell_not_whole"
    CELL_DECIMALS = "cell_decimals"
    CELL_TOO_LARGE = "cell_too_large"
    BAD_YEAR = "bad_year"


MESSAGES: dict[Code, tuple[Promise, str]] = {
    Code.JSONSTAT_NOT_JSON: (
        _("Filen er ikke gyldig JSON (UTF-8)."),
        "The file is not valid JSON (UTF-8).",
    ),
    Code.JSONSTAT_STRUCTURE: (
        _("Filen er ikke et JSON-stat 2-datasett: %(reason)s."),
        "The file is not a JSON-stat 2 dataset: %(reason)s.",
    ),
    Code.SSB_UNKNOWN_TABLE: (
        _("Filen er ikke SSB-tabell 12005 eller 07459 (fant «%(table)s»)."),
        "The file is not SSB table 12005 or 07459 (found '%(table)s').",
    ),
    Code.SSB_NO_DIMENSION: (
        _("Tabellen mangler dimensjonen for %(what)s."),
        "The table has no dimension for %(what)s.",
    ),
    Code.SSB_EXTRA_DIMENSION: (
        _(
            "Dimensjonen %(dimension)s har %(n)s kategorier; last ned tabellen med "
            "bare summen for den."
        ),
        "The dimension %(dimension)s has %(n)s categories; download the table with its total only.",
    ),
    Code.SSB_BAD_CELLS: (
        _("%(n)s feil i filen; ingenting er lagret."),
        "%(n)s errors in the file; nothing was stored.",
    ),
    Code.CELL_NOT_NUMBER: (
        _("verdien %(value)s er ikke et tall"),
        "the value %(value)s is not a number",
    ),
    Code.CELL_NEGATIVE: (
        _("verdien %(value)s er negativ"),
        "the value %(value)s is negative",
    ),
    Code.CELL_NOT_WHOLE: (
        _("verdien %(value)s er ikke et helt tall"),
        "the value %(value)s is not a whole number",
    ),
    Code.CELL_DECIMALS: (
        _("verdien %(value)s har flere enn %(decimals)s desimaler"),
        "the value %(value)s has more than %(decimals)s decimals",
    ),
    Code.CELL_TOO_LARGE: (
        _("verdien %(value)s er for stor (høyst %(limit)s)"),
        "the value %(value)s is too large (at most %(limit)s)",
    ),
    Code.BAD_YEAR: (
        _("«%(value)s» er ikke et årstall"),
        "'%(value)s' is not a year",
    ),
}


class ReferenceDataError(CodedError):
    MESSAGES: ClassVar[dict[Any, tuple[Any, str]]] = MESSAGES

    def __init__(self, code: StrEnum, params: dict[str, Any] | None = None) -> None:
        super().__init__(code, params)
        self.problems: list[Problem] = []


def refuse(code: Code, **params: Any) -> NoReturn:
    raise ReferenceDataError(code, params or None)


@dataclass(frozen=True)
class Problem:
    """A bad cell (or category) of an imported file: where it is and what is wrong."""

    code: Code
    position: int | None  # the cell's place in the file's ``value`` (0-based)
    where: str  # the cell's categories, e.g. "region 5001, KOSantallavtaler0002, 2025"
    params: dict[str, Any]

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code][0]) % self.params

    @property
    def english(self) -> str:
        return MESSAGES[self.code][1] % self.params

    def __str__(self) -> str:
        at = f"verdi nr. {self.position}" if self.position is not None else ""
        return ": ".join(p for p in (at, self.where, self.message) if p)
