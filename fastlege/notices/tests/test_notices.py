"""Notices without drowning: each user's choice per kind decides whether a notice goes
by e-mail at once (after the commit), in the daily or weekly digest, or not at all."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.db import transaction

from fastlege.accounts.models import Role
from fastlege.core.errors import DomainError
from fastlege.core.models import AuditEvent
from fastlege.notices import services
from fastlege.notices.digests import send_digests
from fastlege.notices.models import Frequency, Kind, Notice, NoticeEmail, NoticePreference
from fastlege.registry.tests.factories import user_with

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
# A Tuesday in winter (CET, UTC+1): 07:00 in Oslo is 06:00 UTC.
TUESDAY_NOON = datetime.datetime(2026, 1, 13, 11, 0, tzinfo=UTC)


def person(email: str = "kari@example.no", **choices: str) -> Any:
    user = user_with(Role.MUNICIPALITY, municipality_id="5001")
    user.email = email
    user.save(update_fields=["email"])
    for kind, frequency in choices.items():
        NoticePreference.objects.create(user=user, kind=kind, frequency=frequency)
    return user


def tell(user: Any, kind: str = Kind.ACTION, n: int = 1, **kw: Any) -> Notice | None:
    return services.notify(
        user=user,
        kind=kind,
        subject=kw.get("subject", f"Oppfølgingspunkt {n} er endret"),
        body=f"Status er nå «pågår» ({n}).",
        url="/dialog/",
        now=kw.get("now", TUESDAY_NOON),
    )


def test_at_once_goes_after_the_commit_with_the_one_click_headers(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = person()  # invitations: at once by default
    with django_capture_on_commit_callbacks(execute=True):
        notice = tell(user, Kind.INVITATION)
        assert mail.outbox == []  # not before the commit
    assert notice is not None and notice.email is not None
    [message] = mail.outbox
    assert message.to == ["kari@example.no"]
    assert message.subject == "Oppfølgingspunkt 1 er endret"
    assert "http://127.0.0.1:8000/dialog/" in message.body
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<http") and "/varsler/avmeld/" in unsubscribe
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/varsler/avmeld/" in message.body and "/varsler/" in message.body
    assert NoticeEmail.objects.get().sent_at is not None


def test_a_rolled_back_action_sends_nothing(django_capture_on_commit_callbacks: Any) -> None:
    user = person()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        tell(user, Kind.INVITATION)
        raise RuntimeError
    assert mail.outbox == [] and not Notice.objects.exists()


def test_none_and_no_address_send_nothing(django_capture_on_commit_callbacks: Any) -> None:
    quiet = person(**{Kind.INVITATION: Frequency.NONE})
    nowhere = person(email="")
    with django_capture_on_commit_callbacks(execute=True):
        assert tell(quiet, Kind.INVITATION) is None
        assert tell(nowhere, Kind.INVITATION) is None
        assert tell(nowhere, Kind.ACTION) is None
    assert mail.outbox == [] and not Notice.objects.exists()


def test_daily_waits_for_seven_in_the_morning_and_collects_every_kind() -> None:
    user = person(**{Kind.CONSULTATION: Frequency.DAILY})  # consultations: weekly by default
    tell(user, Kind.ACTION, 1)
    tell(user, Kind.ACTION, 2)
    tell(user, Kind.CONSULTATION, 3, subject="Ny høring: handlingsplan")
    assert mail.outbox == []
    # Wednesday 06:59 in Oslo (05:59 UTC): not yet
    assert send_digests(now=datetime.datetime(2026, 1, 14, 5, 59, tzinfo=UTC)).digests == 0
    # Wednesday 07:00 in Oslo: one e-mail with all three
    result = send_digests(now=datetime.datetime(2026, 1, 14, 6, 0, tzinfo=UTC))
    assert (result.digests, result.notices, result.sent) == (1, 3, 1)
    [message] = mail.outbox
    assert message.subject == "3 nye varsler fra fastlege"
    for n in ("(1)", "(2)", "Ny høring: handlingsplan"):
        assert n in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # and never again
    assert send_digests(now=datetime.datetime(2026, 1, 15, 6, 0, tzinfo=UTC)).digests == 0
    assert len(mail.outbox) == 1


def test_weekly_waits_for_monday_seven() -> None:
    user = person()  # consultations: weekly by default
    tell(user, Kind.CONSULTATION)
    sunday = datetime.datetime(2026, 1, 18, 23, 0, tzinfo=UTC)  # Monday 00:00 in Oslo
    assert send_digests(now=sunday).digests == 0
    monday_0559 = datetime.datetime(2026, 1, 19, 5, 59, tzinfo=UTC)
    assert send_digests(now=monday_0559).digests == 0
    assert send_digests(now=datetime.datetime(2026, 1, 19, 6, 0, tzinfo=UTC)).digests == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "1 nytt varsel fra fastlege"


@pytest.mark.parametrize(
    ("queued", "not_yet", "due"),
    [
        # Summer time begins Sunday 29 March 2026 at 02:00: 07:00 is 05:00 UTC from then.
        ("2026-03-28T12:00", "2026-03-29T04:59", "2026-03-29T05:00"),
        # The day before, still winter: 07:00 is 06:00 UTC.
        ("2026-03-27T12:00", "2026-03-28T05:59", "2026-03-28T06:00"),
        # Summer time ends Sunday 25 October 2026 at 03:00: 07:00 is 06:00 UTC again.
        ("2026-10-24T12:00", "2026-10-25T05:59", "2026-10-25T06:00"),
        # The day before it ends, still summer.
        ("2026-10-23T12:00", "2026-10-24T04:59", "2026-10-24T05:00"),
    ],
)
def test_the_daily_digest_is_at_seven_oslo_time_across_summer_time(
    queued: str, not_yet: str, due: str
) -> None:
    def at(text: str) -> datetime.datetime:
        return datetime.datetime.fromisoformat(text).replace(tzinfo=UTC)

    user = person()
    tell(user, Kind.ACTION, now=at(queued))
    assert send_digests(now=at(not_yet)).digests == 0
    assert send_digests(now=at(due)).digests == 1


def test_the_weekly_digest_on_the_monday_summer_time_began() -> None:
    user = person()
    tell(user, Kind.CONSULTATION, now=datetime.datetime(2026, 3, 26, 12, 0, tzinfo=UTC))
    # Monday 30 March 2026, 07:00 CEST = 05:00 UTC
    assert send_digests(now=datetime.datetime(2026, 3, 30, 4, 59, tzinfo=UTC)).digests == 0
    assert send_digests(now=datetime.datetime(2026, 3, 30, 5, 0, tzinfo=UTC)).digests == 1


def test_a_send_failing_halfway_is_finished_by_the_next_run_and_nothing_goes_twice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    users = [person(email=f"u{i}@example.no") for i in range(6)]
    for user in users:
        for n in range(3):
            tell(user, Kind.ACTION, n)
    wednesday = datetime.datetime(2026, 1, 14, 7, 0, tzinfo=UTC)
    from django.core.mail.backends.locmem import EmailBackend

    real = EmailBackend.send_messages
    calls = {"n": 0}

    def fails_after_three(self: Any, messages: Any) -> int:
        calls["n"] += 1
        if calls["n"] > 3:
            raise ConnectionError("the mail server went away")
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", fails_after_three)
    first = send_digests(now=wednesday, batch=4)
    assert (first.digests, first.notices, first.sent) == (6, 18, 3)
    assert NoticeEmail.objects.filter(sent_at__isnull=True).count() == 3
    assert not Notice.objects.filter(email__isnull=True).exists()  # every one bound once
    monkeypatch.setattr(EmailBackend, "send_messages", real)
    second = send_digests(now=wednesday + datetime.timedelta(hours=1), batch=4)
    assert (second.retried, second.digests, second.sent) == (3, 0, 3)
    # each user got exactly one digest with their three notices
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert all(m.body.count("* Oppfølgingspunkt") == 3 for m in mail.outbox)
    assert send_digests(now=wednesday + datetime.timedelta(hours=2)).sent == 0
    assert len(mail.outbox) == 6


def test_a_crash_while_writing_digests_loses_nothing_and_sends_nothing_twice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from fastlege.notices import digests

    users = [person(email=f"v{i}@example.no") for i in range(5)]
    for user in users:
        tell(user, Kind.ACTION, 1)
        tell(user, Kind.ACTION, 2)
    wednesday = datetime.datetime(2026, 1, 14, 7, 0, tzinfo=UTC)
    real = digests.digest_text
    written = {"n": 0}

    def crashes_at_the_fourth(user_id: int, notices: list[Notice]) -> tuple[str, str]:
        written["n"] += 1
        if written["n"] == 4:
            raise MemoryError("the job was killed")
        return real(user_id, notices)

    monkeypatch.setattr(digests, "digest_text", crashes_at_the_fourth)
    with pytest.raises(MemoryError):
        send_digests(now=wednesday, batch=2)
    # the first batch (two users) was committed and sent; the batch that crashed was not
    assert len(mail.outbox) == 2
    assert Notice.objects.filter(email__isnull=True).count() == 6
    monkeypatch.setattr(digests, "digest_text", real)
    again = send_digests(now=wednesday, batch=2)
    assert (again.digests, again.notices) == (3, 6)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert Notice.objects.filter(email__isnull=True).count() == 0
    assert NoticeEmail.objects.count() == 5


def test_changing_a_choice_moves_what_is_queued() -> None:
    user = person()
    tell(user, Kind.ACTION, 1)
    tell(user, Kind.CONSULTATION, 2)
    services.set_preferences(
        user, user, {Kind.ACTION: Frequency.NONE, Kind.CONSULTATION: Frequency.NOW}
    )
    assert list(Notice.objects.values_list("kind", flat=True)) == [Kind.CONSULTATION]
    result = send_digests()  # at once now: with the next hourly run
    assert result.notices == 1 and "(2)" in mail.outbox[0].body
    audit = AuditEvent.objects.filter(action="notices.preferences_set").get()
    assert audit.details["changes"] == {
        Kind.ACTION: Frequency.NONE,
        Kind.CONSULTATION: Frequency.NOW,
    }


def test_bad_choices_and_other_users_change_nothing() -> None:
    user, other = person(), person(email="ola@example.no")
    with pytest.raises(DomainError):
        services.set_preferences(user, user, {Kind.ACTION: "hver_time"})
    with pytest.raises(DomainError):
        services.set_preferences(user, user, {"spam": Frequency.NONE})
    with pytest.raises(DomainError):
        services.set_preferences(other, user, {Kind.ACTION: Frequency.NONE})
    assert not NoticePreference.objects.exists()
    assert not AuditEvent.objects.filter(action="notices.preferences_set").exists()


def test_notify_many_follows_each_users_choice(django_capture_on_commit_callbacks: Any) -> None:
    now_user, daily_user = person(email="a@example.no"), person(email="b@example.no")
    none_user = person(email="c@example.no")
    NoticePreference.objects.create(
        user=daily_user, kind=Kind.PLACE_OPENED, frequency=Frequency.DAILY
    )
    NoticePreference.objects.create(
        user=none_user, kind=Kind.PLACE_OPENED, frequency=Frequency.NONE
    )
    with django_capture_on_commit_callbacks(execute=True):
        notices = services.notify_many(
            users=[now_user, daily_user, none_user, person(email="")],
            kind=Kind.PLACE_OPENED,
            subject="Ledig plass",
            body="Det er blitt ledig plass.",
            now=TUESDAY_NOON,
        )
    assert sorted(n.user_id for n in notices) == sorted([now_user.pk, daily_user.pk])
    assert [m.to for m in mail.outbox] == [["a@example.no"]]
    assert send_digests(now=datetime.datetime(2026, 1, 14, 6, 0, tzinfo=UTC)).digests == 1
    assert mail.outbox[1].to == ["b@example.no"]


def test_the_command_sends_what_is_due_and_reports_it() -> None:
    from io import StringIO

    from django.core.management import call_command

    user = person(**{Kind.ACTION: Frequency.NOW})
    tell(user, Kind.CONSULTATION, now=datetime.datetime(2020, 1, 1, tzinfo=UTC))  # long due
    out = StringIO()
    call_command("send_digests", stdout=out)
    assert "1 samle-e-poster med 1 varsler, 1 e-poster sendt" in out.getvalue()
    assert len(mail.outbox) == 1


def test_delivering_the_same_email_twice_sends_it_once() -> None:
    from fastlege.notices import delivery

    user = person()
    tell(user, Kind.ACTION)
    send_digests(now=datetime.datetime(2026, 1, 14, 6, 0, tzinfo=UTC))
    email = NoticeEmail.objects.get()
    assert delivery.deliver([email.pk, email.pk]) == 0  # already sent by the run
    assert len(mail.outbox) == 1
    NoticeEmail.objects.filter(pk=email.pk).update(sent_at=None)
    assert delivery.deliver([email.pk, email.pk]) == 1
    assert len(mail.outbox) == 2


def test_a_crash_while_delivering_a_chunk_loses_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The e-mails go in chunks, each claimed, sent and committed together: a crash in the
    middle (the process dies, not a failed send) rolls the chunk's claims back, so the
    next run sends every one of them; the chunk already committed is not sent again."""
    from django.core.mail.backends.locmem import EmailBackend

    from fastlege.notices import delivery

    monkeypatch.setattr(delivery, "DELIVER_CHUNK", 2)
    for i in range(5):
        tell(person(email=f"k{i}@example.no", **{Kind.ACTION: Frequency.NOW}), Kind.ACTION)
    ids = sorted(NoticeEmail.objects.values_list("pk", flat=True))
    assert len(ids) == 5 and not mail.outbox  # recorded; no commit in this test yet
    real = EmailBackend.send_messages
    calls = {"n": 0}

    def dies_at_the_fourth(self: Any, messages: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 4:
            raise SystemExit("the worker was killed")
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", dies_at_the_fourth)
    with pytest.raises(SystemExit):
        delivery.deliver(ids)
    # the first chunk (k0, k1) was committed as sent; the second chunk's claims (k2 was
    # handed over, k3 was not) were rolled back with it
    assert NoticeEmail.objects.filter(sent_at__isnull=False).count() == 2
    monkeypatch.setattr(EmailBackend, "send_messages", real)
    assert delivery.deliver(ids) == 3
    assert NoticeEmail.objects.filter(sent_at__isnull=True).count() == 0
    # nobody is left out; k2, handed over before the crash, goes again (at most a chunk)
    assert sorted(m.to[0] for m in mail.outbox) == [f"k{i}@example.no" for i in (0, 1, 2, 2, 3, 4)]


def test_the_subject_is_encoded_as_django_encodes_it() -> None:
    """The Subject header is encoded once per subject (delivery._subject_header): the
    message carries the same header as Django's own e-mail and reads back as written."""
    from email.header import decode_header, make_header

    from django.core.mail import EmailMessage

    from fastlege.notices import delivery

    subject = "Ledig plass hos en fastlege du følger med på – Trøndelag"
    record = NoticeEmail(pk=1, user_id=1, to="kari@example.no", kind=Kind.ACTION,
                         subject=subject, body="Tekst")  # fmt: skip
    ours = delivery.message(record).message()
    django = EmailMessage(subject, "Tekst", None, ["kari@example.no"]).message()
    assert ours["Subject"] == django["Subject"] != subject  # encoded (RFC 2047), the same
    assert str(make_header(decode_header(ours["Subject"]))) == subject
    assert ours.get_all("Subject") == [ours["Subject"]]  # one Subject header
    assert ours["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
