"""The statistics downloads open correctly in a Norwegian spreadsheet (issue 16, item 7):
read back with the csv module and openpyxl, as Excel and a program would read them."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from fastlege.stats.indicators import INDICATORS
from fastlege.stats.models import AreaKind, AreaMonthCount

pytestmark = pytest.mark.django_db

JAN = datetime.date(2026, 1, 1)
URL = "/statistikk/eksport/?omrade=kommune&format="


@pytest.fixture
def rennebu():
    """Rennebu (5022) in January 2026 with counts chosen by hand: 80 list residents of
    whom 57 on lists with a GP, so the share without a GP is 23 / 80 × 100 = 28.75 %,
    published half up with one decimal as 28.8; 6 GPs; 2 unassigned (hidden in public)."""
    AreaMonthCount.objects.create(
        month=JAN,
        kind=AreaKind.MUNICIPALITY,
        code="5022",
        gps=6,
        lists=6,
        lists_with_gp=6,
        on_lists=80,
        on_lists_with_gp=57,
        ceiling_sum=9000,
        ceiling_sum_with_gp=9000,
        residents=2500,
        unassigned=2,
    )


def _column(header: list, label: str) -> int:
    return header.index(label)


def test_csv_for_norwegian_excel(client: Client, rennebu: None) -> None:
    response = client.get(URL + "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())  # BOM: Excel reads UTF-8
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].count(";") == 4 + len(INDICATORS) - 1
    header, row = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert header[:4] == ["Måned", "Områdetype", "Områdekode", "Område"]
    assert "Andel listeinnbyggere uten fast lege" in header and "andel_uten_lege" not in header
    assert row[:4] == ["2026-01", "kommune", "5022", "Rennebu"]
    assert row[_column(header, "Andel listeinnbyggere uten fast lege")] == "28,8"
    assert row[_column(header, "Fastleger")] == "6"
    assert row[_column(header, "Sum listetak (kapasitet)")] == "9000"  # no thousands space
    assert row[_column(header, "Ufordelte")] == ":"  # the suppression mark, not 2


def test_machine_csv_for_programs(client: Client, rennebu: None) -> None:
    response = client.get(URL + "csv-maskin")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "maskin" in response["Content-Disposition"]
    assert not response.content.startswith("\ufeff".encode())
    header, row = list(csv.reader(io.StringIO(response.content.decode()), delimiter=","))
    assert header == ["maned", "omradetype", "omradekode", "omradenavn"] + [
        i.code for i in INDICATORS
    ]
    line = dict(zip(header, row, strict=True))
    assert line["omradekode"] == "5022" and line["omradenavn"] == "Rennebu"
    assert line["andel_uten_lege"] == "28.8"
    assert line["fastleger"] == "6"
    assert line["ufordelte"] == ":"


def test_excel_has_number_cells_with_formats(client: Client, rennebu: None) -> None:
    response = client.get(URL + "xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    cells = {label: cell for label, cell in zip(header, sheet[2], strict=True)}
    assert cells["Områdekode"].value == "5022" and cells["Område"].value == "Rennebu"
    share = cells["Andel listeinnbyggere uten fast lege"]
    assert share.data_type == "n" and share.value == 28.8
    assert share.number_format == "#,##0.0"  # «28,8» in a Norwegian Excel
    gps = cells["Fastleger"]
    assert gps.data_type == "n" and gps.value == 6 and gps.number_format == "#,##0"
    assert cells["Ufordelte"].value == ":"


def test_logged_in_national_user_gets_the_hidden_count(client: Client, rennebu: None) -> None:
    from fastlege.accounts.models import Role
    from fastlege.registry.tests.factories import user_with

    client.force_login(user_with(Role.NATIONAL))
    header, row = list(
        csv.reader(io.StringIO(client.get(URL + "csv").content.decode("utf-8-sig")), delimiter=";")
    )
    assert row[_column(header, "Ufordelte")] == "2"


def test_old_and_unknown_formats(client: Client, rennebu: None) -> None:
    assert client.get("/statistikk/eksport/?omrade=kommune").status_code == 200  # csv
    assert client.get(URL + "pdf").status_code == 404


def test_size_group_export_names_the_kind_and_the_group(client: Client) -> None:
    AreaMonthCount.objects.create(month=JAN, kind=AreaKind.SIZE, code="3", lists=1)
    text = client.get("/statistikk/eksport/?omrade=storrelse&format=csv").content
    header, row = list(csv.reader(io.StringIO(text.decode("utf-8-sig")), delimiter=";"))
    assert row[1:4] == ["kommunestørrelse", "3", "Kommuner med 2 000–9 999 innbyggere"]
    text = client.get("/statistikk/eksport/?omrade=storrelse&format=csv-maskin").content
    header, row = list(csv.reader(io.StringIO(text.decode())))
    assert row[1:4] == ["storrelse", "3", "Kommuner med 2 000–9 999 innbyggere"]
