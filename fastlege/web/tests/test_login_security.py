"""Issue 18, findings 1, 2, 6 and 8: the log-in limit on every log-in path, per
account and per real client address, in a cache every worker shares; look-alike
user names; log-ins and refusals as security events.

Each test drives the log-in pages as a browser behind the reverse proxy would
(``REMOTE_ADDR`` is the proxy, ``X-Forwarded-For`` carries the client).
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse

from fastlege.core.models import AuditEvent

PASSWORD = "Et-sterkt-passord-2026"  # noqa: S105
PROXY = "10.0.0.2"
LIMIT = 5

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits(settings: Any) -> None:
    settings.LOGIN_MAX_FAILURES = LIMIT
    settings.LOGIN_FAILURE_WINDOW = 900
    caches[getattr(settings, "LOGIN_CACHE", "default")].clear()


def make_user(username: str, **extra: Any) -> Any:
    return get_user_model().objects.create_user(username, password=PASSWORD, **extra)


def post_login(
    url: str, username: str, password: str, *, client_ip: str | None = None, xff: str = ""
) -> Client:
    """One log-in attempt from a fresh browser; returns the client (its session tells)."""
    client = Client()
    meta: dict[str, str] = {"REMOTE_ADDR": client_ip or PROXY}
    if xff:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    client.post(url, {"username": username, "password": password}, **meta)  # type: ignore[arg-type]
    return client


def logged_in(client: Client) -> bool:
    return SESSION_KEY in client.session


ADMIN_LOGIN = "/admin/login/"


def site_login() -> str:
    return reverse("web:login")


# -- finding 1: the admin's log-in is limited ------------------------------------------


def test_admin_login_refuses_the_right_password_after_25_wrong_ones() -> None:
    make_user("driftsadmin", is_staff=True, is_superuser=True)
    client = Client()
    for _ in range(25):
        client.post(ADMIN_LOGIN, {"username": "driftsadmin", "password": "feil"})
    r = client.post(ADMIN_LOGIN, {"username": "driftsadmin", "password": PASSWORD})
    assert SESSION_KEY not in client.session
    assert "For mange mislykkede forsøk" in r.content.decode()


def test_failures_on_the_admin_count_for_the_site_login_too() -> None:
    make_user("driftsadmin", is_staff=True, is_superuser=True)
    for i in range(LIMIT):  # each from its own address: only the account's count matters
        post_login(ADMIN_LOGIN, "driftsadmin", "feil", client_ip=f"192.0.2.{i + 1}")
    client = post_login(site_login(), "driftsadmin", PASSWORD, client_ip="192.0.2.99")
    assert not logged_in(client)


def test_under_the_limit_the_admin_login_works() -> None:
    make_user("driftsadmin", is_staff=True, is_superuser=True)
    for _ in range(LIMIT - 1):
        post_login(ADMIN_LOGIN, "driftsadmin", "feil")
    assert logged_in(post_login(ADMIN_LOGIN, "driftsadmin", PASSWORD))


# -- finding 2: per account and per real client address, shared --------------------------


def test_behind_the_proxy_one_clients_failures_do_not_lock_out_the_others(
    settings: Any,
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    make_user("kari")
    make_user("ola")
    for i in range(LIMIT):  # an attacker at 203.0.113.5 tries five accounts
        post_login(site_login(), f"gjett{i}", "feil", xff="203.0.113.5")
    # Another citizen behind the same proxy logs in at once ...
    assert logged_in(post_login(site_login(), "kari", PASSWORD, xff="198.51.100.7"))
    # ... while the attacker's address is locked, even with a right password.
    assert not logged_in(post_login(site_login(), "ola", PASSWORD, xff="203.0.113.5"))


def test_a_forged_forwarded_for_does_not_escape_the_address_limit(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    make_user("ola")
    for i in range(LIMIT):  # the client writes its own entries; the proxy appends the truth
        post_login(site_login(), f"gjett{i}", "feil", xff=f"1.2.3.{i}, 203.0.113.5")
    assert not logged_in(post_login(site_login(), "ola", PASSWORD, xff="9.9.9.9, 203.0.113.5"))


def test_without_a_trusted_proxy_the_forwarded_for_header_is_ignored(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    make_user("ola")
    for i in range(LIMIT):
        post_login(site_login(), f"gjett{i}", "feil", client_ip="203.0.113.5", xff=f"1.2.3.{i}")
    client = post_login(site_login(), "ola", PASSWORD, client_ip="203.0.113.5", xff="8.8.8.8")
    assert not logged_in(client)


def test_an_account_is_limited_across_addresses() -> None:
    make_user("kari")
    for i in range(LIMIT):
        post_login(site_login(), "kari", "feil", client_ip=f"192.0.2.{i + 1}")
    assert not logged_in(post_login(site_login(), "kari", PASSWORD, client_ip="192.0.2.200"))


def test_ipv6_clients_count_per_64_block() -> None:
    make_user("ola")
    for i in range(LIMIT):  # one subscriber rotating through its own /64
        post_login(site_login(), f"gjett{i}", "feil", client_ip=f"2001:db8:1:2::{i + 1}")
    assert not logged_in(post_login(site_login(), "ola", PASSWORD, client_ip="2001:db8:1:2::ff"))
    assert logged_in(post_login(site_login(), "ola", PASSWORD, client_ip="2001:db8:1:3::1"))


def test_another_worker_sees_the_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    """A second worker process has its own memory and its own cache connection:
    here an empty process memory (every local-memory cache emptied) and a second
    cache alias on the same configuration. It must still see the failures, so they
    must live outside the process (the database table, or Redis)."""
    from django.core.cache.backends import locmem

    make_user("kari")
    for i in range(LIMIT):
        post_login(site_login(), "kari", "feil", client_ip=f"192.0.2.{i + 1}")
    alias = getattr(django_settings, "LOGIN_CACHE", "default")
    first_worker = caches[alias]
    monkeypatch.setattr(locmem, "_caches", {})  # the other process's empty memory
    monkeypatch.setattr(locmem, "_expire_info", {})
    monkeypatch.setattr(locmem, "_locks", {})
    other_worker = {**django_settings.CACHES, "worker2": dict(django_settings.CACHES[alias])}
    with override_settings(CACHES=other_worker, LOGIN_CACHE="worker2"):
        assert caches["worker2"] is not first_worker
        assert not logged_in(post_login(site_login(), "kari", PASSWORD, client_ip="192.0.2.9"))


def test_the_limit_lives_in_the_database_cache_by_default() -> None:
    import fastlege.settings as production

    cache = production.CACHES[production.LOGIN_CACHE]
    if not production.REDIS_URL:
        assert cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert "locmem" not in str(cache["BACKEND"]).lower()


# -- finding 6: look-alike user names share one limit ------------------------------------


LOOKALIKES = ["ｉnnbygger", "ＩＮＮＢＹＧＧＥＲ", "Innbygger", " innbygger "]


@pytest.mark.parametrize("variant", LOOKALIKES)
def test_lookalike_user_names_count_as_the_same_account(variant: str) -> None:
    make_user("innbygger")
    for i in range(LIMIT):  # each from its own address: only the account's count can lock
        post_login(site_login(), variant, "feil", client_ip=f"192.0.2.{i + 1}")
    assert not logged_in(post_login(site_login(), "innbygger", PASSWORD, client_ip="192.0.2.99"))


# -- finding 8: security events, in the log and the audit table --------------------------


def security_rows(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def test_failed_login_is_a_security_event_without_the_password(
    caplog: pytest.LogCaptureFixture,
) -> None:
    user = make_user("kari")
    secret = "Kari-sitt-passord-feil"  # noqa: S105
    with caplog.at_level(logging.INFO, logger="fastlege.security"):
        post_login(site_login(), "kari", secret, client_ip="192.0.2.1")
        post_login(site_login(), "ukjent-bruker", secret, client_ip="192.0.2.1")
        post_login(site_login(), "ＫＡＲＩ", secret, client_ip="192.0.2.1")
    known, unknown, lookalike = security_rows("security.login_failed")
    assert lookalike.object_id == str(user.pk)  # recorded against the account it aims at
    assert known.object_id == str(user.pk) and known.details["user_id"] == user.pk
    assert known.details["address"] == "192.0.2.1"
    assert "username_hash" in unknown.details and unknown.object_id == ""
    records = [r for r in caplog.records if r.name == "fastlege.security"]
    assert len(records) == 3
    everything = (
        " ".join(r.getMessage() for r in records) + str(known.details) + str(unknown.details)
    )
    assert secret not in everything
    assert "ukjent-bruker" not in everything  # an unknown name only as a hash


def test_lockout_and_refusal_while_locked_are_security_events(
    caplog: pytest.LogCaptureFixture,
) -> None:
    user = make_user("kari")
    with caplog.at_level(logging.INFO, logger="fastlege.security"):
        for i in range(LIMIT):
            post_login(site_login(), "kari", "feil", client_ip=f"192.0.2.{i + 1}")
        post_login(site_login(), "kari", PASSWORD, client_ip="192.0.2.99")
    assert len(security_rows("security.login_failed")) == LIMIT
    (lockout,) = security_rows("security.lockout")
    assert lockout.object_id == str(user.pk)
    (refused,) = security_rows("security.login_locked")
    assert refused.details["address"] == "192.0.2.99"
    assert any(r.levelno == logging.ERROR for r in caplog.records if "lockout" in r.getMessage())


def test_successful_login_is_a_security_event() -> None:
    user = make_user("kari")
    assert logged_in(post_login(site_login(), "kari", PASSWORD, client_ip="192.0.2.1"))
    (row,) = security_rows("security.login")
    assert row.actor_id == user.pk and row.details["address"] == "192.0.2.1"


def test_a_refusal_for_lack_of_access_is_a_security_event() -> None:
    user = make_user("kari")  # no role: the municipality's page is not theirs
    client = Client()
    client.force_login(user)
    r = client.get(reverse("web:municipality", args=["5001"]))
    assert r.status_code == 403
    (row,) = security_rows("security.forbidden")
    assert row.actor_id == user.pk
    assert row.details["path"] == reverse("web:municipality", args=["5001"])
    assert row.kind == AuditEvent.Kind.REFUSED


def test_failures_survive_with_the_rate_limit_module_alone() -> None:
    """The counting is the module's own (no request): an account locks after LIMIT."""
    from fastlege.accounts import ratelimit

    for _ in range(LIMIT - 1):
        assert not ratelimit.record_failure(None, "kari")
    assert ratelimit.record_failure(None, "kari")
    assert ratelimit.is_locked(None, "KARI")
