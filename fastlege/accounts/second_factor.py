"""The second factor of the log-in (issue 18, finding 7): who needs it, and its services.

Who: every user with a role in ``SECOND_FACTOR_ROLES`` (municipality, county
governor, national, ministry) and every staff user or superuser (the admin).
Citizens and GPs are not asked here: in production citizens log in with
ID-porten and GPs with HelseID, which give the second factor themselves
(docs/login.md).

How: after the password, such a user is logged in but not verified;
``middleware.SecondFactorMiddleware`` lets them reach only the code page, the
enrolment, log-out and static files. The code is a TOTP code (RFC 6238, an
authenticator app; django-otp's ``TOTPDevice``) or a one-time recovery code
(django-otp's ``StaticDevice``, named ``RECOVERY_DEVICE_NAME``). The verified
device is kept in the session by ``django_otp.login`` and checked on every
request by ``django_otp.middleware.OTPMiddleware``.

Recovery codes are stored as keyed hashes (``_stored_form``: HMAC-SHA-256 with
``SECRET_KEY``, cut to the 16 characters django-otp's ``StaticToken`` holds), not
in clear text as ``otp_static`` would: a recovery code passes the second factor
as a password passes the first, so a copy of the database must not hold usable
ones. django-otp still matches, consumes and throttles them. Changing
``SECRET_KEY`` voids the recovery codes (the TOTP devices keep working): users
make new ones on the page for recovery codes.

Attempts are limited like passwords (``ratelimit`` with its own counters,
``ratelimit.SECOND_FACTOR``; a new password log-in does not reset them), on top
of django-otp's own growing delay per device. Every success and failure is a
security event (``security.event``), never with the code.
"""

from __future__ import annotations

import logging
import secrets
from enum import StrEnum
from typing import Any

import django_otp
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from fastlege.accounts import ratelimit, security
from fastlege.accounts.models import Role, RoleAssignment
from fastlege.core.errors import CodedError

#: The roles that log in with a second factor (besides every staff user and superuser).
SECOND_FACTOR_ROLES = frozenset(
    {Role.MUNICIPALITY, Role.COUNTY_GOVERNOR, Role.NATIONAL, Role.MINISTRY}
)
#: How many recovery codes a user gets at enrolment and at each renewal.
RECOVERY_CODE_COUNT = 10
#: Characters of a recovery code (without the hyphen): lower-case letters and digits
#: without the look-alikes 0/o, 1/l/i; 10 of them are about 50 bits.
RECOVERY_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 10
TOTP_DEVICE_NAME = "app"
RECOVERY_DEVICE_NAME = "reservekoder"
#: The name ``fastlege demo_users`` gives the demo personas' devices (documented
#: secret). Only on such a device, and only with ``DEBUG``, does the code page show
#: the current code (``demo_code``).
DEMO_DEVICE_NAME = "demo"

logger = logging.getLogger(__name__)


class SecondFactorCode(StrEnum):
    WRONG_CODE = "otp_wrong_code"
    LOCKED = "otp_locked"
    ENROLMENT_NOT_ALLOWED = "otp_enrolment_not_allowed"
    NOT_VERIFIED = "otp_not_verified"


class SecondFactorError(CodedError):
    MESSAGES = {
        SecondFactorCode.WRONG_CODE: (
            _("Koden stemmer ikke. Prøv igjen med en ny kode."),
            "The code is not valid. Try again with a new code.",
        ),
        SecondFactorCode.LOCKED: (
            _("For mange mislykkede forsøk. Vent en stund og prøv igjen."),
            "Too many failed attempts. Wait a while and try again.",
        ),
        SecondFactorCode.ENROLMENT_NOT_ALLOWED: (
            _("Du har allerede en godkjent app. Logg inn med koden fra den først."),
            "You already have a confirmed app. Log in with its code first.",
        ),
        SecondFactorCode.NOT_VERIFIED: (
            _("Logg inn med engangskoden først."),
            "Log in with the one-time code first.",
        ),
    }


# -- who and where ----------------------------------------------------------------


def needs_second_factor(user: Any) -> bool:
    """Whether ``user`` must pass the second factor: staff, superusers and the roles
    of ``SECOND_FACTOR_ROLES``."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    cached = getattr(user, "_fastlege_needs_second_factor", None)
    if cached is None:
        cached = RoleAssignment.objects.filter(
            user_id=user.pk, role__in=SECOND_FACTOR_ROLES
        ).exists()
        user._fastlege_needs_second_factor = cached
    return bool(cached)


def is_verified(user: Any) -> bool:
    """Whether this request's user passed the second factor (``OTPMiddleware``)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def has_device(user: Any) -> bool:
    """Whether the user has a confirmed authenticator app (else: enrolment)."""
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def may_enrol(user: Any) -> bool:
    """A new app may be set up by a user without one, or by a verified user (a
    replacement). Never with the password alone over an existing app."""
    return is_verified(user) or not has_device(user)


