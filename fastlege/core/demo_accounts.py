"""Demo accounts exist only in the demo (issue 18, low item «demo accounts with DEBUG off»).

``fastlege demo_users`` creates one user per role with a published password
(``admin``/``admin-demo``, a superuser among them). Two locks keep them out of
any installation that is not a local demo:

* the command refuses to run unless ``DEBUG`` is on;
* every user it creates is put in the group :data:`DEMO_GROUP`, and
  :class:`RefuseDemoAccountsWithoutDebug`, first in ``AUTHENTICATION_BACKENDS``,
  refuses such a user's log-in whenever ``DEBUG`` is off (a database copied from a
  demo into a test or production installation, or a demo restarted without
  ``DEBUG``), before any password is checked.

The group is the mark (no table of its own): «which users are demo users» is one
query, and an operator removes the mark, or the users, in the admin.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

#: The group that marks a demo account.
DEMO_GROUP = "demo"


def is_demo_account(user: Any) -> bool:
    return bool(
        getattr(user, "pk", None) is not None and user.groups.filter(name=DEMO_GROUP).exists()
    )


def demo_accounts_allowed() -> bool:
    """Demo accounts may be created and may log in only with DEBUG on."""
    return bool(settings.DEBUG)


class RefuseDemoAccountsWithoutDebug:
    """An authentication backend that never logs anyone in: it refuses (raises
    ``PermissionDenied``, which stops ``authenticate()``) a demo account's log-in
    without DEBUG, and otherwise leaves the decision to the next backend.

    With two backends in ``AUTHENTICATION_BACKENDS``, ``django.contrib.auth.login``
    needs to know the backend: a user from ``authenticate()`` carries it; for any
    other, pass ``backend="fastlege.accounts.backends.RateLimitedModelBackend"``."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if demo_accounts_allowed():
            return None
        user_model = get_user_model()
        if username is None:
            username = kwargs.get(user_model.USERNAME_FIELD)
        if username is None:
            return None
        demo = user_model._default_manager.filter(
            **{user_model.USERNAME_FIELD: username}, groups__name=DEMO_GROUP
        )
        if demo.exists():
            raise PermissionDenied
        return None

    # No ``get_user``: this backend never logs anyone in, so no session names it, and
    # Django's test client (``force_login``) passes over it to the real backend.
