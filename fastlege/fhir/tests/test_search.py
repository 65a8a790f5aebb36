"""Searching /fhir/: by municipality and by name, pages with ``next`` links, refusals as
OperationOutcome, the CapabilityStatement, the rate limit and the cost of a page."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.cache import caches
from django.test import Client

from fastlege.api import throttling
from fastlege.fhir.tests.validation import CONTENT_TYPE, entries, fhir_get, validate
from fastlege.registry.models import Doctor, DoctorPeriod, Practice
from fastlege.registry.tests.factories import DoctorFactory, gp_list

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    caches["security"].clear()


def ids(url: str) -> set[str]:
    return {r["id"] for r in entries(fhir_get(url))}


def gp_of(agreement: Any) -> Doctor:
    return DoctorPeriod.objects.get(agreement=agreement, role="LPFL").doctor


def test_search_by_municipality_finds_that_municipalitys_gps_practices_and_lists() -> None:
    trondheim = [gp_list(municipality="5001") for _ in range(2)]
    oslo = gp_list(municipality="0301")

    assert ids("/fhir/PractitionerRole?municipality=5001") == {str(a.pk) for a in trondheim}
    assert ids("/fhir/Practitioner?municipality=5001") == {gp_of(a).hpr_number for a in trondheim}
    practices = {a.practice.org_number for a in trondheim}
    assert ids("/fhir/Organization?municipality=5001") == practices
    assert ids("/fhir/Location?municipality=5001") == practices
    assert ids("/fhir/PractitionerRole?municipality=0301") == {str(oslo.pk)}
    assert ids("/fhir/PractitionerRole?municipality=4601") == set()


def test_search_by_name_matches_the_beginning_of_any_name_word() -> None:
    lien, berg = gp_list(), gp_list()
    Doctor.objects.filter(pk=gp_of(lien).pk).update(first_name="Kari Anne", last_name="Lien")
    Doctor.objects.filter(pk=gp_of(berg).pk).update(first_name="Ola", last_name="Berg-Hansen")
    Practice.objects.filter(pk=lien.practice_id).update(name="Lade legesenter")
    Practice.objects.filter(pk=berg.practice_id).update(name="Sentrum legekontor")

    assert ids("/fhir/Practitioner?name=lien") == {gp_of(lien).hpr_number}
    assert ids("/fhir/Practitioner?name=anne%20li") == {gp_of(lien).hpr_number}
    assert ids("/fhir/Practitioner?name=hansen") == {gp_of(berg).hpr_number}
    assert ids("/fhir/Practitioner?name=ien") == set()  # a word's beginning, not its middle
    assert ids("/fhir/Organization?name=legesenter") == {lien.practice.org_number}
    assert ids("/fhir/Location?name=SENTRUM") == {berg.practice.org_number}
    assert ids("/fhir/Organization?name=lege&municipality=0301") == set()


def test_a_gps_list_is_found_by_the_gp_and_by_the_practice() -> None:
    agreement, other = gp_list(), gp_list()
    hpr, org = gp_of(agreement).hpr_number, agreement.practice.org_number
    substitute = DoctorFactory.create()
    DoctorPeriod.objects.create(
        agreement=other,
        doctor=substitute,
        role=DoctorPeriod.Role.SUBSTITUTE,
        valid_from=datetime.date(2024, 1, 1),
    )

    assert ids(f"/fhir/PractitionerRole?practitioner=Practitioner/{hpr}") == {str(agreement.pk)}
    assert ids(f"/fhir/PractitionerRole?practitioner={hpr}") == {str(agreement.pk)}
    assert ids(f"/fhir/PractitionerRole?organization=Organization/{org}") == {str(agreement.pk)}
    # practitioner= is the list's regular GP, as PractitionerRole.practitioner says.
    assert ids(f"/fhir/PractitionerRole?practitioner={substitute.hpr_number}") == set()


def test_pages_follow_the_next_link_and_give_every_match_once() -> None:
    made = {str(gp_list(municipality="5001").pk) for _ in range(5)}
    gp_list(municipality="0301")

    seen: list[str] = []
    url: str | None = "/fhir/PractitionerRole?municipality=5001&_count=2"
    pages = 0
    while url:
        bundle = fhir_get(url)
        assert bundle["total"] == 5
        seen += [r["id"] for r in entries(bundle)]
        links = {link["relation"]: link["url"] for link in bundle["link"]}
        assert links["self"].endswith(url)
        url = None
        if "next" in links:
            parts = urlsplit(links["next"])
            url = f"{parts.path}?{parts.query}"
        pages += 1
    assert pages == 3
    assert sorted(seen) == sorted(made)
    for bundle_entry in fhir_get("/fhir/PractitionerRole?municipality=5001")["entry"]:
        assert bundle_entry["fullUrl"] == (
            f"http://testserver/fhir/PractitionerRole/{bundle_entry['resource']['id']}"
        )


def outcome(url: str, status: int, issue_code: str, code: str, method: str = "get") -> None:
    response = getattr(Client(), method)(url)
    assert response.status_code == status, url
    assert response["Content-Type"].split(";")[0] == CONTENT_TYPE
    body = validate(response.json())
    assert body["resourceType"] == "OperationOutcome"
    [issue] = body["issue"]
    assert (issue["code"], issue["details"]["coding"][0]["code"]) == (issue_code, code), url
    assert issue["details"]["text"] and issue["diagnostics"]


@pytest.mark.parametrize(
    "url",
    [
        "/fhir/Practitioner?family=Lien",
        "/fhir/Practitioner?name:exact=Lien",
        "/fhir/Organization?_sort=name",
        "/fhir/PractitionerRole?name=Lien",
        "/fhir/Location?_include=Location:organization",
        "/fhir/Practitioner/123?municipality=5001",
    ],
)
def test_unknown_search_parameters_are_refused(url: str) -> None:
    outcome(url, 400, "not-supported", "unknown_parameter")


@pytest.mark.parametrize(
    "url",
    [
        "/fhir/Practitioner?municipality=501",
        "/fhir/Practitioner?municipality=5001&municipality=0301",
        "/fhir/Organization?name=",
        "/fhir/PractitionerRole?_count=0",
        "/fhir/PractitionerRole?_count=1001",
        "/fhir/PractitionerRole?_count=ti",
        "/fhir/PractitionerRole?practitioner=Patient/1",
    ],
)
def test_bad_values_are_refused(url: str) -> None:
    outcome(url, 400, "invalid", "invalid")


def test_a_tampered_page_cursor_is_refused() -> None:
    for _ in range(3):
        gp_list()
    bundle = fhir_get("/fhir/PractitionerRole?_count=1")
    following = next(link["url"] for link in bundle["link"] if link["relation"] == "next")
    query = urlsplit(following).query.replace("_cursor=", "_cursor=x")
    outcome(f"/fhir/PractitionerRole?{query}", 400, "invalid", "bad_cursor")
    # A cursor from another resource type's pages is no good here either.
    outcome(f"/fhir/Practitioner?{urlsplit(following).query}", 400, "invalid", "bad_cursor")


def test_only_reads_of_json_are_served() -> None:
    gp_list()
    outcome("/fhir/Practitioner", 405, "not-supported", "method_not_allowed", method="post")
    outcome("/fhir/Practitioner?_format=xml", 406, "not-supported", "not_acceptable")
    assert fhir_get("/fhir/Practitioner?_format=json")["resourceType"] == "Bundle"
    xml = Client().get("/fhir/metadata", HTTP_ACCEPT="application/fhir+xml")
    assert xml.status_code == 406
    assert validate(xml.json())["issue"][0]["details"]["coding"][0]["code"] == "not_acceptable"
    for accept in ("application/fhir+json", "application/json", "text/html, */*;q=0.8"):
        assert fhir_get("/fhir/metadata", HTTP_ACCEPT=accept)["resourceType"] == (
            "CapabilityStatement"
        )
    assert Client().head("/fhir/metadata").status_code == 200
    outcome("/fhir/", 404, "not-found", "not_found")
    outcome("/fhir/Patient?name=x", 404, "not-found", "not_found")


def test_metadata_lists_exactly_what_is_supported() -> None:
    statement = fhir_get("/fhir/metadata")
    assert statement["resourceType"] == "CapabilityStatement"
    assert statement["fhirVersion"] == "4.0.1"
    [rest] = statement["rest"]
    listed = {r["type"]: r for r in rest["resource"]}
    assert set(listed) == {"Practitioner", "Organization", "Location", "PractitionerRole"}
    for name, resource in listed.items():
        assert resource["profile"] == f"http://hl7.no/fhir/StructureDefinition/no-basis-{name}"
        assert [i["code"] for i in resource["interaction"]] == ["read", "search-type"]
        for param in resource["searchParam"]:  # every listed parameter is answered
            value = {"_count": "5", "municipality": "5001", "name": "a"}.get(param["name"], "1")
            assert fhir_get(f"/fhir/{name}?{param['name']}={value}")["type"] == "searchset"
    names = {n: {p["name"] for p in r["searchParam"]} for n, r in listed.items()}
    assert names["Practitioner"] == {"name", "municipality", "_count"}
    assert names["Organization"] == names["Location"] == {"name", "municipality", "_count"}
    assert names["PractitionerRole"] == {"municipality", "practitioner", "organization", "_count"}


def test_calls_without_a_token_are_rate_limited_like_the_apis(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(throttling, "ANONYMOUS_RATE", 2)
    fhir_get("/fhir/metadata")
    fhir_get("/fhir/Practitioner")
    response = Client().get("/fhir/metadata")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert validate(response.json())["issue"][0]["code"] == "throttled"
    # The same count as the API's open resources: the API refuses this address too.
    assert Client().get("/api/v1/counties/").status_code == 429


def test_a_page_of_100_lists_costs_the_same_few_queries_as_a_page_of_one(
    django_assert_max_num_queries: Any,
) -> None:
    lists = [gp_list(municipality="5001") for _ in range(101)]
    for agreement in lists[::3]:
        DoctorPeriod.objects.create(
            agreement=agreement,
            doctor=DoctorFactory.create(),
            role=DoctorPeriod.Role.SUBSTITUTE,
            valid_from=datetime.date(2024, 1, 1),
        )
    # The rate counter, the total, the page, the doctors of the page.
    with django_assert_max_num_queries(4):
        bundle = fhir_get("/fhir/PractitionerRole?municipality=5001&_count=100")
    assert len(bundle["entry"]) == 100
    with django_assert_max_num_queries(4):
        assert len(fhir_get("/fhir/PractitionerRole?municipality=5001&_count=1")["entry"]) == 1
    assert any(link["relation"] == "next" for link in bundle["link"])


@pytest.mark.postgres
def test_name_search_ignores_the_case_of_norwegian_letters() -> None:
    """PostgreSQL folds Æ, Ø and Å (SQLite's LIKE folds ASCII only)."""
    agreement = gp_list()
    Doctor.objects.filter(pk=gp_of(agreement).pk).update(last_name="Østby")
    Practice.objects.filter(pk=agreement.practice_id).update(name="Ålesund legesenter")

    assert ids("/fhir/Practitioner?name=øst") == {gp_of(agreement).hpr_number}
    assert ids("/fhir/Organization?name=ÅLESUND") == {agreement.practice.org_number}
