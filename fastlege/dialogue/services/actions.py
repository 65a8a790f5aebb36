"""Group work and what each does next: groups with questions and a rapporteur, the
groups' answers, and follow-up actions (*hvem gjør hva innen når*) with an owner,
a due date, a status with history, and a reminder before the due date.

Each write is one transaction, takes the acting user first, writes an audit row
in the same transaction and refuses with a :class:`DialogueError`.

Who may do what:

* the organiser of the meeting (``may_organise``) creates groups and actions,
  records answers and changes any action's status;
* a group's rapporteur, when logged in with the e-mail address they registered
  for the meeting with, records that group's answers;
* the owner changes their action's status: a municipality's users for its
  actions, the county governor of the meeting's county for theirs.

Reminders go through :func:`deliver_action_notice`, the one place an action's
notice leaves the system (to route it by a user's notice preferences later).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fastlege.accounts.models import Role
from fastlege.core import audit
from fastlege.dialogue import rules
from fastlege.dialogue.models import (
    ActionStatusChange,
    FollowUpAction,
    ForumParty,
    GroupQuestion,
    Meeting,
    OutgoingEmail,
    Registration,
    WorkGroup,
)
from fastlege.notices import services as notices
from fastlege.notices.models import Kind as NoticeKind
from fastlege.reference.models import Municipality
from fastlege.registry.services.access import scope_of

from . import mail
from .access import may_organise, require_organiser
from .errors import Code, refuse

Owner = FollowUpAction.OwnerKind
Status = FollowUpAction.Status

#: ``OutgoingEmail.purpose`` of a reminder before an action's due date.
REMINDER_PURPOSE = "action.reminder"


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _meeting(meeting_id: int) -> Meeting:
    meeting = Meeting.objects.select_for_update().filter(pk=meeting_id).first()
    if meeting is None:
        refuse(Code.UNKNOWN_MEETING)
    return meeting


def question_texts(questions: str | Sequence[str]) -> list[str]:
    """Questions written one a line (or given as a list), blank lines left out."""
    lines = questions.splitlines() if isinstance(questions, str) else list(questions)
    return [line.strip() for line in lines if line.strip()]


# --- who may -------------------------------------------------------------------------


def is_rapporteur(actor: Any, group: WorkGroup) -> bool:
    """``actor`` is logged in with the address the group's rapporteur registered with."""
    email = (getattr(actor, "email", "") or "").strip().lower()
    registration = group.rapporteur
    return bool(
        email
        and getattr(actor, "is_authenticated", False)
        and registration is not None
        and registration.status == Registration.Status.REGISTERED
        and registration.email.strip().lower() == email
    )


def may_record_answers(actor: Any, group: WorkGroup) -> bool:
    return may_organise(actor, group.meeting.county_id) or is_rapporteur(actor, group)


def is_owner(actor: Any, action: FollowUpAction) -> bool:
    """A user of the responsible municipality, or the county governor of the meeting's
    county for the county governor's actions."""
    scope = scope_of(actor)
    if action.owner_kind == Owner.MUNICIPALITY:
        return action.municipality_id in scope.municipalities
    if action.owner_kind == Owner.COUNTY_GOVERNOR:
        return action.meeting.county_id in scope.counties
    return False


def may_change_action(actor: Any, action: FollowUpAction) -> bool:
    if actor is not None and not getattr(actor, "is_authenticated", False):
        return False
    return is_owner(actor, action) or may_organise(actor, action.meeting.county_id)


# --- groups --------------------------------------------------------------------------


def _rapporteur(meeting: Meeting, registration_id: int | None, name: str) -> Registration | None:
    if registration_id is not None and name.strip():
        refuse(Code.RAPPORTEUR_AMBIGUOUS)
    if registration_id is None:
        return None
    registration = Registration.objects.filter(
        pk=registration_id, meeting=meeting, status=Registration.Status.REGISTERED
    ).first()
    if registration is None:
        refuse(Code.RAPPORTEUR_NOT_PARTICIPANT)
    return registration


