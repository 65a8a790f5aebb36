"""CSV, Excel and JSON responses for the statistics tables."""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse, JsonResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_response(
    header: Sequence[str], rows: Sequence[Sequence[Any]], filename: str
) -> HttpResponse:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    response = HttpResponse("\ufeff" + buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(
    header: Sequence[str], rows: Sequence[Sequence[Any]], filename: str
) -> HttpResponse:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(filename[:31])
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


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


def table(
    fmt: str, header: Sequence[str], rows: Sequence[Sequence[Any]], filename: str
) -> HttpResponse | None:
    if fmt == "csv":
        return csv_response(header, rows, filename)
    if fmt == "xlsx":
        return xlsx_response(header, rows, filename)
    return None
