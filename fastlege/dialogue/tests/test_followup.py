"""The county governor's follow-up list: ranking, the alerts behind it, today's waiting on
closed or vacant lists, the trend, active measures; and the office's note (only the
county governor of the county writes it; bad input changes nothing)."""

from __future__ import annotations

import datetime

import pytest

from fastlege.accounts.models import Role
from fastlege.core.errors import DomainError
from fastlege.core.models import AuditEvent
from fastlege.dialogue.followup import county_followup, waiting_on_closed_or_vacant
from fastlege.dialogue.models import MunicipalityFollowUp
from fastlege.dialogue.services import Code, record_follow_up
from fastlege.measures.tests.factories import MALVIK, MELHUS, TRONDHEIM, counts, measure
from fastlege.reference.models import County
from fastlege.registry.models import WaitingListEntry
from fastlege.registry.tests.factories import ResidentFactory, gp_list, user_with

pytestmark = pytest.mark.django_db

D = datetime.date
MONTH = D(2026, 11, 1)
BEFORE = D(2026, 10, 1)
TODAY = D(2026, 11, 20)


def wait_on(agreement, n: int) -> None:
    for person in ResidentFactory.create_batch(n, municipality_id=agreement.municipality_id):
        WaitingListEntry.objects.create(resident=person, agreement=agreement)


def test_waiting_counts_only_closed_or_vacant_lists():
    wait_on(gp_list(ceiling=5, members=0, is_open=False), 3)  # closed
    wait_on(gp_list(ceiling=5, members=0, with_gp=False), 2)  # no regular GP
    wait_on(gp_list(ceiling=5, members=0), 4)  # open with a GP: a place may come
    wait_on(gp_list(ceiling=5, members=0, municipality=MELHUS, is_open=False), 1)
    ended = WaitingListEntry.objects.create(
        resident=ResidentFactory.create(municipality_id=TRONDHEIM),
        agreement=gp_list(ceiling=5, is_open=False),
        status=WaitingListEntry.Status.PLACED,
    )
    assert ended.status != WaitingListEntry.Status.WAITING
    assert waiting_on_closed_or_vacant("50", TODAY) == {TRONDHEIM: 5, MELHUS: 1}


def test_the_list_ranks_by_score_with_alerts_trend_and_measures():
    # Trondheim: 900 of 9000 without a regular GP (10 %) now, 4.5 % the month before
    counts(TRONDHEIM, BEFORE, on_lists_with_gp=8_595, unassigned=100)
    counts(TRONDHEIM, MONTH, on_lists_with_gp=8_100, unassigned=190)
    # Melhus: every list full, one list vacant over a year; same the month before
    counts(MELHUS, BEFORE, lists_full=10, lists_vacant_over_year=1)
    counts(MELHUS, MONTH, lists_full=10, lists_vacant_over_year=1)
    # Malvik: nothing wrong
    counts(MALVIK, MONTH)
    wait_on(gp_list(ceiling=5, members=0, is_open=False), 18)
    active = measure(TRONDHEIM, status="aktiv")
    measure(TRONDHEIM, "driftstilskudd", status="planlagt")

    result = county_followup(County.objects.get(number="50"), TODAY)
    rows = {r.number: r for r in result.rows}
    assert result.month == MONTH
    # Trondheim: 10 (share) + 90 more unassigned of 9000 (1 %) × 5 + 18 waiting of 9000
    # (0.2 %) × 5 = 10 + 5 + 1 = 16
    assert rows[TRONDHEIM].score == 16
    assert rows[TRONDHEIM].waiting_closed == 18
    # month score 15 now (share 10 + growth 5), 0 the month before (4.5 % and no growth known)
    assert rows[TRONDHEIM].trend == 15
    assert [m.pk for m in rows[TRONDHEIM].measures] == [active.pk]
    # Melhus: 10 (all full) + 5 (one vacant over a year) = 15, unchanged
    assert rows[MELHUS].score == 15
    assert rows[MELHUS].trend == 0
    assert rows[MALVIK].score == 0
    assert rows[MALVIK].trend is None
    assert [r.number for r in result.rows[:2]] == [TRONDHEIM, MELHUS]
    assert result.rows[-1].score == 0
    texts = " ".join(rows[TRONDHEIM].alerts)
    assert "av listeinnbyggerne er uten fast lege" in texts
    assert "ufordelte øker: 90" in texts
    assert "18 venter på lister som er lukket eller uten fast lege" in texts
    assert "alle lister er fulle" in rows[MELHUS].alerts


