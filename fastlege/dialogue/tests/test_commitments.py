"""The forum's agreements as commitments: owner, milestones, completion with a history
that is never overwritten, coded refusals that change nothing, audit rows."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from fastlege.core.models import AuditEvent
from fastlege.dialogue import services
from fastlege.dialogue.models import (
    Commitment,
    CommitmentMilestone,
    CommitmentProgress,
    CommitmentStatus,
)
from fastlege.dialogue.services import Code, DialogueError
from fastlege.dialogue.services import commitments as svc
from fastlege.dialogue.tests.factories import county_governor, ministry, municipality_user

pytestmark = pytest.mark.django_db
D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
PARTIES = [("HOD", "Helse- og omsorgsdepartementet"), ("KS", "KS"), ("LF", "Legeforeningen")]


def setting():
    hod = ministry()
    forum = services.create_forum(hod, name="Trepartssamarbeidet", parties=PARTIES)
    case = services.open_case(hod, forum.pk, title="Utdanning (ALIS)")
    ks = forum.parties.get(short_name="KS")
    return hod, forum, case, ks


def refused(code: Code, call, *args, **kwargs) -> None:
    with pytest.raises(DialogueError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code
    assert caught.value.message and caught.value.english  # Norwegian and English


def snapshot() -> tuple:
    return (
        list(Commitment.objects.values_list("progress", "status", "published")),
        list(CommitmentProgress.objects.values_list("percent", "status", "recorded_on")),
        list(CommitmentMilestone.objects.values_list("title", "done_on")),
    )


def test_an_agreement_gets_an_owner_milestones_and_a_history_of_completion():
    hod, forum, case, ks = setting()
    today = timezone.localdate()
    start = today - datetime.timedelta(days=200)
    c = svc.create_commitment(
        hod, case.pk, title="Flere ALIS-avtaler", owner_id=ks.pk, starts_on=start,
        indicator_codes=["andel_spesialister", "fastleger_startet", "andel_spesialister"],
    )  # fmt: skip
    assert (c.forum_id, c.owner.short_name, c.progress, c.status) == (
        forum.pk, "KS", 0, "ikke_startet",
    )  # fmt: skip
    assert list(c.indicators.values_list("code", flat=True)) == [
        "andel_spesialister",
        "fastleger_startet",
    ]
    m = svc.add_milestone(hod, c.pk, title="Oversikt", due_on=start + datetime.timedelta(days=30))
    svc.complete_milestone(hod, m.pk, done_on=start + datetime.timedelta(days=40))
    svc.record_progress(hod, c.pk, percent=40, status="i_gang", comment="Godt i gang",
                        on=start + datetime.timedelta(days=60))  # fmt: skip
    svc.record_progress(hod, c.pk, percent=35, status="forsinket", comment="Forsinket",
                        on=start + datetime.timedelta(days=90))  # fmt: skip
    c.refresh_from_db()
    assert (c.progress, c.status) == (35, "forsinket")
    # every change is kept: value, day, who and comment, in order; none overwritten
    history = list(
        c.history.order_by("recorded_on", "id").values_list(
            "percent", "status", "recorded_on", "recorded_by", "comment"
        )
    )
    assert history == [
        (0, "ikke_startet", start, hod.pk, ""),
        (40, "i_gang", start + datetime.timedelta(days=60), hod.pk, "Godt i gang"),
        (35, "forsinket", start + datetime.timedelta(days=90), hod.pk, "Forsinket"),
    ]
    actions = list(
        AuditEvent.objects.filter(action__startswith="dialogue.commitment")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "dialogue.commitment.create",
        "dialogue.commitment.milestone",
        "dialogue.commitment.milestone_done",
        "dialogue.commitment.progress",
        "dialogue.commitment.progress",
    ]
    # a completed agreement is 100 %
    refused(Code.DONE_NEEDS_100, svc.record_progress, hod, c.pk, percent=90, status="fullfort")
    svc.record_progress(hod, c.pk, percent=100, status=CommitmentStatus.DONE, on=today)
    c.refresh_from_db()
    assert (c.progress, c.status, c.history.count()) == (100, "fullfort", 4)


def test_bad_input_is_refused_with_a_code_and_changes_nothing():
    hod, forum, case, ks = setting()
    today = timezone.localdate()
    start = today - datetime.timedelta(days=100)
    c = svc.create_commitment(hod, case.pk, title="ALIS", owner_id=ks.pk, starts_on=start)
    m = svc.add_milestone(hod, c.pk, title="Steg", due_on=start + datetime.timedelta(days=10))
    svc.record_progress(hod, c.pk, percent=20, status="i_gang", on=today - datetime.timedelta(5))
    before = snapshot()
    events = AuditEvent.objects.count()
    for percent in (-1, 101, 250):
        refused(Code.PERCENT_OUT_OF_RANGE, svc.record_progress, hod, c.pk, percent=percent,
                status="i_gang")  # fmt: skip
    refused(Code.UNKNOWN_STATUS, svc.record_progress, hod, c.pk, percent=30, status="ferdig")
    refused(Code.PROGRESS_BEFORE_START, svc.record_progress, hod, c.pk, percent=30,
            status="i_gang", on=start - datetime.timedelta(days=1))  # fmt: skip
    refused(Code.PROGRESS_BEFORE_LAST, svc.record_progress, hod, c.pk, percent=30,
            status="i_gang", on=today - datetime.timedelta(days=6))  # fmt: skip
    refused(Code.DATE_IN_FUTURE, svc.record_progress, hod, c.pk, percent=30, status="i_gang",
            on=today + datetime.timedelta(days=1))  # fmt: skip
    # a milestone cannot be reached before the agreement started, nor twice
    refused(Code.MILESTONE_DONE_BEFORE_START, svc.complete_milestone, hod, m.pk,
            done_on=start - datetime.timedelta(days=1))  # fmt: skip
    refused(Code.MILESTONE_DUE_BEFORE_START, svc.add_milestone, hod, c.pk, title="Før",
            due_on=start - datetime.timedelta(days=1))  # fmt: skip
    refused(Code.DATE_IN_FUTURE, svc.complete_milestone, hod, m.pk,
            done_on=today + datetime.timedelta(days=1))  # fmt: skip
    # the owner must be one of the forum's active parties; the decision of the case
    other = services.create_forum(hod, name="Annet forum", parties=[("X", "X")])
    refused(Code.OWNER_NOT_A_PARTY, svc.create_commitment, hod, case.pk, title="t",
            owner_id=other.parties.get().pk, starts_on=start)  # fmt: skip
    other_case = services.open_case(hod, forum.pk, title="Finansiering")
    decision = services.record_decision(hod, other_case.pk, text="Vedtak", decided_on=start)
    refused(Code.DECISION_OTHER_CASE, svc.create_commitment, hod, case.pk, title="t",
            owner_id=ks.pk, starts_on=start, decision_id=decision.pk)  # fmt: skip
    refused(Code.ENDS_BEFORE_START, svc.create_commitment, hod, case.pk, title="t",
            owner_id=ks.pk, starts_on=start, ends_on=start - ONE_DAY)  # fmt: skip
    refused(Code.UNKNOWN_INDICATOR, svc.create_commitment, hod, case.pk, title="t",
            owner_id=ks.pk, starts_on=start, indicator_codes=["andel_liste_uten_lege"])  # fmt: skip
    refused(Code.TEXT_REQUIRED, svc.create_commitment, hod, case.pk, title=" ",
            owner_id=ks.pk, starts_on=start)  # fmt: skip
    refused(Code.UNKNOWN_COMMITMENT, svc.record_progress, hod, 999_999, percent=1,
            status="i_gang")  # fmt: skip
    assert snapshot() == before
    assert Commitment.objects.count() == 1
    # no audit row for a refusal: only the other forum, case and decision wrote one
    assert AuditEvent.objects.count() == events + 3  # forum, case, decision


def test_only_the_forums_national_users_write():
    hod, forum, case, ks = setting()
    start = timezone.localdate() - datetime.timedelta(days=10)
    c = svc.create_commitment(hod, case.pk, title="ALIS", owner_id=ks.pk, starts_on=start)
    for outsider in (county_governor(), municipality_user()):
        refused(Code.NOT_AUTHORISED, svc.record_progress, outsider, c.pk, percent=50,
                status="i_gang")  # fmt: skip
        refused(Code.NOT_AUTHORISED, svc.create_commitment, outsider, case.pk, title="x",
                owner_id=ks.pk, starts_on=start)  # fmt: skip
        refused(Code.NOT_AUTHORISED, svc.set_commitment_published, outsider, c.pk, True)
    c.refresh_from_db()
    assert (c.progress, c.published, Commitment.objects.count()) == (0, False, 1)
    svc.set_commitment_published(hod, c.pk, True)
    svc.set_commitment_indicators(hod, c.pk, ["lister_uten_lege", "andel_uten_lege"])
    svc.set_commitment_indicators(hod, c.pk, ["andel_uten_lege"])
    c.refresh_from_db()
    assert c.published
    assert list(c.indicators.values_list("code", flat=True)) == ["andel_uten_lege"]
