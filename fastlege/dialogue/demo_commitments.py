"""Demo agreements of the tripartite forum, followed up as commitments.

DEMO CONTENT, not decisions of the real tripartite cooperation: the themes are the
forum's standing cases (recruitment, ALIS, financing, the GPs' workload) and the
facts they lean on are in /work/shared/domain.md (ALIS agreements on
Helsedirektoratet's template; the patient-adjusted basistilskudd from 1 May 2023),
but every agreement, milestone and percentage below is made up, and each
description says so. Dates are counted back from today so that the history lies
within the months the demo's statistics cover.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from fastlege.dialogue import services
from fastlege.dialogue.models import CommitmentStatus, Forum
from fastlege.dialogue.services import commitments

LABEL = "Demodata – ikke et faktisk vedtak i trepartssamarbeidet."

#: (case, owner, title, description, months ago it was agreed, indicators,
#:  milestones as (title, months after the start, done), progress as
#:  (months after the start, percent, status, comment), published)
AGREEMENTS: tuple[tuple[Any, ...], ...] = (
    (
        "Utdanning (ALIS)",
        "KS",
        "Flere ALIS-avtaler i kommunene",
        "Partene vil at flere kommuner skal tilby ALIS-avtaler etter Helsedirektoratets mal, "
        "og at kommunene i en region samarbeider om stillingene.",
        10,
        ["andel_spesialister", "fastleger_startet"],
        [
            ("Oversikt over ALIS-avtaler per kommune", 2, True),
            ("Regionalt samarbeid om ALIS i alle fylker", 6, True),
            ("Evaluering av ALIS-kapasiteten", 12, False),
        ],
        [
            (2, 25, CommitmentStatus.IN_PROGRESS, "Oversikten er ferdig."),
            (6, 50, CommitmentStatus.IN_PROGRESS, "Samarbeid i alle fylker."),
            (9, 60, CommitmentStatus.IN_PROGRESS, "Flere kommuner har søkt om tilskudd."),
        ],
        True,
    ),
    (
        "Finansiering",
        "HOD",
        "Følge opp det pasienttilpassede basistilskuddet",
        "Det pasienttilpassede basistilskuddet gjelder fra 1. mai 2023. Partene følger med på "
        "om det gjør det lettere å drive lister med mange pasienter som trenger mye.",
        8,
        ["listelengde", "ledige_plasser"],
        [
            ("Felles kunnskapsgrunnlag om tilskuddet", 3, True),
            ("Forslag til justeringer", 9, False),
        ],
        [
            (3, 40, CommitmentStatus.IN_PROGRESS, "Kunnskapsgrunnlaget er lagt fram."),
            (6, 45, CommitmentStatus.DELAYED, "Tallgrunnlaget kom senere enn planlagt."),
        ],
        True,
    ),
    (
        "Fastlegenes oppgaver",
        "Legeforeningen",
        "Kortere lister og mindre administrasjon",
        "Partene ser på oppgaver som kan flyttes fra fastlegene, slik at listene kan bli kortere "
        "uten at færre får fast lege.",
        6,
        ["listelengde", "listetak", "reservekapasitet"],
        [
            ("Liste over oppgaver som kan flyttes", 2, True),
            ("Prøveordning i utvalgte kommuner", 8, False),
        ],
        [(2, 30, CommitmentStatus.IN_PROGRESS, "Listen er klar.")],
        True,
    ),
    (
        "Rekruttering og stabilitet",
        "KS",
        "Rekruttering av fastleger i distriktskommuner",
        "Kommuner med lister uten fast lege over lang tid får hjelp til å rekruttere, blant annet "
        "med fastlønn i en startperiode.",
        4,
        ["lister_uten_lege", "andel_uten_lege", "lister_ubesatt_over_ett_ar"],
        [("Veileder for rekruttering i små kommuner", 3, False)],
        [(1, 10, CommitmentStatus.IN_PROGRESS, "Arbeidet er startet.")],
        False,
    ),
)


def _months_after(day: datetime.date, months: int) -> datetime.date:
    total = day.year * 12 + day.month - 1 + months
    return datetime.date(total // 12, total % 12 + 1, min(day.day, 28))


def add_demo_commitments(forum: Forum) -> None:
    """The demo agreements of ``forum`` (its cases and parties by name), each with a
    decision on its case, milestones, a completion history and indicators."""
    today = timezone.localdate()
    parties = {p.short_name: p.pk for p in forum.parties.all()}
    for case_title, owner, title, text, ago, codes, steps, progress, published in AGREEMENTS:
        case = forum.cases.filter(title=case_title).first()
        if case is None or owner not in parties:
            continue
        start = _months_after(today, -ago)
        decision = services.record_decision(
            None, case.pk, text=f"{title}. {LABEL}", decided_on=start
        )
        commitment = commitments.create_commitment(
            None,
            case.pk,
            title=title,
            description=f"{text}\n\n{LABEL}",
            owner_id=parties[owner],
            starts_on=start,
            ends_on=_months_after(start, 18),
            indicator_codes=codes,
            decision_id=decision.pk,
            published=published,
        )
        for step, after, done in steps:
            due = _months_after(start, after)
            milestone = commitments.add_milestone(None, commitment.pk, title=step, due_on=due)
            if done and due <= today:
                commitments.complete_milestone(None, milestone.pk, done_on=due)
        for after, percent, status, comment in progress:
            on = min(_months_after(start, after), today)
            commitments.record_progress(
                None, commitment.pk, percent=percent, status=status, comment=comment, on=on
            )
