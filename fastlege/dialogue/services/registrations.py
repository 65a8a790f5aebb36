"""Registration for a meeting: deadline, capacity, waiting list, confirmation, cancellation.

Capacity is never exceeded: the meeting row is locked (``select_for_update``)
before the seats are counted, so concurrent registrations queue on PostgreSQL;
on SQLite transactions are IMMEDIATE and queue anyway.

Two steps without an account (issue 18, finding 10): the public form calls
:func:`request_registration`, which records a *pending* registration (status
``ubekreftet``: no seat, in no list or count) and e-mails a link; opening it and
pressing the button (:func:`confirm_registration`) takes a seat, or a place on
the waiting list, by the same rule and lock as :func:`register`. The link's
token is stored only as its SHA-256; an unconfirmed registration expires after
``DIALOGUE_PENDING_HOURS`` and is deleted by ``fastlege dialogue_anonymise``.
Limits and e-mail caps: ``limits``. A logged-in user registering their
account's own e-mail address (set by the administrator who made the account)
registers directly, as does every caller of :func:`register` (the demo data).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fastlege.core import audit
from fastlege.dialogue.formats import local_moment
from fastlege.dialogue.models import Meeting, Registration

from . import limits, mail
from .errors import Code, refuse
from .inputs import check_registration


@dataclass
class RegistrationData:
    name: str
    email: str
    role: str
    organisation: str = ""
    dietary_needs: str = ""
    #: the municipality the registrant comes from (coverage, issue 21); empty for a
    #: logged-in municipal user: their municipality (:func:`registrant_municipality`)
    municipality_id: str | None = None


def registrant_municipality(actor: Any, data: RegistrationData) -> str | None:
    """The municipality a registration counts for: the one chosen on the form, else
    the logged-in municipal user's own (the first, for a user of several)."""
    from fastlege.reference.models import Municipality  # noqa: PLC0415
    from fastlege.registry.services.access import scope_of  # noqa: PLC0415

    if data.municipality_id:
        if not Municipality.objects.filter(number=data.municipality_id).exists():
            refuse(Code.UNKNOWN_MUNICIPALITY)
        return data.municipality_id
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    own = sorted(scope_of(actor).municipalities)
    return own[0] if own else None


def new_token() -> str:
    return secrets.token_urlsafe(32)


def promote_waiting(meeting: Meeting) -> list[Registration]:
    """Give free seats to the waiting list, first come first served. Meeting must be locked."""
    free = _free_seats(meeting)
    waiting = meeting.registrations.filter(status=Registration.Status.WAITING).order_by(
        "registered_at", "id"
    )
    promoted = list(waiting if free is None else waiting[:free])
    for registration in promoted:
        registration.status = Registration.Status.REGISTERED
        registration.save(update_fields=["status"])
        audit.record(None, "dialogue.registration.promoted", registration)
        cancel_link = mail.site_url() + reverse(
            "dialogue:registration_cancel", args=[registration.token]
        )
        mail.record(
            to=registration.email,
            subject=_("Du har fått plass: %(title)s") % {"title": meeting.title},
            body="\n\n".join(
                [
                    _("Du har fått plass på møtet %(title)s %(date)s.")
                    % {"title": meeting.title, "date": f"{meeting.date:%d.%m.%Y}"},
                    _("Kan du ikke komme likevel, gi plassen videre: %(link)s")
                    % {"link": cancel_link},
                ]
            ),
            link="",
            purpose="registration.promoted",
            registration_id=registration.pk,
        )
    return promoted


def token_hash(token: str) -> str:
    """How a confirmation token is stored: it has 256 random bits, so SHA-256 is enough."""
    return hashlib.sha256(token.encode()).hexdigest()


