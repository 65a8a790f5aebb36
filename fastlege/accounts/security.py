"""Security events: log-ins, failed log-ins, lock-outs and refusals (HTTP 403).

Each event goes to the logger ``fastlege.security`` (route it to the security
log in ``LOGGING``) and to the audit table (``AuditEvent``, action
``security.*``). Never a password, never an identity number: the user is named
by id when known; an attempted user name that matches no user only by a keyed
hash of its canonical form (a password typed into the user-name field must not
end up in a log). The client address (``ratelimit.client_address``) is kept:
it is what an incident response needs.

Events are written in their own autocommit statement, outside any request
transaction, so a refused log-in still leaves its trace.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest

from fastlege.accounts import ratelimit
from fastlege.accounts.models import UsernameKey
from fastlege.accounts.usernames import canonical
from fastlege.core import audit
from fastlege.core.models import AuditEvent

logger = logging.getLogger("fastlege.security")

LOGIN = "security.login"
LOGIN_FAILED = "security.login_failed"
LOCKOUT = "security.lockout"
LOGIN_REFUSED_LOCKED = "security.login_locked"
FORBIDDEN = "security.forbidden"
# The second factor (fastlege/accounts/second_factor.py): never the code itself.
OTP_VERIFIED = "security.otp_verified"
OTP_FAILED = "security.otp_failed"
OTP_LOCKOUT = "security.otp_lockout"
OTP_REFUSED_LOCKED = "security.otp_locked"
OTP_ENROLLED = "security.otp_enrolled"
RECOVERY_CODE_USED = "security.recovery_code_used"
RECOVERY_CODES_RENEWED = "security.recovery_codes_renewed"
OTP_RESET = "security.otp_reset"

#: Events that record something done (audit kind WRITE); every other one is a refusal.
_DONE = frozenset(
    {LOGIN, OTP_VERIFIED, OTP_ENROLLED, RECOVERY_CODE_USED, RECOVERY_CODES_RENEWED, OTP_RESET}
)


def username_hash(username: str) -> str:
    return ratelimit.keyed_hash("user", canonical(username))


def _user_by_name(username: str) -> Any:
    """The user an attempted name means: by canonical form, so a look-alike
    (``ＫＡＲＩ``) is recorded against the account it aims at."""
    if not username:
        return None
    pk = (
        UsernameKey.objects.filter(key=canonical(username))
        .values_list("user_id", flat=True)
        .first()
    )
    return get_user_model()(pk=pk) if pk is not None else None


def event(
    action: str,
    request: HttpRequest | None,
    *,
    user: AbstractBaseUser | AnonymousUser | None = None,
    attempted_username: str | None = None,
    actor: AbstractBaseUser | None = None,
    by_operator: bool = False,
    level: int = logging.WARNING,
    **details: Any,
) -> AuditEvent:
    """Write one security event to the security log and the audit table.

    ``user`` is whom the event concerns, and its actor; ``actor``, when given, is
    someone else who acted on ``user`` (an administrator resetting a second factor);
    ``by_operator``: no user acted, an operator's command on the server did."""
    if request is not None:
        details["address"] = ratelimit.client_address(request)
    known: Any = user if user is not None and getattr(user, "pk", None) is not None else None
    if known is None and attempted_username is not None:
        known = _user_by_name(attempted_username)
        if known is None:
            details["username_hash"] = username_hash(attempted_username)
    if known is not None:
        details["user_id"] = known.pk
    kind = AuditEvent.Kind.WRITE if action in _DONE else AuditEvent.Kind.REFUSED
    acting: Any = actor
    if actor is not None:
        details["actor_id"] = actor.pk
    elif by_operator:
        details["by"] = "operator"
    elif user is not None and getattr(user, "is_authenticated", False):
        acting = user
    row = audit.record(
        acting,
        action,
        known,
        kind=kind,
        **details,
    )
    logger.log(
        level,
        "%s %s",
        action,
        " ".join(f"{k}={v}" for k, v in sorted(details.items())),
        extra={"security_event": action, **{f"security_{k}": v for k, v in details.items()}},
    )
    return row
