"""The definitions of the indicators, in the application and in docs/indicators.md, are
the registry's (issue 16, item 2)."""

from __future__ import annotations

import io
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fastlege.stats.indicators import INDICATORS

DOC = Path(__file__).resolve().parents[3] / "docs" / "indicators.md"


class Sections(HTMLParser):
    """The text of each <section id=…> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, str] = {}
        self._current: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self._current = dict(attrs).get("id")
            self.sections[self._current or ""] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self.sections[self._current] += data


def test_definitions_page_has_every_indicator_of_the_registry(client):
    response = client.get("/statistikk/definisjoner/")
    assert response.status_code == 200
    page = Sections()
    page.feed(response.content.decode())
    # every indicator, and the section on the live figures of the registry's pages
    assert set(page.sections) == {i.code for i in INDICATORS} | {"fra-registeret", "skjerming"}
    for i in INDICATORS:
        text = page.sections[i.code]
        assert str(i.name) in text, i.code
        assert i.unit in text and i.source in text and str(i.formula_text) in text, i.code
        hidden = "«:»" in text
        # suppression said where it applies: on the counts of people or doctors, and on
        # the figures computed from them (a mean list length gives the list residents)
        assert hidden == (bool(i.suppress_on) or i.code in RESTING_ON_PEOPLE), i.code


#: Figures without counts of their own to suppress on that are computed from a count
#: of people or doctors: list residents (mean list lengths, free places, occupancy,
#: reserve capacity) or GPs (GPs per 1 000).
RESTING_ON_PEOPLE = {
    "listelengde",
    "listelengde_alle",
    "ledige_plasser_netto",
    "ledige_plasser_med_lege",
    "ledige_plasser_per_1000",
    "listebelegg",
    "reservekapasitet",
    "fastleger_per_1000",
}


def test_suppression_names_the_counts():
    from fastlege.stats.definitions import suppression_text
    from fastlege.stats.indicators import BY_CODE

    assert "fastleger" in suppression_text(BY_CODE["andel_kvinner"])
    assert "listeinnbyggere på liste uten fast lege" in suppression_text(BY_CODE["andel_uten_lege"])


def test_docs_list_of_indicators_is_the_registrys():
    """docs/indicators.md carries the list written from the registry; after a change to
    the registry, run ``fastlege stats-indicator-docs``."""
    call_command("stats_indicator_docs", "--sjekk", stdout=io.StringIO())
    from fastlege.stats.definitions import DOC_BEGIN, DOC_END

    doc = DOC.read_text(encoding="utf-8")
    generated = doc[doc.index(DOC_BEGIN) : doc.index(DOC_END)].splitlines()
    for i in INDICATORS:
        line = next(x for x in generated if x.startswith(f"| `{i.code}` |"))
        assert str(i.name) in line and str(i.formula_text) in line and i.source in line


def test_docs_check_fails_when_out_of_date(tmp_path):
    stale = tmp_path / "indicators.md"
    doc = DOC.read_text(encoding="utf-8")
    stale.write_text(doc.replace("| Ufordelte | antall", "| Uten liste | antall"))
    with pytest.raises(CommandError):
        call_command("stats_indicator_docs", "--sjekk", "--fil", str(stale), stdout=io.StringIO())
    call_command("stats_indicator_docs", "--fil", str(stale), stdout=io.StringIO())
    assert stale.read_text(encoding="utf-8") == DOC.read_text(encoding="utf-8")


@pytest.mark.django_db
def test_statistics_pages_link_names_to_their_definitions(client):
    """The headline figures, the table headings and the comparison rows link their
    indicator to its anchor on the definitions page."""
    from fastlege.stats.services import fill_month_from_registry
    from fastlege.stats.tests.test_pages import DEC

    call_command("seed", "--kommune", "5022", "--months", "0", stdout=io.StringIO())

    fill_month_from_registry(None, DEC)
    county = client.get(f"/statistikk/fylke/50/?maned={DEC:%Y-%m}").content.decode()
    for i in INDICATORS:
        assert f'href="/statistikk/definisjoner/#{i.code}"' in county, i.code
    municipality = client.get(f"/statistikk/kommune/5022/?maned={DEC:%Y-%m}").content.decode()
    for i in INDICATORS:  # the comparison table: one row per indicator, its name a link
        assert f'href="/statistikk/definisjoner/#{i.code}">{i.name}</a>' in municipality, i.code