def _locked_open_meeting(
    meeting_id: int, now: datetime.datetime, *, asked_at: datetime.datetime | None = None
) -> Meeting:
    """The meeting, locked, if it takes registrations; ``asked_at`` is checked against
    the deadline (a registration asked for in time may be confirmed after it)."""
    meeting = Meeting.objects.select_for_update().filter(pk=meeting_id).first()
    if meeting is None or not meeting.published:
        refuse(Code.UNKNOWN_MEETING)
    if not meeting.registration_open:
        refuse(Code.REGISTRATION_CLOSED)
    deadline = meeting.registration_deadline
    if deadline is not None and (asked_at or now) > deadline:
        refuse(Code.REGISTRATION_DEADLINE_PASSED, deadline=local_moment(deadline))
    return meeting


def _refuse_if_registered(meeting: Meeting, email: str) -> None:
    """One seat (or waiting place) per e-mail address and meeting."""
    if (
        meeting.registrations.filter(email=email)
        .exclude(status__in=[Registration.Status.CANCELLED, Registration.Status.PENDING])
        .exists()
    ):
        refuse(Code.ALREADY_REGISTERED)


def _free_seats(meeting: Meeting) -> int | None:
    if meeting.capacity is None:
        return None
    taken = meeting.registrations.filter(status=Registration.Status.REGISTERED).count()
    return max(meeting.capacity - taken, 0)


def _seat_status(meeting: Meeting) -> str:
    """The capacity rule: a seat while there is one, then the waiting list or a refusal.
    The meeting must be locked."""
    free = _free_seats(meeting)
    if free is None or free > 0:
        return Registration.Status.REGISTERED
    if not meeting.waiting_list:
        refuse(Code.MEETING_FULL, capacity=meeting.capacity)
    return Registration.Status.WAITING


def _values(meeting: Meeting) -> dict[str, str]:
    return {
        "title": meeting.title,
        "date": f"{meeting.date:%d.%m.%Y}",
        "start": f"{meeting.start_time:%H:%M}",
    }


def _mail_seat(meeting: Meeting, registration: Registration) -> None:
    """The e-mail that says the seat (or waiting place) is taken, with the cancel link;
    with a link to confirm the address when it is not confirmed yet."""
    cancel = mail.site_url() + reverse("dialogue:registration_cancel", args=[registration.token])
    if registration.status == Registration.Status.REGISTERED:
        head = _("Du er påmeldt %(title)s %(date)s kl. %(start)s.")
    else:
        head = _("Møtet %(title)s %(date)s kl. %(start)s er fullt; du står på venteliste.")
    parts = [head % _values(meeting)]
    link = ""
    if registration.email_confirmed_at is None:
        link = mail.site_url() + reverse("dialogue:registration_confirm", args=[registration.token])
        parts.append(_("Bekreft e-postadressen din: %(link)s") % {"link": link})
    parts.append(_("Meld deg av: %(link)s") % {"link": cancel})
    if link:
        subject = _("Bekreft påmeldingen: %(title)s")
    elif registration.status == Registration.Status.REGISTERED:
        subject = _("Du er påmeldt: %(title)s")
    else:
        subject = _("Du står på venteliste: %(title)s")
    mail.record(
        to=registration.email,
        subject=subject % {"title": meeting.title},
        body="\n\n".join(parts),
        link=link,
        purpose="registration.confirm" if link else "registration.seat",
        registration_id=registration.pk,
    )


@transaction.atomic
def register(
    actor: Any,
    meeting_id: int,
    data: RegistrationData,
    *,
    now: datetime.datetime | None = None,
    email_confirmed: bool = False,
) -> Registration:
    """Register directly (a seat or the waiting list now). Returns the registration.

    For an address already trusted: a logged-in user's account address
    (``email_confirmed``; see :func:`request_registration`) and the demo data. The
    public form goes through :func:`request_registration` (two steps)."""
    now = now or timezone.now()
    check_registration(data)
    meeting = _locked_open_meeting(meeting_id, now)
    email = data.email.strip().lower()
    _refuse_if_registered(meeting, email)
    status = _seat_status(meeting)
    registration = Registration.objects.create(
        meeting=meeting,
        status=status,
        name=data.name.strip(),
        email=email,
        organisation=data.organisation.strip(),
        role=data.role,
        dietary_needs=data.dietary_needs.strip(),
        municipality_id=registrant_municipality(actor, data),
        token=new_token(),
        registered_at=now,
        requested_at=now,
        email_confirmed_at=now if email_confirmed else None,
    )
    audit.record(actor, "dialogue.registration.create", registration, status=status)
    _mail_seat(meeting, registration)
    return registration