@transaction.atomic
def add_group(
    actor: Any,
    meeting_id: int,
    name: str,
    questions: str | Sequence[str] = "",
    *,
    rapporteur_id: int | None = None,
    rapporteur_name: str = "",
) -> WorkGroup:
    """Create a group with its questions and rapporteur, or change the group of that
    name: a question whose text is unchanged keeps its answer."""
    meeting = _meeting(meeting_id)
    require_organiser(actor, meeting.county_id)
    if not name.strip():
        refuse(Code.TEXT_REQUIRED)
    rapporteur = _rapporteur(meeting, rapporteur_id, rapporteur_name)
    group, created = WorkGroup.objects.update_or_create(
        meeting=meeting,
        name=name.strip(),
        defaults={"rapporteur": rapporteur, "rapporteur_name": rapporteur_name.strip()},
    )
    texts = question_texts(questions)
    existing = {q.position: q for q in group.questions.all()}
    for position, text in enumerate(texts, start=1):
        row = existing.get(position)
        if row is None:
            GroupQuestion.objects.create(group=group, position=position, text=text)
        elif row.text != text:
            row.text, row.answer, row.answered_by, row.answered_at = text, "", None, None
            row.save(update_fields=["text", "answer", "answered_by", "answered_at"])
    group.questions.filter(position__gt=len(texts)).delete()
    audit.record(
        actor,
        "dialogue.group.create" if created else "dialogue.group.save",
        group,
        questions=len(texts),
        rapporteur="påmeldt" if rapporteur else ("navn" if rapporteur_name.strip() else ""),
    )
    return group


@transaction.atomic
def record_answers(actor: Any, group_id: int, answers: Mapping[int, str]) -> list[GroupQuestion]:
    """Record the group's answers (question id → answer); an unchanged answer is left
    as it was. Returns the questions whose answer changed."""
    group = (
        WorkGroup.objects.select_for_update(of=("self",))
        .select_related("meeting", "rapporteur")
        .filter(pk=group_id)
        .first()
    )
    if group is None:
        refuse(Code.UNKNOWN_GROUP)
    if not may_record_answers(actor, group):
        refuse(Code.NOT_AUTHORISED)
    questions = {q.pk: q for q in group.questions.all()}
    if any(pk not in questions for pk in answers):
        refuse(Code.QUESTION_NOT_IN_GROUP)
    now = timezone.now()
    changed = []
    for pk, answer in answers.items():
        question = questions[pk]
        if question.answer == answer.strip():
            continue
        question.answer = answer.strip()
        question.answered_by = _user(actor)
        question.answered_at = now
        question.save(update_fields=["answer", "answered_by", "answered_at"])
        changed.append(question)
    audit.record(
        actor,
        "dialogue.group.answers",
        group,
        questions=[q.position for q in changed],
        as_rapporteur=not may_organise(actor, group.meeting.county_id),
    )
    return changed


# --- actions -------------------------------------------------------------------------


def _check_owner(
    meeting: Meeting,
    owner_kind: str,
    municipality_id: str | None,
    party_id: int | None,
    responsible: str,
) -> None:
    if owner_kind not in Owner.values:
        refuse(Code.ACTION_OWNER_MISSING)
    if owner_kind == Owner.MUNICIPALITY:
        municipality = Municipality.objects.filter(pk=municipality_id or "").first()
        if municipality is None:
            refuse(Code.UNKNOWN_MUNICIPALITY)
        if meeting.county_id is not None and municipality.county_id != meeting.county_id:
            refuse(Code.MUNICIPALITY_OUTSIDE_COUNTY, municipality=municipality.name)
    elif owner_kind == Owner.PARTY:
        if party_id is None or not ForumParty.objects.filter(pk=party_id, active=True).exists():
            refuse(Code.UNKNOWN_PARTY)
    elif owner_kind == Owner.COUNTY_GOVERNOR:
        if meeting.county_id is None:
            refuse(Code.NO_COUNTY_GOVERNOR)
    elif not responsible.strip():
        refuse(Code.ACTION_OWNER_MISSING)


