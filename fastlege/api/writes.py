"""Who may write through the API, and how a refusal reaches the client.

The register's writes (``fastlege.api.views.writes``) call the registry's services
as they are: every rule, transaction and audit row stays there. What this module
adds is what the API promises on top (docs/api.md, "The register's writes"):

* a role that never writes (a county governor's client) is refused with 403
  before anything is read;
* a list, a ceiling change or a reduction outside the client's area is answered
  404, exactly as one that does not exist; so is a person outside it;
* a batch of persons is all or none (FLR MovePatients): one transaction around
  the service calls, and the refusal names the person's place in the body.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import exceptions

from fastlege.core.errors import DomainError
from fastlege.registry.models import Agreement, Resident
from fastlege.registry.services.access import Scope, regular_gp_on, scope_of

T = TypeVar("T")


class MayNotWrite(exceptions.PermissionDenied):
    default_detail = "Nøkkelens rolle kan ikke endre registeret."
    english = "This token's role may not change the register."


class OutsideArea(exceptions.NotFound):
    default_detail = "Finnes ikke, eller ligger utenfor nøkkelens område."
    english = "No such resource, or it is outside this token's area."


class Conflict(exceptions.APIException):
    """The database refused a change another request made first (a unique rule)."""

    status_code = 409
    default_code = "conflict"
    default_detail = "Noen andre endret dette samtidig; les det på nytt og prøv igjen."
    english = "Someone else changed this at the same time; read it again and retry."


def writer_scope(actor: Any) -> Scope:
    """The scope of a client that may write: national, a municipality or a GP."""
    scope = scope_of(actor)
    if not (scope.everything or scope.municipalities or scope.doctors):
        raise MayNotWrite()
    return scope


def covers(scope: Scope, agreement: Agreement, day: datetime.date) -> bool:
    """Is the list in the writer's area: everywhere, its municipality, or its own GP?"""
    if scope.everything or agreement.municipality_id in scope.municipalities:
        return True
    if scope.doctors:
        period = regular_gp_on(agreement.pk, day)
        return period is not None and period.doctor_id in scope.doctors
    return False


def agreement_for_writer(actor: Any, pk: int) -> Agreement:
    """The list, when the client may write and the list is in its area; else 403/404."""
    scope = writer_scope(actor)
    agreement = Agreement.objects.filter(pk=pk).first()
    if agreement is None or not covers(scope, agreement, timezone.localdate()):
        raise OutsideArea()
    return agreement


def resident_for_writer(scope: Scope, nin: str) -> Resident:
    """The person by identity number, when in the writer's area; else 404 as unknown."""
    person = Resident.objects.filter(nin=nin).first()
    if person is None or not (scope.everything or person.municipality_id in scope.municipalities):
        raise OutsideArea("Personen finnes ikke, eller ligger utenfor nøkkelens område.")
    return person


def run(call: Callable[[], T]) -> T:
    """A service call; a unique rule broken by a concurrent request is a 409."""
    try:
        return call()
    except IntegrityError:
        raise Conflict() from None


def for_each_person(actor: Any, nins: Sequence[str], call: Callable[[Resident], T]) -> list[T]:
    """``call`` for every person, all or none; a refusal names ``persons[i]``."""
    scope = writer_scope(actor)
    done: list[T] = []
    try:
        with transaction.atomic():
            for nin in nins:
                done.append(run(partial(call, resident_for_writer(scope, nin))))
    except (DomainError, exceptions.APIException) as exc:
        exc.field = f"persons[{len(done)}]"  # type: ignore[union-attr]
        raise
    return done
