"""Enter the real meetings of the source documents as demo data (idempotent).

The county governor of Trøndelag's dialogue meeting (7.12.2021), the ministry's
four input meetings on the action plan (2019, with extended deadlines), the
2024 input meeting with its written consultation, and the tripartite forum
with its parties and standing cases. Dates in the past are kept as they were:
the pages show them as history.
"""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand
from django.db import transaction

from fastlege.demo.situation_demo import situation_report_demo
from fastlege.dialogue import demo_consultations, services
from fastlege.dialogue.demo_actions import enter_trondelag_group_work
from fastlege.dialogue.demo_commitments import add_demo_commitments
from fastlege.dialogue.demo_invitations import add_trondelag_invitations
from fastlege.dialogue.models import Forum, Meeting
from fastlege.dialogue.sources import SOURCE_000_PROGRAMME, SOURCE_003_PROGRAMME

T = datetime.time
D = datetime.date
OSLO = ZoneInfo("Europe/Oslo")


def at(y: int, m: int, d: int, h: int = 23, mi: int = 59) -> datetime.datetime:
    return datetime.datetime(y, m, d, h, mi, tzinfo=OSLO)


class Command(BaseCommand):
    help = "Legger inn møtene, innspillsrunden og trepartssamarbeidet fra kildedokumentene."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        if Meeting.objects.filter(title="Dialogmøte om fastlegeordningen").exists():
            add_trondelag_invitations()  # also into a demo made before issue 21
            enter_trondelag_group_work()  # added to a demo entered before (idempotent)
            self.stdout.write("Demodata for dialog finnes allerede.")
            return
        services.create_meeting(
            None,
            services.MeetingData(
                title="Dialogmøte om fastlegeordningen",
                date=D(2021, 12, 7),
                start_time=T(9, 0),
                end_time=T(12, 0),
                place="Teams",
                organiser_name="Statsforvalteren i Trøndelag",
                county_id="50",
                audience=(
                    "Kommunene, Statsforvalteren og Helsedirektoratet sammen med "
                    "kommuneoverleger, ledere for primærhelsetjenesten i kommuner, "
                    "legeforeningen og tillitsvalgte for fastlegene."
                ),
                published=True,
            ),
            SOURCE_000_PROGRAMME,
        )
        series = services.create_series(
            None,
            title="Innspillsmøter om handlingsplan for allmennlegetjenesten",
            organiser_name="Helse- og omsorgsdepartementet",
            county_id=None,
        )
        for place, day, deadline, start, end, text in (
            ("Stavanger", D(2019, 10, 17), at(2019, 10, 9), T(9, 30), T(15, 30), True),
            ("Gjøvik", D(2019, 10, 21), at(2019, 10, 11), T(9, 30), T(15, 30), True),
            ("Oslo", D(2019, 11, 8), at(2019, 10, 31), T(12, 0), T(15, 0), False),
            ("Kirkenes", D(2019, 11, 15), at(2019, 11, 6), T(9, 30), T(15, 30), True),
        ):
            services.create_meeting(
                None,
                services.MeetingData(
                    series=series,
                    kind=Meeting.Kind.INPUT,
                    title="Innspillsmøte om handlingsplan for allmennlegetjenesten",
                    date=day,
                    start_time=start,
                    end_time=end,
                    doors_open=T(9, 0) if text else None,
                    place=place,
                    organiser_name="Helse- og omsorgsdepartementet",
                    moderator="Andreas Moan",
                    audience="Møtene er åpne for alle.",
                    contact="Marius Aleksander Lium",
                    registration_deadline=deadline,
                    published=True,
                ),
                SOURCE_003_PROGRAMME if text else "",
            )
        meeting_2024 = services.create_meeting(
            None,
            services.MeetingData(
                kind=Meeting.Kind.INPUT,
                title="Innspelsmøte om framtidas allmennlegeteneste",
                date=D(2024, 6, 25),
                start_time=T(9, 0),
                end_time=T(10, 30),
                place="Regjeringskvartalet, Oslo",
                organiser_name="Helse- og omsorgsdepartementet",
                registration_deadline=at(2024, 6, 21, 12, 0),
                published=True,
            ),
        )
        consultation_2024 = services.create_consultation(
            None,
            title="Innspel om framtidas allmennlegeteneste",
            question=(
                "Kva står att, og korleis kan allmennlegetenestene bli betra? Korleis kan vi få "
                "yngre legar til å velje å bli fastlege – og til å bli i fastlegeyrket?"
            ),
            organiser_name="Helse- og omsorgsdepartementet",
            opens_at=at(2024, 6, 25, 9, 0),
            deadline=at(2024, 9, 16),
            themes=[
                "Rekruttering av yngre legar",
                "Å bli i fastlegeyrket",
                "ALIS",
                "Finansiering",
                "Oppgåver",
            ],
            meeting_id=meeting_2024.pk,
            published=False,  # a draft: the phases follow (demo_consultations)
        )
        demo_consultations.consultation_through_all_phases(consultation_2024)
        add_trondelag_invitations()  # issue 21, part 1: invitations and coverage
        if not Forum.objects.exists():
            forum = services.create_forum(
                None,
                name="Trepartssamarbeidet om fastlegeordningen",
                description=(
                    "Fast møteplass for Helse- og omsorgsdepartementet, KS og Legeforeningen "
                    "om rekruttering, utdanning, finansiering og oppgaver."
                ),
                parties=[
                    ("HOD", "Helse- og omsorgsdepartementet"),
                    ("KS", "KS"),
                    ("Legeforeningen", "Den norske legeforening"),
                ],
            )
            for title, codes in (
                ("Rekruttering og stabilitet", ["andel_uten_lege", "lister_uten_lege"]),
                ("Utdanning (ALIS)", []),
                ("Finansiering", ["listelengde"]),
                ("Fastlegenes oppgaver", ["listelengde", "reservekapasitet"]),
            ):
                services.open_case(None, forum.pk, title=title, indicator_codes=codes)
            add_demo_commitments(forum)
        enter_trondelag_group_work()  # groups, answers, actions (dialogue/demo_actions.py)
        self.stdout.write("Demodata for dialog er lagt inn.")
        situation_report_demo(self.stdout)
