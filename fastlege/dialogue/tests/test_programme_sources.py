"""The programmes of the meetings in the sources can be entered as they are.

The text below is copied verbatim from shared/sources (000: the county
governor's dialogue meeting, 003: the ministry's input meetings), including
their spacing, dashes and the description lines under the items.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from fastlege.core.models import AuditEvent
from fastlege.dialogue import services
from fastlege.dialogue.models import Meeting, ProgrammeItem
from fastlege.dialogue.services import Code, DialogueError
from fastlege.dialogue.sources import SOURCE_000_PROGRAMME, SOURCE_003_PROGRAMME
from fastlege.dialogue.tests.factories import at, county_governor, meeting, ministry

pytestmark = pytest.mark.django_db
T = datetime.time
K = ProgrammeItem.Kind


def _rows(m: Meeting) -> list[tuple[T, T, str]]:
    return [(p.start_time, p.end_time, p.kind) for p in m.programme.all()]


def test_dialogue_meeting_7_december_2021_programme_as_published():
    governor = county_governor()
    m = meeting(
        governor,
        SOURCE_000_PROGRAMME,
        title="Dialogmøte om fastlegeordningen",
        date=datetime.date(2021, 12, 7),
        start_time=T(9, 0),
        end_time=T(12, 0),
        place="Teams",
        registration_deadline=None,
    )
    assert _rows(m) == [
        (T(9, 0), T(9, 10), K.WELCOME),
        (T(9, 10), T(9, 35), K.TALK),
        (T(9, 35), T(9, 40), K.BREAK),
        (T(9, 40), T(10, 25), K.TALK),
        (T(10, 25), T(10, 50), K.TALK),
        (T(10, 50), T(10, 55), K.BREAK),
        (T(10, 55), T(11, 5), K.TALK),
        (T(11, 5), T(11, 30), K.GROUP_WORK),
        (T(11, 30), T(12, 0), K.SUMMARY),
    ]
    items = list(m.programme.all())
    assert items[0].description.endswith("Fylkeslege Jan Vaage")
    assert items[3].title.startswith("Handlingsplan for allmennlegetjenesten 2020-2024")
    assert items[-1].description == "Takk for i dag"
    assert AuditEvent.objects.filter(action="dialogue.meeting.create").exists()


def test_four_input_meetings_with_the_ministrys_programme_and_extended_deadlines():
    hod = ministry()
    series = services.create_series(
        hod,
        title="Innspillsmøter om handlingsplan for allmennlegetjenesten",
        organiser_name="Helse- og omsorgsdepartementet",
        county_id=None,
    )
    common: dict[str, Any] = {
        "series": series,
        "kind": Meeting.Kind.INPUT,
        "title": "Innspillsmøte om handlingsplan for allmennlegetjenesten",
        "organiser_name": "Helse- og omsorgsdepartementet",
        "county_id": None,
        "moderator": "Andreas Moan",
        "audience": "Møtene er åpne for alle.",
        "contact": "Marius Aleksander Lium",
        "start_time": T(9, 30),
        "end_time": T(15, 30),
        "doors_open": T(9, 0),
    }
    full_days = [
        ("Stavanger", datetime.date(2019, 10, 17), at(2019, 10, 9, 23, 59)),
        ("Gjøvik", datetime.date(2019, 10, 21), at(2019, 10, 11, 23, 59)),
        ("Kirkenes", datetime.date(2019, 11, 15), at(2019, 11, 6, 23, 59)),
    ]
    for place, day, deadline in full_days:
        m = meeting(
            hod, SOURCE_003_PROGRAMME, place=place, date=day, registration_deadline=deadline,
            **common,
        )  # fmt: skip
        assert _rows(m) == [
            (T(9, 0), T(9, 30), K.ARRIVAL),
            (T(9, 30), T(9, 35), K.WELCOME),
            (T(9, 35), T(10, 0), K.TALK),
            (T(10, 0), T(11, 5), K.TALK),
            (T(11, 5), T(12, 0), K.TALK),
            (T(12, 0), T(12, 45), K.MEAL),
            (T(12, 45), T(13, 20), K.TALK),
            (T(13, 20), T(14, 30), K.GROUP_WORK),
            (T(14, 30), T(15, 0), K.OPEN_MIC),
            (T(15, 0), T(15, 20), K.SUMMARY),
            (T(15, 20), T(15, 20), K.END),
        ]
        open_mic = m.programme.get(kind=K.OPEN_MIC)
        assert open_mic.minutes_per_speaker == 5
        assert "3-5 min" in open_mic.description
    oslo = meeting(
        hod,
        place="Oslo",
        date=datetime.date(2019, 11, 8),
        registration_deadline=at(2019, 10, 31, 23, 59),
        **{**common, "start_time": T(12, 0), "end_time": T(15, 0), "doors_open": None},
    )
    assert series.meetings.count() == 4
    assert oslo.programme.count() == 0
    # "Vi har så langt fått relativt få påmeldinger, så vi har forlenget påmeldingsfristen."
    services.extend_registration_deadline(
        hod, oslo.pk, at(2019, 11, 5, 12, 0), now=at(2019, 10, 30, 12, 0)
    )
    oslo.refresh_from_db()
    assert oslo.registration_deadline == at(2019, 11, 5, 12, 0)
    assert oslo.original_registration_deadline == at(2019, 10, 31, 23, 59)


def test_the_2024_input_meeting_with_its_friday_noon_deadline():
    hod = ministry()
    m = meeting(
        hod,
        "09:00-10:30 Innspelsmøte om framtidas allmennlegeteneste | helse- og omsorgsminister Jan Christian Vestre",  # noqa: E501
        title="Innspelsmøte om framtidas allmennlegeteneste",
        date=datetime.date(2024, 6, 25),
        start_time=T(9, 0),
        end_time=T(10, 30),
        place="Regjeringskvartalet, Oslo",
        county_id=None,
        organiser_name="Helse- og omsorgsdepartementet",
        registration_deadline=at(2024, 6, 21, 12, 0),
    )
    item = m.programme.get()
    assert item.speaker == "helse- og omsorgsminister Jan Christian Vestre"


def test_the_programme_is_written_back_as_text_that_parses_to_the_same_items():
    from fastlege.dialogue import programme

    m = meeting(None, SOURCE_003_PROGRAMME, start_time=T(9, 30), end_time=T(15, 30),
                doors_open=T(9, 0))  # fmt: skip
    before = _rows(m)
    services.set_programme(None, m.pk, programme.as_text(list(m.programme.all())))
    assert _rows(m) == before


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("09:00-09:40 Velkommen\n09:30-10:00 Innlegg", Code.PROGRAMME_OVERLAP),
        ("08:30-09:10 Velkommen", Code.PROGRAMME_OUTSIDE_MEETING),
        ("11:30-12:30 Oppsummering", Code.PROGRAMME_OUTSIDE_MEETING),
        ("09:10-09:00 Velkommen", Code.PROGRAMME_ITEM_TIME),
        ("Velkommen", Code.PROGRAMME_BAD_LINE),
        ("25:00 Velkommen", Code.PROGRAMME_BAD_LINE),
        ("   \n", Code.PROGRAMME_EMPTY),
    ],
)
def test_a_programme_that_does_not_fit_is_refused_and_the_old_one_kept(text, code):
    m = meeting(None, "09:00-12:00 Dialogmøte")
    with pytest.raises(DialogueError) as refused:
        services.set_programme(None, m.pk, text)
    assert refused.value.code == code
    assert str(refused.value.message) and "fastlege" not in refused.value.message.lower()
    assert [p.title for p in m.programme.all()] == ["Dialogmøte"]


def test_coffee_before_the_start_needs_doors_open():
    with pytest.raises(DialogueError) as refused:
        meeting(None, SOURCE_003_PROGRAMME, start_time=T(9, 30), end_time=T(15, 30))
    assert refused.value.code == Code.PROGRAMME_OUTSIDE_MEETING
    assert not Meeting.objects.exists()


def test_only_organisers_of_the_county_create_meetings():
    from fastlege.dialogue.tests.factories import municipality_user

    with pytest.raises(DialogueError) as refused:
        meeting(municipality_user())
    assert refused.value.code == Code.NOT_AUTHORISED
    with pytest.raises(DialogueError):
        meeting(county_governor("03"))  # Oslo's governor, a Trøndelag meeting
    with pytest.raises(DialogueError):
        meeting(county_governor(), county_id=None)  # national meetings: ministry only
    assert not Meeting.objects.exists()
