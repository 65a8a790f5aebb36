"""The one authentication backend: Django's, behind the log-in limit.

Every log-in path calls ``django.contrib.auth.authenticate`` — the site's
log-in page, the admin's, a test client, a future API — and so passes here:
a locked account or address is refused before the password is checked (even
the right one). Failures are counted, and log-ins recorded, by the signal
handlers in ``signals``, which Django sends for every path alike.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from fastlege.accounts import ratelimit

#: Set on the request when the attempt was refused by the limit (for the form's message).
LOCKED_ATTRIBUTE = "fastlege_login_locked"


class RateLimitedModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is not None and ratelimit.is_locked(request, str(username)):
            if request is not None:
                setattr(request, LOCKED_ATTRIBUTE, True)
            # PermissionDenied stops authenticate() at once; it sends user_login_failed.
            raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)


def was_locked(request: HttpRequest | None) -> bool:
    return bool(getattr(request, LOCKED_ATTRIBUTE, False))
