"""Signal handlers: the log-in limit's counting and the security events of log-ins.

Connected in ``AccountsConfig.ready``. Django sends ``user_login_failed`` and
``user_logged_in`` for every log-in path, the admin's included.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from fastlege.accounts import ratelimit, security
from fastlege.accounts.backends import was_locked
from fastlege.accounts.models import UsernameKey, username_taken
from fastlege.accounts.usernames import canonical
from fastlege.core.errors import DomainError


def _attempted(credentials: dict[str, Any]) -> str:
    value = credentials.get("username", credentials.get(get_user_model().USERNAME_FIELD, ""))
    return str(value or "")


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = _attempted(credentials)  # the password is masked by Django in ``credentials``
    if was_locked(request):
        security.event(security.LOGIN_REFUSED_LOCKED, request, attempted_username=username)
        return
    locked_now = ratelimit.record_failure(request, username)
    security.event(security.LOGIN_FAILED, request, attempted_username=username)
    if locked_now:
        security.event(security.LOCKOUT, request, attempted_username=username, level=logging.ERROR)


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    ratelimit.reset(user.get_username())
    security.event(security.LOGIN, request, user=user, level=logging.INFO)


def _username_unchanged(kwargs: dict[str, Any]) -> bool:
    fields = kwargs.get("update_fields")
    return fields is not None and "username" not in fields  # e.g. last_login at log-in


def guard_username(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """Refuse to save a user whose name is another user's in canonical form."""
    if raw or _username_unchanged(kwargs):
        return
    if username_taken(instance.get_username(), exclude_pk=instance.pk):
        raise DomainError(
            str(_("En bruker med et likt brukernavn finnes allerede.")), code="username_lookalike"
        )


def store_username_key(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if _username_unchanged(kwargs):
        return
    UsernameKey.objects.update_or_create(
        user_id=instance.pk, defaults={"key": canonical(instance.get_username())}
    )
