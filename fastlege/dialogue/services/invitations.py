"""Invitations, reminders and attendance (issue 21, part 1).

The organiser of a meeting (the county governor for their county, the ministry or
national staff for national meetings) invites municipalities — every municipality
of a county in one action, or chosen ones — and named people. An invited
municipality sees the invitation on its overview page; a named person gets an
e-mail. Before the registration deadline, :func:`remind_unregistered` sends one
reminder per invitation whose municipality or person has not registered.

Every e-mail to an invitee goes through :func:`notify_invitee`, the one place to
route them through a user's notice preferences later.

Each write is one transaction with the acting user and an audit row.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fastlege.accounts.models import Role
from fastlege.core import audit
from fastlege.dialogue import rules
from fastlege.dialogue.formats import local_moment
from fastlege.dialogue.models import Meeting, OutgoingEmail, Registration
from fastlege.dialogue.models_invitations import Invitation
from fastlege.notices import services as notices
from fastlege.notices.models import Kind as NoticeKind
from fastlege.reference.models import Municipality

from . import mail
from .access import require_organiser
from .errors import Code, refuse
from .meetings import meeting_end, meeting_start

#: A registration in these states means the invitee has answered (no reminder).
ANSWERED = (Registration.Status.REGISTERED, Registration.Status.WAITING)


def _locked_meeting_to_invite(actor: Any, meeting_id: int, now: datetime.datetime) -> Meeting:
    meeting = Meeting.objects.select_for_update().filter(pk=meeting_id).first()
    if meeting is None:
        refuse(Code.UNKNOWN_MEETING)
    require_organiser(actor, meeting.county_id)
    if now >= meeting_end(meeting):
        refuse(Code.MEETING_ENDED, date=f"{meeting.date:%d.%m.%Y}")
    if not meeting.published:
        refuse(Code.MEETING_NOT_PUBLISHED)
    return meeting


@transaction.atomic
def invite_municipalities(
    actor: Any,
    meeting_id: int,
    *,
    numbers: Iterable[str] = (),
    county_id: str | None = None,
    now: datetime.datetime | None = None,
) -> list[Invitation]:
    """Invite the chosen municipalities, or with ``county_id`` every municipality of
    that county. A county's meeting invites only municipalities of its county.
    Municipalities already invited are left as they are; returns the new invitations."""
    now = now or timezone.now()
    meeting = _locked_meeting_to_invite(actor, meeting_id, now)
    wanted = set(numbers)
    if county_id is not None:
        wanted |= set(
            Municipality.objects.filter(county_id=county_id).values_list("number", flat=True)
        )
    if not wanted:
        refuse(Code.INVITEE_REQUIRED)
    found = dict(Municipality.objects.filter(number__in=wanted).values_list("number", "county_id"))
    for number in sorted(wanted):
        if number not in found:
            refuse(Code.UNKNOWN_MUNICIPALITY)
        if meeting.county_id is not None and found[number] != meeting.county_id:
            refuse(Code.MUNICIPALITY_OUTSIDE_COUNTY, municipality=number)
    already = set(
        meeting.invitations.filter(municipality__isnull=False).values_list(
            "municipality_id", flat=True
        )
    )
    created = Invitation.objects.bulk_create(
        Invitation(
            meeting=meeting,
            municipality_id=number,
            invited_by=actor if getattr(actor, "pk", None) else None,
            invited_at=now,
        )
        for number in sorted(wanted - already)
    )
    audit.record(
        actor,
        "dialogue.invitation.municipalities",
        meeting,
        invited=len(created),
        municipalities=sorted(wanted - already),
    )
    return created


@transaction.atomic
def invite_person(
    actor: Any,
    meeting_id: int,
    *,
    name: str,
    email: str,
    now: datetime.datetime | None = None,
) -> Invitation:
    """Invite a named person and e-mail them the invitation. A user account with the
    same e-mail address is linked, so the person is recognised when logged in. Inviting
    the same address again changes nothing and sends nothing."""
    now = now or timezone.now()
    name, email = name.strip(), email.strip().lower()
    if not name or not email:
        refuse(Code.INVITEE_REQUIRED)
    meeting = _locked_meeting_to_invite(actor, meeting_id, now)
    existing = meeting.invitations.filter(email=email).first()
    if existing is not None:
        return existing
    accounts = list(get_user_model().objects.filter(email__iexact=email, is_active=True)[:2])
    invitation = Invitation.objects.create(
        meeting=meeting,
        name=name[:200],
        email=email,
        user=accounts[0] if len(accounts) == 1 else None,
        invited_by=actor if getattr(actor, "pk", None) else None,
        invited_at=now,
    )
    audit.record(actor, "dialogue.invitation.person", invitation)
    notify_invitee(
        invitation,
        subject=_("Invitasjon: %(title)s") % {"title": meeting.title},
        body=_invitation_text(meeting),
        purpose="invitation.invite",
    )
    return invitation


def register_url(meeting: Meeting) -> str:
    return mail.site_url() + reverse("dialogue:register", args=[meeting.pk])


def _invitation_text(meeting: Meeting, *, reminder: bool = False) -> str:
    values = {
        "title": meeting.title,
        "date": f"{meeting.date:%d.%m.%Y}",
        "start": f"{meeting.start_time:%H:%M}",
        "organiser": meeting.organiser_name,
    }
    if reminder:
        parts = [_("Påminnelse: %(organiser)s har invitert til %(title)s %(date)s kl. %(start)s.")]
    else:
        parts = [_("%(organiser)s inviterer til %(title)s %(date)s kl. %(start)s.")]
    lines = [parts[0] % values]
    if meeting.registration_deadline is not None:
        lines.append(
            _("Påmeldingsfrist: %(deadline)s.")
            % {"deadline": local_moment(meeting.registration_deadline)}
        )
    lines.append(_("Meld deg på her: %(link)s") % {"link": register_url(meeting)})
    return "\n\n".join(lines)


def notify_invitee(
    invitation: Invitation, *, subject: str, body: str, purpose: str
) -> list[OutgoingEmail]:
    """The one place every notice to an invitee goes through, in the caller's
    transaction. The users of an invited municipality, and a named person with an
    account, are told as each chose for invitations (``notices``: at once by default, a
    digest, or not at all); a named person without an account gets the e-mail from the
    dialogue's outbox (sent after the commit), which is returned."""
    path = reverse("dialogue:register", args=[invitation.meeting_id])
    if invitation.municipality_id is not None or invitation.user_id is not None:
        notices.notify_many(
            users=invitation_users(invitation),
            kind=NoticeKind.INVITATION,
            subject=subject,
            body=body,
            url=path,
        )
        return []
    return [
        mail.record(
            to=invitation.email,
            subject=subject,
            body=body,
            link=register_url(invitation.meeting),
            purpose=purpose,
            invitation_id=invitation.pk,
        )
    ]


