"""Demo: the 2024 input meeting's written consultation through all its phases
(issue 21, part 4), called once by ``fastlege dialogue_demo``.

The question and themes are the ministry's (source 2024); the draft text's
sections and the answers are made up for the demo, from the kinds of senders the
sources name (municipalities, a county governor, organisations, GPs, a private
person), in several counties. Everything goes through the services with the
dates of 2024, so the audit log and the extension log read as they would have.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from fastlege.dialogue import services
from fastlege.dialogue.models import Consultation, ParticipantRole, WithholdReason
from fastlege.dialogue.services import consultations_phases as phases
from fastlege.reference.models import County, Municipality

OSLO = ZoneInfo("Europe/Oslo")

SECTIONS = """# Bakgrunn
Allmennlegetenesta er grunnmuren i helsetenesta. Mange kommunar strevar med å
rekruttere og halde på fastlegar, og mange innbyggjarar står utan fast lege.

# Rekruttering av yngre legar
Korleis kan vi få fleire unge legar til å velje allmennmedisin, og kva rolle
skal ALIS-ordninga og kommunane ha?

# Å bli i fastlegeyrket
Kva skal til for at fastlegar blir i yrket: arbeidsmengd, listelengd,
organisering og samarbeid med kommunen.

# Finansiering og oppgåver
Korleis bør ordninga vere finansiert, og kva oppgåver bør fastlegen ha?
"""

SUMMARY = """Departementet fekk 8 innspel frå kommunar, statsforvaltarar, organisasjonar,
fastlegar og privatpersonar i fem fylke. Fristen vart forlengd med to veker etter ønske frå
kommunane.

Dei fleste peikar på arbeidsmengda og listelengda som hovudgrunnen til at legar sluttar,
og på ALIS-avtalar med fast løn som det som rekrutterer best. Fleire ønskjer at
basistilskotet vert auka, og at fastlegen får færre oppgåver som ikkje krev lege."""


def _at(m: int, d: int, h: int = 12) -> datetime.datetime:
    return datetime.datetime(2024, m, d, h, 0, tzinfo=OSLO)


# name, organisation, kind, municipality, county, themes, text, section comments, when
ANSWERS: list[tuple[str, str, str, str, str, list[str], str, dict[int, str], datetime.datetime]] = [
    (
        "Kommuneoverlege i Trondheim",
        "Trondheim kommune",
        ParticipantRole.MUNICIPALITY,
        "5001",
        "",
        ["ALIS", "Rekruttering av yngre legar"],
        "ALIS-avtalar med fast løn har gitt oss 14 nye fastlegar på tre år.",
        {2: "Fast løn dei første åra rekrutterer best hos oss."},
        _at(7, 2),
    ),
    (
        "Helse- og omsorgssjef",
        "Bodø kommune",
        ParticipantRole.MUNICIPALITY,
        "1804",
        "",
        ["Å bli i fastlegeyrket"],
        "Legane våre sluttar på grunn av arbeidsmengda, ikkje løna.",
        {3: "Listelengda må ned før vi kan halde på legane."},
        _at(8, 14),
    ),
    (
        "Fylkeslege",
        "Statsforvaltaren i Vestland",
        ParticipantRole.STATE,
        "",
        "46",
        ["Finansiering"],
        "Små kommunar treng eit høgare basistilskot for å kunne tilby faste stillingar.",
        {4: "Basistilskotet bør differensierast etter sentralitet."},
        _at(9, 12),
    ),
    (
        "Generalsekretær",
        "Den norske legeforening",
        ParticipantRole.ORGANISATION,
        "",
        "",
        ["Å bli i fastlegeyrket", "Oppgåver", "Finansiering"],
        "Fastlegane må få færre oppgåver som ikkje krev lege, og ordninga må finansierast betre.",
        {3: "Arbeidstida må ned mot normalarbeidsveka.", 4: "Auk basistilskotet."},
        _at(9, 13),
    ),
    (
        "Avdelingsdirektør",
        "KS",
        ParticipantRole.ORGANISATION,
        "",
        "",
        ["Oppgåver"],
        "Kommunane treng handlingsrom til å organisere tenesta lokalt.",
        {},
        _at(9, 20),
    ),
    (
        "Fastlege i Tromsø",
        "",
        ParticipantRole.GP,
        "5501",
        "",
        ["Å bli i fastlegeyrket"],
        "Eg går ned til 80 % liste for å orke. Vi treng fleire legar per kontor.",
        {3: "Vi treng fleire legar per kontor, ikkje lengre lister."},
        _at(9, 25),
    ),
    (
        "Ola Nordmann",
        "",
        ParticipantRole.PRIVATE,
        "",
        "",
        [],
        "Eg har stått utan fastlege i to år. Det må vere lettare å få ein.",
        {},
        _at(9, 27),
    ),
    (
        "Lege i Gjøvik",
        "",
        ParticipantRole.GP,
        "3407",
        "",
        ["ALIS"],
        "ALIS-tida bør telje fullt ut i spesialiseringa også i deltidsstilling.",
        {},
        _at(9, 29),
    ),
]


def consultation_through_all_phases(consultation: Consultation) -> None:
    """Sections → open → answers → a logged extension → closed at the deadline →
    one answer held back (with its reason, logged) → summary published."""
    phases.set_sections(None, consultation.pk, SECTIONS)
    phases.open_consultation(None, consultation.pk, now=_at(6, 25, 9))
    sections = {s.number: s.pk for s in consultation.sections.all()}
    themes = {t.name: t.pk for t in consultation.themes.all()}
    known_municipalities = set(Municipality.objects.values_list("number", flat=True))
    known_counties = set(County.objects.values_list("number", flat=True))
    extended = False
    submissions = []
    for n, (name, org, kind, mun, county, theme_names, text, comments, when) in enumerate(
        ANSWERS, start=1
    ):
        if when > _at(9, 16) and not extended:
            phases.extend_deadline(
                None,
                consultation.pk,
                new_deadline=datetime.datetime(2024, 9, 30, 23, 59, tzinfo=OSLO),
                reason="Fleire kommunar har bede om meir tid etter sommarferien.",
                now=_at(9, 10),
            )
            extended = True
        submissions.append(
            services.submit(
                None,
                consultation.pk,
                services.SubmissionData(
                    name=name,
                    email=f"innspel{n}@example.no",
                    organisation=org,
                    on_behalf_of_organisation=bool(org),
                    submitter_kind=kind,
                    text=text,
                    theme_ids=[themes[t] for t in theme_names],
                    municipality_id=mun if mun in known_municipalities else None,
                    county_id=county if county in known_counties else None,
                    section_comments={sections[k]: v for k, v in comments.items()},
                    requests_non_public=kind == ParticipantRole.PRIVATE,
                    non_public_reason=(
                        "Svaret fortel om min eigen helse."
                        if kind == ParticipantRole.PRIVATE
                        else ""
                    ),
                ),
                now=when,
            )
        )
    phases.close_due(now=_at(10, 1, 0))
    phases.withhold_submission(
        None,
        submissions[5].pk,
        reason=WithholdReason.THIRD_PARTY,
        note="Nemner ein navngitt pasient.",
        now=_at(10, 2),
    )
    phases.publish_summary(None, consultation.pk, summary=SUMMARY, now=_at(11, 15))
