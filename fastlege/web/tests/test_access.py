"""The access matrix: every page × every persona, including guessed URLs.

A municipality officer can neither see nor change another municipality's registry;
a citizen sees only their own and their children's data; the county governor reads
only their county and changes nothing; national staff see everything; the ministry
(departementet) organises the national dialogue and the tripartite forum and sees no
registry page."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from fastlege.core.models import AuditEvent
from fastlege.registry.models import Agreement, CeilingChange, SwitchRequest
from fastlege.web.tests.conftest import World, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def shared_world(django_db_setup: object, django_db_blocker: object) -> Iterator[World]:
    """One world for the whole module, made once inside a transaction that is rolled
    back at the end; each test runs in a savepoint of its own within it (the ``db``
    fixture), so what one test writes is gone before the next."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        outer = transaction.atomic()
        outer.__enter__()
        try:
            made = make_world()
        except BaseException:
            outer.__exit__(None, None, None)
            raise
    yield made
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def world(shared_world: World, db: object) -> World:
    """The shared world, as fresh Python objects (a test may change its copies)."""
    return copy.deepcopy(shared_world)


PERSONAS = [
    "anonymous",
    "citizen",
    "other_citizen",
    "gp",
    "municipality",
    "other_municipality",
    "county_governor",
    "other_county_governor",
    "national",
    "ministry",
]
ALL = set(PERSONAS)
LOGGED_IN = ALL - {"anonymous"}
MUNI_READERS = {"municipality", "county_governor", "national"}
MUNI_WRITERS = {"municipality", "national"}

# (name, url builder, personas that get the page). Everyone else: log-in redirect
# when anonymous, otherwise 403 or 404, never the page.
PAGES: list[tuple[str, Callable[[World], str], set[str]]] = [
    ("home", lambda w: reverse("home"), ALL),
    ("find_gp", lambda w: reverse("web:find_gp") + "?kommune=5001", ALL),
    ("citizen_home", lambda w: reverse("web:citizen_home"), {"citizen", "other_citizen"}),
    ("person", lambda w: reverse("web:person", args=[w.citizen.pk]), {"citizen"}),
    ("child", lambda w: reverse("web:person", args=[w.child.pk]), {"citizen"}),
    ("history", lambda w: reverse("web:history", args=[w.citizen.pk]), {"citizen"}),
    (
        "find_for",
        lambda w: reverse("web:find_for", args=[w.child.pk]) + "?kommune=5001",
        {"citizen"},
    ),
    ("notifications", lambda w: reverse("web:notifications", args=[w.citizen.pk]), {"citizen"}),
    ("opt_out", lambda w: reverse("web:opt_out", args=[w.citizen.pk]), {"citizen"}),
    ("other_person", lambda w: reverse("web:person", args=[w.other.pk]), {"other_citizen"}),
    ("gp_home", lambda w: reverse("web:gp_home"), {"gp"}),
    # the GP's own list (issue 20 item 7): only its regular GP, national staff included
    ("gp_members", lambda w: reverse("web:gp_members", args=[w.open_list.pk]), {"gp"}),
    ("gp_movements", lambda w: reverse("web:gp_movements", args=[w.open_list.pk]), {"gp"}),
    ("gp_waiting", lambda w: reverse("web:gp_waiting", args=[w.open_list.pk]), {"gp"}),
    ("gp_absences", lambda w: reverse("web:gp_absences", args=[w.open_list.pk]), {"gp"}),
    ("gp_ceiling_page", lambda w: reverse("web:gp_ceiling_page", args=[w.open_list.pk]), {"gp"}),
    ("gp_other_list", lambda w: reverse("web:gp_members", args=[w.oslo_list.pk]), set()),
    ("municipality", lambda w: reverse("web:municipality", args=["5001"]), MUNI_READERS),
    (
        "municipality_list",
        lambda w: reverse("web:municipality_list", args=["5001", w.open_list.pk]),
        MUNI_READERS,
    ),
    ("new_list", lambda w: reverse("web:new_list", args=["5001"]), MUNI_WRITERS),
    (
        "wind_downs",
        lambda w: reverse("web:municipality_wind_downs", args=["5001"]),
        MUNI_READERS,
    ),
    ("alis_national", lambda w: reverse("workforce:alis_national"), {"national"}),
    ("users", lambda w: reverse("web:municipality_users", args=["5001"]), MUNI_WRITERS),
    (
        "oslo",
        lambda w: reverse("web:municipality", args=["0301"]),
        {"other_municipality", "other_county_governor", "national"},
    ),
    ("county", lambda w: reverse("web:county", args=["50"]), {"county_governor", "national"}),
    (
        "other_county",
        lambda w: reverse("web:county", args=["03"]),
        {"other_county_governor", "national"},
    ),
    ("national", lambda w: reverse("web:national"), {"national"}),
    # the dialogue's organiser pages (issue 7): who organises what
    (
        "dialogue_organiser",
        lambda w: reverse("dialogue:organiser"),
        {"county_governor", "other_county_governor", "national", "ministry"},
    ),
    (
        "national_meeting_organiser",
        lambda w: reverse("dialogue:organiser_meeting", args=[w.national_meeting.pk]),
        {"national", "ministry"},
    ),
    (
        "national_meeting_participants",
        lambda w: reverse("dialogue:participants", args=[w.national_meeting.pk]),
        {"national", "ministry"},
    ),
    (
        "county_meeting_organiser",
        lambda w: reverse("dialogue:organiser_meeting", args=[w.county_meeting.pk]),
        {"county_governor", "national"},
    ),
    ("forum", lambda w: reverse("dialogue:forum", args=[w.forum.pk]), {"national", "ministry"}),
    # guessed URLs: an Oslo list under Trondheim's address, unknown ids
    (
        "guess_list_other_muni",
        lambda w: reverse("web:municipality_list", args=["5001", w.oslo_list.pk]),
        set(),
    ),
    ("guess_person", lambda w: reverse("web:person", args=[999_999_999]), set()),
    ("guess_municipality", lambda w: reverse("web:municipality", args=["9999"]), set()),
]

