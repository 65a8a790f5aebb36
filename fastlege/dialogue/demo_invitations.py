"""Demo data for invitations and coverage (issue 21, part 1): the county governor of
Trøndelag's dialogue meeting (7.12.2021) with every Trøndelag municipality invited,
registrations from most of them (with their municipality) and attendance marked.

Dates are those of the meeting: the services are called with ``now`` set to the days
before it (invitations, registrations) and after it (attendance), so the demo passes
the same checks as a real meeting. Deterministic: the same municipalities register
and attend on every run; idempotent (nothing is added when invitations exist).
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from fastlege.dialogue.models import Meeting, ParticipantRole
from fastlege.dialogue.services import invitations, registrations
from fastlege.reference.models import Municipality

OSLO = ZoneInfo("Europe/Oslo")


def add_trondelag_invitations() -> int:
    """Invite, register and mark attendance for the Trøndelag dialogue meeting; returns
    the number of registrations made (0 when already done or without reference data)."""
    meeting = Meeting.objects.filter(
        title="Dialogmøte om fastlegeordningen", county_id="50"
    ).first()
    if meeting is None or meeting.invitations.exists():
        return 0
    numbers = list(
        Municipality.objects.filter(county_id="50").order_by("number").values_list("number", "name")
    )
    if not numbers:
        return 0
    before = datetime.datetime(2021, 11, 15, 10, 0, tzinfo=OSLO)
    invitations.invite_municipalities(None, meeting.pk, county_id="50", now=before)
    made = []
    for i, (number, name) in enumerate(numbers):
        if i % 4 == 3:  # every fourth municipality does not answer
            continue
        for person in range(1 if i % 3 else 2):
            made.append(
                registrations.register(
                    None,
                    meeting.pk,
                    registrations.RegistrationData(
                        name=f"Kommuneoverlege {person + 1} i {name}",
                        email=f"kommuneoverlege{person + 1}.{number}@example.org",
                        role=ParticipantRole.MUNICIPALITY,
                        organisation=f"{name} kommune",
                        municipality_id=number,
                    ),
                    now=before + datetime.timedelta(days=1, minutes=i),
                    email_confirmed=True,
                )
            )
    after = datetime.datetime(2021, 12, 7, 12, 30, tzinfo=OSLO)
    came = [r.pk for j, r in enumerate(made) if j % 5 != 4]  # one in five did not come
    invitations.record_attendance(None, meeting.pk, came, now=after)
    return len(made)
