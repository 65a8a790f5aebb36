"""The download formats (fastlege.core.tabular), cell by cell, read back as a
spreadsheet and a program read them."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from fastlege.core.tabular import Column, decimal_comma, human_csv, machine_csv, xlsx

COLUMNS = [
    Column("navn", "Navn"),
    Column("andel", "Andel (prosent)", 1),
    Column("antall", "Antall"),
    Column("apen", "Åpen"),
    Column("dato", "Dato"),
]
OSLO = ZoneInfo("Europe/Oslo")
# 23:30 UTC on 31 December is 00:30 on 1 January in Norway
WHEN = datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC)
ROWS: list[list[Any]] = [
    ["Åfjord", 28.8, 12345, True, WHEN],
    ['=HYPERLINK("x")', Decimal("-2.50"), -3, False, datetime.date(2026, 1, 2)],
    ["Tom", None, None, None, None],
]


def test_decimal_comma_shows_the_decimals_it_holds():
    assert decimal_comma(882.5) == "882,5"
    assert decimal_comma(0.1) == "0,1"
    assert decimal_comma(Decimal("-2.50")) == "-2,50"
    assert decimal_comma(1234567, group=" ") == "1 234 567"
    assert decimal_comma(1234.25, group="\u00a0") == "1\u00a0234,25"


def test_human_csv(settings):
    settings.TIME_ZONE = "Europe/Oslo"
    data = human_csv(COLUMNS, ROWS)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["Navn", "Andel (prosent)", "Antall", "Åpen", "Dato"],
        ["Åfjord", "28,8", "12345", "ja", "01.01.2026 00:30"],
        ['\'=HYPERLINK("x")', "-2,50", "-3", "nei", "02.01.2026"],
        ["Tom", "", "", "", ""],
    ]


def test_machine_csv():
    data = machine_csv(COLUMNS, ROWS)
    assert not data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode()), delimiter=","))
    assert rows[0] == ["navn", "andel", "antall", "apen", "dato"]
    assert rows[1] == ["Åfjord", "28.8", "12345", "true", "2025-12-31T23:30:00+00:00"]
    assert rows[2][1:] == ["-2.50", "-3", "false", "2026-01-02"]


def test_xlsx_writes_numbers_and_dates_as_cells(settings):
    settings.TIME_ZONE = "Europe/Oslo"
    sheet = load_workbook(io.BytesIO(xlsx(COLUMNS, ROWS, "Ark", title="Tittel"))).active
    assert sheet["A1"].value == "Tittel"
    assert [c.value for c in sheet[2]] == [str(c.label) for c in COLUMNS]
    share, count, is_open, when = sheet["B3"], sheet["C3"], sheet["D3"], sheet["E3"]
    assert share.data_type == "n" and share.value == 28.8 and share.number_format == "#,##0.0"
    assert count.data_type == "n" and count.value == 12345 and count.number_format == "#,##0"
    assert is_open.value == "ja"
    assert when.is_date and when.value == datetime.datetime(2026, 1, 1, 0, 30)
    assert sheet["A4"].value == '\'=HYPERLINK("x")' and sheet["A4"].data_type == "s"
    assert sheet["B4"].value == -2.5 and sheet["C4"].number_format == "#,##0"
    assert sheet["B5"].value is None


def test_codes_with_choices_are_text_for_people_and_codes_for_programs():
    columns = [Column("type", "Type", choices={"storrelse": "kommunestørrelse"})]
    rows = [["storrelse"], ["ukjent"]]
    human = list(csv.reader(io.StringIO(human_csv(columns, rows).decode("utf-8-sig"))))
    assert human == [["Type"], ["kommunestørrelse"], ["ukjent"]]
    machine = list(csv.reader(io.StringIO(machine_csv(columns, rows).decode())))
    assert machine == [["type"], ["storrelse"], ["ukjent"]]
    sheet = load_workbook(io.BytesIO(xlsx(columns, rows, "Ark"))).active
    assert sheet["A2"].value == "kommunestørrelse"
