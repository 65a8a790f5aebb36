"""Who reads and who changes measures.

* A municipality officer changes only their own municipality's measures and
  demand lists, and reads every municipality's of their county;
* the county governor reads everything in their county and decides proposed
  measure types from it;
* national staff (and the system) read and change everything.
"""

from __future__ import annotations

from typing import Any

from fastlege.reference.models import Municipality
from fastlege.registry.services.access import scope_of

from .errors import Code, refuse


def readable_counties(actor: Any) -> frozenset[str] | None:
    """Counties whose measures ``actor`` reads; ``None`` means every county."""
    scope = scope_of(actor)
    if scope.everything:
        return None
    counties = set(scope.counties)
    if scope.municipalities:
        counties.update(
            Municipality.objects.filter(number__in=scope.municipalities).values_list(
                "county_id", flat=True
            )
        )
    return frozenset(counties)


def may_read_county(actor: Any, county_id: str) -> bool:
    counties = readable_counties(actor)
    return counties is None or county_id in counties


def require_read_county(actor: Any, county_id: str) -> None:
    if not may_read_county(actor, county_id):
        refuse(Code.NOT_AUTHORISED)


def may_edit(actor: Any, municipality_id: str) -> bool:
    scope = scope_of(actor)
    return scope.everything or municipality_id in scope.municipalities


def require_edit(actor: Any, municipality_id: str) -> None:
    if not may_edit(actor, municipality_id):
        refuse(Code.NOT_AUTHORISED)


def may_decide_types(actor: Any, county_id: str | None) -> bool:
    """The county governor of the proposing municipality's county, or national staff."""
    scope = scope_of(actor)
    return scope.everything or (county_id is not None and county_id in scope.counties)


def is_reader(actor: Any) -> bool:
    """Has any role that reads measures (municipality, county governor, national)."""
    scope = scope_of(actor)
    return scope.everything or bool(scope.municipalities or scope.counties)