def test_without_statistics_only_the_waiting_counts():
    closed = gp_list(ceiling=5, members=95, is_open=False)
    wait_on(closed, 5)
    result = county_followup(County.objects.get(number="50"), TODAY)
    assert result.month is None
    top = result.rows[0]
    # 5 waiting against today's 95 list residents: 5.26 % × 5 = 26.3
    assert top.number == TRONDHEIM
    assert top.waiting_closed == 5
    assert top.score == 26.3
    assert top.trend is None


@pytest.fixture
def governor():
    return user_with(Role.COUNTY_GOVERNOR, county_id="50")


def test_the_county_governor_records_a_note_and_contact_date(governor):
    row = record_follow_up(
        governor,
        TRONDHEIM,
        note="  Venter på svar om ALIS.  ",
        last_contacted=D(2026, 11, 18),
        today=TODAY,
    )
    assert (row.note, row.last_contacted) == ("Venter på svar om ALIS.", D(2026, 11, 18))
    record_follow_up(governor, TRONDHEIM, note="Møte avtalt", last_contacted=TODAY, today=TODAY)
    assert MunicipalityFollowUp.objects.count() == 1
    event = AuditEvent.objects.filter(action="followup.recorded").latest("pk")
    assert event.actor_id == governor.pk
    assert event.details["before"] == {
        "note": "Venter på svar om ALIS.",
        "last_contacted": "2026-11-18",
    }
    assert event.details["after"]["note"] == "Møte avtalt"
    rows = {r.number: r for r in county_followup(County.objects.get(number="50"), TODAY).rows}
    follow_up = rows[TRONDHEIM].follow_up
    assert follow_up is not None and follow_up.last_contacted == TODAY


@pytest.mark.parametrize(
    "who",
    [
        lambda: user_with(Role.COUNTY_GOVERNOR, county_id="03"),
        lambda: user_with(Role.MUNICIPALITY, municipality_id=TRONDHEIM),
        lambda: user_with(Role.NATIONAL),
    ],
)
def test_only_the_county_governor_of_the_county_writes(who):
    with pytest.raises(DomainError) as exc:
        record_follow_up(who(), TRONDHEIM, note="x", last_contacted=None, today=TODAY)
    assert exc.value.code == Code.NOT_AUTHORISED
    assert not MunicipalityFollowUp.objects.exists()
    assert not AuditEvent.objects.filter(action="followup.recorded").exists()


@pytest.mark.parametrize(
    ("kwargs", "code", "message"),
    [
        (
            {"note": "x", "last_contacted": D(2026, 11, 21)},
            Code.CONTACT_DATE_IN_FUTURE,
            "fram i tid",
        ),
        ({"note": "x" * 2001, "last_contacted": None}, Code.NOTE_TOO_LONG, "høyst 2000 tegn"),
        (
            {"note": "Gjelder 01017012345", "last_contacted": None},
            Code.NOTE_HAS_NIN,
            "kan ikke inneholde fødselsnummer",
        ),
    ],
)
def test_bad_input_is_refused_in_norwegian_and_changes_nothing(governor, kwargs, code, message):
    record_follow_up(governor, TRONDHEIM, note="Før", last_contacted=D(2026, 11, 1), today=TODAY)
    with pytest.raises(DomainError) as exc:
        record_follow_up(governor, TRONDHEIM, today=TODAY, **kwargs)
    assert exc.value.code == code
    assert message in exc.value.messages[0]
    row = MunicipalityFollowUp.objects.get()
    assert (row.note, row.last_contacted) == ("Før", D(2026, 11, 1))
    assert AuditEvent.objects.filter(action="followup.recorded").count() == 1


def test_an_unknown_municipality_is_refused(governor):
    with pytest.raises(DomainError) as exc:
        record_follow_up(governor, "9999", note="", last_contacted=None, today=TODAY)
    assert exc.value.code == Code.UNKNOWN_MUNICIPALITY
