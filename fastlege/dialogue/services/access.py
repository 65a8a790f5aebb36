"""Who organises: the county governor (for meetings of their county), the ministry
and the national administrator (everything).

The accounts app has no separate ministry role; the ministry's users have the
national role (``Role.NATIONAL``), which is what is checked here.
"""

from __future__ import annotations

from typing import Any

from fastlege.registry.services.access import Scope, scope_of

from .errors import Code, refuse


def is_organiser(actor: Any) -> bool:
    scope = scope_of(actor)
    return scope.everything or bool(scope.counties)


def is_national(actor: Any) -> bool:
    return scope_of(actor).everything


def may_organise(actor: Any, county_id: str | None) -> bool:
    """May ``actor`` run a meeting or consultation of ``county_id`` (None = national)?"""
    scope: Scope = scope_of(actor)
    if scope.everything:
        return True
    return county_id is not None and county_id in scope.counties


def require_organiser(actor: Any, county_id: str | None) -> None:
    if not may_organise(actor, county_id):
        refuse(Code.NOT_AUTHORISED)


def require_national(actor: Any) -> None:
    """The tripartite forum is run nationally (ministry / national administrator)."""
    if not is_national(actor):
        refuse(Code.NOT_AUTHORISED)
