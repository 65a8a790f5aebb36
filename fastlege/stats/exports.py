"""CSV, Excel and JSON responses for the statistics tables.

The formats themselves are defined once, in :mod:`fastlege.core.tabular`
(docs/exports.md); this module names the statistics' columns and chooses the
format from the ``format`` parameter: ``csv`` (for Norwegian Excel), ``csv-maskin``
(for programs), ``xlsx`` and ``json`` (code keys).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _

from fastlege.core import tabular
from fastlege.core.tabular import Column
from fastlege.stats.indicators import INDICATORS
from fastlege.stats.models import AreaKind

#: ``format`` values of the downloads (``json`` is answered by the views).
HUMAN_CSV = "csv"
MACHINE_CSV = "csv-maskin"
EXCEL = "xlsx"
FORMATS = (HUMAN_CSV, MACHINE_CSV, EXCEL)

#: One column per indicator, in table order: code key, Norwegian name, decimals.
INDICATOR_COLUMNS: tuple[Column, ...] = tuple(
    Column(i.code, i.name, i.decimals) for i in INDICATORS
)

MONTH = Column("maned", _("Måned"))
AREA_KIND = Column("omradetype", _("Områdetype"), choices=dict(AreaKind.choices))
AREA_CODE = Column("omradekode", _("Områdekode"))
AREA_NAME = Column("omradenavn", _("Område"))
CODE = Column("kode", _("Kode"))
NAME = Column("navn", _("Navn"))


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table(
    fmt: str, columns: Sequence[Column], rows: Sequence[Sequence[Any]], filename: str
) -> HttpResponse | None:
    """The table as a download in ``fmt``, or None for a format that is not a table file."""
    if fmt == HUMAN_CSV:
        return _attachment(tabular.human_csv(columns, rows), tabular.CSV_TYPE, f"{filename}.csv")
    if fmt == MACHINE_CSV:
        return _attachment(
            tabular.machine_csv(columns, rows), tabular.CSV_TYPE, f"{filename}-maskin.csv"
        )
    if fmt == EXCEL:
        return _attachment(
            tabular.xlsx(columns, rows, filename[:31]), tabular.XLSX_TYPE, f"{filename}.xlsx"
        )
    return None


def _default(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


def json_response(data: Any) -> JsonResponse:
    return JsonResponse(
        json.loads(json.dumps(data, default=_default)),
        safe=False,
        json_dumps_params={"ensure_ascii": False},
    )
