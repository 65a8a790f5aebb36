"""Reading the statistics as a user gets them — the rendered pages and the downloaded
exports — and the KOSTRA file as SSB publishes it (shared by the KOSTRA test and the
history test). Nothing here computes or rounds a figure: it only parses text."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

from django.test import Client
from openpyxl import load_workbook

from fastlege.reference.models import Municipality
from fastlege.stats.indicators import INDICATORS
from fastlege.stats.selectors import SUPPRESSED

KOSTRA_FILE = (
    Path(__file__).resolve().parents[2] / "reference" / "data" / "fastlege_kommune_2025.csv"
)
MONTH = "2025-12"  # the statistics month whose figures are the lists on 31.12.2025
DEC_2025 = datetime.date(2025, 12, 1)

#: KOSTRA's column → the indicator code the pages and exports show it under.
#: Not compared: «gjsn_listelengde_korr_kommunale_timer» (needs the municipalities'
#: own GP hours, not in the registry) and «kapasitet_beregnet» (SSB's computed
#: capacity, whose rule is not published with the table); docs/indicators.md.
KOSTRA_COLUMNS = {
    "fastlegeavtaler": "lister_med_lege",
    "lister_uten_fast_lege": "lister_uten_lege",
    "lister_totalt": "lister",
    "pasienter_liste_med_lege": "listeinnbyggere_med_lege",
    "pasienter_liste_uten_lege": "listeinnbyggere_uten_lege",
    "andel_pasienter_liste_uten_lege_pst": "andel_uten_lege",
    "aapne_lister": "apne_lister",
    "gjsn_listelengde": "listelengde",
    "kvinnelige_fastleger": "kvinnelige_fastleger",
    "andel_kvinnelige_fastleger_pst": "andel_kvinner",
    "kapasitet": "sum_listetak",
    "reservekapasitet": "reservekapasitet",
}

Figures = dict[str, dict[str, Decimal | None]]  # municipality -> indicator code -> figure


def kostra(numbers: set[str] | None = None, county: str | None = None) -> Figures:
    """The published figures, as written in SSB's file."""
    out: Figures = {}
    with KOSTRA_FILE.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            number = row["kommunenummer"]
            if (numbers and number in numbers) or (county and number.startswith(county)):
                out[number] = {
                    code: Decimal(row[column]) if row[column] != "" else None
                    for column, code in KOSTRA_COLUMNS.items()
                }
    return out


def page_number(text: str) -> Decimal | None:
    """A figure as the pages write it: «1 027», «26,2», «–» (none)."""
    text = text.strip()
    if text in ("–", SUPPRESSED):  # none, or hidden: a difference wherever KOSTRA has one
        return None
    return Decimal(text.replace("\u00a0", "").replace(" ", "").replace("−", "-").replace(",", "."))


def human_number(text: str) -> Decimal | None:
    """A figure in the CSV for Norwegian Excel: decimal comma, never a point."""
    if text in ("", SUPPRESSED):
        return None
    assert "." not in text and " " not in text, text
    return Decimal(text.replace(",", "."))


def machine_number(text: str) -> Decimal | None:
    """A figure in the CSV for programs: decimal point, never a comma."""
    if text in ("", SUPPRESSED):
        return None
    assert "," not in text, text
    return Decimal(text)


def excel_number(value: object) -> Decimal | None:
    """A figure in the Excel file: a number cell (text only for the suppression mark)."""
    if value is None or value == SUPPRESSED:
        return None
    assert isinstance(value, (int, float)) and not isinstance(value, bool), value
    return Decimal(str(value))


class Tables(HTMLParser):
    """Every table of a page: rows of cells, each (text, links in it)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[tuple[str, list[str]]]]] = []
        self._cell: list[str] | None = None
        self._links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell, self._links = [], []
        elif tag == "a" and self._cell is not None:
            self._links.append(dict(attrs).get("href") or "")

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(("".join(self._cell), self._links))
            self._cell = None


def tables_of(client: Client, url: str) -> list[list[list[tuple[str, list[str]]]]]:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = Tables()
    parser.feed(response.content.decode())
    return parser.tables


def from_county_page(client: Client, county: str) -> Figures:
    """The county page's table: a row per municipality, a column per indicator (the
    column's code is in its sort link)."""
    tables = tables_of(client, f"/statistikk/fylke/{county}/?maned={MONTH}")
    table = next(t for t in tables if any("sorter=listelengde" in h for _t, hs in t[0] for h in hs))
    codes = [hs[0].split("sorter=")[1].split("&")[0] for _t, hs in table[0][1:]]
    out: Figures = {}
    for row in table[1:]:
        number = row[0][1][0].rstrip("/").rsplit("/", 1)[1]
        out[number] = {c: page_number(text) for c, (text, _l) in zip(codes, row[1:], strict=True)}
    return out


