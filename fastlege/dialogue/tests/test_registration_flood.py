"""Registration without an account cannot be flooded (issue 18, finding 10).

Before: 100 anonymous form posts took 100 seats in 2.4 s and sent 120 e-mails to
any address. Now the form records a pending registration that holds no seat until
its e-mailed link is confirmed, and limits per client address, e-mail address and
meeting refuse the rest with HTTP 429, saving nothing and sending nothing.

The limits are set explicitly in each test (``limits`` fixture), so the expected
counts below are the test's own numbers, not read from the code under test.
Each test was seen failing with its safeguard removed: the client, meeting and
e-mail limits; the pending step (the form seating at once); a trusted
X-Forwarded-For without a proxy; the resend interval; the expiry; the clean-up;
the full check at confirmation; the capacity rule at confirmation; pending rows in
the participants list; the token in clear; the sent link kept; the account-address
shortcut; the one-line subject; the re-confirmation; the second-seat check.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from fastlege.core.models import AuditEvent
from fastlege.dialogue import exports, selectors, services
from fastlege.dialogue.models import OutgoingEmail, Registration
from fastlege.dialogue.services import Code, DialogueError
from fastlege.dialogue.tests.factories import at, county_governor, meeting, registration

pytestmark = pytest.mark.django_db

PER_CLIENT = 10
PER_ADDRESS = 5
PER_MEETING = 30
RESEND_MINUTES = 15
PENDING_HOURS = 48
LINK = re.compile(r"https?://\S+/bekreft/")


@pytest.fixture(autouse=True)
def limits(settings):
    settings.DIALOGUE_REGISTRATIONS_PER_CLIENT_PER_HOUR = PER_CLIENT
    settings.DIALOGUE_CONFIRMATIONS_PER_ADDRESS_PER_DAY = PER_ADDRESS
    settings.DIALOGUE_PENDING_PER_MEETING_PER_HOUR = PER_MEETING
    settings.DIALOGUE_RESEND_MINUTES = RESEND_MINUTES
    settings.DIALOGUE_PENDING_HOURS = PENDING_HOURS
    settings.TRUSTED_PROXY_COUNT = 0
    return settings


def _form(n: int, email: str = "") -> dict[str, str]:
    return {"name": f"Bot {n}", "email": email or f"bot{n}@example.no", "role": "annet"}


def _flood(client, m, capture, posts: int, meta: Callable[[int], dict] | None = None) -> list:
    """``posts`` form posts, each with its own e-mail address; ``meta(n)``: its headers."""
    url = reverse("dialogue:register", args=[m.pk])
    codes = []
    with capture(execute=True):
        for n in range(posts):
            codes.append(client.post(url, _form(n), **(meta(n) if meta else {})).status_code)
    return codes


def _path(body: object) -> str:
    found = LINK.search(str(body))
    assert found is not None, body
    return found.group(0).split("8000", 1)[-1]


def test_a_flood_from_one_address_holds_no_seat_and_is_refused_after_the_limit(
    client, django_capture_on_commit_callbacks
):
    m = meeting(None, capacity=100)
    codes = _flood(client, m, django_capture_on_commit_callbacks, 100)
    assert codes == [200] * PER_CLIENT + [429] * (100 - PER_CLIENT)
    # no seat is held before confirmation, and nothing of the refused ones is saved
    assert selectors.seats(m) == {"registered": 0, "waiting": 0, "free": 100}
    assert Registration.objects.filter(status="ubekreftet").count() == PER_CLIENT
    assert Registration.objects.count() == PER_CLIENT
    assert len(mail.outbox) == PER_CLIENT == OutgoingEmail.objects.count()
    refusals = AuditEvent.objects.filter(action="security.rate_limited")
    assert refusals.count() == 100 - PER_CLIENT
    assert {e.details["address"] for e in refusals} == {"127.0.0.1"}


def test_the_refusal_is_a_clear_norwegian_429(client, django_capture_on_commit_callbacks):
    m = meeting(None)
    _flood(client, m, django_capture_on_commit_callbacks, PER_CLIENT)
    refused = client.post(reverse("dialogue:register", args=[m.pk]), _form(99))
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert "For mange påmeldinger er sendt fra denne nettadressen" in refused.content.decode()
    assert "Ingenting er lagret" in refused.content.decode()
    assert not Registration.objects.filter(email="bot99@example.no").exists()


def test_a_spoofed_forwarded_for_header_does_not_escape_the_limit(
    client, django_capture_on_commit_callbacks
):
    """Without a trusted proxy (TRUSTED_PROXY_COUNT=0) the header is the client's word."""
    m = meeting(None)
    codes = _flood(
        client,
        m,
        django_capture_on_commit_callbacks,
        30,
        meta=lambda n: {"HTTP_X_FORWARDED_FOR": f"203.0.113.{n}"},
    )
    assert codes.count(200) == PER_CLIENT and codes.count(429) == 30 - PER_CLIENT


