"""The settings page and the one-click unsubscribe link, through the test client."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from fastlege.accounts.models import Role
from fastlege.core.models import AuditEvent
from fastlege.notices import tokens
from fastlege.notices.models import Frequency, Kind, Notice, NoticePreference
from fastlege.notices.services import notify
from fastlege.registry.tests.factories import user_with

pytestmark = pytest.mark.django_db


def person(email: str = "kari@example.no") -> Any:
    user = user_with(Role.COUNTY_GOVERNOR, county_id="50")
    user.email = email
    user.save(update_fields=["email"])
    return user


def chosen(user: Any) -> dict[str, str]:
    return dict(NoticePreference.objects.filter(user=user).values_list("kind", "frequency"))


def unsubscribe_path(token: str) -> str:
    return reverse("notices:unsubscribe", args=[token])


def test_the_settings_page_shows_the_defaults_and_saves_a_choice(client: Client) -> None:
    user = person()
    client.force_login(user)
    page = client.get("/varsler/").content.decode()
    assert "Varsler på e-post" in page and "Med en gang" in page and "Ikke på e-post" in page
    weekly = f'value="{Frequency.WEEKLY}" id="id_{Kind.CONSULTATION}_2" checked'
    assert f'name="{Kind.CONSULTATION}" {weekly}' in page
    form = {kind: Frequency.NOW for kind in Kind.values}
    form[Kind.ACTION] = Frequency.WEEKLY
    answer = client.post("/varsler/", form, follow=True)
    assert "Valgene dine for varsler er lagret." in answer.content.decode()
    # only what differs from before is saved as a change
    assert chosen(user) == {Kind.ACTION: Frequency.WEEKLY, Kind.CONSULTATION: Frequency.NOW}
    assert AuditEvent.objects.filter(action="notices.preferences_set").count() == 1


def test_a_bad_post_changes_nothing_and_login_is_needed(client: Client) -> None:
    assert client.get("/varsler/").status_code == 302
    user = person()
    client.force_login(user)
    form = {kind: "hver_time" for kind in Kind.values}
    client.post("/varsler/", form, follow=True)
    assert chosen(user) == {}


def test_get_only_asks_and_post_unsubscribes_without_login(client: Client) -> None:
    user = person()
    path = unsubscribe_path(tokens.make(user.pk, Kind.ACTION))
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Vil du slutte å få" in html and "Meld av" in html
    assert chosen(user) == {}  # a mail scanner following the link changes nothing
    done = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "ikke lenger" in done.content.decode()
    assert chosen(user) == {Kind.ACTION: Frequency.NONE}
    event = AuditEvent.objects.get(action="notices.unsubscribed")
    assert event.details["notice_kind"] == Kind.ACTION


def test_the_all_link_stops_every_kind_and_drops_what_is_queued(client: Client) -> None:
    user = person()
    notify(user=user, kind=Kind.ACTION, subject="Endret", body="Status: ferdig.")
    assert Notice.objects.filter(user=user, email__isnull=True).count() == 1
    client.post(unsubscribe_path(tokens.make(user.pk)))
    assert chosen(user) == dict.fromkeys(Kind.values, Frequency.NONE)
    assert not Notice.objects.filter(user=user, email__isnull=True).exists()


def test_a_changed_token_is_refused_and_changes_nothing(client: Client) -> None:
    user, other = person(), person(email="ola@example.no")
    token = tokens.make(user.pk, Kind.ACTION)
    # the same payload for another user, without the key: the signature no longer fits
    forged = signing.dumps({"u": other.pk, "k": Kind.ACTION}, salt="another-salt")
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for bad in (forged, tampered, "ikke-en-lenke"):
        answer = client.post(unsubscribe_path(bad))
        assert answer.status_code == 400
        assert "ikke gyldig" in answer.content.decode()
        assert client.get(unsubscribe_path(bad)).status_code == 400
    assert chosen(user) == {} and chosen(other) == {}
    assert not AuditEvent.objects.filter(action="notices.unsubscribed").exists()


def test_a_link_changes_only_its_own_users_kind(client: Client) -> None:
    user, other = person(), person(email="ola@example.no")
    client.post(unsubscribe_path(tokens.make(other.pk, Kind.INVITATION)))
    assert chosen(user) == {}
    assert chosen(other) == {Kind.INVITATION: Frequency.NONE}


def test_an_old_link_is_refused(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    user = person()
    token = tokens.make(user.pk, Kind.ACTION)
    later = datetime.datetime.now().timestamp() + tokens.MAX_AGE + 60
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    answer = client.post(unsubscribe_path(token))
    assert answer.status_code == 400 and "for gammel" in answer.content.decode()
    assert chosen(user) == {}


def test_the_token_holds_no_personal_data() -> None:
    user = person()
    token = tokens.make(user.pk, Kind.ACTION)
    payload = signing.loads(token, salt=tokens.SALT)
    assert payload == {"u": user.pk, "k": Kind.ACTION}
    assert user.email not in token and user.username not in token