def invitation_users(invitation: Invitation) -> QuerySet[Any]:
    """The accounts an invitation's notices go to: the invited municipality's active
    users with the municipality role, or the named person's own account."""
    users = get_user_model().objects.filter(is_active=True)
    if invitation.municipality_id is None:
        return users.filter(pk=invitation.user_id or 0)
    return users.filter(
        roles__role=Role.MUNICIPALITY, roles__municipality_id=invitation.municipality_id
    ).distinct()


def has_answered(invitation: Invitation) -> bool:
    """Has the invited municipality (anyone from it) or person registered, or taken a
    place on the waiting list?"""
    answered = Registration.objects.filter(meeting_id=invitation.meeting_id, status__in=ANSWERED)
    if invitation.municipality_id is not None:
        return answered.filter(municipality_id=invitation.municipality_id).exists()
    emails = {invitation.email}
    if invitation.user_id is not None and invitation.user is not None and invitation.user.email:
        emails.add(invitation.user.email.strip().lower())
    return answered.filter(email__in=emails).exists()


def due_for_reminder(now: datetime.datetime) -> list[int]:
    """Invitations whose meeting's registration deadline is within the reminder period
    (``invitation_reminder_days_before_deadline``) and still ahead, not yet reminded."""
    days = rules.param("invitation_reminder_days_before_deadline", timezone.localdate(now))
    return list(
        Invitation.objects.filter(
            reminder_sent_at__isnull=True,
            meeting__published=True,
            meeting__registration_open=True,
            meeting__registration_deadline__gt=now,
            meeting__registration_deadline__lte=now + datetime.timedelta(days=days),
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def remind_unregistered(actor: Any = None, *, now: datetime.datetime | None = None) -> int:
    """Send one reminder per invitation whose municipality or person has not registered,
    when the registration deadline is ``invitation_reminder_days_before_deadline`` days
    away or less. Idempotent: an invitation is reminded once (``reminder_sent_at``, set
    under a row lock, so two runs at once send one reminder). Returns how many
    invitations were reminded."""
    now = now or timezone.now()
    reminded = 0
    for pk in due_for_reminder(now):
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("meeting", "user")
            .filter(pk=pk, reminder_sent_at__isnull=True)
            .first()
        )
        if invitation is None:
            continue
        if has_answered(invitation):
            continue
        invitation.reminder_sent_at = now
        invitation.save(update_fields=["reminder_sent_at"])
        notify_invitee(
            invitation,
            subject=_("Påminnelse: %(title)s") % {"title": invitation.meeting.title},
            body=_invitation_text(invitation.meeting, reminder=True),
            purpose="invitation.reminder",
        )
        reminded += 1
    audit.record(actor, "dialogue.invitation.remind", None, reminded=reminded)
    return reminded


@transaction.atomic
def record_attendance(
    actor: Any,
    meeting_id: int,
    attended_ids: Iterable[int],
    *,
    now: datetime.datetime | None = None,
) -> int:
    """The organiser marks who came: the registrations in ``attended_ids`` attended,
    every other registration with a seat did not. From the meeting's start on.
    Returns how many attended."""
    now = now or timezone.now()
    meeting = Meeting.objects.select_for_update().filter(pk=meeting_id).first()
    if meeting is None:
        refuse(Code.UNKNOWN_MEETING)
    require_organiser(actor, meeting.county_id)
    start = meeting_start(meeting)
    if now < start:
        refuse(Code.ATTENDANCE_BEFORE_MEETING, start=local_moment(start))
    ids = set(attended_ids)
    seated = meeting.registrations.filter(status=Registration.Status.REGISTERED)
    if ids - set(seated.values_list("pk", flat=True)):
        refuse(Code.NOT_A_PARTICIPANT)
    came = seated.filter(pk__in=ids).update(attended=True)
    absent = seated.exclude(pk__in=ids).update(attended=False)
    audit.record(actor, "dialogue.meeting.attendance", meeting, attended=came, absent=absent)
    return came
