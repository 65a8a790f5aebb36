"""The tripartite forum: configurable parties, cases, agendas, decisions, indicators."""

from __future__ import annotations

import datetime

import pytest

from fastlege.dialogue import services
from fastlege.dialogue.models import ForumCase, Meeting
from fastlege.dialogue.services import Code, DialogueError
from fastlege.dialogue.tests.factories import county_governor, meeting, ministry

pytestmark = pytest.mark.django_db
D = datetime.date
PARTIES = [
    ("HOD", "Helse- og omsorgsdepartementet"),
    ("KS", "KS"),
    ("Legeforeningen", "Den norske legeforening"),
]


def forum(actor):
    return services.create_forum(
        actor, name="Trepartssamarbeidet om fastlegeordningen", parties=PARTIES
    )


def test_parties_are_configurable_and_only_national_users_run_the_forum():
    hod = ministry()
    f = forum(hod)
    assert sorted(f.parties.values_list("short_name", flat=True)) == ["HOD", "KS", "Legeforeningen"]
    services.add_party(hod, f.pk, short_name="Hdir", name="Helsedirektoratet")
    assert f.parties.count() == 4
    with pytest.raises(DialogueError) as refused:
        services.open_case(county_governor(), f.pk, title="Rekruttering")
    assert refused.value.code == Code.NOT_AUTHORISED


def test_agenda_from_open_cases_decisions_close_cases():
    hod = ministry()
    f = forum(hod)
    ks = f.parties.get(short_name="KS")
    cases = {
        title: services.open_case(
            hod, f.pk, title=title, raised_by_id=ks.pk, opened_on=D(2030, 1, i + 1)
        )  # fmt: skip
        for i, title in enumerate(["Rekruttering", "Utdanning", "Finansiering", "Oppgaver"])
    }
    m = meeting(
        hod,
        county_id=None,
        kind=Meeting.Kind.FORUM,
        forum_id=f.pk,
        title="Møte i trepartssamarbeidet",
        place="Helse- og omsorgsdepartementet",
        registration_deadline=None,
    )
    agenda = services.build_agenda(hod, m.pk)
    assert [a.case.title for a in agenda] == [
        "Rekruttering",
        "Utdanning",
        "Finansiering",
        "Oppgaver",
    ]
    services.record_decision(
        hod, cases["Oppgaver"].pk, text="Partene gjennomgår fastlegenes oppgaver.",
        decided_on=D(2030, 2, 1), meeting_id=m.pk, closes_case=True,
    )  # fmt: skip
    closed = ForumCase.objects.get(pk=cases["Oppgaver"].pk)
    assert (closed.status, closed.closed_on) == ("avsluttet", D(2030, 2, 1))
    with pytest.raises(DialogueError) as refused:
        services.record_decision(hod, closed.pk, text="Mer", decided_on=D(2030, 3, 1))
    assert refused.value.code == Code.CASE_CLOSED
    # the next meeting's agenda has only the open cases; rebuilding adds nothing twice
    nxt = meeting(hod, county_id=None, kind=Meeting.Kind.FORUM, forum_id=f.pk, title="Neste",
                  place="KS", registration_deadline=None)  # fmt: skip
    services.build_agenda(hod, nxt.pk)
    agenda = services.build_agenda(hod, nxt.pk)
    assert [a.case.title for a in agenda] == ["Rekruttering", "Utdanning", "Finansiering"]
    with pytest.raises(DialogueError) as refused:
        meeting(county_governor(), kind=Meeting.Kind.FORUM, forum_id=f.pk)
    assert refused.value.code == Code.NOT_AUTHORISED
    plain = meeting(hod, county_id=None)
    with pytest.raises(DialogueError) as refused:
        services.build_agenda(hod, plain.pk)
    assert refused.value.code == Code.NOT_A_FORUM_MEETING
    with pytest.raises(DialogueError) as refused:
        services.record_decision(hod, cases["Utdanning"].pk, text="x", decided_on=D(2030, 3, 1),
                                 meeting_id=plain.pk)  # fmt: skip
    assert refused.value.code == Code.CASE_OTHER_FORUM


def test_a_case_refers_to_the_statistics_indicators_by_their_codes():
    hod = ministry()
    f = forum(hod)
    case = services.open_case(
        hod, f.pk, title="Rekruttering", indicator_codes=["andel_uten_lege", "andel_uten_lege"]
    )
    indicator = case.indicators.get()
    assert (indicator.code, indicator.label) == (
        "andel_uten_lege",
        "Andel listeinnbyggere uten fast lege",
    )
    # the forum's old codes are not indicators any more (migrated: test_commitments_migration)
    for unknown in ("finnes_ikke", "andel_liste_uten_lege"):
        with pytest.raises(DialogueError) as refused:
            services.set_case_indicators(hod, case.pk, [unknown])
        assert refused.value.code == Code.UNKNOWN_INDICATOR
    assert list(case.indicators.values_list("code", flat=True)) == ["andel_uten_lege"]
