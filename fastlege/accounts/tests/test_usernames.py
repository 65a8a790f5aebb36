"""Issue 18, finding 6: no two users whose names differ only by case or by
Unicode look-alikes (full-width letters, ligatures), whichever path creates them."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client

from fastlege.accounts.models import Role, UsernameKey
from fastlege.accounts.usernames import canonical
from fastlege.registry.tests.factories import user_with

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.mark.parametrize(
    ("typed", "plain"),
    [("ａｄｍｉｎ", "admin"), ("ADMIN", "admin"), ("ﬁona", "fiona"), ("STRASSE", "straße")],
)
def test_canonical_form_folds_lookalikes(typed: str, plain: str) -> None:
    assert canonical(typed) == canonical(plain)


def test_canonical_form_keeps_different_names_apart() -> None:
    assert canonical("admin") != canonical("admin2")
    assert canonical("ola") != canonical("öla")


@pytest.mark.parametrize("lookalike", ["ａｄｍｉｎ", "Admin", "ＡＤＭＩＮ"])
def test_a_user_saved_with_a_lookalike_name_is_refused(lookalike: str) -> None:
    User.objects.create_user("admin", password="x")
    with pytest.raises(ValidationError) as refused:
        User.objects.create(username=lookalike)  # the plainest path: no form, no clean()
    assert refused.value.code == "username_lookalike"
    assert User.objects.count() == 1


def test_renaming_a_user_to_a_lookalike_is_refused_and_its_own_case_change_is_not() -> None:
    User.objects.create_user("admin", password="x")
    other = User.objects.create_user("kari", password="x")
    other.username = "ADMIN"
    with pytest.raises(ValidationError):
        other.save()
    other.username = "Kari"  # the same user: allowed, and the key follows
    other.save()
    assert UsernameKey.objects.get(user=other).key == "kari"


def test_the_database_refuses_two_equal_canonical_names() -> None:
    a = User.objects.create_user("admin", password="x")
    b = User.objects.create_user("kari", password="x")
    assert UsernameKey.objects.get(user=a).key == "admin"
    with pytest.raises(IntegrityError), transaction.atomic():
        UsernameKey.objects.filter(user=b).update(key="admin")


def test_admin_user_forms_refuse_lookalikes(admin_client: Client) -> None:
    User.objects.create_user("straße", password="x")
    kari = User.objects.create_user("kari", password="x")
    password = "Et-sterkt-passord-2026"  # noqa: S105
    r = admin_client.post(
        "/admin/auth/user/add/",
        {"username": "STRASSE", "password1": password, "password2": password},
    )
    assert r.status_code == 200  # the form again, with the error
    assert not User.objects.filter(username="STRASSE").exists()
    change = admin_client.get(f"/admin/auth/user/{kari.pk}/change/")
    data = {
        k: v
        for k, v in change.context["adminform"].form.initial.items()
        if v is not None and k not in ("groups", "user_permissions", "password", "last_login")
    }
    data.update(
        {
            "username": "Straße",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "12:00:00",
            "roles-TOTAL_FORMS": "0",
            "roles-INITIAL_FORMS": "0",
        }
    )
    r = admin_client.post(f"/admin/auth/user/{kari.pk}/change/", data)
    assert r.status_code == 200
    assert "likt brukernavn" in r.content.decode()
    kari.refresh_from_db()
    assert kari.username == "kari"


def test_municipality_cannot_grant_a_role_to_a_lookalike_of_another_user() -> None:
    from fastlege.web.services import grant_municipality_role

    user_with(Role.NATIONAL).__class__.objects.create_user("admin", password="x")
    officer = user_with(Role.MUNICIPALITY, municipality_id="5001")
    with pytest.raises(ValidationError) as refused:
        grant_municipality_role(officer, "5001", username="ａｄｍｉｎ")
    assert refused.value.code == "username_taken"
    assert User.objects.filter(username="ａｄｍｉｎ").count() == 0


def test_the_migration_fills_keys_and_stops_on_lookalikes(settings: Any) -> None:
    """The data migration's rule, on its own: existing users get their keys."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("fastlege.accounts.migrations.0003_username_key")
    User.objects.create_user("fjord", password="x")
    UsernameKey.objects.all().delete()
    migration.fill_keys(apps, None)
    assert list(UsernameKey.objects.values_list("key", flat=True)) == ["fjord"]
    UsernameKey.objects.all().delete()
    User.objects.filter(username="fjord").update(username="FJORD")  # bypasses save()
    User.objects.bulk_create([User(username="fjord")])
    with pytest.raises(RuntimeError, match="like brukernavn"):
        migration.fill_keys(apps, None)
