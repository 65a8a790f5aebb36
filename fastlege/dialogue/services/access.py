"""Who organises: the county governor (meetings and consultations of their county),
the ministry (``Role.MINISTRY``: national meetings and consultations, and the
tripartite forum, where it is a party) and the national administrator (everything).
"""

from __future__ import annotations

from typing import Any

from fastlege.registry.services.access import Scope, scope_of

from .errors import Code, refuse


def is_organiser(actor: Any) -> bool:
    scope = scope_of(actor)
    return scope.everything or scope.ministry or bool(scope.counties)


def is_national(actor: Any) -> bool:
    """Runs national meetings and the tripartite forum: the ministry, national staff."""
    scope = scope_of(actor)
    return scope.everything or scope.ministry


def may_organise(actor: Any, county_id: str | None) -> bool:
    """May ``actor`` run a meeting or consultation of ``county_id`` (None = national)?
    The ministry runs the national ones, a county governor those of their county."""
    scope: Scope = scope_of(actor)
    if scope.everything:
        return True
    if county_id is None:
        return scope.ministry
    return county_id in scope.counties


def require_organiser(actor: Any, county_id: str | None) -> None:
    if not may_organise(actor, county_id):
        refuse(Code.NOT_AUTHORISED)


def require_national(actor: Any) -> None:
    """The tripartite forum is run nationally (ministry / national administrator)."""
    if not is_national(actor):
        refuse(Code.NOT_AUTHORISED)