@dataclass
class Requested:
    """What the form did: ``registration`` (pending, or seated for an account's own
    address) and whether a confirmation e-mail was sent now (``False``: one was sent
    less than ``DIALOGUE_RESEND_MINUTES`` ago)."""

    registration: Registration
    emailed: bool


def account_email(actor: Any) -> str:
    """A logged-in user's account address (set by the administrator), or empty."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    return str(getattr(actor, "email", "") or "").strip().lower()


def request_registration(
    actor: Any,
    meeting_id: int,
    data: RegistrationData,
    *,
    client_address: str,
    now: datetime.datetime | None = None,
) -> Requested:
    """The public form: a pending registration and its confirmation e-mail.

    A logged-in user giving their account's own address registers directly. Anyone
    else: the submission counts against the client address's limit first (even when
    refused later); then, in one transaction, the meeting's checks, one pending
    registration per address and meeting (a re-submission re-sends the link with a
    new token, at most every ``DIALOGUE_RESEND_MINUTES``), and the meeting's and the
    address's limits (``limits``)."""
    now = now or timezone.now()
    email = data.email.strip().lower()
    trusted = account_email(actor)
    if trusted and trusted == email:
        registration = register(actor, meeting_id, data, now=now, email_confirmed=True)
        return Requested(registration, emailed=True)
    limits.admit_client(client_address)
    return _request_pending(actor, meeting_id, data, email, now)


