"""Issue 18, finding 7 (and 8 for its events): staff, municipality, county governor,
national and ministry users log in with a second factor; passwords of at least 12
characters.

The users here log in through the real log-in form (the password step only), then
meet the code page. Expected codes are computed by an RFC 6238 function written
out below, not by the code under test.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import io
import logging
import re
import struct
import time
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordForm
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from fastlege.accounts import security
from fastlege.accounts.forms import UserCreateForm
from fastlege.accounts.models import Role
from fastlege.core.models import AuditEvent
from fastlege.core.testing.logins import unverified_login
from fastlege.registry.tests.factories import DoctorFactory, ResidentFactory, user_with

PASSWORD = "Et-sterkt-passord-2026"  # noqa: S105
LIMIT = 5

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits(settings: Any) -> None:
    settings.LOGIN_MAX_FAILURES = LIMIT
    settings.LOGIN_FAILURE_WINDOW = 900
    caches[settings.LOGIN_CACHE].clear()


def totp(secret: bytes, at: float | None = None) -> str:
    """RFC 6238 (HMAC-SHA-1, 30 s, 6 digits), independently of django-otp."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(secret, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def wrong(code: str, k: int) -> str:
    return f"{(int(code) + 1000 * k + 7) % 1_000_000:06d}"


def officer(**extra: Any) -> Any:
    user = user_with(Role.MUNICIPALITY, municipality_id="5001")
    for field, value in extra.items():
        setattr(user, field, value)
    user.set_password(PASSWORD)
    user.save()
    return user


def with_app(user: Any) -> bytes:
    """A confirmed app for ``user``; returns its secret."""
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return bytes.fromhex(device.key)


def password_login(user: Any) -> Client:
    client = Client()
    r = client.post(reverse("web:login"), {"username": user.username, "password": PASSWORD})
    assert r.status_code == 302, "the password step failed"
    return client


def send_code(client: Client, code: str, next_url: str = "") -> Any:
    data = {"code": code}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("accounts:second_factor"), data)


def overview() -> str:
    return reverse("web:municipality", args=["5001"])


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


# -- the gate ---------------------------------------------------------------------


def test_with_the_password_alone_the_officer_reaches_neither_the_overview_nor_the_admin() -> None:
    user = officer(is_staff=True)
    with_app(user)
    client = password_login(user)
    for path in (overview(), "/admin/", reverse("web:national")):
        r = client.get(path)
        assert r.status_code == 302, path
        assert r["Location"].startswith(reverse("accounts:second_factor")), path
    assert client.post(overview() + "ny-liste/", {}).status_code == 302
    # The code page itself, and log-out, are open; no menu of pages behind the gate.
    page = client.get(reverse("accounts:second_factor"))
    assert page.status_code == 200
    assert 'name="code"' in page.content.decode()
    assert 'class="wrap main-nav"' not in page.content.decode()


def test_with_the_right_code_the_officer_reaches_the_overview() -> None:
    user = officer()
    secret = with_app(user)
    client = password_login(user)
    r = send_code(client, totp(secret), next_url=overview())
    assert r.status_code == 302 and r["Location"] == overview()
    assert client.get(overview()).status_code == 200
    verified = events(security.OTP_VERIFIED)
    assert len(verified) == 1 and verified[0].details["user_id"] == user.pk


def test_a_staff_user_reaches_the_admin_only_with_the_code() -> None:
    admin = get_user_model().objects.create_superuser("driftsadmin", password=PASSWORD)
    secret = with_app(admin)
    client = Client()
    client.post("/admin/login/", {"username": "driftsadmin", "password": PASSWORD})
    r = client.get("/admin/")
    assert r.status_code == 302
    assert r["Location"].startswith(reverse("accounts:second_factor"))
    send_code(client, totp(secret))
    assert client.get("/admin/").status_code == 200


def test_a_user_without_an_app_is_sent_to_set_one_up() -> None:
    user = officer()
    client = password_login(user)
    r = client.get(overview())
    assert r.status_code == 302
    assert r["Location"].startswith(reverse("accounts:second_factor_enrol"))


