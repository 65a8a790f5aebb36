"""Registration for a meeting: deadline, capacity, waiting list, confirmation, cancellation.

Capacity is never exceeded: the meeting row is locked (``select_for_update``)
before the seats are counted, so concurrent registrations queue on PostgreSQL;
on SQLite transactions are IMMEDIATE and queue anyway.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fastlege.core import audit
from fastlege.dialogue.models import Meeting, Registration

from . import mail
from .errors import Code, refuse
from .inputs import check_registration


@dataclass
class RegistrationData:
    name: str
    email: str
    role: str
    organisation: str = ""
    dietary_needs: str = ""


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _fmt(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%d.%m.%Y kl. %H:%M}"


def promote_waiting(meeting: Meeting) -> list[Registration]:
    """Give free seats to the waiting list, first come first served. Meeting must be locked."""
    if meeting.capacity is None:
        free = None
    else:
        taken = meeting.registrations.filter(status=Registration.Status.REGISTERED).count()
        free = max(meeting.capacity - taken, 0)
    waiting = meeting.registrations.filter(status=Registration.Status.WAITING).order_by(
        "registered_at", "id"
    )
    promoted = list(waiting if free is None else waiting[:free])
    for registration in promoted:
        registration.status = Registration.Status.REGISTERED
        registration.save(update_fields=["status"])
        audit.record(None, "dialogue.registration.promoted", registration)
        mail.record(
            to=registration.email,
            subject=_("Du har fått plass: %(title)s") % {"title": meeting.title},
            body=_("Du har fått plass på møtet %(title)s %(date)s.")
            % {"title": meeting.title, "date": f"{meeting.date:%d.%m.%Y}"},
            link="",
            purpose="registration.promoted",
            registration_id=registration.pk,
        )
    return promoted


@transaction.atomic
def register(
    actor: Any,
    meeting_id: int,
    data: RegistrationData,
    *,
    now: datetime.datetime | None = None,
) -> Registration:
    """Register for a meeting (no account needed). Returns a registration, maybe waiting."""
    now = now or timezone.now()
    check_registration(data)
    meeting = Meeting.objects.select_for_update().filter(pk=meeting_id).first()
    if meeting is None or not meeting.published:
        refuse(Code.UNKNOWN_MEETING)
    if not meeting.registration_open:
        refuse(Code.REGISTRATION_CLOSED)
    if meeting.registration_deadline is not None and now > meeting.registration_deadline:
        refuse(Code.REGISTRATION_DEADLINE_PASSED, deadline=_fmt(meeting.registration_deadline))
    email = data.email.strip().lower()
    if (
        meeting.registrations.filter(email=email)
        .exclude(status=Registration.Status.CANCELLED)
        .exists()
    ):
        refuse(Code.ALREADY_REGISTERED)
    status = Registration.Status.REGISTERED
    if meeting.capacity is not None:
        taken = meeting.registrations.filter(status=Registration.Status.REGISTERED).count()
        if taken >= meeting.capacity:
            if not meeting.waiting_list:
                refuse(Code.MEETING_FULL, capacity=meeting.capacity)
            status = Registration.Status.WAITING
    registration = Registration.objects.create(
        meeting=meeting,
        status=status,
        name=data.name.strip(),
        email=email,
        organisation=data.organisation.strip(),
        role=data.role,
        dietary_needs=data.dietary_needs.strip(),
        token=new_token(),
        registered_at=now,
    )
    audit.record(actor, "dialogue.registration.create", registration, status=status)
    link = mail.site_url() + reverse("dialogue:registration_confirm", args=[registration.token])
    cancel = mail.site_url() + reverse("dialogue:registration_cancel", args=[registration.token])
    if status == Registration.Status.REGISTERED:
        head = _("Du er påmeldt %(title)s %(date)s kl. %(start)s.")
    else:
        head = _("Møtet %(title)s %(date)s kl. %(start)s er fullt; du står på venteliste.")
    values = {
        "title": meeting.title,
        "date": f"{meeting.date:%d.%m.%Y}",
        "start": f"{meeting.start_time:%H:%M}",
    }
    body = "\n\n".join(
        [
            head % values,
            _("Bekreft e-postadressen din: %(link)s") % {"link": link},
            _("Meld deg av: %(link)s") % {"link": cancel},
        ]
    )
    mail.record(
        to=email,
        subject=_("Bekreft påmeldingen: %(title)s") % {"title": meeting.title},
        body=body,
        link=link,
        purpose="registration.confirm",
        registration_id=registration.pk,
    )
    return registration


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
