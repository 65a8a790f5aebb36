"""What users depend on, through the pages without JavaScript: log-in, switching,
waiting lists, ceiling decisions, GP departures; bad input gives a Norwegian error
and changes nothing; security headers; no identity number in any URL."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fastlege.core.admin_tools import NIN_PATTERN
from fastlege.core.testing.logins import code_for
from fastlege.registry.models import (
    Absence,
    CeilingChange,
    DoctorPeriod,
    SwitchRequest,
    WaitingListEntry,
)
from fastlege.web.tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db


def messages_of(response: Any) -> str:
    return " ".join(str(m) for m in response.context["messages"])


# -- log-in --------------------------------------------------------------------------


def test_login_takes_each_role_to_its_own_page(world: World) -> None:
    expected = {
        "citizen": reverse("web:citizen_home"),
        "gp": reverse("web:gp_home"),
        "municipality": reverse("web:municipality", args=["5001"]),
        "county_governor": reverse("web:county", args=["50"]),
        "national": reverse("web:national"),
        "ministry": reverse("dialogue:organiser"),
    }
    # These roles give the app's code after the password (docs/login.md).
    two_factors = {"municipality", "county_governor", "national", "ministry"}
    for persona, url in expected.items():
        client = Client()
        user = world.users[persona]
        code = code_for(user) if persona in two_factors else ""
        r = client.post(reverse("web:login"), {"username": user.username, "password": PASSWORD})
        assert r.status_code == 302
        landing = client.get(r["Location"])["Location"]
        if code:
            assert landing.startswith(reverse("accounts:second_factor")), persona
            landing = client.get(client.post(landing, {"code": code})["Location"])["Location"]
        assert landing == url, persona


def test_wrong_password_gives_a_norwegian_error(world: World) -> None:
    user = world.users["citizen"]
    r = Client().post(reverse("web:login"), {"username": user.username, "password": "feil"})
    assert r.status_code == 200
    assert "Feil brukernavn eller passord" in r.content.decode()


def test_login_attempts_are_limited_even_with_the_right_password(
    world: World, settings: Any
) -> None:
    settings.LOGIN_MAX_FAILURES = 3
    user = world.users["citizen"]
    client = Client()
    for _ in range(3):
        client.post(reverse("web:login"), {"username": user.username, "password": "feil"})
    r = client.post(reverse("web:login"), {"username": user.username, "password": PASSWORD})
    assert r.status_code == 200
    assert "For mange mislykkede forsøk" in r.content.decode()
    assert "_auth_user_id" not in client.session


def test_production_settings_hash_passwords_with_argon2() -> None:
    import fastlege.settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert production.SESSION_COOKIE_HTTPONLY
    assert production.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_logout_needs_post(world: World) -> None:
    from django.contrib.auth import SESSION_KEY

    client = world.client("citizen")
    assert client.get(reverse("web:logout")).status_code == 405
    assert client.session.get(SESSION_KEY) == str(world.users["citizen"].pk)  # still in
    client.post(reverse("web:logout"))
    assert SESSION_KEY not in client.session
    home = reverse("web:citizen_home")
    response = client.get(home)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('web:login')}?next={home}"


# -- security ------------------------------------------------------------------------


def test_security_headers_and_content_security_policy(world: World) -> None:
    r = world.client("citizen").get(reverse("web:person", args=[world.citizen.pk]))
    csp = r["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert r["X-Frame-Options"] == "DENY"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Referrer-Policy"] == "same-origin"
    assert "<script" not in r.content.decode()  # nothing inline for the CSP to forbid


def test_posts_need_the_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["citizen"])
    url = reverse("web:switch", args=[world.citizen.pk])
    assert client.post(url, {"agreement": world.free_list.pk, "bekreft": "ja"}).status_code == 403
    assert not SwitchRequest.objects.exists()


def test_no_identity_number_in_any_link_or_form_address(world: World) -> None:
    pages = [
        ("citizen", reverse("web:person", args=[world.citizen.pk])),
        ("citizen", reverse("web:find_for", args=[world.citizen.pk]) + "?kommune=5001"),
        ("citizen", reverse("web:history", args=[world.child.pk])),
        ("gp", reverse("web:gp_home")),
        ("municipality", reverse("web:municipality", args=["5001"])),
        ("municipality", reverse("web:municipality_list", args=["5001", world.open_list.pk])),
        ("county_governor", reverse("web:county", args=["50"])),
        ("national", reverse("web:national")),
    ]
    for persona, url in pages:
        response = world.client(persona).get(url)
        assert response.status_code == 200, f"{url} as {persona}"  # the page, not an error
        html = response.content.decode()
        targets = re.findall(r'(?:href|action)="([^"]*)"', html)
        assert targets, f"{url}: no links found, so nothing was checked"
        for target in targets:
            assert not NIN_PATTERN.search(target), f"{url}: {target}"
        assert world.citizen.nin not in html


# -- the citizen ---------------------------------------------------------------------


def test_citizen_sees_gp_and_switches_without_javascript(world: World) -> None:
    client = world.client("citizen")
    page = client.get(reverse("web:person", args=[world.citizen.pk])).content.decode()
    gp = DoctorPeriod.objects.get(agreement=world.open_list).doctor
    assert gp.full_name in page
    search = client.get(reverse("web:find_for", args=[world.citizen.pk]), {"kommune": "5001"})
    confirm_url = f"{reverse('web:switch', args=[world.citizen.pk])}?agreement={world.free_list.pk}"
    assert confirm_url in search.content.decode()
    # The button leads to a summary; nothing is written before the citizen confirms.
    summary = client.get(confirm_url)
    assert 'data-testid="summary"' in summary.content.decode()
    assert not SwitchRequest.objects.exists()
    r = client.post(
        reverse("web:switch", args=[world.citizen.pk]),
        {"agreement": world.free_list.pk, "bekreft": "ja"},
        follow=True,
    )
    assert 'data-testid="receipt"' in r.content.decode()
    switch = SwitchRequest.objects.get(resident=world.citizen)
    assert switch.to_agreement_id == world.free_list.pk
    page = client.get(reverse("web:person", args=[world.citizen.pk])).content.decode()
    assert 'data-testid="pending-switch"' in page
    cancel = reverse("web:cancel_switch", args=[world.citizen.pk, switch.pk])
    client.get(cancel)  # the confirmation page cancels nothing
    switch.refresh_from_db()
    assert switch.status == SwitchRequest.Status.PENDING
    client.post(cancel, {"bekreft": "ja"})
    switch.refresh_from_db()
    assert switch.status == SwitchRequest.Status.CANCELLED


def test_parent_switches_for_child(world: World) -> None:
    client = world.client("citizen")
    client.post(
        reverse("web:switch", args=[world.child.pk]),
        {"agreement": world.free_list.pk, "bekreft": "ja"},
    )
    assert SwitchRequest.objects.get(resident=world.child).to_agreement_id == world.free_list.pk


def test_switch_to_a_full_list_is_refused_in_norwegian_and_changes_nothing(world: World) -> None:
    r = world.client("citizen").post(
        reverse("web:switch", args=[world.citizen.pk]),
        {"agreement": world.full_list.pk, "bekreft": "ja"},
        follow=True,
    )
    assert "Fastlegelisten er full" in messages_of(r)
    assert 'data-testid="summary"' in r.content.decode()  # back on the summary
    assert not SwitchRequest.objects.exists()


def test_bad_list_id_is_a_norwegian_error(world: World) -> None:
    r = world.client("citizen").post(
        reverse("web:switch", args=[world.citizen.pk]),
        {"agreement": "abc", "bekreft": "ja"},
        follow=True,
    )
    assert "Ugyldig liste" in messages_of(r)
    assert not SwitchRequest.objects.exists()


def test_join_waiting_list_and_see_the_place_then_leave(world: World) -> None:
    client = world.client("citizen")
    r = client.post(
        reverse("web:join_waiting", args=[world.citizen.pk]),
        {"agreement": world.full_list.pk, "bekreft": "ja"},
        follow=True,
    )
    assert "Du står nå på ventelisten" in r.content.decode()
    page = client.get(reverse("web:person", args=[world.citizen.pk])).content.decode()
    assert "nummer 1 av 1" in page
    client.get(reverse("web:leave_waiting", args=[world.citizen.pk]))  # only asks
    assert WaitingListEntry.objects.filter(status=WaitingListEntry.Status.WAITING).exists()
    client.post(reverse("web:leave_waiting", args=[world.citizen.pk]), {"bekreft": "ja"})
    assert not WaitingListEntry.objects.filter(status=WaitingListEntry.Status.WAITING).exists()


def test_search_by_postal_code_and_unknown_postal_code(world: World) -> None:
    r = Client().get(reverse("web:find_gp"), {"postnummer": "7010"})
    assert r.status_code == 200
    assert "Trondheim" in r.content.decode()
    r = Client().get(reverse("web:find_gp"), {"postnummer": "0000"})
    assert "Fant ingen kommune" in r.content.decode()
    r = Client().get(reverse("web:find_gp"), {"postnummer": "12a"})
    assert "Postnummeret må ha fire siffer" in r.content.decode()


def test_opt_out_needs_confirmation_then_opt_in(world: World) -> None:
    client = world.client("citizen")
    url = reverse("web:opt_out", args=[world.citizen.pk])
    r = client.post(url, follow=True)
    assert "Kryss av" in messages_of(r)
    world.citizen.refresh_from_db()
    assert world.citizen.in_scheme
    client.post(url, {"confirm": "yes"})
    world.citizen.refresh_from_db()
    assert not world.citizen.in_scheme
    client.post(url, {"action": "opt_in"})
    world.citizen.refresh_from_db()
    assert world.citizen.in_scheme


# -- the GP and the municipality -----------------------------------------------------


def test_gp_asks_for_a_new_ceiling_and_municipality_approves(world: World) -> None:
    world.change.status = CeilingChange.Status.WITHDRAWN
    world.change.save()
    gp = world.client("gp")
    first = world.change.effective_on.isoformat()
    r = gp.post(
        reverse("web:gp_ceiling", args=[world.open_list.pk]),
        {"new_ceiling": "600", "effective_on": first},
        follow=True,
    )
    assert "sendt til kommunen" in messages_of(r)
    change = CeilingChange.objects.get(status=CeilingChange.Status.REQUESTED)
    muni = world.client("municipality")
    page = muni.get(reverse("web:municipality", args=["5001"])).content.decode()
    assert 'data-testid="ceiling-change"' in page
    r = muni.post(
        reverse("web:ceiling_decide", args=["5001", change.pk]),
        {"decision": "approve"},
        follow=True,
    )
    assert "godkjent" in messages_of(r)
    change.refresh_from_db()
    assert change.status == CeilingChange.Status.APPROVED


def test_ceiling_above_2500_is_refused_in_norwegian(world: World) -> None:
    """The GP gets the ceiling page back with the reason and what was typed."""
    r = world.client("gp").post(
        reverse("web:gp_ceiling", args=[world.open_list.pk]),
        {"new_ceiling": "3000", "effective_on": world.change.effective_on.isoformat()},
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert "over 2 500" in html and 'value="3000"' in html
    assert CeilingChange.objects.count() == 1


def test_a_ceiling_refused_by_the_service_comes_back_to_the_gp_filled_in(world: World) -> None:
    # a request is already pending on the list: a second one is refused
    r = world.client("gp").post(
        reverse("web:gp_ceiling", args=[world.open_list.pk]),
        {"new_ceiling": "40", "effective_on": world.change.effective_on.isoformat()},
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert 'value="40"' in html and "Nytt listetak" in html
    assert "søknad" in html.split('class="errorlist')[1].split("</ul>")[0].lower()
    assert CeilingChange.objects.count() == 1


def test_municipality_refuses_a_ceiling_change(world: World) -> None:
    world.client("municipality").post(
        reverse("web:ceiling_decide", args=["5001", world.change.pk]),
        {"decision": "refuse", "reason": "Kapasitet"},
    )
    world.change.refresh_from_db()
    assert world.change.status == CeilingChange.Status.REFUSED
    assert world.change.reason == "Kapasitet"


def test_gp_registers_an_absence(world: World) -> None:
    r = world.client("gp").post(
        reverse("web:gp_absence", args=[world.open_list.pk]),
        {"valid_from": "2026-07-01", "last_day": "2026-07-21", "reason": "ferie"},
        follow=True,
    )
    assert "Fraværet er meldt" in messages_of(r)
    absence = Absence.objects.get()
    assert absence.doctor_id == world.doctor.pk
    assert absence.valid_to == datetime.date(2026, 7, 22)  # back the day after the last day


def test_municipality_registers_departure_and_the_list_is_without_gp(world: World) -> None:
    url = reverse("web:list_action", args=["5001", world.open_list.pk, "slutter"])
    r = world.client("municipality").post(
        url,
        {"end_date": "2027-01-01", "end_reason": "sluttet", "shorter_notice_agreed": "on"},
        follow=True,
    )
    assert "avgang er registrert" in messages_of(r)
    period = DoctorPeriod.objects.get(agreement=world.open_list)
    assert period.valid_to == datetime.date(2027, 1, 1)


def test_municipality_switches_automatic_placement_off(world: World) -> None:
    from fastlege.core.models import AuditEvent
    from fastlege.reference.models import Municipality

    world.client("municipality").post(
        reverse("web:automatic_placement", args=["5001"]), {"on": "0"}
    )
    assert not Municipality.objects.get(number="5001").automatic_placement
    assert AuditEvent.objects.filter(action="municipality.automatic_placement").exists()


def test_county_governor_sees_county_figures(world: World) -> None:
    r = world.client("county_governor").get(reverse("web:county", args=["50"]))
    rows = {row.number: row for row in r.context["rows"]}
    assert rows["5001"].figures.lists == 3
    assert rows["5001"].figures.members == 3 + 2 + 1 + 3  # generated members plus three persons


def test_county_map_shows_the_chosen_indicator_and_refuses_an_unknown_one(world: World) -> None:
    from fastlege.stats.services import fill_month_from_registry

    client = world.client("county_governor")
    url = reverse("web:county", args=["50"])
    assert "Statistikken er ikke fylt" in client.get(url).content.decode()
    fill_month_from_registry(None, datetime.date.today().replace(day=1))
    r = client.get(url + "?indikator=lister")
    the_map = r.context["map"]
    assert the_map.indicator.code == "lister"
    figures = {number: value for number, _name, value in the_map.rows}
    assert figures["5001"] == 3  # Trondheim's three lists
    assert "0301" not in figures  # Oslo is not in Trøndelag
    html = r.content.decode()
    assert 'class="map"' in html
    assert reverse("web:municipality", args=["5001"]) in html  # the map links on
    assert client.get(url + "?indikator=finnes-ikke").status_code == 404


def test_long_list_tables_are_paged_and_the_totals_count_every_list(world: World) -> None:
    from fastlege.registry.tests.factories import gp_list
    from fastlege.web.selectors import LIST_PAGE_SIZE

    extra = LIST_PAGE_SIZE + 2 - 3  # Trondheim has 3 lists already
    for _ in range(extra):
        gp_list(ceiling=10, members=1)
    total = LIST_PAGE_SIZE + 2
    client = world.client("municipality")
    url = reverse("web:municipality", args=["5001"])
    first = client.get(url)
    assert len(first.context["o"].page.object_list) == LIST_PAGE_SIZE
    assert len(first.context["o"].lists) == total
    assert first.context["o"].figures.members == 3 + 2 + 1 + 3 + extra  # all lists, not the page
    assert "side=2" in first.content.decode()
    second = client.get(url + "?side=2")
    assert len(second.context["o"].page.object_list) == 2
    assert all(a.gp_name for a in second.context["o"].page.object_list)  # doctors on page 2
    assert client.get(url + "?side=99").context["o"].page.number == 2  # the last page
    search = world.client("anonymous").get(
        reverse("web:find_gp") + "?kommune=5001&bare_ledige=on&side=2"
    )
    assert search.context["results"].paginator.count == total - 1  # the full list is not free
    assert "kommune=5001&amp;bare_ledige=on&amp;side=1" in search.content.decode()


def test_municipality_gives_and_takes_access_to_its_registry(world: World) -> None:
    from fastlege.accounts.models import Role, RoleAssignment

    client = world.client("municipality")
    url = reverse("web:municipality_users", args=["5001"])
    r = client.post(url, {"username": "kari.lege", "first_name": "Kari"}, follow=True)
    assert "har fått tilgang" in messages_of(r)
    role = RoleAssignment.objects.get(user__username="kari.lege")
    assert role.role == Role.MUNICIPALITY and role.municipality_id == "5001"
    assert not role.user.has_usable_password()
    r = client.post(url, {"remove": role.pk}, follow=True)
    assert "Tilgangen er fjernet" in messages_of(r)
    assert not RoleAssignment.objects.filter(user__username="kari.lege").exists()


def test_identity_number_as_user_name_is_refused(world: World) -> None:
    from fastlege.accounts.models import RoleAssignment

    before = RoleAssignment.objects.count()
    r = world.client("municipality").post(
        reverse("web:municipality_users", args=["5001"]),
        {"username": world.citizen.nin},
        follow=True,
    )
    assert "aldri fødselsnummer" in messages_of(r)
    assert RoleAssignment.objects.count() == before


def test_officer_cannot_take_over_a_user_of_another_role(world: World) -> None:
    from django.forms.models import model_to_dict

    from fastlege.accounts.models import RoleAssignment

    governor = world.users["county_governor"]

    def state() -> tuple:
        governor.refresh_from_db()
        roles = RoleAssignment.objects.order_by("pk").values()
        return model_to_dict(governor), list(roles)

    before = state()
    r = world.client("municipality").post(
        reverse("web:municipality_users", args=["5001"]),
        {"username": governor.username},
        follow=True,
    )
    assert "tatt av en bruker med en annen rolle" in messages_of(r)
    assert state() == before  # the governor's account and every role unchanged


def test_after_the_monthly_update_the_citizens_page_shows_the_new_gp(world: World) -> None:
    from fastlege.monthly.services import run_month

    client = world.client("citizen")
    client.post(
        reverse("web:switch", args=[world.citizen.pk]),
        {"agreement": world.free_list.pk, "bekreft": "ja"},
    )
    switch = SwitchRequest.objects.get(resident=world.citizen)
    # The monthly update puts the switch into force on the 1st (run on that day: a month
    # whose 1st has not come is refused); the national administrator's page shows the run.
    run_month(None, switch.effective_on, today=switch.effective_on)
    national = world.client("national").get(reverse("web:national")).content.decode()
    assert switch.effective_on.strftime("%Y") in national
    assert reverse("admin:monthly_monthrun_run") in national
    page = client.get(reverse("web:person", args=[world.citizen.pk])).content.decode()
    new_gp = DoctorPeriod.objects.get(agreement=world.free_list).doctor.full_name
    assert new_gp in page
    assert 'data-testid="pending-switch"' not in page
    history = client.get(reverse("web:history", args=[world.citizen.pk])).content.decode()
    assert world.free_list.practice.name in history and world.open_list.practice.name in history
