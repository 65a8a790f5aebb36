"""Writing the audit trail. Call inside the transaction of the change."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models

from fastlege.core import fastpath
from fastlege.core.models import AuditEvent


def _actor(user: AbstractBaseUser | AnonymousUser | None) -> Any:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


def _event(
    user: AbstractBaseUser | AnonymousUser | None,
    action: str,
    obj: models.Model | None,
    kind: str,
    reason: str,
    details: dict[str, Any],
) -> AuditEvent:
    return AuditEvent(
        actor=_actor(user),
        kind=kind,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        reason=reason,
        details=details,
    )


def record(
    user: AbstractBaseUser | AnonymousUser | None,
    action: str,
    obj: models.Model | None = None,
    *,
    kind: str = AuditEvent.Kind.WRITE,
    reason: str = "",
    **details: Any,
) -> AuditEvent:
    event = _event(user, action, obj, kind, reason, details)
    return fastpath.insert(event)  # every write has one: the hot path of the audit


def insert_and_record(
    user: AbstractBaseUser | AnonymousUser | None,
    action: str,
    obj: models.Model,
    *,
    reason: str = "",
    **details: Any,
) -> AuditEvent:
    """Insert the new ``obj`` and its audit event (a write of ``action`` on it)
    together: one statement on PostgreSQL (``fastpath.insert_linked``). ``obj``
    gets its primary key, as with ``save()``."""
    event = _event(user, action, obj, AuditEvent.Kind.WRITE, reason, details)
    return fastpath.insert_linked(obj, event, "object_id")


def record_read(
    user: AbstractBaseUser | AnonymousUser | None,
    obj: models.Model,
    reason: str,
    action: str = "read",
) -> AuditEvent:
    """Record that ``user`` looked at a person's data, and why."""
    return record(user, action, obj, kind=AuditEvent.Kind.READ, reason=reason)


def record_list_read(
    user: AbstractBaseUser | AnonymousUser | None,
    model_label: str,
    ids: list[str],
    reason: str,
    action: str,
    **details: Any,
) -> AuditEvent:
    """Record that ``user`` saw a list of people: one event for the page, with the
    people's model as ``object_type`` and their ids (in the order shown) in
    ``details["ids"]``. Never pass identity numbers."""
    event = AuditEvent(
        actor=_actor(user),
        kind=AuditEvent.Kind.READ,
        action=action,
        object_type=model_label,
        object_id="",
        reason=reason,
        details={"ids": ids, **details},
    )
    return fastpath.insert(event)
