"""API clients and their tokens: registered by the national administrator, stored
hashed, rotated with a grace period, revoked at once, rate-limited per client."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.utils import timezone

from fastlege.accounts.models import Role, RoleAssignment
from fastlege.api.models import ApiClient, ApiToken
from fastlege.api.services import clients
from fastlege.api.services.errors import ApiClientError
from fastlege.core.models import AuditEvent
from fastlege.registry.tests.factories import user_with

pytestmark = pytest.mark.django_db
URL = "/api/v1/counties/50/"


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    caches["security"].clear()


def call(secret: str, url: str = URL) -> int:
    return Client().get(url, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code


def test_a_national_administrator_registers_a_client_with_a_scoped_service_account() -> None:
    admin = user_with(Role.NATIONAL)
    issued = clients.register_client(
        admin, name="Trondheim sak", role=Role.MUNICIPALITY, municipality_id="5001"
    )
    assert issued.secret.startswith("flk_")
    role = RoleAssignment.objects.get(user=issued.client.user)
    assert (role.role, role.municipality_id) == (Role.MUNICIPALITY, "5001")
    assert not issued.client.user.has_usable_password()
    # only the hash is kept: the secret is nowhere in the database row
    token = ApiToken.objects.get(client=issued.client)
    assert issued.secret not in (token.prefix, token.secret_hash)
    assert token.secret_hash == clients.hash_secret(issued.secret)
    event = AuditEvent.objects.get(action="api.client_registered")
    assert event.actor == admin and issued.secret not in str(event.details)
    assert call(issued.secret) == 200


@pytest.mark.parametrize(
    ("role", "scope", "code"),
    [
        (Role.MUNICIPALITY, {}, "scope_missing"),
        (Role.COUNTY_GOVERNOR, {"municipality_id": "5001"}, "scope_missing"),
        (Role.CITIZEN, {}, "bad_role"),
    ],
)
def test_a_client_without_its_area_or_with_a_citizen_role_is_refused(role, scope, code) -> None:
    with pytest.raises(ApiClientError) as refused:
        clients.register_client(user_with(Role.NATIONAL), name="X", role=role, **scope)
    assert refused.value.code == code
    assert not ApiClient.objects.exists() and not ApiToken.objects.exists()


def test_only_national_administrators_register_clients() -> None:
    officer = user_with(Role.MUNICIPALITY, municipality_id="5001")
    with pytest.raises(ApiClientError) as refused:
        clients.register_client(officer, name="X", role=Role.MUNICIPALITY, municipality_id="5001")
    assert refused.value.code == "not_authorised"
    assert "nasjonal" in refused.value.messages[0] and "national" in refused.value.english


def test_a_wrong_revoked_or_expired_token_gets_401_with_a_problem() -> None:
    admin = user_with(Role.NATIONAL)
    issued = clients.register_client(admin, name="A", role=Role.NATIONAL)
    response = Client().get(URL, HTTP_AUTHORIZATION=f"Bearer {issued.secret}x")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "authentication_failed"
    assert call("flk_nonsense") == 401
    clients.revoke_token(admin, issued.token)
    assert call(issued.secret) == 401
    with pytest.raises(ApiClientError):
        clients.revoke_token(admin, issued.token)


def test_a_rotated_token_works_through_the_grace_period_then_stops() -> None:
    admin = user_with(Role.NATIONAL)
    issued = clients.register_client(admin, name="A", role=Role.NATIONAL)
    now = timezone.now()
    rotated = clients.rotate_token(admin, issued.token, now=now)
    assert call(rotated.secret) == 200
    assert call(issued.secret) == 200  # still inside the grace period
    old = ApiToken.objects.get(pk=issued.token.pk)
    assert old.expires_at == now + clients.ROTATION_GRACE
    ApiToken.objects.filter(pk=old.pk).update(expires_at=now - datetime.timedelta(seconds=1))
    assert call(issued.secret) == 401
    assert call(rotated.secret) == 200


def test_a_deactivated_client_is_refused() -> None:
    issued = clients.register_client(user_with(Role.NATIONAL), name="A", role=Role.NATIONAL)
    ApiClient.objects.filter(pk=issued.client.pk).update(active=False)
    assert call(issued.secret) == 401


def test_each_client_has_its_own_rate_limit() -> None:
    admin = user_with(Role.NATIONAL)
    slow = clients.register_client(admin, name="Slow", role=Role.NATIONAL, rate_per_minute=3)
    other = clients.register_client(admin, name="Other", role=Role.NATIONAL, rate_per_minute=3)
    assert [call(slow.secret) for _ in range(3)] == [200, 200, 200]
    response = Client().get(URL, HTTP_AUTHORIZATION=f"Bearer {slow.secret}")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) >= 1
    assert call(other.secret) == 200  # another client is not held back
    second = clients.issue_token(admin, slow.client)
    assert call(second.secret) == 429  # the limit is the client's, not the token's


def test_calls_without_a_token_are_limited_per_address(monkeypatch) -> None:
    from fastlege.api import throttling

    monkeypatch.setattr(throttling, "ANONYMOUS_RATE", 2)
    one, two = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")
    assert [one.get(URL).status_code for _ in range(3)] == [200, 200, 429]
    assert two.get(URL).status_code == 200


def test_the_rate_window_counts_each_call_and_starts_again_each_minute() -> None:
    from fastlege.api import throttling
    from fastlege.api.models import RateCounter

    minute = 1_800_000_000 // 60 * 60  # a window's first second
    assert throttling.count_call("k", minute + 1) == (1, 59)
    assert throttling.count_call("k", minute + 59.5)[0] == 2
    assert throttling.count_call("other", minute + 30)[0] == 1  # each key by itself
    assert throttling.count_call("k", minute + 60) == (1, 60)  # the next minute
    with connection.cursor() as cur:
        throttling.prune(cur, minute + 60 + throttling.KEEP_SECONDS + 1)
    assert not RateCounter.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_rate_window_loses_no_call_when_many_count_at_once() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    from fastlege.api import throttling
    from fastlege.api.models import RateCounter

    def calls(_: int) -> None:
        try:
            for _ in range(25):
                throttling.count_call("shared", 1_800_000_010)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(calls, range(8)))
    assert RateCounter.objects.get(key="shared").calls == 200