REDIRECTS = {"citizen_home"}  # the citizen's start page forwards to the person page


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", PAGES, ids=[p[0] for p in PAGES])
def test_access_matrix(world: World, persona: str, page: tuple) -> None:
    name, url_of, allowed = page
    url = url_of(world)
    response = world.client(persona).get(url)
    if persona in allowed:
        expected = 302 if name in REDIRECTS else 200
        assert response.status_code == expected, f"{persona} should see {name}"
        if expected == 200:  # the page itself, not an error page under status 200
            html = response.content.decode()
            assert html.count("<h1") == 1 and "Ingen tilgang" not in html, name
    elif persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("web:login"))
    else:
        assert response.status_code in (403, 404), f"{persona} must not see {name}"
        heading = {403: "Ingen tilgang", 404: "Fant ikke siden"}[response.status_code]
        assert heading in response.content.decode(), f"{persona} on {name}: the error page"


def _post(world: World, persona: str, url: str, data: dict | None = None) -> int:
    return world.client(persona).post(url, data or {}).status_code


@pytest.mark.parametrize("persona", sorted(LOGGED_IN - {"citizen"}))
def test_nobody_else_can_switch_the_citizens_gp(world: World, persona: str) -> None:
    url = reverse("web:switch", args=[world.citizen.pk])
    assert _post(world, persona, url, {"agreement": world.free_list.pk, "bekreft": "ja"}) == 404
    assert not SwitchRequest.objects.filter(resident=world.citizen).exists()


@pytest.mark.parametrize("persona", sorted(LOGGED_IN - MUNI_WRITERS), ids=lambda p: f"refused-{p}")
def test_only_the_municipality_decides_its_ceiling_changes(world: World, persona: str) -> None:
    url = reverse("web:ceiling_decide", args=["5001", world.change.pk])
    assert _post(world, persona, url, {"decision": "approve"}) == 403
    world.change.refresh_from_db()
    assert world.change.status == CeilingChange.Status.REQUESTED


def test_other_municipality_cannot_decide_through_its_own_address(world: World) -> None:
    url = reverse("web:ceiling_decide", args=["0301", world.change.pk])
    assert _post(world, "other_municipality", url, {"decision": "approve"}) == 403
    world.change.refresh_from_db()
    assert world.change.status == CeilingChange.Status.REQUESTED


@pytest.mark.parametrize("persona", sorted(LOGGED_IN - MUNI_WRITERS))
def test_only_the_municipality_changes_its_lists(world: World, persona: str) -> None:
    url = reverse("web:list_action", args=["5001", world.open_list.pk, "lukk"])
    assert _post(world, persona, url) in (403, 404)
    url = reverse("web:automatic_placement", args=["5001"])
    assert _post(world, persona, url, {"on": "0"}) == 403
    world.open_list.refresh_from_db()
    assert world.open_list.is_open
    from fastlege.reference.models import Municipality

    assert Municipality.objects.get(number="5001").automatic_placement


CEILING_ASKERS = {"gp", "municipality", "national"}


def _ask_for_ceiling_70(world: World, persona: str) -> Any:
    """Ask for ceiling 70 on the open list, from a state where nothing is pending, so
    only the role check can refuse."""
    CeilingChange.objects.filter(agreement=world.open_list).delete()
    url = reverse("web:gp_ceiling", args=[world.open_list.pk])
    first = world.change.effective_on.isoformat()
    return world.client(persona).post(url, {"new_ceiling": 70, "effective_on": first})


@pytest.mark.parametrize("persona", sorted(CEILING_ASKERS))
def test_the_gp_or_municipality_asks_for_a_new_ceiling(world: World, persona: str) -> None:
    response = _ask_for_ceiling_70(world, persona)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:gp_home")
    asked = CeilingChange.objects.get(agreement=world.open_list)
    assert (asked.new_ceiling, asked.status) == (70, CeilingChange.Status.REQUESTED)
    assert asked.requested_by == world.users[persona]