def from_municipality_page(client: Client, number: str, names: dict[str, str]) -> dict:
    """The municipality page's comparison table: a row per indicator (by its name), the
    municipality's own figure in the first column."""
    tables = tables_of(client, f"/statistikk/kommune/{number}/?maned={MONTH}")
    table = next(t for t in tables if t[0][0][0] == "Indikator")
    return {names[row[0][0]]: page_number(row[1][0]) for row in table[1:] if row[0][0] in names}


def from_export(client: Client, fmt: str) -> Figures:
    """The full export of every municipality and month, as downloaded: ``csv`` (for
    Norwegian Excel: BOM, «;», decimal comma, the indicators' Norwegian names as
    labels), ``csv-maskin`` (for programs: «,», decimal point, code keys) or ``xlsx``
    (Norwegian labels, number cells). The name of each municipality stands next to
    its code."""
    response = client.get(f"/statistikk/eksport/?omrade=kommune&format={fmt}")
    assert response.status_code == 200
    labels = {str(i.name): i.code for i in INDICATORS}
    parse = excel_number
    if fmt == "csv":
        assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
        text = response.content.decode("utf-8-sig")
        rows: list[list] = list(csv.reader(io.StringIO(text), delimiter=";"))
        parse = human_number  # type: ignore[assignment]
    elif fmt == "csv-maskin":
        assert not response.content.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")), delimiter=","))
        labels = {i.code: i.code for i in INDICATORS}
        parse = machine_number  # type: ignore[assignment]
    else:
        rows = [list(r) for r in load_workbook(io.BytesIO(response.content)).active.values]
    header = rows[0]
    first = ["maned", "omradetype", "omradekode", "omradenavn"]
    if fmt != "csv-maskin":
        first = ["Måned", "Områdetype", "Områdekode", "Område"]
    assert header[:4] == first and set(header[4:]) == set(labels), header
    names = municipality_names()
    out: Figures = {}
    for row in rows[1:]:
        month, _kind, number, name, *values = row
        assert name == names[number], (number, name)
        if month == MONTH:
            out[number] = {labels[h]: parse(v) for h, v in zip(header[4:], values, strict=True)}
    return out


def municipality_names() -> dict[str, str]:
    return dict(Municipality.objects.values_list("number", "name"))


def differences(published: Figures, shown: Figures) -> dict[str, dict[str, tuple]]:
    """Per municipality, the figures that differ from KOSTRA: (shown, published)."""
    out = {}
    for number, figures in published.items():
        mine = shown.get(number, {})
        wrong = {
            code: (mine.get(code), value)
            for code, value in figures.items()
            if value is not None and mine.get(code) != value
        }
        if wrong:
            out[number] = wrong
    return out


def indicator_names(client: Client, county: str) -> dict[str, str]:
    """Indicator name → code, from the county table's header (name text, sort link)."""
    tables = tables_of(client, f"/statistikk/fylke/{county}/?maned={MONTH}")
    table = next(t for t in tables if any("sorter=listelengde" in h for _t, hs in t[0] for h in hs))
    # a heading: the name (its sort link), then «ⓘ» (the link to its definition)
    return {
        text.removesuffix("ⓘ").strip(): hs[0].split("sorter=")[1].split("&")[0]
        for text, hs in table[0][1:]
    }


def assert_shown_as_published(client: Client, published: Figures, county: str) -> None:
    wrong = {
        "county page": differences(published, from_county_page(client, county)),
        "CSV": differences(published, from_export(client, "csv")),
        "machine CSV": differences(published, from_export(client, "csv-maskin")),
        "Excel": differences(published, from_export(client, "xlsx")),
    }
    names = indicator_names(client, county)
    pages = {n: from_municipality_page(client, n, names) for n in published}
    wrong["municipality pages"] = differences(published, pages)
    assert wrong == {
        "county page": {},
        "CSV": {},
        "machine CSV": {},
        "Excel": {},
        "municipality pages": {},
    }