def test_a_flood_from_many_addresses_is_capped_per_meeting(
    client, limits, django_capture_on_commit_callbacks
):
    """Behind one trusted proxy, each post from its own client address (the header's)."""
    limits.TRUSTED_PROXY_COUNT = 1
    m = meeting(None, capacity=100)
    codes = _flood(
        client,
        m,
        django_capture_on_commit_callbacks,
        100,
        meta=lambda n: {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": f"198.51.100.{n}"},
    )
    assert codes == [200] * PER_MEETING + [429] * (100 - PER_MEETING)
    assert selectors.seats(m)["registered"] == 0
    assert Registration.objects.count() == PER_MEETING == len(mail.outbox)
    last = client.post(
        reverse("dialogue:register", args=[m.pk]),
        _form(1000),
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.250",
    )
    assert "Møtet har fått svært mange påmeldinger den siste timen" in last.content.decode()
    # another meeting is not affected by this one's limit
    other = meeting(None, title="Innspillsmøte")
    ok = client.post(
        reverse("dialogue:register", args=[other.pk]),
        _form(1001),
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.251",
    )
    assert ok.status_code == 200


def test_one_victim_address_gets_one_e_mail_per_meeting_and_a_capped_number_a_day(
    django_capture_on_commit_callbacks,
):
    m = meeting(None)
    t0 = at(2030, 11, 1, 9)
    victim = registration(m.pk, 1, email="offer@example.no")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(100):  # 100 posts within a minute, each from its own address
            requested = services.request_registration(
                None, m.pk, victim, client_address=f"192.0.2.{n}", now=t0
            )
            assert requested.registration.status == "ubekreftet"
    assert len(mail.outbox) == 1  # one pending registration, one e-mail
    assert Registration.objects.count() == 1
    # a re-submission re-sends at most once per RESEND_MINUTES, up to the daily cap
    sent = []
    with django_capture_on_commit_callbacks(execute=True):
        for k in range(1, 4):
            moment = t0 + datetime.timedelta(minutes=k * RESEND_MINUTES - 1)
            r = services.request_registration(None, m.pk, victim, client_address="x", now=moment)
            sent.append(r.emailed)
    assert sent == [False, True, True]  # 14 min: no; 29 min (15 after the first): yes ...
    assert len(mail.outbox) == 3
    # the daily cap over all meetings: PER_ADDRESS e-mails, then refused, nothing saved
    others = [meeting(None, title=f"Møte {k}") for k in range(PER_ADDRESS)]
    results: list[object] = []
    with django_capture_on_commit_callbacks(execute=True):
        for other in others:
            try:
                services.request_registration(None, other.pk, victim, client_address="y", now=t0)
                results.append("sent")
            except DialogueError as exc:
                results.append(exc.code)
    assert results == ["sent"] * (PER_ADDRESS - 3) + [Code.TOO_MANY_TO_ADDRESS] * 3
    assert len(mail.outbox) == PER_ADDRESS
    assert Registration.objects.count() == 1 + PER_ADDRESS - 3


def test_confirming_takes_the_seat_and_only_then_lists_the_participant(
    client, django_capture_on_commit_callbacks
):
    governor = county_governor()
    m = meeting(governor, capacity=5)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("dialogue:register", args=[m.pk]), _form(1))
    assert selectors.participants(governor, m, reason="deltakerliste") == []
    assert exports.participants_csv([]).count(b"\n") == 1  # the header row only
    path = _path(mail.outbox[0].body)
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(path)
    assert "Påmeldingen til" in confirmed.content.decode()
    r = Registration.objects.get()
    assert r.status == "pameldt" and r.email_confirmed_at is not None
    assert selectors.seats(m) == {"registered": 1, "waiting": 0, "free": 4}
    assert [p.email for p in selectors.participants(governor, m, reason="deltakerliste")] == [
        "bot1@example.no"
    ]
    # the seat's e-mail carries the cancel link; the link once more: no second seat
    assert reverse("dialogue:registration_cancel", args=[r.token]) in mail.outbox[-1].body
    again = client.post(path)
    assert "allerede bekreftet" in again.content.decode()
    assert selectors.seats(m)["registered"] == 1
    # and the same address on the form again: refused, no second seat
    refused = client.post(reverse("dialogue:register", args=[m.pk]), _form(1))
    assert "allerede meldt på" in refused.content.decode()
    assert Registration.objects.count() == 1


def test_the_token_is_stored_hashed_and_the_sent_link_is_not_kept(
    django_capture_on_commit_callbacks,
):
    m = meeting(None)
    with django_capture_on_commit_callbacks(execute=True):
        r = services.request_registration(
            None, m.pk, registration(m.pk, 1), client_address="192.0.2.1"
        ).registration
    token = _path(mail.outbox[0].body).rstrip("/").split("/")[-2]
    r.refresh_from_db()
    assert r.confirm_token_hash and token not in r.confirm_token_hash and r.token != token
    sent = OutgoingEmail.objects.get(registration=r)
    assert sent.sent_at is not None and token not in sent.body and token not in sent.link


