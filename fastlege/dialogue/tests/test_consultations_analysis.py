"""The organiser's analysis of a consultation (counts by theme, kind of sender and
county) and the exports of all answers (CSV, Excel, Word), which must agree."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pytest
from django.urls import reverse

from fastlege.core.models import AuditEvent
from fastlege.dialogue import selectors_consultations, services
from fastlege.dialogue.services import Code, DialogueError
from fastlege.dialogue.tests.factories import county_governor, ministry
from fastlege.dialogue.tests.test_consultations_phases import DURING, answer, opened
from fastlege.reference.models import County, Municipality

pytestmark = pytest.mark.django_db


def places() -> None:
    for number, name in (("50", "Trøndelag"), ("18", "Nordland"), ("46", "Vestland")):
        County.objects.get_or_create(number=number, defaults={"name": name, "official_name": name})
    for number, name, county in (
        ("5001", "Trondheim", "50"),
        ("5006", "Steinkjer", "50"),
        ("1804", "Bodø", "18"),
    ):
        Municipality.objects.get_or_create(
            number=number,
            defaults={"name": name, "official_name": name, "county_id": county},
        )


# kind, municipality, county given, themes, text
SENDERS = [
    ("kommune", "5001", "", ["ALIS"], "Trondheim: ALIS med fast lønn."),
    ("kommune", "5006", "", ["ALIS", "Finansiering"], "Steinkjer: høyere basistilskudd."),
    ("kommune", "1804", "", ["Finansiering"], "Bodø: kortere lister."),
    ("stat", "", "46", [], "Statsforvalteren i Vestland: små kommuner trenger hjelp."),
    ("organisasjon", "", "", ["Finansiering"], "Legeforeningen: bedre finansiering."),
    ("privatperson", "", "", [], "Jeg mangler fastlege."),
]


@pytest.fixture
def filled():
    places()
    hod = ministry()
    c = opened(hod)
    themes = {t.name: t.pk for t in c.themes.all()}
    first = c.sections.get(number=1)
    for n, (kind, municipality, county, chosen, text) in enumerate(SENDERS, start=1):
        services.submit(
            None,
            c.pk,
            answer(
                c,
                n,
                submitter_kind=kind,
                municipality_id=municipality or None,
                county_id=county or None,
                theme_ids=[themes[t] for t in chosen],
                text=text,
                section_comments={first.pk: f"Kommentar {n} til punkt 1."} if n <= 2 else {},
            ),
            now=DURING,
        )
    return c, hod


def test_a_municipality_answer_counts_for_its_county_and_a_bad_one_is_refused(filled):
    c, _hod = filled
    row = c.submissions.get(municipality_id="1804")
    assert row.county_id == "18"
    with pytest.raises(DialogueError) as caught:
        services.submit(None, c.pk, answer(c, 9, municipality_id="9999"), now=DURING)
    assert caught.value.code == Code.UNKNOWN_MUNICIPALITY


def test_counts_by_theme_kind_and_county_equal_a_count_of_the_senders(filled):
    c, hod = filled
    result = selectors_consultations.analysis(hod, c)
    county_of = {"5001": "Trøndelag", "5006": "Trøndelag", "1804": "Nordland"}
    names = {"46": "Vestland"}
    expected_county = Counter(
        county_of.get(m) or names.get(g) or "uten fylke" for _k, m, g, _t, _x in SENDERS
    )
    expected_theme = Counter(t for *_a, chosen, _x in SENDERS for t in chosen)
    expected_theme["uten tema"] = sum(1 for *_a, chosen, _x in SENDERS if not chosen)
    expected_kind = Counter(k for k, *_rest in SENDERS)
    assert result.total == len(SENDERS)
    assert dict(result.by_county) == dict(expected_county)
    assert dict(result.by_theme) == dict(expected_theme)
    labels = {
        "kommune": "kommune (kommuneoverlege, leder)",
        "stat": "statlig myndighet (Statsforvalteren, Helsedirektoratet, departementet)",
        "organisasjon": "organisasjon (KS, Legeforeningen, annen)",
        "privatperson": "privatperson",
    }
    assert dict(result.by_kind) == {labels[k]: n for k, n in expected_kind.items()}
    # the page shows the same tables, for the organiser only
    with pytest.raises(DialogueError):
        selectors_consultations.analysis(county_governor(), c)


def test_the_analysis_page_shows_the_tables(client, filled):
    c, hod = filled
    client.force_login(hod)
    html = client.get(reverse("dialogue:consultation_analysis", args=[c.pk])).content.decode()
    assert "Svar etter fylke" in html
    assert '<th scope="row">Trøndelag</th><td class="num">2</td>' in html
    assert '<th scope="row">Finansiering</th><td class="num">3</td>' in html
    client.force_login(county_governor())
    url = reverse("dialogue:consultation_analysis", args=[c.pk])
    assert client.get(url).status_code == 403


def test_csv_excel_and_word_hold_the_same_answers(client, filled):
    from docx import Document
    from openpyxl import load_workbook

    c, hod = filled
    client.force_login(hod)
    csv_response = client.get(reverse("dialogue:consultation_answers", args=[c.pk, "csv"]))
    xlsx_response = client.get(reverse("dialogue:consultation_answers", args=[c.pk, "xlsx"]))
    docx_response = client.get(reverse("dialogue:consultation_export", args=[c.pk, "docx"]))
    for r in (csv_response, xlsx_response, docx_response):
        assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    csv_rows = list(
        csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig")), delimiter=";")
    )
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    xlsx_rows = [
        [("" if v is None else v) for v in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert xlsx_rows[0][0] == c.title  # the title line, then the same table as the CSV
    assert csv_rows[0] == xlsx_rows[1]
    header = csv_rows[0]
    text_col, kind_col, county_col = (
        header.index("Innspill"),
        header.index("Innsendertype"),
        header.index("Fylke"),
    )
    from_csv = sorted(r[text_col] for r in csv_rows[1:])
    from_xlsx = sorted(r[text_col] for r in xlsx_rows[2:])
    assert from_csv == from_xlsx == sorted(text for *_a, text in SENDERS)
    assert sorted(r[county_col] for r in csv_rows[1:]) == sorted(
        r[county_col] for r in xlsx_rows[2:]
    )
    assert [r[kind_col] for r in csv_rows[1:]] == [r[kind_col] for r in xlsx_rows[2:]]
    comments = header.index("Kommentarer til punkter")
    assert csv_rows[1][comments] == "1. Bakgrunn: Kommentar 1 til punkt 1."
    word = "\n".join(
        [p.text for p in Document(io.BytesIO(docx_response.content)).paragraphs]
        + [
            cell.text
            for table in Document(io.BytesIO(docx_response.content)).tables
            for row in table.rows
            for cell in row.cells
        ]
    )
    for *_a, text in SENDERS:
        assert text in word
    assert "Kommentar 2 til punkt 1." in word and "Etter fylke" in word
    assert AuditEvent.objects.filter(actor=hod, action="dialogue.submissions.read").count() >= 3
