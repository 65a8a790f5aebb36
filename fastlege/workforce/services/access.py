"""Who uses the workforce pages: municipality officers (their own municipality), the
county governor (their county) and national staff (everything). Citizens and GPs do
not. The area rules are the registry's (``fastlege.web.selectors``)."""

from __future__ import annotations

from typing import Any

from fastlege.registry.services.access import scope_of


def is_planner(actor: Any) -> bool:
    """Has a role that uses the workforce projection."""
    scope = scope_of(actor)
    return scope.everything or bool(scope.municipalities or scope.counties)
