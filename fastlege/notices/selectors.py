"""Reads for the notice settings, scoped to the user."""

from __future__ import annotations

from typing import Any

from fastlege.notices.errors import Code, refuse
from fastlege.notices.models import DEFAULTS, Kind, NoticePreference


def choices_of(user_id: int) -> dict[str, str]:
    """Every kind's frequency for one user, in the order of ``Kind`` (the default where
    the user has not chosen)."""
    chosen = dict(NoticePreference.objects.filter(user_id=user_id).values_list("kind", "frequency"))
    return {kind: chosen.get(kind, DEFAULTS[kind]) for kind in Kind.values}


def own_choices(actor: Any) -> dict[str, str]:
    """The logged-in user's own choices (no one reads another's)."""
    if not getattr(actor, "is_authenticated", False):
        refuse(Code.NOT_YOURS)
    return choices_of(actor.pk)
