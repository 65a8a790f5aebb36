"""Demo: the group work of the Trøndelag dialogue meeting of 7.12.2021 and what each
does next (called by ``fastlege dialogue_demo``).

What comes from the source (the county governor's invitation, source 000): the
programme item «Gruppearbeid – status fastlegeordningen i Trøndelag» and the
meeting's purposes, which the groups' questions are taken from word for word:
«hvilke utfordringer kommunene har med fastlegeordningen», «utfordringer sett fra
fastlegenes side», «hvilke sentrale og lokale grep gjøres for å stabilisere
allmennlegetjenesten», «erfaringsdeling fra kommuner som har tatt grep med effekt.
Hva er det som svikter og hvilke tiltak kan tenkes å hjelpe?». The source gives no
groups, rapporteurs, answers or actions: those below are invented demo data
(people's names are made up), with due dates both past (some done, some overdue)
and ahead of the day the demo is entered.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from fastlege.dialogue.models import FollowUpAction, ForumParty, Meeting, ParticipantRole
from fastlege.dialogue.services import actions, registrations

OSLO = ZoneInfo("Europe/Oslo")
TITLE = "Dialogmøte om fastlegeordningen"
DAY = datetime.date(2021, 12, 7)

GROUPS: list[tuple[str, tuple[str, str, str] | str, list[tuple[str, str]]]] = [
    (
        "Gruppe 1 – kommunene",
        ("Randi Aune", "randi.aune@example.no", "Trondheim kommune"),
        [
            (
                "Hvilke utfordringer har kommunene med fastlegeordningen?",
                "Flere kommuner har ingen ledige listeplasser, og noen lister står uten lege. "
                "Rekrutteringen tar lang tid, og vikarer er dyre.",
            ),
            (
                "Hva er det som svikter, og hvilke tiltak kan tenkes å hjelpe?",
                "Kommunene overbyr hverandre. Gruppen vil ha en felles vikarordning og "
                "felles retningslinjer for tilskudd i regionen.",
            ),
        ],
    ),
    (
        "Gruppe 2 – fastlegene",
        "Ola Berg (tillitsvalgt)",
        [
            (
                "Hvilke utfordringer ser fastlegene?",
                "Arbeidsmengden og ansvaret for listen gjør at unge leger velger bort "
                "fastlegeyrket. Legevakt kommer i tillegg.",
            ),
            (
                "Hvilke sentrale og lokale grep gjøres for å stabilisere allmennlegetjenesten?",
                "ALIS-avtaler, fastlønn i en overgang og mindre listelengde for nye leger.",
            ),
        ],
    ),
    (
        "Gruppe 3 – erfaringsdeling",
        ("Siri Moen", "siri.moen@example.no", "Melhus kommune"),
        [
            (
                "Erfaringsdeling fra kommuner som har tatt grep med effekt: hva har virket?",
                "ALIS-stillinger med veiledning og en plan for de første årene; samarbeid med "
                "nabokommunen om legevakt.",
            ),
            ("Hva er det som svikter, og hvilke tiltak kan tenkes å hjelpe?", ""),
        ],
    ),
]


def _at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=OSLO)


def enter_trondelag_group_work() -> None:
    """Groups, answers, rapporteurs and actions for the Trøndelag meeting (idempotent:
    nothing is added when the meeting already has groups)."""
    meeting = Meeting.objects.filter(title=TITLE, date=DAY, county_id="50").first()
    if meeting is None or meeting.groups.exists():
        return
    groups = {}
    for name, rapporteur, questions in GROUPS:
        rapporteur_id, rapporteur_name = None, ""
        if isinstance(rapporteur, tuple):
            person, email, organisation = rapporteur
            reg = registrations.register(
                None,
                meeting.pk,
                registrations.RegistrationData(
                    name=person,
                    email=email,
                    organisation=organisation,
                    role=ParticipantRole.MUNICIPALITY,
                ),
                now=_at(datetime.date(2021, 12, 1)),
                email_confirmed=True,
            )
            rapporteur_id = reg.pk
        else:
            rapporteur_name = rapporteur
        group = actions.add_group(
            None,
            meeting.pk,
            name,
            [q for q, _a in questions],
            rapporteur_id=rapporteur_id,
            rapporteur_name=rapporteur_name,
        )
        rows = group.questions.order_by("position")
        answers = {row.pk: answer for row, (_q, answer) in zip(rows, questions, strict=True)}
        actions.record_answers(None, group.pk, answers)
        groups[name] = group

    today = timezone.localdate()
    ks = ForumParty.objects.filter(short_name="KS").first()
    plan = [
        # what, owner kind, municipality, party, responsible, due, group, statuses
        ("Lage en felles vikarordning for kommunene i Trondheimsregionen", "kommune", "5001",
         None, "", datetime.date(2022, 6, 1), "Gruppe 1 – kommunene",
         [("pagar", "Arbeidsgruppe nedsatt med Malvik og Melhus.", datetime.date(2022, 1, 20))]),
        ("Kartlegge lister uten lege og ledige listeplasser i fylket", "statsforvalter", None,
         None, "", datetime.date(2022, 3, 1), None,
         [("pagar", "", datetime.date(2022, 1, 10)),
          ("ferdig", "Kartleggingen er sendt kommunene.", datetime.date(2022, 2, 25))]),
        ("Felles retningslinjer for rekrutteringstilskudd, så kommunene ikke overbyr hverandre",
         "statsforvalter", None, None, "", today + datetime.timedelta(days=5),
         "Gruppe 1 – kommunene", [("pagar", "Utkast på høring.", datetime.date(2022, 4, 1))]),
        ("Inngå ALIS-avtale etter modell fra ALIS-kontoret region Midt", "kommune", "5028",
         None, "", datetime.date(2022, 9, 1), "Gruppe 3 – erfaringsdeling",
         [("ferdig", "To ALIS-avtaler inngått.", datetime.date(2022, 8, 15))]),
        ("Vurdere fastlønn for nye fastleger i en overgangsperiode", "kommune", "5001",
         None, "", today + datetime.timedelta(days=60), "Gruppe 2 – fastlegene", []),
        ("Melde behovet for flere ALIS-stillinger til trepartssamarbeidet", "part", None,
         ks.pk if ks else None, "", datetime.date(2022, 5, 1), None,
         [("avlyst", "Tatt inn i den nasjonale handlingsplanen.", datetime.date(2022, 4, 20))]),
        ("Samle fastlegenes erfaringer med legevakt i distriktene", "organisasjon", None, None,
         "Legeforeningen i Trøndelag", datetime.date(2022, 10, 1),
         "Gruppe 2 – fastlegene", []),
    ]  # fmt: skip
    for what, kind, municipality, party, responsible, due, group_name, changes in plan:
        if kind == "part" and party is None:
            kind, responsible = "organisasjon", "KS"
        action = actions.add_action(
            None,
            meeting.pk,
            what=what,
            due=due,
            owner_kind=kind,
            municipality_id=municipality,
            party_id=party,
            responsible=responsible,
            group_id=groups[group_name].pk if group_name else None,
        )
        FollowUpAction.objects.filter(pk=action.pk).update(created_at=_at(DAY, 13))
        action.status_changes.update(changed_at=_at(DAY, 13))
        for status, comment, day in changes:
            actions.set_action_status(None, action.pk, status, comment, now=_at(day))