def test_an_expired_link_is_refused(django_capture_on_commit_callbacks):
    m = meeting(None)
    t0 = at(2030, 11, 1, 9)
    with django_capture_on_commit_callbacks(execute=True):
        for n in (1, 2):
            services.request_registration(
                None, m.pk, registration(m.pk, n), client_address="192.0.2.1", now=t0
            )
    late, in_time = (_path(message.body).split("/")[-3] for message in mail.outbox)
    with pytest.raises(DialogueError) as expired:
        services.confirm_registration(late, now=t0 + datetime.timedelta(hours=PENDING_HOURS))
    assert expired.value.code == Code.CONFIRMATION_EXPIRED
    assert "ikke bekreftet innen 48 timer" in expired.value.message
    assert Registration.objects.filter(status="ubekreftet").count() == 2
    just = t0 + datetime.timedelta(hours=PENDING_HOURS) - datetime.timedelta(seconds=1)
    assert services.confirm_registration(in_time, now=just).registration.status == "pameldt"
    assert selectors.seats(m)["registered"] == 1


def test_the_daily_command_deletes_expired_pending_registrations(
    django_capture_on_commit_callbacks,
):
    m = meeting(None)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        for n, asked in ((1, now - datetime.timedelta(hours=PENDING_HOURS, minutes=1)), (2, now)):
            services.request_registration(
                None, m.pk, registration(m.pk, n), client_address="192.0.2.1", now=asked
            )
    call_command("dialogue_anonymise", stdout=io.StringIO())
    kept = Registration.objects.get()
    assert kept.email == "deltaker2@example.no" and kept.status == "ubekreftet"
    assert list(OutgoingEmail.objects.values_list("registration_id", flat=True)) == [kept.pk]


def test_confirming_when_the_meeting_has_filled_is_refused_and_never_overbooks(
    django_capture_on_commit_callbacks,
):
    m = meeting(None, capacity=2, waiting_list=False)
    t0 = at(2030, 11, 1, 9)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            services.request_registration(
                None, m.pk, registration(m.pk, n), client_address="192.0.2.1", now=t0
            )
    tokens = [_path(message.body).split("/")[-3] for message in mail.outbox]
    services.confirm_registration(tokens[0], now=t0)
    services.confirm_registration(tokens[1], now=t0)
    with pytest.raises(DialogueError) as full:
        services.confirm_registration(tokens[2], now=t0)
    assert full.value.code == Code.FULL_AT_CONFIRMATION
    assert full.value.message.startswith(
        "Møtet ble fullt før du bekreftet: alle 2 plassene er tatt, og du er ikke påmeldt."
    )
    assert Registration.objects.filter(status="pameldt").count() == 2
    assert Registration.objects.get(email="deltaker2@example.no").status == "ubekreftet"
    # when a seat is freed, the still valid link takes it
    first = Registration.objects.get(email="deltaker0@example.no")
    services.cancel(None, first.token)
    assert services.confirm_registration(tokens[2], now=t0).registration.status == "pameldt"
    assert Registration.objects.filter(status="pameldt").count() == 2


def test_confirming_when_full_with_a_waiting_list_gives_a_waiting_place(
    client, django_capture_on_commit_callbacks
):
    m = meeting(None, capacity=1)
    services.register(None, m.pk, registration(m.pk, 0))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("dialogue:register", args=[m.pk]), _form(1))
    page = client.post(_path(mail.outbox[-1].body)).content.decode()
    assert "Du står på venteliste" in page
    assert selectors.seats(m) == {"registered": 1, "waiting": 1, "free": 0}


def test_a_logged_in_user_registers_their_account_address_directly(
    client, django_capture_on_commit_callbacks
):
    user = county_governor()
    user.email = "Kari.Fastlege@Example.no"
    user.save(update_fields=["email"])
    client.force_login(user)
    m = meeting(None)
    page = client.post(
        reverse("dialogue:register", args=[m.pk]), _form(1, email="kari.fastlege@example.no")
    ).content.decode()
    assert "Du er påmeldt" in page
    assert Registration.objects.get().status == "pameldt"
    # another address than the account's: two steps like everyone else
    other = client.post(reverse("dialogue:register", args=[m.pk]), _form(2)).content.decode()
    assert "Sjekk e-posten din" in other
    assert Registration.objects.get(email="bot2@example.no").status == "ubekreftet"


def test_a_line_break_in_the_title_does_not_stop_the_confirmation_e_mail(
    django_capture_on_commit_callbacks,
):
    m = meeting(None, title="Dialogmøte\r\nom fastlegeordningen")
    with django_capture_on_commit_callbacks(execute=True):
        services.request_registration(None, m.pk, registration(m.pk, 1), client_address="x")
    (sent,) = mail.outbox
    assert "\n" not in sent.subject and "Dialogmøte om fastlegeordningen" in sent.subject


def test_a_pending_link_gives_no_second_seat_to_an_address_seated_meanwhile(
    django_capture_on_commit_callbacks,
):
    m = meeting(None)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_registration(None, m.pk, registration(m.pk, 1), client_address="x")
    token = _path(mail.outbox[0].body).split("/")[-3]
    services.register(None, m.pk, registration(m.pk, 1))  # e.g. by the account's own address
    with pytest.raises(DialogueError) as refused:
        services.confirm_registration(token)
    assert refused.value.code == Code.ALREADY_REGISTERED
    assert selectors.seats(m)["registered"] == 1
