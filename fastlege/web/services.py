"""Writes the web pages need that the registry did not have yet. Each is one
transaction with an explicit acting user and an audit row; refusals raise the
registry's ``DomainError`` codes (``fastlege.registry.services.errors``)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, NoReturn

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from fastlege.accounts.models import Role, RoleAssignment, username_taken
from fastlege.core import audit
from fastlege.core.admin_tools import NIN_PATTERN
from fastlege.core.errors import DomainError
from fastlege.reference.models import Municipality
from fastlege.registry.services import access
from fastlege.registry.services.errors import Code, refuse


@transaction.atomic
def set_automatic_placement(
    actor: Any, municipality: Municipality | str, *, on: bool
) -> Municipality:
    """The municipality asks Helfo to switch automatic placement of the unassigned
    (ufordelte) on or off (domain brief § 3.4, Helfo's page on ufordelte)."""
    number = str(getattr(municipality, "pk", municipality))
    access.require_municipality(actor, number)
    muni = Municipality.objects.select_for_update().filter(number=number).first()
    if muni is None:
        refuse(Code.UNKNOWN_MUNICIPALITY)
    if muni.automatic_placement != on:
        muni.automatic_placement = on
        muni.save(update_fields=["automatic_placement"])
        audit.record(actor, "municipality.automatic_placement", muni, on=on)
    return muni


class WebCode(StrEnum):
    USERNAME_INVALID = "username_invalid"
    USERNAME_TAKEN = "username_taken"
    UNKNOWN_ROLE = "unknown_role"


WEB_MESSAGES = {
    WebCode.USERNAME_INVALID: _(
        "Brukernavnet må ha 3–150 tegn: bokstaver, tall og . @ + - _ (aldri fødselsnummer)."
    ),
    WebCode.USERNAME_TAKEN: _("Brukernavnet er tatt av en bruker med en annen rolle."),
    WebCode.UNKNOWN_ROLE: _("Rollen finnes ikke for denne kommunen."),
}


def _refuse_web(code: WebCode) -> NoReturn:
    raise DomainError(str(WEB_MESSAGES[code]), code=code.value)


USERNAME = re.compile(r"^[\w.@+-]{3,150}$")


@transaction.atomic
def grant_municipality_role(
    actor: Any, municipality: str, *, username: str, first_name: str = "", last_name: str = ""
) -> RoleAssignment:
    """The municipality gives one of its officers access to its registry. A new user
    gets no password: they log in through ID-porten (docs/login.md), or an
    administrator sets one."""
    access.require_municipality(actor, municipality)
    username = username.strip()
    if not USERNAME.match(username) or NIN_PATTERN.search(username):
        _refuse_web(WebCode.USERNAME_INVALID)
    User = get_user_model()
    user = User.objects.select_for_update().filter(username=username).first()
    if user is None:
        if username_taken(username):  # a look-alike of another user's name (ａｄｍｉｎ, Admin)
            _refuse_web(WebCode.USERNAME_TAKEN)
        user = User(username=username, first_name=first_name[:150], last_name=last_name[:150])
        user.set_unusable_password()
        user.save()
    elif (
        RoleAssignment.objects.filter(user=user)
        .exclude(role=Role.MUNICIPALITY, municipality_id=municipality)
        .exists()
        or user.is_superuser
    ):
        _refuse_web(WebCode.USERNAME_TAKEN)
    assignment, _created = RoleAssignment.objects.get_or_create(
        user=user, role=Role.MUNICIPALITY, municipality_id=municipality
    )
    audit.record(actor, "role.granted", assignment, officer=user.pk, municipality=municipality)
    return assignment


@transaction.atomic
def revoke_municipality_role(actor: Any, municipality: str, assignment_id: int) -> None:
    """Take an officer's access to the municipality's registry away."""
    access.require_municipality(actor, municipality)
    assignment = (
        RoleAssignment.objects.select_for_update()
        .filter(pk=assignment_id, role=Role.MUNICIPALITY, municipality_id=municipality)
        .first()
    )
    if assignment is None:
        _refuse_web(WebCode.UNKNOWN_ROLE)
    audit.record(
        actor, "role.revoked", assignment, officer=assignment.user_id, municipality=municipality
    )
    assignment.delete()


def municipality_users(actor: Any, municipality: str) -> list[RoleAssignment]:
    access.require_municipality(actor, municipality)
    return list(
        RoleAssignment.objects.filter(role=Role.MUNICIPALITY, municipality_id=municipality)
        .select_related("user")
        .order_by("user__username")[:500]
    )