@pytest.mark.parametrize("persona", ["citizen", "gp"])
def test_citizens_and_gps_are_not_asked_for_a_code(persona: str) -> None:
    if persona == "citizen":
        user = user_with(Role.CITIZEN, resident=ResidentFactory.create())
        home = reverse("web:citizen_home")
    else:
        user = user_with(Role.GP, doctor=DoctorFactory.create())
        home = reverse("web:gp_home")
    user.set_password(PASSWORD)
    user.save()
    client = password_login(user)
    r = client.get(home, follow=True)
    assert r.status_code == 200
    assert r.redirect_chain == [] or all("/konto/" not in url for url, _ in r.redirect_chain)


# -- wrong codes --------------------------------------------------------------------


def test_wrong_codes_are_limited_and_logged_without_the_code(
    caplog: pytest.LogCaptureFixture,
) -> None:
    user = officer()
    secret = with_app(user)
    client = password_login(user)
    right = totp(secret)
    typed = [wrong(right, k) for k in range(LIMIT)]
    with caplog.at_level(logging.INFO, logger="fastlege.security"):
        for code in typed:
            r = send_code(client, code)
            assert "Koden stemmer ikke" in r.content.decode()
        # django-otp's own delay would refuse too: forget it, so this sees our limit.
        TOTPDevice.objects.filter(user=user).update(throttling_failure_count=0)
        r = send_code(client, right)
    assert "For mange mislykkede forsøk" in r.content.decode()
    assert client.get(overview()).status_code == 302
    assert len(events(security.OTP_FAILED)) == LIMIT
    assert len(events(security.OTP_LOCKOUT)) == 1
    assert len(events(security.OTP_REFUSED_LOCKED)) == 1
    written = " ".join(str(e.details) for e in AuditEvent.objects.all()) + caplog.text
    for code in [*typed, right]:
        assert code not in written
    # A new password log-in does not give new attempts.
    TOTPDevice.objects.filter(user=user).update(throttling_failure_count=0)
    again = password_login(user)
    assert "For mange mislykkede forsøk" in send_code(again, right).content.decode()


# -- enrolment and recovery codes ---------------------------------------------------


def enrol(user: Any) -> tuple[Client, list[str], bytes]:
    """Set up an app through the pages; returns the client, the recovery codes shown
    and the app's secret (read from the page, as a person types it into the app)."""
    client = password_login(user)
    page = client.get(reverse("accounts:second_factor_enrol")).content.decode()
    assert "<svg" in page  # the QR code, drawn on the server
    shown = re.search(r'<code id="secret">([A-Z2-7 ]+)</code>', page)
    assert shown is not None
    b32 = shown.group(1).replace(" ", "")
    secret = base64.b32decode(b32 + "=" * (-len(b32) % 8))
    r = client.post(reverse("accounts:second_factor_enrol"), {"code": totp(secret)})
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", r.content.decode())
    return client, [html.unescape(c) for c in codes], secret


def test_enrolment_confirms_the_app_and_shows_ten_recovery_codes_once() -> None:
    user = officer()
    client, codes, secret = enrol(user)
    assert len(codes) == 10 and len(set(codes)) == 10
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed and bytes.fromhex(device.key) == secret
    assert client.get(overview()).status_code == 200  # verified by the enrolment
    assert len(events(security.OTP_ENROLLED)) == 1
    # Not in clear text in the database.
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & ({c.replace("-", "") for c in codes} | set(codes))
    # The codes page later shows how many are left, never the codes.
    later = client.get(reverse("accounts:recovery_codes")).content.decode()
    assert "10 ubrukte reservekoder" in later and codes[0] not in later


def test_a_wrong_code_does_not_confirm_the_app() -> None:
    user = officer()
    client = password_login(user)
    client.get(reverse("accounts:second_factor_enrol"))
    device = TOTPDevice.objects.get(user=user)
    r = client.post(
        reverse("accounts:second_factor_enrol"), {"code": wrong(totp(device.bin_key), 1)}
    )
    assert "Koden stemmer ikke" in r.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get(overview()).status_code == 302


def test_with_the_password_alone_no_new_app_can_replace_the_old_one() -> None:
    user = officer()
    with_app(user)
    client = password_login(user)
    r = client.get(reverse("accounts:second_factor_enrol"))
    assert r.status_code == 302 and r["Location"] == reverse("accounts:second_factor")
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_a_recovery_code_works_once() -> None:
    user = officer()
    _client, codes, _secret = enrol(user)
    first = password_login(user)
    r = send_code(first, codes[3].upper(), next_url=overview())  # case and hyphen as typed
    assert r.status_code == 302 and first.get(overview()).status_code == 200
    used = events(security.RECOVERY_CODE_USED)
    assert len(used) == 1 and used[0].details["recovery_codes_left"] == 9
    second = password_login(user)
    assert "Koden stemmer ikke" in send_code(second, codes[3]).content.decode()
    assert second.get(overview()).status_code == 302


