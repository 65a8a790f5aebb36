"""Personas and builders for the dialogue tests.

Personas: the county governor of Trøndelag (organiser of the dialogue meeting
in the sources), the ministry (``Role.MINISTRY``; organiser of the input meetings
and the tripartite forum), the national administrator, a municipality user (not an organiser) and an
anonymous citizen (no account).
"""

from __future__ import annotations

import datetime
import io
from typing import Any
from zoneinfo import ZoneInfo

from fastlege.accounts.models import Role
from fastlege.dialogue import services
from fastlege.dialogue.models import Meeting
from fastlege.registry.tests.factories import user_with

OSLO = ZoneInfo("Europe/Oslo")
TRONDELAG = "50"


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=OSLO)


def county_governor(county: str = TRONDELAG) -> Any:
    return user_with(Role.COUNTY_GOVERNOR, county_id=county)


def ministry() -> Any:
    return user_with(Role.MINISTRY)


def national_administrator() -> Any:
    return user_with(Role.NATIONAL)


def municipality_user(number: str = "5001") -> Any:
    return user_with(Role.MUNICIPALITY, municipality_id=number)


def meeting(actor: Any = None, programme: str = "", **overrides: Any) -> Meeting:
    fields: dict[str, Any] = {
        "title": "Dialogmøte om fastlegeordningen",
        "date": datetime.date(2030, 12, 7),
        "start_time": datetime.time(9, 0),
        "end_time": datetime.time(12, 0),
        "organiser_name": "Statsforvalteren i Trøndelag",
        "place": "Teams",
        "county_id": TRONDELAG,
        "published": True,
        "registration_deadline": at(2030, 12, 1, 12, 0),
    }
    fields.update(overrides)
    return services.create_meeting(actor, services.MeetingData(**fields), programme)


def registration(meeting_id: int, n: int = 0, **overrides: Any) -> services.RegistrationData:
    fields: dict[str, Any] = {
        "name": f"Deltaker {n}",
        "email": f"deltaker{n}@example.no",
        "role": "kommune",
        "organisation": "Trondheim kommune",
    }
    fields.update(overrides)
    return services.RegistrationData(**fields)


def pdf_bytes(text: str = "Innspill fra Trondheim kommune") -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, text)
    return bytes(pdf.output())


def docx_bytes(text: str = "Innspill fra Legeforeningen") -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