@pytest.mark.parametrize("persona", sorted(LOGGED_IN - CEILING_ASKERS))
def test_every_other_role_is_refused_a_new_ceiling(world: World, persona: str) -> None:
    response = _ask_for_ceiling_70(world, persona)
    assert response.status_code == 403, f"{persona} must be refused by the role check"
    assert not CeilingChange.objects.filter(agreement=world.open_list).exists()


def test_anonymous_asking_for_a_new_ceiling_is_sent_to_log_in(world: World) -> None:
    response = _ask_for_ceiling_70(world, "anonymous")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))
    assert not CeilingChange.objects.filter(agreement=world.open_list).exists()


def test_parent_reading_childs_page_is_audited_with_who_and_why(world: World) -> None:
    client = world.client("citizen")
    AuditEvent.objects.all().delete()
    client.get(reverse("web:person", args=[world.citizen.pk]))
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.READ).exists()  # own data
    client.get(reverse("web:person", args=[world.child.pk]))
    reads = AuditEvent.objects.filter(kind=AuditEvent.Kind.READ, object_id=str(world.child.pk))
    assert reads.exists()
    assert {e.actor_id for e in reads} == {world.users["citizen"].pk}
    assert all(e.reason for e in reads)


def test_municipality_pages_show_no_identity_numbers_or_resident_names(world: World) -> None:
    for url in (
        reverse("web:municipality", args=["5001"]),
        reverse("web:municipality_list", args=["5001", world.open_list.pk]),
    ):
        html = world.client("county_governor").get(url).content.decode()
        assert world.citizen.nin not in html
        assert world.citizen.last_name not in html


def test_oslo_list_is_not_reachable_through_trondheim(world: World) -> None:
    url = reverse("web:list_action", args=["5001", world.oslo_list.pk, "lukk"])
    assert _post(world, "municipality", url) == 404
    assert Agreement.objects.get(pk=world.oslo_list.pk).is_open


@pytest.mark.parametrize("persona", sorted(LOGGED_IN - MUNI_WRITERS))
def test_only_the_municipality_manages_its_users(world: World, persona: str) -> None:
    from fastlege.accounts.models import RoleAssignment

    url = reverse("web:municipality_users", args=["5001"])
    before = RoleAssignment.objects.count()
    assert _post(world, persona, url, {"username": "ny.bruker"}) == 403
    assert RoleAssignment.objects.count() == before


def test_the_ministry_lands_on_the_dialogue_and_reads_the_statistics_unsuppressed(
    world: World,
) -> None:
    from django.utils import timezone

    from fastlege.stats.selectors import SUPPRESSED
    from fastlege.stats.services import fill_month_from_registry

    fill_month_from_registry(None, timezone.localdate().replace(day=1))
    client = world.client("ministry")
    start = client.get(reverse("web:start"))
    assert start["Location"] == reverse("dialogue:organiser")
    nav = client.get(reverse("dialogue:organiser")).content.decode()
    assert reverse("stats:national") in nav
    assert client.get(reverse("stats:national")).status_code == 200

    def oslo_gps(c: Client) -> object:
        page = c.get(reverse("stats:municipality", args=["0301"]) + "?format=json").json()
        return {h["indikator"]: h["verdi"] for h in page["nokkeltall"]}["fastleger"]

    # Oslo has one GP in this world: hidden in public (a small count), shown to the ministry
    assert oslo_gps(world.client("anonymous")) == SUPPRESSED
    assert oslo_gps(client) == 1


# Each role's main menu (labels in order) reaches its tasks (issue 16, item 8): the
# county governor organises dialogue in the county; national staff see statistics
# and dialogue; the ministry organises the national dialogue; the planners (municipality,
# county governor, national) reach the workforce projection (issue 17).
MENUS = {
    "anonymous": [],
    "citizen": ["Min fastlege", "Finn fastlege"],
    "gp": ["Mine lister"],
    "municipality": ["Kommunen", "Statistikk", "Tiltak", "Arbeidskraft"],
    "county_governor": ["Fylket", "Statistikk", "Tiltak", "Arbeidskraft", "Dialog"],
    "national": ["Nasjonalt", "Statistikk", "Tiltak", "Arbeidskraft", "Dialog"],
    "ministry": ["Statistikk", "Dialog"],
}


@pytest.mark.parametrize("persona", sorted(MENUS))
def test_each_roles_menu_reaches_its_tasks(world: World, persona: str) -> None:
    import datetime
    import re

    from fastlege.stats.services import fill_month_from_registry

    fill_month_from_registry(None, datetime.date.today().replace(day=1))  # statistics exist
    client = world.client(persona)
    html = client.get(reverse("home")).content.decode()
    nav = re.search(r'<nav class="wrap main-nav".*?</nav>', html, re.S)
    links = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(0)) if nav else []
    assert [label for _url, label in links] == MENUS[persona]
    for url, label in links:
        response = client.get(url, follow=True)
        assert response.status_code == 200, f"{persona}: {label} ({url})"
        assert response.request["PATH_INFO"] != reverse("web:login"), f"{persona}: {label}"
