"""A dialogue meeting's situation report: the figures are the statistics pages' (one
truth, rendered both ways and compared, for the organiser and for the public), a version
is frozen (later statistics change only a new version), only the meeting's organiser
makes it, and the PDF is a real PDF with the county and the month in it."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fastlege.core.errors import DomainError
from fastlege.core.models import AuditEvent
from fastlege.dialogue.followup import county_followup
from fastlege.dialogue.models_situation import SituationReport
from fastlege.dialogue.selectors_situation import MUNICIPALITY_COLUMNS, minutes_version
from fastlege.dialogue.services import Code
from fastlege.dialogue.services.situation import make_situation_report
from fastlege.dialogue.tests.factories import (
    county_governor,
    meeting,
    ministry,
    municipality_user,
    national_administrator,
)
from fastlege.measures.tests.factories import MALVIK, MELHUS, TRONDHEIM, counts, measure
from fastlege.reference.models import County
from fastlege.stats.models import AreaKind, AreaMonthCount

pytestmark = pytest.mark.django_db

D = datetime.date
MONTH = D(2026, 11, 1)
BEFORE = D(2026, 10, 1)
YEAR_AGO = D(2025, 11, 1)


def county_counts(month: datetime.date, **values: Any) -> AreaMonthCount:
    """Trøndelag's row for ``month`` (the statistics fill's county row, made by hand)."""
    row = counts("5001", month, **values)
    row.kind, row.code = AreaKind.COUNTY, "50"
    row.save()
    return row


def fill_statistics() -> None:
    """Trøndelag's statistics for a year ago, last month and the month, and three of its
    municipalities for the month."""
    for month, gps, unassigned in ((YEAR_AGO, 300, 90), (BEFORE, 310, 120), (MONTH, 305, 3)):
        # unassigned 3 in the month: a small count, hidden in public
        county_counts(
            month,
            gps=gps,
            unassigned=unassigned,
            residents=480_000,
            lists=330,
            lists_with_gp=320,
            on_lists=470_000,
            on_lists_with_gp=455_000,
            ceiling_sum=500_000,
            lists_vacant_over_year=2,
        )
    counts(TRONDHEIM, BEFORE, on_lists_with_gp=8_595, unassigned=100)
    counts(TRONDHEIM, MONTH, on_lists_with_gp=8_100, unassigned=190)
    counts(MELHUS, MONTH, lists_full=10, lists_vacant_over_year=1, unassigned=2)
    counts(MALVIK, MONTH)


@pytest.fixture
def statistics() -> None:
    fill_statistics()


@pytest.fixture
def governor() -> Any:
    return county_governor()


def client_for(user: Any | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


HEADLINE = re.compile(
    r'<div class="headline" data-figure="([^"]+)">.*?<span class="value">([^<]*)</span>', re.S
)


def shown_headlines(html: str) -> dict[str, str]:
    return dict(HEADLINE.findall(html))


@pytest.mark.parametrize("who", ["governor", "public"])
def test_the_report_shows_the_statistics_pages_figures(statistics, governor, who):
    m = meeting(governor)
    report = make_situation_report(governor, m.pk)
    client = client_for(governor if who == "governor" else None)
    stats_url = reverse("stats:county", args=["50"]) + f"?maned={MONTH:%Y-%m}"
    stats_page = client.get(stats_url).content.decode()
    report_page = client.get(
        reverse("dialogue:situation_version", args=[m.pk, report.version])
    ).content.decode()
    on_stats, on_report = shown_headlines(stats_page), shown_headlines(report_page)
    assert len(on_stats) >= 10
    assert on_report == on_stats
    # the JSON of the statistics page: the same values, previous month and year ago
    figures = client.get(stats_url + "&format=json").json()
    data = report.data if who == "governor" else report.public_data
    assert [
        (h["code"], h["value"], h["last_month"], h["last_year"]) for h in data["headlines"]
    ] == [
        (h["indikator"], h["verdi"], h["forrige_maned"], h["i_fjor"]) for h in figures["nokkeltall"]
    ]
    children = {r["code"]: r["values"] for r in figures["underomrader"]}
    for row in data["municipalities"]:
        assert row["values"] == [children[row["code"]][c] for c in MUNICIPALITY_COLUMNS]
    # public: the small counts are hidden, as on the public statistics page
    hidden = on_report["ufordelte"] == ":"
    assert hidden is (who == "public")
    assert ("Kommuner som trenger oppfølging" in report_page) is (who == "governor")


def test_the_report_has_the_follow_up_list_measures_and_signals(statistics, governor):
    measure(TRONDHEIM, status="aktiv", value=200_000)
    measure(MELHUS, status="aktiv", value=500_000)  # far above Trondheim's: a signal
    report = make_situation_report(governor, meeting(governor).pk)
    # the follow-up list's own ranking, without the municipalities that have no alert
    ranked = county_followup(County.objects.get(number="50")).rows
    assert [r["name"] for r in report.data["followup"]] == [r.name for r in ranked if r.score > 0]
    assert {r["name"] for r in report.data["followup"]} == {"Trondheim", "Melhus"}
    assert report.data["followup_quiet"] == len(ranked) - 2
    assert sorted((m["municipality"], m["value"]) for m in report.data["measures"]) == [
        ("Melhus", "500\u00a0000 kroner, engangsbeløp per lege"),
        ("Trondheim", "200\u00a0000 kroner, engangsbeløp per lege"),
    ]
    assert [s["municipality"] for s in report.data["signals"]] == ["Melhus"]
    assert "followup" not in report.public_data
    assert "signals" not in report.public_data


def test_a_version_is_frozen_and_a_new_one_sees_the_change(statistics, governor):
    m = meeting(governor)
    first = make_situation_report(governor, m.pk)
    pdf_before = bytes(first.pdf)
    AreaMonthCount.objects.filter(kind=AreaKind.COUNTY, code="50", month=MONTH).update(gps=250)
    AreaMonthCount.objects.filter(kind=AreaKind.MUNICIPALITY, code=MALVIK).delete()
    first.refresh_from_db()
    gps = {h["code"]: h["value"] for h in first.data["headlines"]}["fastleger"]
    assert gps == 305
    assert bytes(first.pdf) == pdf_before
    page = client_for(governor).get(reverse("dialogue:situation_version", args=[m.pk, 1]))
    assert shown_headlines(page.content.decode())["fastleger"] == "305"
    assert "Malvik" in page.content.decode()

    second = make_situation_report(governor, m.pk)
    assert second.version == 2
    assert {h["code"]: h["value"] for h in second.data["headlines"]}["fastleger"] == 250
    assert "Malvik" not in [r["name"] for r in second.data["municipalities"]]
    assert SituationReport.objects.filter(meeting=m).count() == 2
    # the current version is the newest; the old one says so and links to it
    current = client_for(governor).get(reverse("dialogue:situation", args=[m.pk]))
    assert shown_headlines(current.content.decode())["fastleger"] == "250"
    old = client_for(governor).get(reverse("dialogue:situation_version", args=[m.pk, 1]))
    assert "gjeldende er versjon 2" in old.content.decode()
    assert shown_headlines(old.content.decode())["fastleger"] == "305"  # still what was shown
    first.refresh_from_db()
    assert bytes(first.pdf) == pdf_before
    assert AuditEvent.objects.filter(action="dialogue.situation_report.make").count() == 2


def test_only_the_meetings_organiser_makes_it(statistics, governor):
    m = meeting(governor)
    url = reverse("dialogue:situation_make", args=[m.pk])
    other = county_governor("03")
    with pytest.raises(DomainError) as refused:
        make_situation_report(other, m.pk)
    assert refused.value.code == Code.NOT_AUTHORISED
    assert client_for(other).post(url).status_code == 403
    assert client_for(municipality_user()).post(url).status_code == 403
    assert client_for(None).post(url).status_code == 302  # to the log-in page
    assert client_for(governor).get(url).status_code == 405
    assert not SituationReport.objects.exists()
    response = client_for(governor).post(url)
    assert response.status_code == 302
    assert SituationReport.objects.get().made_by == governor
    assert make_situation_report(national_administrator(), m.pk).version == 2


def test_a_national_meeting_has_no_report(statistics):
    ministry_meeting = meeting(None, county_id=None)
    with pytest.raises(DomainError) as refused:
        make_situation_report(None, ministry_meeting.pk)
    assert refused.value.code == Code.NOT_A_COUNTY_MEETING


def test_without_statistics_nothing_is_made(governor):
    m = meeting(governor)
    response = client_for(governor).post(reverse("dialogue:situation_make", args=[m.pk]))
    assert response.status_code == 302
    assert not SituationReport.objects.exists()


def test_the_public_sees_the_report_only_once_the_meeting_is_published(statistics, governor):
    m = meeting(governor, published=False)
    make_situation_report(governor, m.pk)
    url = reverse("dialogue:situation", args=[m.pk])
    assert client_for(None).get(url).status_code == 404
    assert client_for(county_governor("03")).get(url).status_code == 404
    assert client_for(governor).get(url).status_code == 200
    m.published = True
    m.save()
    page = client_for(None).get(url).content.decode()
    assert "ikke offentlige" in page
    # the ministry reads neither the follow-up list nor the measures: the public rendering
    assert "ikke offentlige" in client_for(ministry()).get(url).content.decode()
    national = client_for(national_administrator()).get(url).content.decode()
    assert "Kommuner som trenger oppfølging" in national
    assert (
        client_for(None).get(reverse("dialogue:situation_pdf", args=[m.pk, 1])).status_code == 200
    )
    assert (
        client_for(None).get(reverse("dialogue:situation_pdf", args=[m.pk, 2])).status_code == 404
    )


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_is_a_pdf_with_the_county_and_the_month(statistics, governor):
    m = meeting(governor)
    make_situation_report(governor, m.pk)
    response = client_for(governor).get(reverse("dialogue:situation_pdf", args=[m.pk, 1]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Trøndelag" in text
    assert "november 2026" in text
    assert "Kommuner som trenger oppfølging" in text
    public = pdf_text(client_for(None).get(response.request["PATH_INFO"]).content)
    assert "Trøndelag" in public and "november 2026" in public
    assert "ikke offentlige" in public


def test_the_minutes_refer_to_the_version_shown_at_the_meeting(statistics, governor):
    m = meeting(governor, date=D(2030, 12, 7))
    shown = make_situation_report(
        governor, m.pk, now=datetime.datetime(2030, 12, 6, 12, 0, tzinfo=datetime.UTC)
    )
    make_situation_report(
        governor, m.pk, now=datetime.datetime(2030, 12, 20, 12, 0, tzinfo=datetime.UTC)
    )
    assert minutes_version(m) == shown
    page = client_for(governor).get(reverse("dialogue:organiser_meeting", args=[m.pk]))
    assert "Referatet viser til versjon 1" in page.content.decode()


def test_the_demo_meeting_gets_its_report_once(statistics):
    from django.core.management import call_command

    call_command("dialogue_demo", stdout=io.StringIO())
    call_command("dialogue_demo", stdout=io.StringIO())
    report = SituationReport.objects.get()
    assert report.meeting.title == "Dialogmøte om fastlegeordningen"
    assert report.county_id == "50" and report.as_of_month == MONTH
    assert report.made_by is None
    # the measures the demo registers are in it, with Melhus' outbidding signal
    assert report.data["measures"]
    assert "Melhus" in [s["municipality"] for s in report.data["signals"]]