@transaction.atomic
def _request_pending(
    actor: Any, meeting_id: int, data: RegistrationData, email: str, now: datetime.datetime
) -> Requested:
    check_registration(data)
    meeting = _locked_open_meeting(meeting_id, now)
    _refuse_if_registered(meeting, email)
    pending = (
        meeting.registrations.select_for_update()
        .filter(email=email, status=Registration.Status.PENDING)
        .order_by("-pk")
        .first()
    )
    fields = {
        "name": data.name.strip(),
        "organisation": data.organisation.strip(),
        "role": data.role,
        "dietary_needs": data.dietary_needs.strip(),
        "municipality_id": registrant_municipality(actor, data),
    }
    if pending is not None and pending.pending_until and pending.pending_until > now:
        sent = pending.confirmation_sent_at
        if sent is not None and now - sent < limits.resend_interval():
            return Requested(pending, emailed=False)
        limits.admit_confirmation_email(email)
        registration = pending
        for name, value in fields.items():
            setattr(registration, name, value)
        action = "dialogue.registration.resend"
    else:
        limits.admit_new_pending(meeting.pk)
        limits.admit_confirmation_email(email)
        # an expired pending registration of the same address is taken over, not kept
        registration = pending or Registration(
            meeting=meeting, email=email, status=Registration.Status.PENDING, token=new_token()
        )
        for name, value in fields.items():
            setattr(registration, name, value)
        registration.requested_at = now
        registration.registered_at = now
        action = "dialogue.registration.request"
    token = new_token()
    registration.confirm_token_hash = token_hash(token)
    registration.pending_until = now + limits.pending_period()
    registration.confirmation_sent_at = now
    registration.save()
    audit.record(actor, action, registration)
    link = mail.site_url() + reverse("dialogue:registration_confirm", args=[token])
    hours = int(limits.pending_period().total_seconds() // 3600)
    body = "\n\n".join(
        [
            _("Noen, trolig du, vil melde deg på %(title)s %(date)s kl. %(start)s.")
            % _values(meeting),
            _(
                "Du er ikke påmeldt, og ingen plass er holdt av, før du åpner lenken og "
                "bekrefter innen %(hours)s timer: %(link)s"
            )
            % {"hours": hours, "link": link},
            _("Har du ikke bedt om dette, kan du se bort fra e-posten."),
        ]
    )
    mail.record(
        to=email,
        subject=_("Bekreft påmeldingen: %(title)s") % {"title": meeting.title},
        body=body,
        link=link,
        purpose=mail.PENDING_PURPOSE,
        registration_id=registration.pk,
    )
    return Requested(registration, emailed=True)


@dataclass
class Confirmed:
    registration: Registration
    already: bool  # the link had been used before


def confirm_registration(token: str, *, now: datetime.datetime | None = None) -> Confirmed:
    """Open a link from a registration e-mail: a pending registration takes a seat
    (or a waiting place) now; an older link only confirms the address."""
    now = now or timezone.now()
    found = (
        Registration.objects.filter(
            confirm_token_hash=token_hash(token), anonymised_at__isnull=True
        )
        .values_list("pk", "meeting_id")
        .first()
    )
    if found is None:
        registration = confirm_email(token, now=now)
        return Confirmed(registration, already=False)
    return _confirm_pending(found[0], found[1], now)


@transaction.atomic
def _confirm_pending(pk: int, meeting_id: int, now: datetime.datetime) -> Confirmed:
    # the meeting first, then the registration: the same order as register()
    meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
    registration = Registration.objects.select_for_update().get(pk=pk)
    if registration.status != Registration.Status.PENDING:
        if registration.status == Registration.Status.CANCELLED:
            refuse(Code.ALREADY_CANCELLED)
        return Confirmed(registration, already=True)
    if registration.pending_until is None or now >= registration.pending_until:
        refuse(Code.CONFIRMATION_EXPIRED, hours=settings.DIALOGUE_PENDING_HOURS)
    meeting = _locked_open_meeting(meeting_id, now, asked_at=registration.requested_at)
    _refuse_if_registered(meeting, registration.email)
    if _free_seats(meeting) == 0 and not meeting.waiting_list:
        refuse(
            Code.FULL_AT_CONFIRMATION,
            capacity=meeting.capacity,
            until=local_moment(registration.pending_until),
        )
    registration.status = _seat_status(meeting)
    registration.registered_at = now  # the seat and the waiting list go by confirmation
    registration.email_confirmed_at = now
    registration.save(update_fields=["status", "registered_at", "email_confirmed_at"])
    audit.record(None, "dialogue.registration.confirm", registration, status=registration.status)
    _mail_seat(meeting, registration)
    return Confirmed(registration, already=False)


def _by_token(token: str) -> Registration:
    registration = (
        Registration.objects.select_for_update()
        .filter(token=token, anonymised_at__isnull=True)
        .first()
    )
    if registration is None:
        refuse(Code.UNKNOWN_LINK)
    return registration


@transaction.atomic
def confirm_email(token: str, *, now: datetime.datetime | None = None) -> Registration:
    registration = _by_token(token)
    if registration.email_confirmed_at is None:
        registration.email_confirmed_at = now or timezone.now()
        registration.save(update_fields=["email_confirmed_at"])
        audit.record(None, "dialogue.registration.confirm", registration)
    return registration


@transaction.atomic
def cancel(actor: Any, token: str, *, now: datetime.datetime | None = None) -> Registration:
    """Cancel by the link in the e-mail; a freed seat goes to the first on the waiting list."""
    found = Registration.objects.filter(token=token).values_list("meeting_id", flat=True).first()
    if found is None:
        refuse(Code.UNKNOWN_LINK)
    # the meeting first, then the registration: the same order as register()
    meeting = Meeting.objects.select_for_update().get(pk=found)
    registration = _by_token(token)
    if registration.status == Registration.Status.CANCELLED:
        refuse(Code.ALREADY_CANCELLED)
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = now or timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    audit.record(actor, "dialogue.registration.cancel", registration)
    promote_waiting(meeting)
    return registration
