"""The admin's lists: search terms never in a URL (issue 18, M5), and every list of
people audited (issue 18, M9)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from stdnum.no import fodselsnummer

from fastlege.core.admin_search import SEARCH_SESSION_KEY, SEARCH_TOKEN_VAR
from fastlege.core.models import AuditEvent
from fastlege.core.tests import test_admin
from fastlege.core.tests.test_admin import admin_url, make_resident
from fastlege.registry.models import (
    Absence,
    Doctor,
    ListMembership,
    Notification,
    PopulationEvent,
    ReductionDraw,
    RemovalDecision,
    Resident,
    SwitchRequest,
    WaitingListEntry,
)

pytestmark = pytest.mark.django_db

#: One of everything (the fixture of test_admin.py).
world = test_admin.world

# A real-format fødselsnummer (valid check digits per python-stdnum): born 15.10.1986.
NIN = "15108695088"
BIRTH_PART = NIN[:6]


@pytest.fixture
def berg(world: dict[str, Any]) -> Resident:
    assert fodselsnummer.is_valid(NIN)
    return make_resident("Berg", "Ola", nin=NIN, birth_date=datetime.date(1986, 10, 15))


def _urls(html: str) -> list[str]:
    return re.findall(r'(?:href|action)="([^"]*)"', html)


def _reads() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(kind=AuditEvent.Kind.READ).order_by("pk"))


# -- M5: the search box POSTs; the URL holds a token, never the term -------------------


def test_searching_an_identity_number_finds_the_person_and_no_url_holds_it(
    admin_client: Client, berg: Resident, world: dict[str, Any]
) -> None:
    page = admin_client.get(admin_url(Resident, "changelist"), {"status__exact": "bosatt"})
    search_url = admin_url(Resident, "search")
    assert f'method="post" action="{search_url}"' in page.content.decode()

    # what the browser sends: the term, the list's filters as hidden fields
    response = admin_client.post(
        search_url, {"q": f"{BIRTH_PART} {NIN[6:]}", "status__exact": "bosatt"}, follow=True
    )
    hops = [url for url, _status in response.redirect_chain]
    assert len(hops) == 1
    for url in [search_url, *hops, response.wsgi_request.get_full_path()]:
        assert BIRTH_PART not in url and NIN[6:] not in url
    assert f"{SEARCH_TOKEN_VAR}=" in hops[0] and "status__exact=bosatt" in hops[0]
    # the person is found, and only the person
    assert list(response.context["cl"].result_list) == [berg]
    html = response.content.decode()
    # every link of the page (pages, sorting, filters, the row) carries the token at most
    for url in _urls(html):
        assert BIRTH_PART not in url, url
    # the number is only where the user typed it, the search box (the list masks it)
    assert NIN not in html and html.count(NIN[6:]) == 1
    assert f'value="{BIRTH_PART} {NIN[6:]}"' in html and f"{BIRTH_PART}*****" in html
    # opening the person from the result: still no number in the URL
    person = admin_client.get(admin_url(Resident, "change", berg.pk))
    assert person.status_code == 200


def test_a_name_search_also_travels_as_a_token(
    admin_client: Client, berg: Resident, world: dict[str, Any]
) -> None:
    response = admin_client.post(admin_url(Resident, "search"), {"q": "Ber"}, follow=True)
    (hop,) = [url for url, _status in response.redirect_chain]
    assert "Ber" not in hop
    assert list(response.context["cl"].result_list) == [berg]
    token = hop.split(f"{SEARCH_TOKEN_VAR}=")[1]
    assert admin_client.session[SEARCH_SESSION_KEY][token][1] == "Ber"
    # the same URL again (a page link, a reload) shows the same search
    again = admin_client.get(hop)
    assert list(again.context["cl"].result_list) == [berg]


def test_lists_without_identity_number_search_refuse_a_number_without_a_url(
    admin_client: Client, berg: Resident, world: dict[str, Any]
) -> None:
    response = admin_client.post(admin_url(Doctor, "search"), {"q": NIN}, follow=True)
    (hop,) = [url for url, _status in response.redirect_chain]
    assert hop == admin_url(Doctor, "changelist")
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("kan ikke søkes på fødselsnummer" in m for m in messages)
    assert not admin_client.session.get(SEARCH_SESSION_KEY)  # the number is not kept


def test_an_unknown_or_foreign_token_is_refused(
    admin_client: Client, berg: Resident, world: dict[str, Any]
) -> None:
    response = admin_client.get(admin_url(Resident, "changelist"), {SEARCH_TOKEN_VAR: "gjettet"})
    assert response.status_code == 302
    assert response["Location"] == admin_url(Resident, "changelist")
    # a token kept for the residents' list does not search another list
    hop = admin_client.post(admin_url(Resident, "search"), {"q": "Ber"})["Location"]
    token = hop.split(f"{SEARCH_TOKEN_VAR}=")[1]
    other = admin_client.get(admin_url(Doctor, "changelist"), {SEARCH_TOKEN_VAR: token})
    assert other.status_code == 302


def test_the_search_post_is_csrf_protected(berg: Resident, world: dict[str, Any]) -> None:
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("sjef", password="pw")
    client = Client(enforce_csrf_checks=True)
    client.login(username="sjef", password="pw")
    assert client.post(admin_url(Resident, "search"), {"q": NIN}).status_code == 403


def test_a_user_without_view_permission_cannot_search(
    client: Client, berg: Resident, world: dict[str, Any]
) -> None:
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("ansatt", password="pw", is_staff=True)
    client.login(username="ansatt", password="pw")
    assert client.post(admin_url(Resident, "search"), {"q": NIN}).status_code == 403


def test_every_admin_list_with_a_search_box_searches_by_post(
    admin_client: Client, world: dict[str, Any]
) -> None:
    from django.contrib import admin

    from fastlege.core.admin_tools import NationalScaleMixin

    searched = 0
    for model, model_admin in admin.site._registry.items():
        if not model_admin.search_fields or not isinstance(model_admin, NationalScaleMixin):
            continue
        page = admin_client.get(admin_url(model, "changelist"))
        assert page.status_code == 200, model
        assert f'method="post" action="{admin_url(model, "search")}"' in page.content.decode()
        response = admin_client.post(admin_url(model, "search"), {"q": "Åse"})
        assert response.status_code == 302, model
        location = response["Location"]
        assert "%C3%85se" not in location and "q=" not in location
        assert f"{SEARCH_TOKEN_VAR}=" in location
        assert admin_client.get(location).status_code == 200, model
        searched += 1
    assert searched >= 20


# -- M9: every list of people writes one audit row per page view -----------------------


def test_the_residents_list_records_one_read_naming_the_people_shown(
    admin_client: Client, berg: Resident, world: dict[str, Any]
) -> None:
    response = admin_client.get(admin_url(Resident, "changelist"))
    shown = [str(r.pk) for r in response.context["cl"].result_list]
    assert sorted(shown) == sorted([str(berg.pk), str(world["resident"].pk)])
    (event,) = _reads()
    assert event.actor is not None and event.actor.username == "admin"
    assert event.object_type == "registry.resident"
    assert event.details["ids"] == shown
    assert event.details["search"] is False and event.details["page"] == 1
    assert event.reason == "admin: innsyn"
    assert event.action == "admin.list registry.resident"
    text = str(event.details) + event.action + event.reason + event.object_id
    assert BIRTH_PART not in text and world["resident"].nin[:6] not in text


def test_a_search_result_page_records_the_people_it_shows(
    admin_client: Client, berg: Resident, world: dict[str, Any]
) -> None:
    admin_client.post(admin_url(Resident, "search"), {"q": NIN}, follow=True)
    (event,) = _reads()
    assert event.details["ids"] == [str(berg.pk)]
    assert event.details["search"] is True
    assert BIRTH_PART not in str(event.details)
    # a search that finds nobody shows nobody: nothing recorded
    admin_client.post(admin_url(Resident, "search"), {"q": "Zzz"}, follow=True)
    assert len(_reads()) == 1


@pytest.mark.parametrize(
    ("model", "person"),
    [
        (ListMembership, "resident"),
        (SwitchRequest, "resident"),
        (WaitingListEntry, "resident"),
        (PopulationEvent, "resident"),
        (Notification, "resident"),
        (ReductionDraw, "resident"),
        (RemovalDecision, "resident"),
        (Absence, "doctor"),
    ],
)
def test_every_list_of_peoples_records_records_a_read(
    admin_client: Client, world: dict[str, Any], model: Any, person: str
) -> None:
    rows = list(model.objects.all())
    assert rows, f"the test world holds no {model._meta.label}"
    response = admin_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    (event,) = _reads()
    expected = [str(pk) for pk in dict.fromkeys(getattr(r, f"{person}_id") for r in rows)]
    assert sorted(event.details["ids"]) == sorted(expected)
    assert event.object_type == f"registry.{person}"
    assert event.action == f"admin.list {model._meta.label_lower}"


def test_the_role_assignments_list_records_the_citizens_it_shows(
    admin_client: Client, berg: Resident
) -> None:
    from fastlege.accounts.models import Role, RoleAssignment
    from fastlege.registry.tests.factories import user_with

    user_with(Role.CITIZEN, resident=berg)
    user_with(Role.MUNICIPALITY, municipality_id="5001")  # names no person
    response = admin_client.get(admin_url(RoleAssignment, "changelist"))
    assert response.status_code == 200
    (event,) = _reads()
    assert event.details["ids"] == [str(berg.pk)]
    assert event.object_type == "registry.resident"
