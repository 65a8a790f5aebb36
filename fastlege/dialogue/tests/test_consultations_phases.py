"""Consultations with phases (issue 21, part 4): the phase around the deadline, each
transition and its refusals, the extension log and its announcement, automatic
closing, comments anchored to sections, and what is public."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from fastlege.core.models import AuditEvent
from fastlege.dialogue import selectors, services
from fastlege.dialogue.models import (
    Consultation,
    ConsultationStatus,
    DeadlineExtension,
    Phase,
    SectionComment,
    WithholdReason,
    phase_of,
)
from fastlege.dialogue.services import Code, DialogueError
from fastlege.dialogue.services import consultations_phases as phases
from fastlege.dialogue.tests.factories import at, county_governor, ministry

pytestmark = pytest.mark.django_db

OPENS = at(2030, 6, 25, 9, 0)
# a deadline at the end of the deadline day, Oslo time (summer time: UTC+2)
DEADLINE = at(2030, 9, 16, 23, 59)
DURING = at(2030, 8, 1, 10, 0)
TEXT = """# Bakgrunn
Mange står uten fastlege.

# Rekruttering
Hvordan får vi flere unge leger?

# Finansiering
Basistilskuddet.
"""


def draft(actor=None, **overrides) -> Consultation:
    fields: dict[str, Any] = {
        "title": "Innspill om fastlegeordningen",
        "question": "Hva skal til?",
        "organiser_name": "Helse- og omsorgsdepartementet",
        "opens_at": OPENS,
        "deadline": DEADLINE,
        "themes": ["ALIS", "Finansiering"],
        "published": False,
    }
    fields.update(overrides)
    return services.create_consultation(actor or ministry(), **fields)


def opened(actor=None) -> Consultation:
    hod = actor or ministry()
    c = draft(hod)
    phases.set_sections(hod, c.pk, TEXT)
    return phases.open_consultation(hod, c.pk, now=OPENS - datetime.timedelta(days=1))


def answer(c: Consultation, n: int, **extra) -> services.SubmissionData:
    fields: dict[str, Any] = {
        "name": f"Innsender {n}",
        "email": f"i{n}@example.no",
        "submitter_kind": "fastlege",
        "text": f"Svar nummer {n}.",
    }
    fields.update(extra)
    return services.SubmissionData(**fields)


def refused(code: Code, fn, *args, **kwargs) -> DialogueError:
    with pytest.raises(DialogueError) as caught:
        fn(*args, **kwargs)
    assert caught.value.code == code
    return caught.value


# --- the phase ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2030, 6, 25, 8, 59), Phase.SCHEDULED),
        (at(2030, 6, 25, 9, 0), Phase.OPEN),
        (at(2030, 9, 16, 0, 0), Phase.OPEN),  # the deadline day itself, morning
        (at(2030, 9, 16, 23, 58), Phase.OPEN),
        (at(2030, 9, 16, 23, 59), Phase.OPEN),  # the deadline instant counts
        (at(2030, 9, 16, 23, 59) + datetime.timedelta(seconds=1), Phase.CLOSED),
        (at(2030, 9, 17, 0, 0), Phase.CLOSED),
    ],
)
def test_the_phase_around_the_deadline_in_oslo_time(moment, expected):
    c = opened()
    assert phase_of(c, moment) == expected
    # the same in the database: open_q finds it exactly when phase_of says open
    found = Consultation.objects.filter(pk=c.pk).filter(services_open_q(moment)).exists()
    assert found == (expected == Phase.OPEN)
    # in UTC the deadline is 21:59 on the deadline day (summer time)
    assert c.deadline.astimezone(datetime.UTC) == datetime.datetime(
        2030, 9, 16, 21, 59, tzinfo=datetime.UTC
    )


def services_open_q(moment):
    from fastlege.dialogue.models import open_q

    return open_q(moment)


def test_stored_status_wins_over_the_clock_for_draft_closed_and_summary():
    c = draft()
    assert phase_of(c, DURING) == Phase.DRAFT
    c.status = ConsultationStatus.CLOSED
    assert phase_of(c, DURING) == Phase.CLOSED  # closed early, deadline not reached
    c.status = ConsultationStatus.SUMMARY
    assert phase_of(c, DURING) == Phase.SUMMARY


# --- transitions -------------------------------------------------------------------


def test_draft_open_extend_close_publish_each_audited():
    hod = ministry()
    c = draft(hod)
    phases.set_sections(hod, c.pk, TEXT)
    phases.open_consultation(hod, c.pk, now=DURING)
    c.refresh_from_db()
    assert c.status == "apen" and phase_of(c, DURING) == Phase.OPEN
    new = at(2030, 9, 30, 23, 59)
    phases.extend_deadline(hod, c.pk, new_deadline=new, reason="Sommerferie", now=DURING)
    phases.close_consultation(hod, c.pk, now=DURING + datetime.timedelta(days=1))
    c.refresh_from_db()
    assert phase_of(c, DURING + datetime.timedelta(days=1)) == Phase.CLOSED
    assert c.closed_at == DURING + datetime.timedelta(days=1)
    phases.publish_summary(hod, c.pk, summary="Vi fikk mange svar.", now=at(2030, 10, 15))
    c.refresh_from_db()
    assert phase_of(c) == Phase.SUMMARY and c.summary == "Vi fikk mange svar."
    assert c.submissions_published_at == at(2030, 10, 15)
    actions = list(
        AuditEvent.objects.filter(actor=hod, action__startswith="dialogue.consultation.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "dialogue.consultation.create",
        "dialogue.consultation.sections",
        "dialogue.consultation.open",
        "dialogue.consultation.extend",
        "dialogue.consultation.close",
        "dialogue.consultation.summary",
    ]


def test_wrong_transitions_are_refused_with_the_phase_and_change_nothing():
    hod = ministry()
    c = draft(hod)
    e = refused(Code.CONSULTATION_NOT_RUNNING, phases.close_consultation, hod, c.pk, now=DURING)
    assert "utkast" in e.message
    refused(
        Code.CONSULTATION_NOT_RUNNING,
        phases.extend_deadline,
        hod,
        c.pk,
        new_deadline=at(2030, 10, 1),
        reason="x",
        now=DURING,
    )
    refused(Code.CONSULTATION_NOT_CLOSED, phases.publish_summary, hod, c.pk, summary="x")
    phases.open_consultation(hod, c.pk, now=DURING)
    e = refused(Code.CONSULTATION_NOT_DRAFT, phases.open_consultation, hod, c.pk, now=DURING)
    assert "åpen" in e.message and "åpen" in e.english
    refused(Code.SECTIONS_LOCKED, phases.set_sections, hod, c.pk, TEXT)
    refused(
        Code.CONSULTATION_NOT_CLOSED, phases.publish_summary, hod, c.pk, summary="x", now=DURING
    )
    refused(
        Code.EXTENSION_NOT_LATER,
        phases.extend_deadline,
        hod,
        c.pk,
        new_deadline=DEADLINE,
        reason="x",
        now=DURING,
    )
    refused(
        Code.REASON_REQUIRED,
        phases.extend_deadline,
        hod,
        c.pk,
        new_deadline=at(2030, 10, 1),
        reason="  ",
        now=DURING,
    )
    after = DEADLINE + datetime.timedelta(minutes=1)
    # past the deadline it is closed, before any command ran: no extension, no early close
    refused(
        Code.CONSULTATION_NOT_RUNNING,
        phases.extend_deadline,
        hod,
        c.pk,
        new_deadline=at(2030, 10, 1),
        reason="for sent",
        now=after,
    )
    refused(Code.CONSULTATION_NOT_RUNNING, phases.close_consultation, hod, c.pk, now=after)
    refused(Code.SUMMARY_REQUIRED, phases.publish_summary, hod, c.pk, summary=" ", now=after)
    c.refresh_from_db()
    assert (c.status, c.deadline, c.summary) == ("apen", DEADLINE, "")
    assert not DeadlineExtension.objects.exists()
    # and a county governor may not run the ministry's consultation
    refused(Code.NOT_AUTHORISED, phases.close_consultation, county_governor(), c.pk, now=DURING)
    # the summary may be published once it is closed by the clock
    phases.publish_summary(hod, c.pk, summary="Oppsummert.", now=after)
    c.refresh_from_db()
    assert c.status == "oppsummering" and c.closed_at == DEADLINE


def test_opening_a_draft_whose_deadline_passed_is_refused():
    hod = ministry()
    c = draft(hod)
    refused(
        Code.DEADLINE_PASSED_BEFORE_OPENING,
        phases.open_consultation,
        hod,
        c.pk,
        now=DEADLINE + datetime.timedelta(seconds=1),
    )
    assert Consultation.objects.get(pk=c.pk).status == "utkast"


# --- the extension log and its announcement ----------------------------------------


def test_an_extension_is_logged_and_announced_on_the_public_page(client):
    hod = ministry()
    c = opened(hod)
    new = at(2030, 9, 30, 23, 59)
    phases.extend_deadline(
        hod, c.pk, new_deadline=new, reason="Kommunene ber om mer tid.", now=DURING
    )
    row = DeadlineExtension.objects.get()
    assert (row.old_deadline, row.new_deadline, row.extended_by, row.extended_at) == (
        DEADLINE,
        new,
        hod,
        DURING,
    )
    assert row.reason == "Kommunene ber om mer tid."
    c.refresh_from_db()
    assert c.deadline == new
    # on the old deadline day, after the old deadline: still open
    assert phase_of(c, DEADLINE + datetime.timedelta(hours=1)) == Phase.OPEN
    html = client.get(reverse("dialogue:consultation", args=[c.pk])).content.decode()
    assert "Fristen er forlenget fra 16. september 2030 23:59 til 30. september 2030 23:59." in html
    assert "Kommunene ber om mer tid." in html


# --- automatic closing ---------------------------------------------------------------


def test_the_close_command_closes_due_consultations_once(client):
    hod = ministry()
    due, running = opened(hod), opened(hod)
    Consultation.objects.filter(pk=due.pk).update(deadline=at(2020, 1, 1), opens_at=at(2019, 1, 1))
    Consultation.objects.filter(pk=running.pk).update(deadline=at(2999, 1, 1))
    due.refresh_from_db()
    # before the command runs, everything already treats it as closed
    assert phase_of(due) == Phase.CLOSED
    assert due not in selectors.public_consultations()
    refused(Code.CONSULTATION_CLOSED, services.submit, None, due.pk, answer(due, 1))
    page = client.get(reverse("dialogue:consultation", args=[due.pk])).content.decode()
    assert "Send inn innspill" not in page and "Innspillsrunden er lukket" in page
    call_command("dialogue_close_consultations")
    due.refresh_from_db()
    running.refresh_from_db()
    assert (due.status, due.closed_at) == ("lukket", at(2020, 1, 1))
    assert running.status == "apen"
    events = AuditEvent.objects.filter(action="dialogue.consultation.close")
    assert events.count() == 1
    call_command("dialogue_close_consultations")  # idempotent: nothing more happens
    assert events.count() == 1
    assert Consultation.objects.get(pk=due.pk).closed_at == at(2020, 1, 1)


# --- sections and anchored comments --------------------------------------------------


def test_sections_are_numbered_in_order_and_comments_anchor_to_them(client):
    hod = ministry()
    c = opened(hod)
    numbered = list(c.sections.values_list("number", "heading", "text"))
    assert numbered == [
        (1, "Bakgrunn", "Mange står uten fastlege."),
        (2, "Rekruttering", "Hvordan får vi flere unge leger?"),
        (3, "Finansiering", "Basistilskuddet."),
    ]
    second = c.sections.get(number=2)
    third = c.sections.get(number=3)
    services.submit(
        None,
        c.pk,
        answer(c, 1, text="", section_comments={second.pk: "Fast lønn i ALIS.", third.pk: " "}),
        now=DURING,
    )
    services.submit(
        None,
        c.pk,
        answer(
            c,
            2,
            section_comments={second.pk: "Ikke offentlig kommentar."},
            requests_non_public=True,
            non_public_reason="Interne planer",
        ),
        now=DURING,
    )
    assert list(SectionComment.objects.values_list("section__number", "text")) == [
        (2, "Fast lønn i ALIS."),
        (2, "Ikke offentlig kommentar."),
    ]
    # a section of another consultation, and an empty answer, are refused
    other = opened(hod)
    refused(
        Code.UNKNOWN_SECTION,
        services.submit,
        None,
        c.pk,
        answer(c, 3, section_comments={other.sections.get(number=1).pk: "x"}),
        now=DURING,
    )
    refused(Code.TEXT_REQUIRED, services.submit, None, c.pk, answer(c, 4, text=""), now=DURING)
    # the public page: the draft with its public comments once answers are published
    url = reverse("dialogue:consultation", args=[c.pk])
    html = client.get(url).content.decode()
    assert "2. Rekruttering" in html and "Fast lønn i ALIS." not in html
    services.publish_submissions(hod, c.pk, published=True)
    html = client.get(url).content.decode()
    assert "Fast lønn i ALIS." in html and "Ikke offentlig kommentar." not in html
    c.refresh_from_db()
    shown = {
        v.section.number: v.count for v in selectors_sections(c)
    }  # one public comment on section 2, none elsewhere
    assert shown == {1: 0, 2: 1, 3: 0}


def selectors_sections(c):
    from fastlege.dialogue import selectors_consultations

    return selectors_consultations.sections_with_public_comments(c)


def test_sections_text_must_start_with_a_heading():
    hod = ministry()
    c = draft(hod)
    e = refused(Code.SECTIONS_BAD_TEXT, phases.set_sections, hod, c.pk, "Innledning\n# Punkt")
    assert "Linje 1" in e.message
    assert not c.sections.exists()


# --- openness ----------------------------------------------------------------------


def test_non_public_and_withheld_answers_never_reach_public_pages_or_exports(client):
    hod = ministry()
    c = opened(hod)
    section = c.sections.get(number=1)
    public = services.submit(None, c.pk, answer(c, 1, text="Offentlig svar."), now=DURING)
    refused(
        Code.NON_PUBLIC_REASON_REQUIRED,
        services.submit,
        None,
        c.pk,
        answer(c, 2, requests_non_public=True),
        now=DURING,
    )
    services.submit(
        None,
        c.pk,
        answer(
            c,
            2,
            text="Hemmelig svar.",
            requests_non_public=True,
            non_public_reason="Forretningshemmeligheter",
            section_comments={section.pk: "Hemmelig kommentar."},
        ),
        now=DURING,
    )
    held = services.submit(
        None,
        c.pk,
        answer(c, 3, text="Svar om pasienten Per.", section_comments={section.pk: "Om Per."}),
        now=DURING,
    )
    refused(Code.UNKNOWN_WITHHOLD_REASON, phases.withhold_submission, hod, held.pk, reason="lei")
    phases.withhold_submission(
        hod, held.pk, reason=WithholdReason.THIRD_PARTY, note="Navngitt pasient", now=DURING
    )
    event = AuditEvent.objects.get(action="dialogue.submission.withhold")
    assert event.actor == hod
    held.refresh_from_db()
    assert (held.withheld_reason, held.withheld_by, held.withheld_at) == (
        "andres_personopplysninger",
        hod,
        DURING,
    )
    services.publish_submissions(hod, c.pk, published=True)
    pages = [
        client.get(reverse("dialogue:published", args=[c.pk])).content.decode(),
        client.get(reverse("dialogue:consultation", args=[c.pk])).content.decode(),
        client.get(reverse("dialogue:public_answers", args=[c.pk])).content.decode("utf-8-sig"),
    ]
    for shown in pages:
        assert "Hemmelig" not in shown and "Per" not in shown
        assert "i1@example.no" not in shown
    assert "Offentlig svar." in pages[0] and "Offentlig svar." in pages[2]
    # released again: it is public (the release is logged too)
    phases.withhold_submission(hod, held.pk, reason="")
    assert AuditEvent.objects.filter(action="dialogue.submission.release").exists()
    again = client.get(reverse("dialogue:published", args=[c.pk])).content.decode()
    assert "Svar om pasienten Per." in again
    assert public.pk != held.pk


def test_opening_and_extending_are_announced_to_the_countys_users_as_they_chose() -> None:
    """A county's consultation is announced to that county's municipal and county
    governor users (notices, kind «horing»: the weekly digest by default, none if
    chosen); users elsewhere hear nothing. An extension is announced again."""
    from fastlege.dialogue.tests.factories import municipality_user
    from fastlege.notices.models import Frequency, Notice
    from fastlege.notices.models import Kind as NoticeKind
    from fastlege.notices.services import set_preferences

    def with_email(user: Any, address: str) -> Any:
        user.email = address
        user.save(update_fields=["email"])
        return user

    governor = with_email(county_governor(), "sf@statsforvalteren.no")
    trondheim = with_email(municipality_user("5001"), "lege@trondheim.kommune.no")
    quiet = with_email(municipality_user("5006"), "lege@steinkjer.kommune.no")
    set_preferences(quiet, quiet, {NoticeKind.CONSULTATION: Frequency.NONE})
    with_email(municipality_user("0301"), "lege@oslo.kommune.no")  # another county
    c = draft(governor, county_id="50")
    phases.open_consultation(governor, c.pk, now=OPENS - datetime.timedelta(days=1))
    told = Notice.objects.filter(kind=NoticeKind.CONSULTATION)
    assert sorted(told.values_list("user__email", "frequency")) == [
        ("lege@trondheim.kommune.no", Frequency.WEEKLY),
        ("sf@statsforvalteren.no", Frequency.WEEKLY),
    ]
    assert all(c.title in n.subject for n in told)
    phases.extend_deadline(
        governor, c.pk, new_deadline=DEADLINE + datetime.timedelta(days=7),
        reason="Sommerferie", now=DURING,
    )  # fmt: skip
    extended = told.filter(subject__startswith="Fristen er forlenget")
    assert sorted(extended.values_list("user_id", flat=True)) == sorted([governor.pk, trondheim.pk])
    body = extended.values_list("body", flat=True)[0]
    assert "16.09.2030" in body and "23.09.2030" in body
