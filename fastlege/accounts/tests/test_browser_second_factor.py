"""The second factor in a real browser (Chromium, axe-core): a municipality officer
without an app logs in, scans — here: reads — the secret, confirms with the app's
code, gets the recovery codes, and next time passes the code page. Both pages
without WCAG 2.1 AA violations, on a phone too."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time
from typing import Any

from django.urls import reverse

from fastlege.accounts.models import Role
from fastlege.core.testing import browser as machinery
from fastlege.core.testing.browser import PHONE, Tools, check_axe, horizontal_overflow
from fastlege.registry.tests.factories import user_with

PASSWORD = "Et-sterkt-passord-2026"  # noqa: S105


def totp(secret: bytes) -> str:
    """RFC 6238 (HMAC-SHA-1, 30 s, 6 digits), independently of django-otp."""
    digest = hmac.new(secret, struct.pack(">Q", int(time.time() // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def test_an_officer_sets_up_the_app_and_then_logs_in_with_its_code(
    transactional_db: Any, live_server: Any, browser: Any, browser_tools: Tools
) -> None:
    machinery.ensure_reference_data()
    officer = user_with(Role.MUNICIPALITY, municipality_id="5001")
    officer.set_password(PASSWORD)
    officer.save()
    base = live_server.url
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(base + reverse("web:login"))
    page.fill("#id_username", officer.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert reverse("accounts:second_factor_enrol") in page.url
    assert page.locator(".qr svg").count() == 1
    check_axe(page, browser_tools, "setting up the app (phone)")
    assert horizontal_overflow(page) <= 0
    b32 = page.inner_text("#secret").replace(" ", "")
    secret = base64.b32decode(b32 + "=" * (-len(b32) % 8))
    page.fill("#id_code", totp(secret))
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    check_axe(page, browser_tools, "the recovery codes (phone)")
    page.click("text=Gå videre")
    page.wait_for_load_state()
    assert page.url.endswith(reverse("web:municipality", args=["5001"]))
    context.close()

    # Next log-in: the code page, then the overview.
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + reverse("web:login"))
    page.fill("#id_username", officer.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert reverse("accounts:second_factor") in page.url
    check_axe(page, browser_tools, "the code page")
    page.fill("#id_code", codes[0])
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith(reverse("web:municipality", args=["5001"]))
    context.close()
