"""Reads of group work and follow-up actions, scoped to the reader.

A municipality's actions are seen by its own users, the county governor of its
county and national staff; the county governor's actions by that county's
governor and national staff. Anyone else gets nothing (an empty list, or
"does not exist" for one action), so another county learns nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fastlege.core import tabular
from fastlege.dialogue.models import (
    ActionStatusChange,
    FollowUpAction,
    GroupQuestion,
    Meeting,
    Registration,
    WorkGroup,
)
from fastlege.dialogue.services.actions import may_change_action, may_record_answers
from fastlege.dialogue.services.errors import Code, refuse
from fastlege.reference.models import Municipality
from fastlege.registry.services.access import scope_of

Owner = FollowUpAction.OwnerKind


def meeting_groups(meeting: Meeting) -> QuerySet[WorkGroup]:
    """The meeting's groups with their questions (and answers) and rapporteur."""
    return (
        WorkGroup.objects.filter(meeting=meeting)
        .select_related("rapporteur")
        .prefetch_related(
            Prefetch("questions", queryset=GroupQuestion.objects.order_by("position")),
            "notes",
        )
        .order_by("name")
    )


def rapporteur_choices(meeting: Meeting) -> list[tuple[int, str]]:
    """Registered participants the organiser may name as a group's rapporteur."""
    rows = meeting.registrations.filter(status=Registration.Status.REGISTERED).order_by(
        "name", "pk"
    )
    return [(r.pk, f"{r.name}, {r.organisation}" if r.organisation else r.name) for r in rows]


def group_for_answers(actor: Any, group_id: int) -> WorkGroup:
    """A group whose answers ``actor`` may record (its organiser or its rapporteur)."""
    group = (
        WorkGroup.objects.select_related("meeting", "rapporteur")
        .prefetch_related(
            Prefetch("questions", queryset=GroupQuestion.objects.order_by("position"))
        )
        .filter(pk=group_id)
        .first()
    )
    if group is None or not may_record_answers(actor, group):
        refuse(Code.UNKNOWN_GROUP)
    return group


def _with_owner(rows: QuerySet[FollowUpAction]) -> QuerySet[FollowUpAction]:
    return rows.select_related("meeting", "municipality", "party", "group").prefetch_related(
        Prefetch(
            "status_changes",
            queryset=ActionStatusChange.objects.select_related("changed_by").order_by(
                "changed_at", "pk"
            ),
        )
    )


def meeting_actions(meeting: Meeting) -> QuerySet[FollowUpAction]:
    """All of a meeting's actions with their status history (the organiser's table)."""
    return _with_owner(meeting.actions.all()).order_by("due", "pk")


def public_actions(meeting: Meeting) -> QuerySet[FollowUpAction]:
    """A published meeting's actions as the minutes show them (no history)."""
    return meeting.actions.select_related("municipality", "party").order_by("due", "pk")


def may_see_municipality_actions(actor: Any, municipality: Municipality) -> bool:
    scope = scope_of(actor)
    return (
        scope.everything
        or municipality.pk in scope.municipalities
        or municipality.county_id in scope.counties
    )


def open_actions_for_municipality(actor: Any, municipality: Municipality) -> list[FollowUpAction]:
    """The municipality's actions still to be done (planned or under way), earliest
    due first, each marked whether ``actor`` may change its status."""
    if not may_see_municipality_actions(actor, municipality):
        return []
    rows = list(
        _with_owner(
            FollowUpAction.objects.filter(
                owner_kind=Owner.MUNICIPALITY,
                municipality=municipality,
                status__in=FollowUpAction.OPEN_STATUSES,
            )
        ).order_by("due", "pk")
    )
    return _marked(actor, rows)


def open_actions_for_county_governor(actor: Any, county_id: str) -> list[FollowUpAction]:
    """The county governor's own actions (from meetings in the county) still to be done."""
    scope = scope_of(actor)
    if not (scope.everything or county_id in scope.counties):
        return []
    rows = list(
        _with_owner(
            FollowUpAction.objects.filter(
                owner_kind=Owner.COUNTY_GOVERNOR,
                meeting__county_id=county_id,
                status__in=FollowUpAction.OPEN_STATUSES,
            )
        ).order_by("due", "pk")
    )
    return _marked(actor, rows)


def _marked(actor: Any, rows: list[FollowUpAction]) -> list[FollowUpAction]:
    today = timezone.localdate()
    for row in rows:
        row.can_change = may_change_action(actor, row)  # type: ignore[attr-defined]
        row.is_overdue = row.overdue_on(today)  # type: ignore[attr-defined]
    return rows


def action_for_change(actor: Any, action_id: int) -> FollowUpAction:
    """An action whose status ``actor`` may change; "does not exist" otherwise."""
    action = FollowUpAction.objects.select_related("meeting").filter(pk=action_id).first()
    if action is None or not may_change_action(actor, action):
        refuse(Code.UNKNOWN_ACTION)
    return action


def status_counts(actions: list[FollowUpAction], today: datetime.date) -> dict[str, int]:
    """How many actions have each status, and how many are overdue."""
    counts = {value: 0 for value in FollowUpAction.Status.values}
    for action in actions:
        counts[action.status] += 1
    counts["overdue"] = sum(1 for a in actions if a.overdue_on(today))
    return counts


ACTION_COLUMNS = (
    tabular.Column("what", _("Hva")),
    tabular.Column("owner_kind", _("Ansvarlig er"), choices=dict(Owner.choices)),
    tabular.Column("owner", _("Ansvarlig")),
    tabular.Column("municipality_number", _("Kommunenummer")),
    tabular.Column("group", _("Gruppe")),
    tabular.Column("due", _("Frist")),
    tabular.Column("status", _("Status"), choices=dict(FollowUpAction.Status.choices)),
    tabular.Column("overdue", _("Over fristen")),
    tabular.Column("status_changed_at", _("Status endret")),
    tabular.Column("last_comment", _("Siste kommentar")),
)


def actions_csv(actions: list[FollowUpAction], today: datetime.date) -> bytes:
    """The meeting's actions as a CSV for Norwegian Excel (fastlege.core.tabular)."""
    rows = []
    for a in actions:
        comments = [c.comment for c in a.status_changes.all() if c.comment]
        rows.append(
            [
                a.what,
                a.owner_kind,
                a.owner_label,
                a.municipality_id or "",
                a.group.name if a.group else "",
                a.due,
                a.status,
                a.overdue_on(today),
                a.status_changed_at,
                comments[-1] if comments else "",
            ]
        )
    return tabular.human_csv(ACTION_COLUMNS, rows)


def owner_panel(rows: list[FollowUpAction], back: str) -> dict[str, Any]:
    """What ``dialogue/actions_owner_list.html`` needs on an owner's page."""
    return {
        "owner_actions": rows,
        "action_statuses": FollowUpAction.Status.choices,
        "next": back,
    }
