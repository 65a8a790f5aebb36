"""Template pieces of invitations (issue 21, part 1), so the pages of other apps
(the municipality's overview) and the shared meeting pages each need one line."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from fastlege.dialogue import selectors_invitations as selectors
from fastlege.dialogue.models import Meeting
from fastlege.dialogue.services.meetings import meeting_end, meeting_start

register = template.Library()


@register.inclusion_tag("dialogue/invitations_municipality.html")
def municipality_invitations(number: str) -> dict[str, Any]:
    """The invitations on a municipality's overview page."""
    return {"invitations": selectors.invitations_for_municipality(number)}


@register.filter
def meeting_ended(meeting: Meeting) -> bool:
    return timezone.now() >= meeting_end(meeting)


@register.filter
def meeting_started(meeting: Meeting) -> bool:
    return timezone.now() >= meeting_start(meeting)
