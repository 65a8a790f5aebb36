"""Registering API clients and their tokens. National administrators only; one
transaction each, with an audit row; the token's secret is returned once and only
its hash is kept."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from fastlege.accounts.models import Role, RoleAssignment
from fastlege.api.models import ApiClient, ApiToken
from fastlege.api.services.errors import Code, refuse
from fastlege.core import audit
from fastlege.registry.services.access import scope_of

TOKEN_PREFIX = "flk_"  # noqa: S105 - the visible prefix of every token, no secret
#: Roles an API client may have, and the scope each needs (the web pages' scoping).
CLIENT_ROLES: dict[str, str | None] = {
    Role.MUNICIPALITY: "municipality",
    Role.COUNTY_GOVERNOR: "county",
    Role.NATIONAL: None,
    Role.GP: "doctor",
}
#: How long a rotated token keeps working, so the client can switch without a gap.
ROTATION_GRACE = datetime.timedelta(hours=24)


def hash_secret(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def split(token: str) -> tuple[str, str] | None:
    """``flk_<prefix>.<secret>`` → (prefix, whole token), or None when malformed."""
    if not token.startswith(TOKEN_PREFIX) or "." not in token:
        return None
    prefix = token[len(TOKEN_PREFIX) :].split(".", 1)[0]
    if len(prefix) != 8:
        return None
    return prefix, token


def matches(token: ApiToken, presented: str) -> bool:
    return hmac.compare_digest(token.secret_hash, hash_secret(presented))


def _require_national(actor: Any) -> None:
    if not scope_of(actor).everything:
        refuse(Code.NOT_AUTHORISED)


def _new_token(client: ApiClient, expires_at: datetime.datetime | None) -> tuple[ApiToken, str]:
    while True:
        prefix = secrets.token_hex(4)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    secret = f"{TOKEN_PREFIX}{prefix}.{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        client=client, prefix=prefix, secret_hash=hash_secret(secret), expires_at=expires_at
    )
    return token, secret


@dataclass(frozen=True)
class Issued:
    client: ApiClient
    token: ApiToken
    secret: str  # shown once


def register_client(
    actor: Any,
    *,
    name: str,
    role: str,
    municipality_id: str | None = None,
    county_id: str | None = None,
    doctor_id: int | None = None,
    contact: str = "",
    rate_per_minute: int = 600,
) -> Issued:
    """A new client with its service account, role and first token."""
    _require_national(actor)
    name = (name or "").strip()
    if not name:
        refuse(Code.NAME_REQUIRED)
    if role not in CLIENT_ROLES:
        refuse(Code.BAD_ROLE)
    if not 1 <= rate_per_minute <= 100_000:
        refuse(Code.BAD_RATE)
    needs = CLIENT_ROLES[role]
    given = {"municipality": municipality_id, "county": county_id, "doctor": doctor_id}
    if needs is not None and not given[needs]:
        refuse(Code.SCOPE_MISSING, role=Role(role).label, what=needs)
    with transaction.atomic():
        if ApiClient.objects.filter(name__iexact=name).exists():
            refuse(Code.NAME_TAKEN, name=name)
        user = get_user_model().objects.create(
            username=f"api-{secrets.token_hex(6)}", first_name=name[:150], is_active=True
        )
        user.set_unusable_password()  # never logs in with a password
        user.save(update_fields=["password"])
        RoleAssignment.objects.create(
            user=user,
            role=role,
            municipality_id=municipality_id if needs == "municipality" else None,
            county_id=county_id if needs == "county" else None,
            doctor_id=doctor_id if needs == "doctor" else None,
        )
        try:
            client = ApiClient.objects.create(
                name=name,
                contact=contact,
                user=user,
                rate_per_minute=rate_per_minute,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
        except IntegrityError:
            refuse(Code.NAME_TAKEN, name=name)
        token, secret = _new_token(client, None)
        audit.record(actor, "api.client_registered", client, role=role, token=token.prefix)
    return Issued(client, token, secret)


def issue_token(actor: Any, client: ApiClient) -> Issued:
    """An extra token for the client (e.g. one per server)."""
    _require_national(actor)
    with transaction.atomic():
        token, secret = _new_token(client, None)
        audit.record(actor, "api.token_issued", client, token=token.prefix)
    return Issued(client, token, secret)


def rotate_token(actor: Any, old: ApiToken, *, now: datetime.datetime | None = None) -> Issued:
    """A new token; the old one keeps working for ``ROTATION_GRACE`` (or less, if it
    expired sooner), then stops."""
    _require_national(actor)
    now = now or timezone.now()
    with transaction.atomic():
        old = ApiToken.objects.select_for_update().get(pk=old.pk)
        if old.revoked_at is not None:
            refuse(Code.TOKEN_GONE)
        grace_end = now + ROTATION_GRACE
        if old.expires_at is None or old.expires_at > grace_end:
            old.expires_at = grace_end
            old.save(update_fields=["expires_at"])
        token, secret = _new_token(old.client, None)
        audit.record(actor, "api.token_rotated", old.client, old=old.prefix, new=token.prefix)
    return Issued(old.client, token, secret)


def revoke_token(actor: Any, token: ApiToken, *, now: datetime.datetime | None = None) -> None:
    """The token stops working at once."""
    _require_national(actor)
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            refuse(Code.TOKEN_GONE)
        token.revoked_at = now or timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor, "api.token_revoked", token.client, token=token.prefix)
