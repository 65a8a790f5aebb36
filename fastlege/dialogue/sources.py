"""The programmes of the real meetings in the project's source documents, verbatim.

Copied exactly (spacing, dashes and the description lines under the items) from
the county governor of Trøndelag's invitation to the dialogue meeting on
7 December 2021 (source 000) and the ministry's invitation to the input
meetings on the action plan for GP services (source 003). Used by the tests,
which enter them as they are, and by ``fastlege dialogue_demo``.
"""

SOURCE_000_PROGRAMME = """\
09:00-09:10 Velkommen

Utfordringene i fylket med tanke på legedekning og fastlegeordningen i kommunene. Vårt oppdrag og rolle. Fylkeslege Jan Vaage

09:10-09:35 Fastlegeordningen – trender, utfordringer og fremtid. Hva skal til for å stabilisere fastlegeordningen? Fastlege og forsker Tor Magne Johnsen.

09:35 - 09:40 Pause

09:40-10:25 Handlingsplan for allmennlegetjenesten 2020-2024, utfordringer på landsbasis, effektive tiltak? Kine Lynum, Helsedirektoratet.

10:25 -10:50 ALIS ordningen – hvordan fungerer dette, eksempel på god ALIS avtale med kommune. Nina Reimers, ALIS kontor region Midt.

10:50 -10:55 Pause

10:55 -11:05 Innlegg fra tillitsvalgte i legeföreningene i Trøndelag

11:05 -11:30 Gruppearbeid – status fastlegeordningen i Trøndelag

11:30 -12:00 Diskusjon og oppsummering – veien videre

Takk for i dag
"""  # noqa: E501

SOURCE_003_PROGRAMME = """\
09:00 Kaffe og registrering

09:30 Velkommen

09:35 Innledning v/statsråd Bent Høie eller statssekretær Maria Jahrmann Bjerke

10:00 Pasientenes behov og forventinger (3 innlegg a 15 min).

11:05 Fastlegens arbeidshverdag (3 innlegg a 15 min).

12:00 Lunsj

12:45 Allmennlegetjenesten i kommunen og samhandling med andre

13:20 Gruppearbeid for innspill og diskusjoner

14:30 Åpen mikrofon

Det åpnes for innspill fra salen à 3-5 min lengde

15:00 Oppsummering

15:20 Møteslutt
"""
