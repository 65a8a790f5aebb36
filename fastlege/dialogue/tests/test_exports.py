"""Calendar and participant exports read back with the libraries that open them."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.utils import timezone

from fastlege.dialogue import exports, selectors, services
from fastlege.dialogue.tests.factories import at, county_governor, meeting, registration

pytestmark = pytest.mark.django_db


def test_the_calendar_file_has_the_meeting_in_oslo_time_with_its_programme():
    import icalendar

    m = meeting(None, "09:00-09:10 Velkommen | Fylkeslege Jan Vaage\n09:10-12:00 Dialog",
                place="Teams", video_link="https://teams.example.no/mote")  # fmt: skip
    cal = icalendar.Calendar.from_ical(exports.meeting_ics(m, "https://fastlege.example/x"))
    (event,) = cal.walk("VEVENT")
    start = event.decoded("dtstart")
    assert start == datetime.datetime(2030, 12, 7, 9, 0, tzinfo=start.tzinfo)
    assert str(start.tzinfo) == "Europe/Oslo"
    assert event.decoded("dtend").hour == 12
    assert str(event["summary"]) == "Dialogmøte om fastlegeordningen"
    assert str(event["location"]) == "Teams"
    description = str(event["description"])
    assert "09:00–09:10 Velkommen (Fylkeslege Jan Vaage)" in description
    assert "https://teams.example.no/mote" in description
    assert str(event["uid"]) == f"meeting-{m.pk}@fastlege"


def test_participants_as_csv_and_excel():
    from openpyxl import load_workbook

    governor = county_governor()
    m = meeting(governor, capacity=1)
    services.register(None, m.pk, registration(m.pk, 1, dietary_needs="vegetar"),
                      now=at(2030, 11, 1))  # fmt: skip
    services.register(None, m.pk, registration(m.pk, 2, name="=cmd|' /C calc'!A0"),
                      now=at(2030, 11, 2))  # fmt: skip
    rows = selectors.participants(governor, m, reason="eksport")
    table = list(csv.reader(io.StringIO(exports.participants_csv(rows).decode("utf-8-sig")),
                            delimiter=";"))  # fmt: skip
    assert table[0][:3] == ["Navn", "E-post", "Organisasjon"]
    assert table[1][0] == "Deltaker 1" and table[1][4] == "vegetar" and table[1][5] == "påmeldt"
    assert table[1][7] == "01.11.2030 " + f"{timezone.localtime(at(2030, 11, 1)):%H:%M}"
    assert table[2][0].startswith("'=") and table[2][5] == "på venteliste"
    sheet = load_workbook(io.BytesIO(exports.participants_xlsx(m, rows))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0].startswith("Dialogmøte om fastlegeordningen")
    assert values[2][:2] == ["Deltaker 1", "deltaker1@example.no"]
    assert len(values) == 4
    registered = sheet.cell(row=3, column=8)  # a date cell, local time, as Excel wants it
    assert registered.is_date
    assert registered.value == timezone.localtime(at(2030, 11, 1)).replace(tzinfo=None)
