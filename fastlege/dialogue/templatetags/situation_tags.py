"""``{% situation_section meeting %}``: a meeting's situation report on its pages (the
organiser's button and versions, the version the minutes refer to, the public link)."""

from __future__ import annotations

from typing import Any

from django import template

from fastlege.dialogue import selectors_situation as selectors

register = template.Library()


@register.inclusion_tag("dialogue/situation_section.html")
def situation_section(meeting: Any, organiser: bool = False) -> dict[str, Any]:
    versions = list(selectors.versions(meeting)) if meeting.county_id else []
    return {
        "meeting": meeting,
        "organiser": organiser,
        "versions": versions,
        "minutes_version": selectors.minutes_version(meeting) if versions else None,
    }