@transaction.atomic
def add_action(
    actor: Any,
    meeting_id: int,
    *,
    what: str,
    due: datetime.date | None,
    owner_kind: str = Owner.ORGANISATION,
    responsible: str = "",
    municipality_id: str | None = None,
    party_id: int | None = None,
    group_id: int | None = None,
    case_id: int | None = None,
    contact_email: str = "",
) -> FollowUpAction:
    """Record what someone does next and by when. The owner is a municipality (of the
    meeting's county, for a county meeting), a forum party, the county governor of the
    meeting's county, or a named organisation or person (``responsible``)."""
    meeting = _meeting(meeting_id)
    require_organiser(actor, meeting.county_id)
    if not what.strip():
        refuse(Code.TEXT_REQUIRED)
    _check_owner(meeting, owner_kind, municipality_id, party_id, responsible)
    if due is not None and due < meeting.date:
        refuse(Code.DUE_BEFORE_MEETING, date=f"{meeting.date:%d.%m.%Y}")
    if group_id is not None and not meeting.groups.filter(pk=group_id).exists():
        refuse(Code.UNKNOWN_GROUP)
    action = FollowUpAction.objects.create(
        meeting=meeting,
        group_id=group_id,
        case_id=case_id,
        what=what.strip(),
        owner_kind=owner_kind,
        municipality_id=municipality_id if owner_kind == Owner.MUNICIPALITY else None,
        party_id=party_id if owner_kind == Owner.PARTY else None,
        responsible=responsible.strip(),
        contact_email=contact_email.strip(),
        due=due,
        created_by=_user(actor),
    )
    ActionStatusChange.objects.create(
        action=action, old_status="", new_status=action.status, changed_by=_user(actor)
    )
    audit.record(
        actor,
        "dialogue.action.create",
        action,
        owner_kind=owner_kind,
        municipality=action.municipality_id,
        due=due.isoformat() if due else None,
    )
    return action


