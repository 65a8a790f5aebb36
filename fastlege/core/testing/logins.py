"""Logging in in tests, the second factor included (fastlege/accounts/second_factor.py).

The one helper for a verified log-in is :func:`verified_login`: Django's
``force_login``, then the session marked as having passed the second factor with
a confirmed app made for the user when they have none. This plugin (registered in
the root ``conftest.py``) makes every test client's log-in do that —
``Client.force_login`` and ``Client.login`` both end in ``Client._login``, which it
replaces — so the tests of pages log in as before: a municipality officer reaches
the municipality's pages, an admin client the admin.

Tests of the second factor itself log in with the password step only:
:func:`unverified_login` (Django's own ``force_login``), or through the real
log-in form. Browser tests log in through the form and type the app's code:
``fastlege.core.testing.browser.login`` uses :func:`code_for`.
"""

from __future__ import annotations

from typing import Any

from django.test import Client

#: Django's own ``Client._login`` (what ``force_login`` and ``login`` end in), kept
#: before the plugin replaces it.
_django_login = Client._login  # type: ignore[attr-defined]

TEST_DEVICE_NAME = "test"


def verified_device(user: Any) -> Any:
    """The user's confirmed app, made (secret random) when they have none."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TEST_DEVICE_NAME, confirmed=True)
    return device


def code_for(user: Any) -> str:
    """The current code of the user's app (made when missing). The device forgets the
    last code it accepted, so a test may log the same user in twice within 30 s."""
    from fastlege.accounts.second_factor import current_code

    device = verified_device(user)
    device.last_t = -1
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save(
        update_fields=["last_t", "throttling_failure_count", "throttling_failure_timestamp"]
    )
    return current_code(device)


def _backend(backend: str | None) -> str:
    from django.conf import settings

    if backend:
        return backend
    # As Django's force_login: the first backend that can load a user from the session
    # (the demo-account guard before it only refuses log-ins).
    from django.contrib.auth import load_backend

    for path in settings.AUTHENTICATION_BACKENDS:
        if hasattr(load_backend(path), "get_user"):
            return str(path)
    return str(settings.AUTHENTICATION_BACKENDS[0])


def _mark_verified(client: Client, user: Any) -> None:
    from django_otp import DEVICE_ID_SESSION_KEY

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = verified_device(user).persistent_id
    session.save()


def verified_login(client: Client, user: Any, backend: str | None = None) -> None:
    """Log ``user`` in with both factors: the one helper for a verified log-in."""
    user.backend = _backend(backend)
    _django_login(client, user, user.backend)
    _mark_verified(client, user)


def unverified_login(client: Client, user: Any, backend: str | None = None) -> None:
    """Log ``user`` in with the password step only (for tests of the second factor)."""
    user.backend = _backend(backend)
    _django_login(client, user, user.backend)


def _login_with_both_factors(self: Client, user: Any, backend: str | None = None) -> None:
    _django_login(self, user, backend)
    _mark_verified(self, user)


def pytest_configure(config: Any) -> None:
    Client._login = _login_with_both_factors  # type: ignore[attr-defined]
