"""The register's look-ups through the API: a person's GP (many persons, each on their
own day), history, confirm-GP and a list's members — numbers only in bodies, scoped
like the web pages, audited by person id."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client

from fastlege.accounts.models import Role
from fastlege.api.persons import MAX_PERSONS_PER_CALL
from fastlege.api.services.clients import register_client
from fastlege.core.models import AuditEvent
from fastlege.registry.models import DoctorPeriod, ListMembership
from fastlege.registry.tests.factories import (
    DoctorFactory,
    DoctorPeriodFactory,
    MembershipFactory,
    ResidentFactory,
    gp_list,
    member,
    synthetic_nin,
    user_with,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    caches["security"].clear()


def token(role: str = Role.NATIONAL, **scope: Any) -> str:
    name = f"{role}-{sorted(scope.items())}"
    return register_client(user_with(Role.NATIONAL), name=name, role=role, **scope).secret


def post(secret: str, path: str, body: Any) -> Any:
    return Client().post(
        f"/api/v1/lookup/{path}/",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )


def regular_gp(agreement: Any) -> Any:
    return DoctorPeriod.objects.get(agreement=agreement, role=DoctorPeriod.Role.REGULAR).doctor


def test_many_persons_each_on_their_own_day_are_answered_in_the_order_asked() -> None:
    first, second = gp_list(), gp_list()
    anne = member(first)
    # Bo moved from the first list to the second on 1 March 2026
    bo = ResidentFactory.create(municipality_id="5001")
    MembershipFactory.create(
        resident=bo, agreement=first, valid_from=D(2021, 1, 1), valid_to=D(2026, 3, 1)
    )
    MembershipFactory.create(resident=bo, agreement=second, valid_from=D(2026, 3, 1))
    unknown = synthetic_nin(D(1990, 2, 3))
    body = {
        "on": "2026-06-01",
        "persons": [
            {"nin": bo.nin, "on": "2026-02-28"},
            {"nin": unknown},
            {"nin": anne.nin},
            {"nin": bo.nin},
        ],
    }
    response = post(token(), "gp", body)
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["index"] for r in results] == [0, 1, 2, 3]
    assert [r["found"] for r in results] == [True, False, True, True]
    assert results[0]["list"]["agreement"] == first.pk  # the day before the move
    assert results[0]["on"] == "2026-02-28"
    assert results[3]["list"]["agreement"] == second.pk and results[3]["on"] == "2026-06-01"
    assert results[3]["list"]["member_from"] == "2026-03-01"
    assert results[3]["list"]["gp"]["hpr_number"] == regular_gp(second).hpr_number
    assert results[1]["list"] is None
    event = AuditEvent.objects.get(action="api.gp_lookup")
    assert event.kind == AuditEvent.Kind.READ
    assert sorted(event.details["ids"]) == sorted([str(anne.pk), str(bo.pk)])
    assert event.object_type == "registry.resident"
    assert anne.nin not in json.dumps(event.details) and unknown not in json.dumps(event.details)


def test_the_gp_and_the_substitute_are_those_serving_on_each_day_asked() -> None:
    """Days at the edges of half-open periods, written out from the calendar: GP A
    until 1 April (the end day is B's first), a substitute from 1 to 15 May."""
    agreement = gp_list()
    person = member(agreement)
    DoctorPeriod.objects.filter(agreement=agreement).update(valid_to=D(2026, 4, 1))
    a = regular_gp(agreement)
    b = DoctorFactory.create()
    DoctorPeriodFactory.create(agreement=agreement, doctor=b, valid_from=D(2026, 4, 1))
    sub = DoctorFactory.create()
    DoctorPeriodFactory.create(
        agreement=agreement,
        doctor=sub,
        role=DoctorPeriod.Role.SUBSTITUTE,
        substitute_for=b,
        valid_from=D(2026, 5, 1),
        valid_to=D(2026, 5, 15),
    )
    days = ["2026-03-31", "2026-04-01", "2026-05-01", "2026-05-14", "2026-05-15"]
    results = post(
        token(), "gp", {"persons": [{"nin": person.nin, "on": day} for day in days]}
    ).json()["results"]
    gps = [r["list"]["gp"]["hpr_number"] for r in results]
    subs = [(r["list"]["substitute"] or {}).get("hpr_number") for r in results]
    assert gps == [a.hpr_number, b.hpr_number, b.hpr_number, b.hpr_number, b.hpr_number]
    assert subs == [None, None, sub.hpr_number, sub.hpr_number, None]
    assert {r["list"]["practice"]["org_number"] for r in results} == {agreement.practice.org_number}


def test_a_gps_client_reads_only_the_persons_on_its_own_list_now() -> None:
    mine, other = gp_list(), gp_list()
    on_mine, on_other = member(mine), member(other)
    secret = token(Role.GP, doctor_id=regular_gp(mine).pk)
    results = post(secret, "gp", {"persons": [{"nin": on_mine.nin}, {"nin": on_other.nin}]}).json()[
        "results"
    ]
    assert [r["found"] for r in results] == [True, False]
    assert results[0]["list"]["agreement"] == mine.pk


def test_a_person_outside_the_municipalitys_area_is_answered_as_unknown() -> None:
    here, there = gp_list(municipality="5001"), gp_list(municipality="5025")
    local, away = member(here), member(there)
    results = post(
        token(Role.MUNICIPALITY, municipality_id="5001"),
        "gp",
        {"persons": [{"nin": local.nin}, {"nin": away.nin}]},
    ).json()["results"]
    assert [r["found"] for r in results] == [True, False]
    assert results[1]["list"] is None


def test_identity_numbers_only_in_bodies_and_never_echoed_in_errors() -> None:
    person = member(gp_list())
    secret = token()
    get = Client().get(
        f"/api/v1/lookup/gp/?nin={person.nin}", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert get.status_code == 405
    bad = person.nin[:-1] + str((int(person.nin[-1]) + 1) % 10)  # wrong check digit
    response = post(secret, "gp", {"persons": [{"nin": person.nin}, {"nin": bad}]})
    assert response.status_code == 400
    problem = response.json()
    assert problem["code"] == "invalid"
    assert [e["field"] for e in problem["errors"]] == ["persons[1].nin"]
    assert bad not in response.content.decode()
    assert not AuditEvent.objects.filter(action="api.gp_lookup").exists()


def test_bad_requests_are_refused_with_the_field_named() -> None:
    secret = token()
    nin = synthetic_nin(D(1980, 1, 1))
    too_many = {"persons": [{"nin": nin}] * (MAX_PERSONS_PER_CALL + 1)}
    assert post(secret, "gp", too_many).status_code == 400
    unknown = post(secret, "gp", {"persons": [{"nin": nin}], "dato": "2026-01-01"}).json()
    assert unknown["code"] == "unknown_field" and unknown["errors"][0]["field"] == "dato"
    bad_day = post(secret, "gp", {"persons": [{"nin": nin, "on": "1899-01-01"}]}).json()
    assert bad_day["errors"][0]["field"] == "persons[0].on"
    assert post(secret, "gp", {"persons": []}).status_code == 400
    anonymous = Client().post(
        "/api/v1/lookup/gp/",
        json.dumps({"persons": [{"nin": nin}]}),
        content_type="application/json",
    )
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "not_authenticated"


def test_the_history_names_every_place_and_the_doctors_who_served_it() -> None:
    first, second = gp_list(), gp_list()
    person = ResidentFactory.create(municipality_id="5001")
    MembershipFactory.create(
        resident=person,
        agreement=first,
        valid_from=D(2021, 1, 1),
        valid_to=D(2026, 3, 1),
        end_reason=ListMembership.EndReason.SWITCHED,
    )
    MembershipFactory.create(resident=person, agreement=second, valid_from=D(2026, 3, 1))
    answer = post(token(), "history", {"nin": person.nin}).json()
    assert answer["found"] is True
    places = answer["places"]
    assert [p["agreement"] for p in places] == [first.pk, second.pk]
    assert places[0]["member_to"] == "2026-03-01" and places[1]["member_to"] is None
    assert places[0]["doctors"][0]["hpr_number"] == regular_gp(first).hpr_number
    assert places[0]["doctors"][0]["from"] == "2021-01-01"  # clipped to the membership
    assert places[0]["doctors"][0]["to"] == "2026-03-01"
    assert AuditEvent.objects.get(action="api.gp_history").details["ids"] == [str(person.pk)]


def test_confirm_gp_answers_for_the_gp_then_and_only_about_oneself_for_a_gp() -> None:
    agreement = gp_list()
    person = member(agreement)
    gp = regular_gp(agreement)
    other = regular_gp(gp_list())
    national = token()
    assert post(national, "confirm-gp", {"nin": person.nin, "hpr": gp.hpr_number}).json() == {
        "confirmed": True
    }
    before = {"nin": person.nin, "hpr": gp.hpr_number, "on": "2020-12-31"}  # before joining
    assert post(national, "confirm-gp", before).json() == {"confirmed": False}
    assert post(national, "confirm-gp", {"nin": person.nin, "hpr": other.hpr_number}).json() == {
        "confirmed": False
    }
    own = token(Role.GP, doctor_id=gp.pk)
    assert post(own, "confirm-gp", {"nin": person.nin, "hpr": gp.hpr_number}).json() == {
        "confirmed": True
    }
    foreign = token(Role.GP, doctor_id=other.pk)
    response = post(foreign, "confirm-gp", {"nin": person.nin, "hpr": gp.hpr_number})
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_a_lists_members_for_its_municipality_and_gp_paged_and_audited() -> None:
    agreement = gp_list(members=5)
    url = f"/api/v1/agreements/{agreement.pk}/members/?limit=3"
    mine = token(Role.MUNICIPALITY, municipality_id="5001")
    first = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {mine}").json()
    assert len(first["results"]) == 3 and first["next"]
    rest = Client().get(first["next"], HTTP_AUTHORIZATION=f"Bearer {mine}").json()
    assert rest["next"] is None
    nins = {m["nin"] for m in first["results"] + rest["results"]}
    expected = set(
        ListMembership.objects.filter(agreement=agreement).values_list("resident__nin", flat=True)
    )
    assert nins == expected
    rows = {
        m.pk: {
            "id": m.pk,
            "nin": m.resident.nin,
            "name": f"{m.resident.first_name} {m.resident.last_name}",
            "birth_date": m.resident.birth_date.isoformat(),
            "member_from": m.valid_from.isoformat(),
            "member_to": None,
        }
        for m in ListMembership.objects.filter(agreement=agreement).select_related("resident")
    }
    assert [r["id"] for r in first["results"] + rest["results"]] == sorted(rows)
    assert first["results"] + rest["results"] == [rows[pk] for pk in sorted(rows)]
    events = AuditEvent.objects.filter(action="api.list_members").order_by("pk")
    assert [len(e.details["ids"]) for e in events] == [3, 2]
    assert {e.details["agreement"] for e in events} == {agreement.pk}
    gp = token(Role.GP, doctor_id=regular_gp(agreement).pk)
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {gp}").status_code == 200
    neighbour = token(Role.MUNICIPALITY, municipality_id="5025")
    refused = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {neighbour}")
    assert refused.status_code == 403 and refused["Content-Type"] == "application/problem+json"
    assert Client().get(url).status_code == 401


def test_field_errors_are_in_the_language_the_program_asks_for() -> None:
    """The web pages ignore Accept-Language (the footer's switch chooses); the API keeps
    it: a field error's detail is Norwegian by default and English when asked."""
    secret = token()

    def detail(**headers: Any) -> str:
        response = Client().post(
            "/api/v1/lookup/gp/",
            json.dumps({"persons": "ikke en liste"}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
            **headers,
        )
        assert response.status_code == 400
        return str(response.json()["errors"][0]["detail"])

    norwegian, english = detail(), detail(HTTP_ACCEPT_LANGUAGE="en")
    assert norwegian != english
    assert "list" in english.lower() and "liste" in norwegian.lower()
