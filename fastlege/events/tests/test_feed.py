"""``GET /api/v1/events/``: a token's events after a cursor, in order, scoped to its
area like the other resources, audited when they name persons."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client

from fastlege.accounts.models import Role
from fastlege.api.services.clients import register_client
from fastlege.core.models import AuditEvent
from fastlege.events.models import Event
from fastlege.events.services.publish import publish
from fastlege.registry.models import ListMembership
from fastlege.registry.tests.factories import gp_list, member, user_with

pytestmark = pytest.mark.django_db
URL = "/api/v1/events/"


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    caches["security"].clear()


def token(role: str = Role.NATIONAL, **scope: Any) -> str:
    name = f"{role}-{sorted(scope.items())}"
    return register_client(user_with(Role.NATIONAL), name=name, role=role, **scope).secret


def get(secret: str | None, query: str = "") -> Any:
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
    return Client().get(URL + query, **headers)


def newest() -> int:
    publish()
    return Event.objects.order_by("-position").values_list("position", flat=True).first() or 0


def read_all(secret: str, after: int, limit: int = 2) -> list[dict[str, Any]]:
    """Every page from ``after``, following ``next`` until ``more`` is false."""
    out: list[dict[str, Any]] = []
    query = f"?after={after}&limit={limit}"
    for _ in range(100):
        body = get(secret, query).json()
        out += body["results"]
        if not body["more"]:
            last = out[-1]["id"] if out else after
            assert f"after={last}" in body["next"]  # poll from here later
            return out
        query = "?" + body["next"].split("?", 1)[1]
    raise AssertionError("the feed never ended")


def test_a_municipality_reads_its_own_lists_events_in_order_page_by_page() -> None:
    start = newest()
    trondheim = gp_list(municipality="5001")
    roros = gp_list(municipality="5025")
    oslo = gp_list(municipality="0301")
    a, b = member(trondheim), member(roros)
    member(oslo)
    ListMembership.objects.filter(resident=a).update(valid_to="2026-03-01", end_reason="dod")

    mine = read_all(token(Role.MUNICIPALITY, municipality_id="5001"), start)
    assert [(e["type"], e["agreement"]) for e in mine] == [
        ("ContractCreated", trondheim.pk),
        ("GPOnContractCreated", trondheim.pk),
        ("PatientOnContractCreated", trondheim.pk),
        ("PatientOnContractCanceled", trondheim.pk),
    ]
    ids = [e["id"] for e in mine]
    assert ids == sorted(ids) and len(set(ids)) == 4
    assert mine[2]["payload"]["resident"] == a.pk and "nin" not in mine[2]["payload"]

    county = read_all(token(Role.COUNTY_GOVERNOR, county_id="50"), start, limit=3)
    assert {e["agreement"] for e in county} == {trondheim.pk, roros.pk}
    assert {e["payload"].get("resident") for e in county} >= {a.pk, b.pk}

    everything = read_all(token(Role.NATIONAL), start, limit=1000)
    assert {e["agreement"] for e in everything} == {trondheim.pk, roros.pk, oslo.pk}
    assert len(everything) == 10


def test_reading_events_about_persons_is_audited_by_person_id() -> None:
    start = newest()
    agreement = gp_list(municipality="5001")
    people = [member(agreement) for _ in range(3)]
    secret = token(Role.MUNICIPALITY, municipality_id="5001")
    before = AuditEvent.objects.filter(action="api.events").count()
    body = get(secret, f"?after={start}").json()
    assert len(body["results"]) == 5
    audit = AuditEvent.objects.filter(action="api.events").order_by("-id")
    assert audit.count() == before + 1
    row = audit.first()
    assert row is not None and row.kind == AuditEvent.Kind.READ
    assert row.object_type == "registry.resident"
    assert row.details["ids"] == [str(p.pk) for p in sorted(people, key=lambda p: p.pk)]
    assert not any(p.nin in str(row.details) for p in people)
    # a page without persons is no read of personal data
    get(secret, f"?after={start}&type=ContractCreated")
    assert AuditEvent.objects.filter(action="api.events").count() == before + 1


def test_type_filter_and_the_cursor_resume_where_the_client_stopped() -> None:
    start = newest()
    agreement = gp_list(municipality="5001")
    secret = token(Role.NATIONAL)
    first = get(secret, f"?after={start}").json()
    assert [e["type"] for e in first["results"]] == ["ContractCreated", "GPOnContractCreated"]
    member(agreement)
    resumed = get(secret, "?" + first["next"].split("?", 1)[1]).json()
    assert [e["type"] for e in resumed["results"]] == ["PatientOnContractCreated"]
    only = get(secret, f"?after={start}&type=PatientOnContractCreated,ContractCreated").json()
    assert [e["type"] for e in only["results"]] == ["ContractCreated", "PatientOnContractCreated"]


@pytest.mark.parametrize("query", ["?after=abc", "?after=-1", "?after=1.5", "?after=" + "9" * 30])
def test_a_bad_cursor_is_a_bad_cursor_problem(query: str) -> None:
    response = get(token(), query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "bad_cursor"


def test_unknown_parameters_and_types_are_refused() -> None:
    secret = token()
    assert get(secret, "?since=3").json()["code"] == "unknown_field"
    assert get(secret, "?type=Nope").json()["code"] == "unknown_field"
    assert get(secret, "?limit=5000").json()["code"] == "bad_cursor"


def test_a_token_is_required_and_a_gp_has_no_feed() -> None:
    assert get(None).status_code == 401
    agreement = gp_list()
    doctor_id = agreement.doctor_periods.get().doctor_id
    response = get(token(Role.GP, doctor_id=doctor_id))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
