"""Navigation per role, for base.html."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from fastlege.dialogue.services.access import is_organiser
from fastlege.registry.services.access import scope_of
from fastlege.workforce.services.access import is_planner


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    if getattr(request, "second_factor_pending", False):  # accounts.SecondFactorMiddleware
        return {"nav_items": []}
    scope = scope_of(user)
    items: list[tuple[str, str]] = []
    if scope.residents:
        items.append((reverse("web:citizen_home"), _("Min fastlege")))
        items.append((reverse("web:find_gp"), _("Finn fastlege")))
    if scope.doctors:
        items.append((reverse("web:gp_home"), _("Mine lister")))
    for number in sorted(scope.municipalities):
        items.append((reverse("web:municipality", args=[number]), _("Kommunen")))
    for number in sorted(scope.counties):
        items.append((reverse("web:county", args=[number]), _("Fylket")))
    if scope.national:
        items.append((reverse("web:national"), _("Nasjonalt")))
    official = bool(scope.municipalities or scope.counties or scope.national or scope.ministry)
    if official:
        items.append((reverse("stats:national"), _("Statistikk")))
    if scope.municipalities or scope.counties or scope.national:
        items.append((reverse("measures:index"), _("Tiltak")))
    if is_planner(user):  # municipality, county governor, national
        items.append((reverse("workforce:index"), _("Arbeidskraft")))
    if is_organiser(user):  # the county governor, the ministry, national staff
        items.append((reverse("dialogue:organiser"), _("Dialog")))
    path = request.path
    return {
        "nav_items": [
            {"url": url, "label": label, "current": path == url or path.startswith(url + "")}
            for url, label in items
        ]
    }
