"""Invitations, reminders, attendance and coverage (issue 21, part 1): the services."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from fastlege.core.models import AuditEvent
from fastlege.dialogue import selectors_invitations as coverage
from fastlege.dialogue import services
from fastlege.dialogue.models import OutgoingEmail, Registration
from fastlege.dialogue.models_invitations import Invitation
from fastlege.dialogue.services import Code, DialogueError
from fastlege.dialogue.services import invitations as inv
from fastlege.dialogue.tests.factories import (
    at,
    county_governor,
    meeting,
    ministry,
    municipality_user,
    registration,
)
from fastlege.notices.models import Frequency, Notice
from fastlege.notices.models import Kind as NoticeKind
from fastlege.notices.services import set_preferences
from fastlege.reference.models import Municipality

pytestmark = pytest.mark.django_db
BEFORE = at(2030, 11, 1, 10, 0)  # a month before the meeting (7.12.2030, deadline 1.12 12:00)
DEADLINE = at(2030, 12, 1, 12, 0)


def trondelag() -> list[str]:
    return list(
        Municipality.objects.filter(county_id="50")
        .order_by("number")
        .values_list("number", flat=True)
    )


def with_email(user, email: str):
    user.email = email
    user.save(update_fields=["email"])
    return user


def test_the_county_governor_invites_every_municipality_of_the_county_in_one_action():
    governor = county_governor()
    m = meeting(governor)
    expected = trondelag()
    assert len(expected) > 10  # the reference data holds Trøndelag's municipalities
    created = inv.invite_municipalities(governor, m.pk, county_id="50", now=BEFORE)
    assert sorted(str(i.municipality_id) for i in created) == expected
    event = AuditEvent.objects.get(action="dialogue.invitation.municipalities")
    assert event.actor == governor
    # again: nothing new, nobody invited twice
    assert inv.invite_municipalities(governor, m.pk, county_id="50", now=BEFORE) == []
    assert m.invitations.count() == len(expected)


def test_refusals_change_nothing():
    governor = county_governor()
    m = meeting(governor)
    oslo_governor = county_governor("03")

    def refused(actor, **kwargs) -> str:
        with pytest.raises(DialogueError) as exc:
            inv.invite_municipalities(actor, m.pk, now=BEFORE, **kwargs)
        return str(exc.value.code)

    assert refused(oslo_governor, county_id="50") == Code.NOT_AUTHORISED
    assert refused(municipality_user(), numbers=["5001"]) == Code.NOT_AUTHORISED
    # one municipality outside Trøndelag refuses the whole action, also the valid one
    assert refused(governor, numbers=["5001", "0301"]) == Code.MUNICIPALITY_OUTSIDE_COUNTY
    assert refused(governor, numbers=["9999"]) == Code.UNKNOWN_MUNICIPALITY
    assert refused(governor, numbers=[]) == Code.INVITEE_REQUIRED
    with pytest.raises(DialogueError) as ended:
        inv.invite_municipalities(governor, m.pk, numbers=["5001"], now=at(2030, 12, 7, 12, 0))
    assert ended.value.code == Code.MEETING_ENDED
    assert "holdt" in ended.value.message and "taken place" in ended.value.english
    draft = meeting(governor, published=False)
    with pytest.raises(DialogueError) as hidden:
        inv.invite_municipalities(governor, draft.pk, numbers=["5001"], now=BEFORE)
    assert hidden.value.code == Code.MEETING_NOT_PUBLISHED
    with pytest.raises(DialogueError) as nobody:
        inv.invite_person(governor, m.pk, name="Kari", email=" ", now=BEFORE)
    assert nobody.value.code == Code.INVITEE_REQUIRED
    assert not Invitation.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="dialogue.invitation").exists()


def test_the_ministry_invites_municipalities_of_any_county_to_a_national_meeting():
    hod = ministry()
    m = meeting(hod, county_id=None)
    created = inv.invite_municipalities(hod, m.pk, numbers=["0301", "5001"], now=BEFORE)
    assert {i.municipality_id for i in created} == {"0301", "5001"}
    with pytest.raises(DialogueError) as refused:
        inv.invite_municipalities(county_governor(), m.pk, numbers=["5001"], now=BEFORE)
    assert refused.value.code == Code.NOT_AUTHORISED


def test_a_named_person_gets_the_invitation_by_e_mail_once(django_capture_on_commit_callbacks):
    governor = county_governor()
    m = meeting(governor)
    account = with_email(municipality_user("5006"), "kari.nordmann@steinkjer.kommune.no")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = inv.invite_person(
            governor, m.pk, name="Kari Nordmann", email="Kari.Nordmann@Steinkjer.kommune.no",
            now=BEFORE,
        )  # fmt: skip
    assert invitation.email == "kari.nordmann@steinkjer.kommune.no"
    assert invitation.user == account
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["kari.nordmann@steinkjer.kommune.no"]
    assert m.title in sent.subject
    assert "01.12.2030 kl. 12:00" in sent.body  # the deadline
    assert f"/dialog/mote/{m.pk}/pamelding/" in sent.body  # the register link
    assert AuditEvent.objects.filter(action="dialogue.invitation.person").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        again = inv.invite_person(
            governor, m.pk, name="Kari Nordmann", email="kari.nordmann@steinkjer.kommune.no",
            now=BEFORE,
        )  # fmt: skip
    assert again.pk == invitation.pk and len(mail.outbox) == 1


def test_reminders_go_once_to_those_who_have_not_registered(django_capture_on_commit_callbacks):
    governor = county_governor()
    m = meeting(governor, registration_deadline=DEADLINE)
    # Trondheim (5001) has two municipal users with an address, Steinkjer (5006) one;
    # Steinkjer registers, Trondheim does not; a person registers, another does not
    with_email(municipality_user("5001"), "a@trondheim.kommune.no")
    b = with_email(municipality_user("5001"), "b@trondheim.kommune.no")
    d = with_email(municipality_user("5001"), "d@trondheim.kommune.no")
    with_email(municipality_user("5006"), "c@steinkjer.kommune.no")
    # users choose per kind (notices): d wants no e-mail about invitations, b a daily digest
    set_preferences(d, d, {NoticeKind.INVITATION: Frequency.NONE})
    set_preferences(b, b, {NoticeKind.INVITATION: Frequency.DAILY})
    inv.invite_municipalities(governor, m.pk, numbers=["5001", "5006"], now=BEFORE)
    inv.invite_person(governor, m.pk, name="Per", email="per@example.no", now=BEFORE)
    inv.invite_person(governor, m.pk, name="Ola", email="ola@example.no", now=BEFORE)
    services.register(None, m.pk, registration(m.pk, 1, municipality_id="5006"), now=BEFORE)
    services.register(None, m.pk, registration(m.pk, 2, email="ola@example.no"), now=BEFORE)
    mail.outbox.clear()
    days = 3  # rules: invitation_reminder_days_before_deadline
    too_early = DEADLINE - datetime.timedelta(days=days, minutes=1)
    assert inv.remind_unregistered(None, now=too_early) == 0
    in_time = DEADLINE - datetime.timedelta(days=days)
    with django_capture_on_commit_callbacks(execute=True):
        assert inv.remind_unregistered(None, now=in_time) == 2  # Trondheim and Per
    # at once: a (the default) and Per (no account: the dialogue's own outbox);
    # b's waits for the daily digest; d chose none
    assert sorted(to for e in mail.outbox for to in e.to) == [
        "a@trondheim.kommune.no",
        "per@example.no",
    ]
    assert all(e.subject.startswith("Påminnelse") for e in mail.outbox)
    reminders = Notice.objects.filter(kind=NoticeKind.INVITATION, subject__startswith="Påminn")
    assert sorted(reminders.values_list("user__email", "frequency")) == [
        ("a@trondheim.kommune.no", Frequency.NOW),
        ("b@trondheim.kommune.no", Frequency.DAILY),
    ]
    assert OutgoingEmail.objects.filter(purpose="invitation.reminder").count() == 1
    # idempotent: the next day's run sends nothing more
    assert inv.remind_unregistered(None, now=in_time + datetime.timedelta(days=1)) == 0
    assert OutgoingEmail.objects.filter(purpose="invitation.reminder").count() == 1
    assert reminders.count() == 2
    # and after the deadline nobody is reminded
    late = meeting(governor, title="Et annet møte", registration_deadline=DEADLINE)
    inv.invite_municipalities(governor, late.pk, numbers=["5001"], now=BEFORE)
    assert inv.remind_unregistered(None, now=DEADLINE + datetime.timedelta(minutes=1)) == 0


def test_the_remind_command_runs_the_reminders(django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("dialogue_remind", stdout=out)
    assert "Påminnet: 0" in out.getvalue()


def test_coverage_counts_seats_and_attendance_per_municipality():
    governor = county_governor()
    m = meeting(governor, capacity=3)
    inv.invite_municipalities(governor, m.pk, numbers=["5001", "5006", "5007"], now=BEFORE)

    def reg(n: int, number: str | None):
        return services.register(
            None, m.pk, registration(m.pk, n, municipality_id=number), now=BEFORE
        )

    a = reg(1, "5001")  # Trondheim: two seats, one attended
    reg(2, "5001")
    other = reg(3, "5025")  # Røros, not invited: a seat
    reg(4, "5006")  # Steinkjer: waiting list (full) — no seat, does not count
    services.request_registration(  # pending — does not count
        None, m.pk, registration(m.pk, 5, municipality_id="5007"), client_address="10.0.0.1"
    )
    inv.record_attendance(governor, m.pk, [a.pk, other.pk], now=at(2030, 12, 7, 12, 5))
    rows = {r.number: r for r in coverage.coverage(m)}
    assert len(rows) == len(trondelag())  # every municipality of the county is a row
    got = {
        n: (rows[n].invited, rows[n].registered, rows[n].attended, rows[n].status)
        for n in ("5001", "5006", "5007", "5025", "5014")
    }
    assert got == {
        "5001": (True, 2, 1, "motte"),
        "5006": (True, 0, 0, "invitert"),
        "5007": (True, 0, 0, "invitert"),
        "5025": (False, 1, 1, "motte"),
        "5014": (False, 0, 0, "ikke_invitert"),
    }
    svg, legend = coverage.coverage_map(m, list(rows.values()))
    assert svg.count("<path") == len(trondelag())
    assert {e.label: e.count for e in legend} == {
        "ikke invitert": len(trondelag()) - 4,  # Røros came without an invitation
        "invitert, ingen påmeldt": 2,
        "påmeldt": 0,
        "møtte": 2,
    }
    csv = coverage.coverage_csv(coverage.coverage(m)).decode("utf-8-sig").splitlines()
    assert csv[0] == "Kommunenummer;Kommune;Invitert;Påmeldt;Møtte;Status"
    assert "5001;Trondheim;ja;2;1;møtte" in csv


def test_attendance_is_marked_from_the_start_by_the_organiser_only():
    governor = county_governor()
    m = meeting(governor)
    a = services.register(None, m.pk, registration(m.pk, 1), now=BEFORE)
    b = services.register(None, m.pk, registration(m.pk, 2), now=BEFORE)
    with pytest.raises(DialogueError) as early:
        inv.record_attendance(governor, m.pk, [a.pk], now=at(2030, 12, 7, 8, 59))
    assert early.value.code == Code.ATTENDANCE_BEFORE_MEETING
    with pytest.raises(DialogueError) as other:
        inv.record_attendance(county_governor("03"), m.pk, [a.pk], now=at(2030, 12, 7, 9, 0))
    assert other.value.code == Code.NOT_AUTHORISED
    elsewhere = meeting(governor, title="Et annet møte")
    c = services.register(None, elsewhere.pk, registration(elsewhere.pk, 3), now=BEFORE)
    with pytest.raises(DialogueError) as stranger:
        inv.record_attendance(governor, m.pk, [a.pk, c.pk], now=at(2030, 12, 7, 9, 0))
    assert stranger.value.code == Code.NOT_A_PARTICIPANT
    assert not Registration.objects.filter(attended__isnull=False).exists()
    assert inv.record_attendance(governor, m.pk, [a.pk], now=at(2030, 12, 7, 9, 0)) == 1
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.attended, b.attended) == (True, False)
    assert AuditEvent.objects.filter(action="dialogue.meeting.attendance").count() == 1


def test_a_logged_in_municipal_user_registers_for_their_municipality():
    governor = county_governor()
    m = meeting(governor)
    user = with_email(municipality_user("5006"), "lege@steinkjer.kommune.no")
    requested = services.request_registration(
        user,
        m.pk,
        registration(m.pk, 1, email="lege@steinkjer.kommune.no"),
        client_address="10.0.0.2",
    )
    assert requested.registration.municipality_id == "5006"
    chosen = services.register(
        None, m.pk, registration(m.pk, 2, municipality_id="5001"), now=BEFORE
    )
    assert chosen.municipality_id == "5001"
    with pytest.raises(DialogueError) as unknown:
        services.register(None, m.pk, registration(m.pk, 3, municipality_id="9999"), now=BEFORE)
    assert unknown.value.code == Code.UNKNOWN_MUNICIPALITY


def test_an_ended_meeting_s_deadline_cannot_be_extended():
    governor = county_governor()
    m = meeting(governor, registration_deadline=DEADLINE)
    with pytest.raises(DialogueError) as refused:
        services.extend_registration_deadline(
            governor, m.pk, at(2030, 12, 6), now=at(2030, 12, 7, 12, 0)
        )
    assert refused.value.code == Code.MEETING_ENDED
    assert refused.value.message.startswith("Møtet er holdt (07.12.2030)")
    assert refused.value.english.startswith("The meeting has taken place (07.12.2030)")
    m.refresh_from_db()
    assert m.registration_deadline == DEADLINE
    # while it has not ended, the same change is allowed (the day before the meeting)
    services.extend_registration_deadline(
        governor, m.pk, at(2030, 12, 6), now=at(2030, 12, 5, 12, 0)
    )
    m.refresh_from_db()
    assert m.registration_deadline == at(2030, 12, 6)


def test_the_person_who_gets_a_seat_from_the_waiting_list_is_told_with_a_cancel_link(
    django_capture_on_commit_callbacks,
):
    governor = county_governor()
    m = meeting(governor, capacity=1)
    services.register(None, m.pk, registration(m.pk, 1), now=BEFORE)
    waiting = services.register(None, m.pk, registration(m.pk, 2), now=BEFORE)
    assert waiting.status == Registration.Status.WAITING
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.set_capacity(governor, m.pk, 2)  # the organiser adds a seat
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.REGISTERED
    assert [e.to for e in mail.outbox] == [["deltaker2@example.no"]]
    assert "fått plass" in mail.outbox[0].subject
    assert f"/dialog/pamelding/{waiting.token}/avmeld/" in mail.outbox[0].body


def test_the_demo_invites_trondelag_and_marks_who_came():
    from django.core.management import call_command

    call_command("dialogue_demo")
    call_command("dialogue_demo")  # idempotent
    from fastlege.dialogue.models import Meeting

    m = Meeting.objects.get(title="Dialogmøte om fastlegeordningen", county_id="50")
    numbers = trondelag()
    assert sorted(m.invitations.values_list("municipality_id", flat=True)) == numbers
    # every fourth municipality (by number) does not answer; every third sends two
    answering = [n for i, n in enumerate(numbers) if i % 4 != 3]
    expected_registrations = sum(
        2 if i % 3 == 0 else 1 for i, n in enumerate(numbers) if i % 4 != 3
    )
    # (the group work's demo registers two rapporteurs without a municipality: not counted)
    seated = m.registrations.filter(
        status=Registration.Status.REGISTERED, municipality__isnull=False
    )
    assert seated.count() == expected_registrations
    assert set(seated.values_list("municipality_id", flat=True)) == set(answering)
    assert not seated.filter(attended__isnull=True).exists()  # attendance marked for all
    rows = coverage.coverage(m)
    assert sum(r.registered for r in rows) == expected_registrations
    assert sum(r.attended for r in rows) == seated.filter(attended=True).count() > 0


def test_anonymisation_deletes_named_people_s_invitations_and_keeps_the_coverage():
    governor = county_governor()
    m = meeting(governor)
    inv.invite_municipalities(governor, m.pk, numbers=["5001"], now=BEFORE)
    inv.invite_person(governor, m.pk, name="Per", email="per@example.no", now=BEFORE)
    assert OutgoingEmail.objects.filter(invitation__meeting=m).count() == 1
    services.anonymise_due(None, today=m.personal_data_until)
    assert list(m.invitations.values_list("municipality_id", "email")) == [("5001", "")]
    assert not OutgoingEmail.objects.filter(to="per@example.no").exists()
