"""`fastlege demo_users`: one user per role, idempotent, never in production; demo
accounts cannot log in without DEBUG."""

from __future__ import annotations

import base64
import datetime
import hmac
import io
import re
import struct
import time

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from fastlege.accounts.models import Role, RoleAssignment
from fastlege.registry.models import DoctorPeriod, ListMembership, Resident

pytestmark = pytest.mark.django_db

PASSWORDS = {
    "innbygger": "innbygger-demo",
    "fastlege": "fastlege-demo",
    "kommune": "kommune-demo",
    "statsforvalter": "statsforvalter-demo",
    "admin": "admin-demo-passord",
    "departement": "departement-demo",
}


@pytest.fixture(autouse=True)
def demo_debug(settings):
    """The demo runs with DEBUG on (``make run``); the tests run without it."""
    settings.DEBUG = True


EXPECTED = {
    "innbygger": Role.CITIZEN,
    "fastlege": Role.GP,
    "kommune": Role.MUNICIPALITY,
    "statsforvalter": Role.COUNTY_GOVERNOR,
    "admin": Role.NATIONAL,
    "departement": Role.MINISTRY,
}


def demo_users() -> str:
    out = io.StringIO()
    call_command("demo_users", stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def seeded() -> None:
    call_command("seed", "--kommune", "5033", "--months", "0", stdout=io.StringIO())


def test_creates_one_user_per_role_with_the_right_scope(seeded):
    output = demo_users()
    User = get_user_model()
    assert set(User.objects.values_list("username", flat=True)) == set(EXPECTED)
    for username, role in EXPECTED.items():
        user = User.objects.get(username=username)
        password = PASSWORDS[username]
        assert user.check_password(password)
        assignment = RoleAssignment.objects.get(user=user)
        assert assignment.role == role
        assert username in output and password in output
    assert RoleAssignment.objects.get(user__username="kommune").municipality_id == "5001"
    assert RoleAssignment.objects.get(user__username="statsforvalter").county_id == "50"
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.get(username="innbygger").is_staff
    ministry = User.objects.get(username="departement")
    assert not ministry.is_staff and not ministry.is_superuser  # no admin, no registry

    today = timezone.localdate()
    citizen = RoleAssignment.objects.get(user__username="innbygger").resident
    assert citizen is not None
    assert citizen.age_on(today) >= 18
    assert ListMembership.objects.filter(resident=citizen, valid_to=None).exists()
    children = Resident.objects.filter(household=citizen.household).exclude(pk=citizen.pk)
    assert any(
        (c.mother_id == citizen.pk or c.father_id == citizen.pk) and c.age_on(today) < 16
        for c in children
    )
    doctor = RoleAssignment.objects.get(user__username="fastlege").doctor
    assert DoctorPeriod.objects.filter(doctor=doctor, role="LPFL", valid_to=None).exists()

    assert "http://127.0.0.1:8000/admin/" in output
    assert not re.search(r"\d{11}", output)  # never an identity number


def test_running_twice_keeps_one_user_per_role_and_resets_passwords(seeded):
    demo_users()
    User = get_user_model()
    admin = User.objects.get(username="admin")
    admin.set_password("changed")
    admin.save()
    demo_users()
    assert User.objects.count() == len(EXPECTED)
    assert RoleAssignment.objects.count() == len(EXPECTED)
    assert User.objects.get(username="admin").check_password("admin-demo-passord")


def test_falls_back_when_trondheim_is_not_seeded(seeded):
    # Only Tydal is seeded here, so the citizen and the GP come from Tydal.
    demo_users()
    citizen = RoleAssignment.objects.get(user__username="innbygger").resident
    assert citizen is not None
    assert citizen.municipality_id == "5033"
    from fastlege.demo.management.commands.demo_users import demo_citizen

    assert demo_citizen("5001", datetime.date(2026, 1, 1)) is None


@pytest.mark.parametrize("synthetic", [False, True])
def test_refuses_in_production(settings, synthetic):
    # A test or training installation (synthetic numbers on, DEBUG off) gets none either.
    settings.DEBUG = False
    settings.ALLOW_SYNTHETIC_NIN = synthetic
    with pytest.raises(CommandError, match="bare når DEBUG er på"):
        demo_users()
    assert not get_user_model().objects.exists()


def totp(secret_b32: str) -> str:
    """RFC 6238 (HMAC-SHA-1, 30 s, 6 digits), independently of django-otp."""
    counter = int(time.time() // 30)
    digest = hmac.new(base64.b32decode(secret_b32), struct.pack(">Q", counter), "sha1").digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def test_demo_passwords_satisfy_the_password_rules():
    for password in PASSWORDS.values():
        validate_password(password)  # at least 12 characters, not a common password


def test_the_personas_that_need_it_log_in_with_the_documented_demo_code(seeded):
    output = demo_users()
    assert "FASTLEGEDEMOFASTLEGEDEMOFASTLEGE" in output
    for username in ("kommune", "statsforvalter", "admin", "departement"):
        client = Client()
        client.post(reverse("web:login"), {"username": username, "password": PASSWORDS[username]})
        assert client.get(reverse("web:start"))["Location"].startswith(
            reverse("accounts:second_factor")
        ), username
        r = client.post(
            reverse("accounts:second_factor"), {"code": totp("FASTLEGEDEMOFASTLEGEDEMOFASTLEGE")}
        )
        assert r.status_code == 302, username
        assert not client.get(reverse("web:start"))["Location"].startswith("/konto/"), username
    for username in ("innbygger", "fastlege"):
        assert not TOTPDevice.objects.filter(user__username=username).exists()


def test_demo_accounts_log_in_only_with_debug(seeded, settings, client):
    demo_users()
    assert authenticate(username="admin", password=PASSWORDS["admin"]) is not None
    settings.DEBUG = False  # the demo's database, served without DEBUG
    for username in EXPECTED:
        assert authenticate(username=username, password=PASSWORDS[username]) is None
    # the site's log-in page and the admin's refuse them too
    response = client.post("/logg-inn/", {"username": "kommune", "password": PASSWORDS["kommune"]})
    assert "_auth_user_id" not in client.session
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "admin", "password": PASSWORDS["admin"]}
    )
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    # an ordinary user with the same kind of password still logs in
    get_user_model().objects.create_user("vanlig", password="vanlig-demo")
    assert authenticate(username="vanlig", password="vanlig-demo") is not None