def confirmed_totp(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("id").first()


def demo_code(user: Any) -> str | None:
    """The current code of a demo persona's device, for the code page: only with
    ``DEBUG`` and only on a device ``fastlege demo_users`` made (``DEMO_DEVICE_NAME``,
    its secret documented there). Never otherwise."""
    from django.conf import settings

    if not settings.DEBUG:
        return None
    device = confirmed_totp(user)
    if device is None or device.name != DEMO_DEVICE_NAME:
        return None
    return current_code(device)


def current_code(device: TOTPDevice) -> str:
    """The device's code now (for the demo hint and for tests that log in)."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


# -- recovery codes ---------------------------------------------------------------


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _stored_form(code: str) -> str:
    """What the database holds of a recovery code: a keyed hash (module docstring)."""
    return ratelimit.keyed_hash("recovery-code", _normalise(code))[:16]


def _new_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def _replace_recovery_codes(user: Any) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user_id=user.pk, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [_new_code() for _ in range(RECOVERY_CODE_COUNT)]
    device.token_set.bulk_create(
        [device.token_set.model(device=device, token=_stored_form(c)) for c in codes]
    )
    return codes


def recovery_codes_left(user: Any) -> int:
    device = StaticDevice.objects.filter(user_id=user.pk, name=RECOVERY_DEVICE_NAME).first()
    return device.token_set.count() if device is not None else 0


# -- services ---------------------------------------------------------------------


def pending_device(user: Any) -> TOTPDevice:
    """The user's app being set up (unconfirmed): the same secret until confirmed."""
    if not may_enrol(user):
        raise SecondFactorError(SecondFactorCode.ENROLMENT_NOT_ALLOWED)
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def _count_failure(request: HttpRequest, user: Any, method: str, stage: str) -> None:
    username = user.get_username()
    locked_now = ratelimit.record_failure(request, username, ratelimit.SECOND_FACTOR)
    security.event(security.OTP_FAILED, request, user=user, method=method, stage=stage)
    if locked_now:
        security.event(security.OTP_LOCKOUT, request, user=user, stage=stage, level=logging.ERROR)


def _refuse_when_locked(request: HttpRequest, user: Any, stage: str) -> None:
    if ratelimit.is_locked(request, user.get_username(), ratelimit.SECOND_FACTOR):
        security.event(security.OTP_REFUSED_LOCKED, request, user=user, stage=stage)
        raise SecondFactorError(SecondFactorCode.LOCKED)


def _mark_verified(request: HttpRequest, device: Any) -> None:
    # A new session key once the log-in is complete (as Django does at log-in).
    request.session.cycle_key()
    django_otp.login(request, device)
    ratelimit.reset(device.user.get_username(), ratelimit.SECOND_FACTOR)


def confirm_enrolment(request: HttpRequest, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the app being set up with a code from it; the user is then verified.

    Returns the new recovery codes, to be shown once. Replaces any earlier app and
    recovery codes. Refused (nothing changed) with a wrong code or when locked."""
    user = request.user
    if device.user_id != user.pk or device.confirmed or not may_enrol(user):
        raise SecondFactorError(SecondFactorCode.ENROLMENT_NOT_ALLOWED)
    _refuse_when_locked(request, user, "enrolment")
    if not _normalise(code).isdigit() or not device.verify_token(_normalise(code)):
        _count_failure(request, user, "totp", "enrolment")
        raise SecondFactorError(SecondFactorCode.WRONG_CODE)
    with transaction.atomic():
        TOTPDevice.objects.filter(user_id=user.pk).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.name = TOTP_DEVICE_NAME
        device.save(update_fields=["confirmed", "name"])
        codes = _replace_recovery_codes(user)
        security.event(
            security.OTP_ENROLLED,
            request,
            user=user,
            level=logging.INFO,
            recovery_codes=len(codes),
        )
    _mark_verified(request, device)
    return codes


def verify(request: HttpRequest, code: str) -> str:
    """Check the second factor of the logged-in user: a code from the app or a
    recovery code (used up). Returns ``"totp"`` or ``"recovery"``; raises
    ``SecondFactorError`` (wrong code, or locked by the limit)."""
    user = request.user
    _refuse_when_locked(request, user, "login")
    typed = _normalise(code)
    device: Any
    if typed.isdigit() and len(typed) in (6, 8):
        method = "totp"
        device = confirmed_totp(user)
        token = typed
    else:
        method = "recovery"
        device = StaticDevice.objects.filter(user_id=user.pk, name=RECOVERY_DEVICE_NAME).first()
        token = _stored_form(typed)
    accepted = (
        device is not None
        and typed != ""
        and django_otp.verify_token(user, device.persistent_id, token) is not None
    )
    if not accepted:
        _count_failure(request, user, method, "login")
        raise SecondFactorError(SecondFactorCode.WRONG_CODE)
    _mark_verified(request, device)
    if method == "recovery":
        security.event(
            security.RECOVERY_CODE_USED,
            request,
            user=user,
            level=logging.INFO,
            recovery_codes_left=recovery_codes_left(user),
        )
    else:
        security.event(security.OTP_VERIFIED, request, user=user, level=logging.INFO)
    return method


def renew_recovery_codes(request: HttpRequest) -> list[str]:
    """New recovery codes for the verified user; the old ones stop working."""
    user = request.user
    if not is_verified(user):
        raise SecondFactorError(SecondFactorCode.NOT_VERIFIED)
    with transaction.atomic():
        codes = _replace_recovery_codes(user)
        security.event(
            security.RECOVERY_CODES_RENEWED,
            request,
            user=user,
            level=logging.INFO,
            recovery_codes=len(codes),
        )
    return codes


def reset_second_factor(actor: Any, user: Any, request: HttpRequest | None = None) -> int:
    """Remove every device of ``user`` (app and recovery codes), by ``actor`` (an
    administrator; ``None``: an operator's command on the server): after a lost
    phone, and only once the person is known to be who they say. At the next
    log-in the user sets up a new app with the password alone. Returns how many
    devices were removed."""
    with transaction.atomic():
        removed = 0
        for model in (TOTPDevice, StaticDevice):
            count, _by_model = model.objects.filter(user_id=user.pk).delete()
            removed += sum(n for label, n in _by_model.items() if label == model._meta.label)
        security.event(
            security.OTP_RESET,
            request,
            user=user,
            actor=actor,
            by_operator=actor is None,
            level=logging.WARNING,
            devices=removed,
        )
    return removed
