"""Registration: deadline, capacity, waiting list, confirmation link, cancellation."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from fastlege.core.models import AuditEvent
from fastlege.dialogue import selectors, services
from fastlege.dialogue.models import OutgoingEmail, Registration
from fastlege.dialogue.services import Code, DialogueError
from fastlege.dialogue.tests.factories import (
    at,
    county_governor,
    meeting,
    ministry,
    municipality_user,
    national_administrator,
    registration,
)

pytestmark = pytest.mark.django_db
DEADLINE = at(2030, 12, 1, 12, 0)


def test_a_registration_the_minute_after_the_deadline_is_refused():
    m = meeting(None, registration_deadline=DEADLINE)
    ok = services.register(None, m.pk, registration(m.pk, 1), now=DEADLINE)
    assert ok.status == Registration.Status.REGISTERED
    with pytest.raises(DialogueError) as refused:
        services.register(
            None, m.pk, registration(m.pk, 2), now=DEADLINE + datetime.timedelta(minutes=1)
        )
    assert refused.value.code == Code.REGISTRATION_DEADLINE_PASSED
    assert "01.12.2030 kl. 12:00" in refused.value.message
    assert m.registrations.count() == 1


def test_an_extended_deadline_lets_people_register_again():
    governor = county_governor()
    m = meeting(governor, registration_deadline=DEADLINE)
    late = DEADLINE + datetime.timedelta(days=2)
    with pytest.raises(DialogueError):
        services.register(None, m.pk, registration(m.pk, 1), now=late)
    services.extend_registration_deadline(governor, m.pk, DEADLINE + datetime.timedelta(days=4))
    assert services.register(None, m.pk, registration(m.pk, 1), now=late).pk
    with pytest.raises(DialogueError) as earlier:
        services.extend_registration_deadline(governor, m.pk, DEADLINE)
    assert earlier.value.code == Code.DEADLINE_NOT_LATER
    with pytest.raises(DialogueError) as after:
        services.extend_registration_deadline(governor, m.pk, at(2030, 12, 8, 9, 0))
    assert after.value.code == Code.DEADLINE_AFTER_MEETING
    with pytest.raises(DialogueError) as other:
        services.extend_registration_deadline(municipality_user(), m.pk, at(2030, 12, 6))
    assert other.value.code == Code.NOT_AUTHORISED


def test_capacity_then_waiting_list_then_a_seat_when_someone_cancels(
    django_capture_on_commit_callbacks,
):
    m = meeting(None, capacity=2)
    now = at(2030, 11, 1)
    with django_capture_on_commit_callbacks(execute=True):
        a = services.register(None, m.pk, registration(m.pk, 1), now=now)
        services.register(None, m.pk, registration(m.pk, 2), now=now)
        c = services.register(None, m.pk, registration(m.pk, 3), now=now)
        d = services.register(None, m.pk, registration(m.pk, 4), now=now)
    assert (a.status, c.status, d.status) == ("pameldt", "venteliste", "venteliste")
    assert selectors.seats(m) == {"registered": 2, "waiting": 2, "free": 0}
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(None, a.token)
    c.refresh_from_db()
    d.refresh_from_db()
    assert (c.status, d.status) == ("pameldt", "venteliste")  # first come, first served
    assert selectors.seats(m) == {"registered": 2, "waiting": 1, "free": 0}
    assert mail.outbox[-1].to == ["deltaker3@example.no"]
    assert "fått plass" in mail.outbox[-1].subject
    with pytest.raises(DialogueError) as again:
        services.cancel(None, a.token)
    assert again.value.code == Code.ALREADY_CANCELLED


def test_full_without_waiting_list_is_refused_with_a_clear_message():
    m = meeting(None, capacity=1, waiting_list=False)
    services.register(None, m.pk, registration(m.pk, 1), now=at(2030, 11, 1))
    with pytest.raises(DialogueError) as refused:
        services.register(None, m.pk, registration(m.pk, 2), now=at(2030, 11, 1))
    assert refused.value.code == Code.MEETING_FULL
    assert refused.value.message == "Møtet er fullt: alle 1 plassene er tatt."
    assert refused.value.english.startswith("The meeting is full")


def test_the_same_address_twice_is_refused_but_may_register_after_cancelling():
    m = meeting(None)
    first = services.register(None, m.pk, registration(m.pk, 1), now=at(2030, 11, 1))
    with pytest.raises(DialogueError) as refused:
        services.register(
            None, m.pk, registration(m.pk, 1, email="DELTAKER1@example.no"), now=at(2030, 11, 1)
        )
    assert refused.value.code == Code.ALREADY_REGISTERED
    services.cancel(None, first.token)
    assert services.register(None, m.pk, registration(m.pk, 1), now=at(2030, 11, 1)).pk


def test_unpublished_meetings_take_no_registrations():
    m = meeting(None, published=False)
    with pytest.raises(DialogueError) as refused:
        services.register(None, m.pk, registration(m.pk, 1), now=at(2030, 11, 1))
    assert refused.value.code == Code.UNKNOWN_MEETING


def test_the_confirmation_link_is_recorded_sent_and_confirms(django_capture_on_commit_callbacks):
    m = meeting(None)
    with django_capture_on_commit_callbacks(execute=True):
        r = services.register(None, m.pk, registration(m.pk, 1), now=at(2030, 11, 1))
    recorded = OutgoingEmail.objects.get(registration=r)
    assert recorded.sent_at is not None and recorded.link.endswith(f"/pamelding/{r.token}/bekreft/")
    assert len(mail.outbox) == 1 and recorded.link in mail.outbox[0].body
    assert "Deltaker" not in recorded.link  # no personal data in links
    services.confirm_email(r.token)
    r.refresh_from_db()
    assert r.email_confirmed_at is not None
    with pytest.raises(DialogueError) as bad:
        services.confirm_email("not-a-token")
    assert bad.value.code == Code.UNKNOWN_LINK


def failing_sender(message):
    raise ConnectionError("smtp down")


def test_a_failed_send_is_kept_and_retried_by_the_command(
    settings, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    settings.DIALOGUE_EMAIL_SENDER = "fastlege.dialogue.tests.test_registration.failing_sender"
    m = meeting(None)
    with django_capture_on_commit_callbacks(execute=True):
        r = services.register(None, m.pk, registration(m.pk, 1), now=at(2030, 11, 1))
    recorded = OutgoingEmail.objects.get(registration=r)
    assert recorded.sent_at is None and recorded.attempts == 1 and mail.outbox == []
    settings.DIALOGUE_EMAIL_SENDER = ""
    call_command("dialogue_send_mail")
    recorded.refresh_from_db()
    assert recorded.sent_at is not None and len(mail.outbox) == 1


def test_personal_data_of_registrants_is_for_the_organiser_only_and_reads_are_logged():
    governor = county_governor()
    m = meeting(governor)
    services.register(None, m.pk, registration(m.pk, 1), now=at(2030, 11, 1))
    rows = selectors.participants(governor, m, reason="deltakerliste")
    assert [r.name for r in rows] == ["Deltaker 1"]
    assert AuditEvent.objects.filter(
        kind="read", action="dialogue.participants.read", actor=governor, object_id=str(m.pk)
    ).exists()
    # the ministry organises national meetings, not the county governor's
    for outsider in (municipality_user(), county_governor("03"), ministry()):
        with pytest.raises(DialogueError) as refused:
            selectors.participants(outsider, m, reason="deltakerliste")
        assert refused.value.code == Code.NOT_AUTHORISED
    assert selectors.participants(national_administrator(), m, reason="deltakerliste")


def test_capacity_cannot_go_below_those_already_registered():
    governor = county_governor()
    m = meeting(governor, capacity=3)
    for n in range(3):
        services.register(None, m.pk, registration(m.pk, n), now=at(2030, 11, 1))
    with pytest.raises(DialogueError) as refused:
        services.set_capacity(governor, m.pk, 2)
    assert refused.value.code == Code.CAPACITY_BELOW_REGISTERED
    services.register(None, m.pk, registration(m.pk, 9), now=at(2030, 11, 1))  # waiting
    services.set_capacity(governor, m.pk, 4)
    assert selectors.seats(m) == {"registered": 4, "waiting": 0, "free": 0}