@transaction.atomic
def set_action_status(
    actor: Any,
    action_id: int,
    status: str,
    comment: str = "",
    *,
    now: datetime.datetime | None = None,
) -> FollowUpAction:
    """The owner or the organiser changes an action's status, with a comment; the
    change is kept (``ActionStatusChange``). The same status again only adds a comment."""
    action = (
        FollowUpAction.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        refuse(Code.UNKNOWN_ACTION)
    if not may_change_action(actor, action):
        refuse(Code.NOT_AUTHORISED)
    if status not in Status.values:
        refuse(Code.UNKNOWN_STATUS, status=str(status)[:40])
    comment = comment.strip()
    if status == action.status and not comment:
        refuse(Code.STATUS_UNCHANGED)
    old = action.status
    now = now or timezone.now()
    ActionStatusChange.objects.create(
        action=action,
        old_status=old,
        new_status=status,
        comment=comment,
        changed_by=_user(actor),
        changed_at=now,
    )
    if status != old:
        action.status = status
        action.status_changed_at = now
        action.save(update_fields=["status", "status_changed_at"])
    audit.record(actor, "dialogue.action.status", action, old=old, new=status)
    return action


# --- reminders -----------------------------------------------------------------------


def reminder_recipients(action: FollowUpAction) -> list[tuple[str, Any]]:
    """Who is reminded of ``action``: (address, user or None), each address once. A
    municipality's users and the county governor's users by their account's address;
    a party or organisation at the action's contact address, if given."""
    if action.owner_kind in (Owner.MUNICIPALITY, Owner.COUNTY_GOVERNOR):
        role = Role.MUNICIPALITY if action.owner_kind == Owner.MUNICIPALITY else None
        users = get_user_model().objects.filter(is_active=True).exclude(email="")
        if role is not None:
            users = users.filter(roles__role=role, roles__municipality_id=action.municipality_id)
        else:
            users = users.filter(
                roles__role=Role.COUNTY_GOVERNOR,
                roles__county_id=action.meeting.county_id,
            )
        seen: dict[str, Any] = {}
        for user in users.order_by("pk").distinct():
            seen.setdefault(user.email.strip().lower(), user)
        return sorted(seen.items(), key=lambda item: item[0])
    return [(action.contact_email, None)] if action.contact_email else []


def deliver_action_notice(
    action: FollowUpAction, *, to: str, user: Any, subject: str, body: str, link: str
) -> OutgoingEmail | None:
    """The one place a notice about an action leaves the system. To a user account it
    goes as the user chose for follow-up actions (``notices``: at once, in the daily or
    weekly digest, or not at all; a daily digest by default); to a contact address with
    no account it is recorded in the dialogue's outbox (sent after the commit)."""
    if user is not None:
        notices.notify(user=user, kind=NoticeKind.ACTION, subject=subject, body=body, url=link)
        return None
    return mail.record(to=to, subject=subject, body=body, link=link, purpose=REMINDER_PURPOSE)


def owner_page(action: FollowUpAction) -> str:
    """Where the owner sees and updates the action."""
    if action.owner_kind == Owner.MUNICIPALITY and action.municipality_id:
        return mail.site_url() + reverse("web:municipality", args=[action.municipality_id])
    if action.owner_kind == Owner.COUNTY_GOVERNOR and action.meeting.county_id:
        return mail.site_url() + reverse("web:county", args=[action.meeting.county_id])
    return ""


def due_for_reminder(today: datetime.date) -> QuerySet[FollowUpAction]:
    """Open actions whose reminder day has come and that were not reminded of this due
    date (``reminded_for_due``): the reminder goes once per action and due date."""
    days = rules.param("action_reminder_days_before", today)
    return (
        FollowUpAction.objects.filter(
            status__in=FollowUpAction.OPEN_STATUSES,
            due__gte=today,
            due__lte=today + datetime.timedelta(days=days),
        )
        .exclude(reminded_for_due=F("due"))
        .order_by("due", "pk")
    )


def send_action_reminders(today: datetime.date | None = None) -> int:
    """Record a reminder e-mail to the owner of each open action whose due date is
    at most ``action_reminder_days_before`` days away, once per action and due date
    (idempotent: run it daily, or twice, and each owner gets one). Each action in
    its own transaction, locked, so two runs at once send one. Returns the number of
    actions reminded."""
    day = today or timezone.localdate()
    reminded = 0
    for pk in list(due_for_reminder(day).values_list("pk", flat=True)):
        with transaction.atomic():
            action = (
                FollowUpAction.objects.select_for_update(of=("self",))
                .select_related("meeting", "municipality", "party")
                .filter(pk=pk)
                .first()
            )
            if (
                action is None
                or not action.is_open
                or action.due is None
                or action.reminded_for_due == action.due
            ):
                continue
            link = owner_page(action)
            subject = _("Påminnelse: frist %(due)s for «%(what)s»") % {
                "due": f"{action.due:%d.%m.%Y}",
                "what": action.what,
            }
            body = _(
                "Oppfølgingspunkt fra %(meeting)s:\n\n%(what)s\n\nAnsvarlig: %(owner)s\n"
                "Frist: %(due)s\nStatus: %(status)s\n\n%(link)s"
            ) % {
                "meeting": action.meeting,
                "what": action.what,
                "owner": action.owner_label,
                "due": f"{action.due:%d.%m.%Y}",
                "status": action.get_status_display(),
                "link": link,
            }
            recipients = reminder_recipients(action)
            for to, user in recipients:
                deliver_action_notice(
                    action, to=to, user=user, subject=subject, body=body, link=link
                )
            action.reminded_for_due = action.due
            action.save(update_fields=["reminded_for_due"])
            audit.record(None, "dialogue.action.reminder", action, recipients=len(recipients))
            reminded += 1
    return reminded
