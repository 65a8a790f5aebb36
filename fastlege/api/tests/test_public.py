"""The public resources of /api/v1/: pages, filters, problems, ETags, and list figures by
the registry's one definition."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client

from fastlege.accounts.models import Role
from fastlege.api.services.clients import register_client
from fastlege.reference.models import County, Municipality
from fastlege.registry.models import SwitchRequest, WaitingListEntry
from fastlege.registry.tests.factories import ResidentFactory, gp_list, user_with

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    caches["security"].clear()


def get(client: Client, url: str, **headers: Any) -> Any:
    return client.get(url, **headers)


def test_counties_come_in_keyset_pages_that_add_up_to_every_county() -> None:
    client = Client()
    numbers: list[str] = []
    url: str | None = "/api/v1/counties/?limit=4"
    pages = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        assert len(body["results"]) <= 4
        numbers += [c["number"] for c in body["results"]]
        url = body["next"]
        if url:
            assert response["Link"] == f'<{url}>; rel="next"'
        pages += 1
    expected = sorted(County.objects.values_list("number", flat=True))
    assert numbers == expected and len(expected) > 4
    assert pages == -(-len(expected) // 4)


def test_a_changed_cursor_is_a_problem_not_a_wrong_page() -> None:
    client = Client()
    first = client.get("/api/v1/municipalities/?limit=2").json()
    cursor = first["next"].split("after=")[1].split("&")[0]
    tampered = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")
    response = client.get(f"/api/v1/municipalities/?limit=2&after={tampered}")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["code"] == "bad_cursor" and problem["type"] == "urn:fastlege:problem:bad_cursor"
    assert problem["errors"][0]["field"] == "after"
    assert problem["detail_en"] and problem["detail"] != problem["detail_en"]
    # a cursor of another resource is refused too
    other = client.get("/api/v1/counties/?limit=2").json()["next"].split("after=")[1]
    assert client.get(f"/api/v1/municipalities/?after={other}").status_code == 400


def test_unknown_filters_and_bad_values_are_named_in_the_problem() -> None:
    client = Client()
    response = client.get("/api/v1/agreements/?municipalty=5001&county=5")
    assert response.status_code == 400
    problem = response.json()
    assert problem["code"] == "unknown_field"
    assert [e["field"] for e in problem["errors"]] == ["municipalty"]
    bad = client.get("/api/v1/agreements/?county=5").json()
    assert bad["errors"][0]["field"] == "county"
    assert client.get("/api/v1/agreements/?on=2026-13-01").json()["errors"][0]["field"] == "on"
    assert client.get("/api/v1/agreements/?limit=0").status_code == 400


def test_a_missing_resource_is_a_404_problem() -> None:
    response = Client().get("/api/v1/municipalities/9999/")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "not_found"


def test_municipalities_filter_by_county_and_name_their_county() -> None:
    trondelag = Client().get("/api/v1/municipalities/?county=50&limit=1000").json()["results"]
    expected = set(Municipality.objects.filter(county_id="50").values_list("number", flat=True))
    assert {m["number"] for m in trondelag} == expected
    assert all(m["county"]["number"] == "50" for m in trondelag)


def test_a_lists_free_places_count_promised_moves_and_never_go_below_zero() -> None:
    roomy = gp_list(ceiling=10, members=4, municipality="5001")
    full = gp_list(ceiling=3, members=3, municipality="5001")
    # two residents have asked to move to the roomy list from the full one
    for person in ResidentFactory.create_batch(2, municipality_id="5001"):
        SwitchRequest.objects.create(
            resident=person,
            to_agreement=roomy,
            effective_on=datetime.date(2027, 1, 1),
            reason=SwitchRequest.Reason.ORDINARY,
        )
    rows = {
        a["id"]: a for a in Client().get("/api/v1/agreements/?municipality=5001").json()["results"]
    }
    assert rows[roomy.pk]["members"] == 4
    assert rows[roomy.pk]["free_places"] == 10 - 4 - 2
    assert rows[roomy.pk]["takes_new"] is True
    assert rows[full.pk]["free_places"] == 0 and rows[full.pk]["over_ceiling"] == 0
    assert rows[full.pk]["takes_new"] is False
    assert rows[roomy.pk]["gp"]["name"]


def test_small_waiting_counts_are_hidden_from_the_public_but_not_from_the_municipality() -> None:
    agreement = gp_list(ceiling=2, members=2, municipality="5001")
    for i, person in enumerate(ResidentFactory.create_batch(3, municipality_id="5001")):
        WaitingListEntry.objects.create(
            resident=person,
            agreement=agreement,
            joined_at=datetime.datetime(2026, 1, 1, 12, i, tzinfo=datetime.UTC),
        )
    url = f"/api/v1/agreements/{agreement.pk}/"
    assert Client().get(url).json()["waiting"] is None
    issued = register_client(
        user_with(Role.NATIONAL),
        name="Saksbehandling",
        role=Role.MUNICIPALITY,
        municipality_id="5001",
    )
    own = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {issued.secret}").json()
    assert own["waiting"] == 3
    other = register_client(
        user_with(Role.NATIONAL), name="Nabo", role=Role.MUNICIPALITY, municipality_id="5025"
    )
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {other.secret}").json()["waiting"] is None


def test_an_unchanged_answer_is_304_with_its_etag() -> None:
    client = Client()
    first = client.get("/api/v1/counties/50/")
    etag = first["ETag"]
    assert first.status_code == 200 and etag
    again = client.get("/api/v1/counties/50/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    other = client.get("/api/v1/counties/03/", HTTP_IF_NONE_MATCH=etag)
    assert other.status_code == 200


def test_the_openapi_description_and_its_docs_are_served_without_a_cdn() -> None:
    client = Client()
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    spec = schema.json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/agreements/" in spec["paths"]
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    for cdn in ("cdn.", "unpkg", "jsdelivr", "cloudflare", "https://"):
        assert cdn not in html
    assert "/static/drf_spectacular_sidecar/" in html


def test_a_gps_and_a_practices_lists_on_a_day() -> None:
    from fastlege.registry.models import DoctorPeriod

    mine, other = gp_list(), gp_list()
    doctor = DoctorPeriod.objects.get(agreement=mine).doctor
    # the same doctor also stands in on the other list from 2026-05-01
    DoctorPeriod.objects.create(
        agreement=other,
        doctor=doctor,
        role=DoctorPeriod.Role.SUBSTITUTE,
        valid_from=datetime.date(2026, 5, 1),
    )
    client = Client()

    def ids(query: str) -> list[int]:
        return [a["id"] for a in client.get(f"/api/v1/agreements/?{query}").json()["results"]]

    assert ids(f"gp={doctor.hpr_number}&on=2026-04-30") == [mine.pk]
    assert ids(f"gp={doctor.hpr_number}&on=2026-05-01") == sorted([mine.pk, other.pk])
    assert ids(f"practice={other.practice_id}") == [other.pk]
    assert client.get("/api/v1/agreements/?gp=12x").status_code == 400