def test_new_recovery_codes_replace_the_old_ones() -> None:
    user = officer()
    client, old, _secret = enrol(user)
    r = client.post(reverse("accounts:recovery_codes"))
    new = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", r.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert len(events(security.RECOVERY_CODES_RENEWED)) == 1
    assert send_code(password_login(user), new[0]).status_code == 302
    later = password_login(user)
    assert "Koden stemmer ikke" in send_code(later, old[0]).content.decode()


def test_renewing_recovery_codes_needs_the_second_factor() -> None:
    user = officer()
    with_app(user)
    client = password_login(user)
    r = client.post(reverse("accounts:recovery_codes"))
    assert r.status_code == 302
    assert not StaticToken.objects.filter(device__user=user).exists()


# -- reset by an administrator ------------------------------------------------------


def test_the_admin_resets_a_second_factor_and_it_is_audited() -> None:
    user = officer()
    enrol(user)
    admin = get_user_model().objects.create_superuser("driftsadmin", password=PASSWORD)
    client = Client()
    client.force_login(admin)  # both factors (fastlege.core.testing.logins)
    r = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [user.pk]},
    )
    assert r.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()
    reset = events(security.OTP_RESET)
    assert len(reset) == 1
    assert reset[0].actor_id == admin.pk and reset[0].details["user_id"] == user.pk
    # The next log-in sets up a new app.
    again = password_login(user)
    assert again.get(overview())["Location"].startswith(reverse("accounts:second_factor_enrol"))


def test_unverified_login_helper_leaves_the_second_factor_to_the_test() -> None:
    user = officer()
    client = Client()
    unverified_login(client, user)
    assert client.get(overview()).status_code == 302
    client.force_login(user)
    assert client.get(overview()).status_code == 200


# -- the demo's code hint -----------------------------------------------------------


def test_the_current_code_is_shown_only_for_a_demo_device_with_debug(settings: Any) -> None:
    user = officer()
    device = TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
    client = password_login(user)
    settings.DEBUG = False
    assert 'id="demo-code"' not in client.get(reverse("accounts:second_factor")).content.decode()
    settings.DEBUG = True
    page = client.get(reverse("accounts:second_factor")).content.decode()
    now = time.time()
    assert any(totp(device.bin_key, now + d) in page for d in (-30, 0, 30))
    device.name = "app"
    device.save()
    assert 'id="demo-code"' not in client.get(reverse("accounts:second_factor")).content.decode()


# -- passwords ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "length", "accepted"),
    [("Fjord-t8", 8, False), ("Fjordtur-11", 11, False), ("Fjord-tur-12", 12, True)],
)
def test_passwords_need_twelve_characters(password: str, length: int, accepted: bool) -> None:
    assert len(password) == length
    user = officer()
    with translation.override("nb"):
        form = SetPasswordForm(user, {"new_password1": password, "new_password2": password})
        assert form.is_valid() is accepted
        if not accepted:
            assert "minst 12 tegn" in " ".join(str(e) for e in form.errors["new_password2"])
        create = UserCreateForm(
            {"username": "ny-bruker", "password1": password, "password2": password}
        )
        assert create.is_valid() is accepted


def test_a_common_password_of_twelve_characters_is_refused() -> None:
    user = officer()
    common = "1qaz2wsx3edc"  # on Django's list of common (breached) passwords
    with translation.override("nb"):
        form = SetPasswordForm(user, {"new_password1": common, "new_password2": common})
        assert not form.is_valid()
        assert "for vanlig" in " ".join(str(e) for e in form.errors["new_password2"])


def test_an_operator_resets_a_second_factor_from_the_command_line() -> None:
    user = officer()
    with_app(user)
    call_command("reset_second_factor", user.username, stdout=io.StringIO())
    assert not TOTPDevice.objects.filter(user=user).exists()
    reset = events(security.OTP_RESET)
    assert len(reset) == 1 and reset[0].actor_id is None
    assert reset[0].details["by"] == "operator" and reset[0].details["user_id"] == user.pk
