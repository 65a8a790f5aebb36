"""Every measures page × every persona: municipalities read their county and change only
their own; the county governor reads the county; other roles see nothing."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from fastlege.measures.models import Demand, Measure, MeasureType
from fastlege.measures.services import create_demand_list
from fastlege.measures.tests.factories import MELHUS, TRONDHEIM, measure, mtype

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "citizen",
    "gp",
    "municipality",
    "neighbour_municipality",
    "other_county_municipality",
    "county_governor",
    "other_county_governor",
    "national",
]
TRONDELAG_READERS = {"municipality", "neighbour_municipality", "county_governor", "national"}
TRONDHEIM_WRITERS = {"municipality", "national"}
ANY_READER = TRONDELAG_READERS | {"other_county_municipality", "other_county_governor"}

PAGES: list[tuple[str, Callable[[Measure, Demand], str], set[str]]] = [
    ("catalogue", lambda m, d: reverse("measures:catalogue"), ANY_READER),
    ("county", lambda m, d: reverse("measures:county", args=["50"]), TRONDELAG_READERS),
    (
        "municipality",
        lambda m, d: reverse("measures:municipality", args=[TRONDHEIM]),
        TRONDELAG_READERS,
    ),
    ("measure", lambda m, d: reverse("measures:measure", args=[m.pk]), TRONDELAG_READERS),
    ("new", lambda m, d: reverse("measures:measure_new", args=[TRONDHEIM]), TRONDHEIM_WRITERS),
    ("edit", lambda m, d: reverse("measures:measure_edit", args=[m.pk]), TRONDHEIM_WRITERS),
    ("demands", lambda m, d: reverse("measures:demands_new", args=[TRONDHEIM]), TRONDHEIM_WRITERS),
    ("answer", lambda m, d: reverse("measures:demand_answer", args=[d.pk]), TRONDHEIM_WRITERS),
    (
        "oslo",
        lambda m, d: reverse("measures:municipality", args=["0301"]),
        {"other_county_municipality", "other_county_governor", "national"},
    ),
    ("unknown_measure", lambda m, d: reverse("measures:measure", args=[999_999]), set()),
    ("unknown_municipality", lambda m, d: reverse("measures:municipality", args=["9999"]), set()),
]

# What each page shows a reader, from the test data: its heading (the municipality or
# county by name) and the Trondheim measure or demand it is about.
SHOWS: dict[str, Callable[[Measure, Demand], list[str]]] = {
    "catalogue": lambda m, d: ["<h1>Tiltakskatalogen</h1>", m.measure_type.name],
    "county": lambda m, d: ["<h1>Tiltak i Trøndelag</h1>", m.measure_type.name],
    "municipality": lambda m, d: ["<h1>Tiltak i Trondheim</h1>", m.measure_type.name],
    "measure": lambda m, d: [f"<h1>{m.measure_type.name} – Trondheim</h1>"],
    "new": lambda m, d: ["<h1>Registrer tiltak – Trondheim</h1>"],
    "edit": lambda m, d: ["<h1>Endre tiltak – Trondheim</h1>", 'value="100000'],
    "demands": lambda m, d: ["<h1>Registrer en kravliste – Trondheim</h1>"],
    "answer": lambda m, d: ["<h1>Svar på kravet</h1>", "Mindre lister"],
    "oslo": lambda m, d: ["<h1>Tiltak i Oslo</h1>"],
}


def client_for(users, persona: str) -> Client:
    c = Client()
    if persona != "anonymous":
        c.force_login(users[persona])
    return c


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", PAGES, ids=[p[0] for p in PAGES])
def test_access_matrix(users, persona, page):
    name, url_of, allowed = page
    m = measure(TRONDHEIM, value=100_000)
    d = create_demand_list(
        None, TRONDHEIM, title="Krav", submitted_by="Legene", demands=[("Mindre lister", None)]
    ).demands.get()
    response = client_for(users, persona).get(url_of(m, d))
    if persona in allowed:
        assert response.status_code == 200, f"{persona} should see {name}"
        html = response.content.decode()
        for text in SHOWS[name](m, d):  # the page itself, not an error page under 200
            assert text in html, f"{name} as {persona}: {text!r} missing"
    elif persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("web:login"))
    else:
        assert response.status_code in (403, 404), f"{persona} must not see {name}"


def test_the_start_page_sends_each_role_to_its_own_place(users):
    r = client_for(users, "neighbour_municipality").get(reverse("measures:index"))
    assert r["Location"] == reverse("measures:municipality", args=[MELHUS])
    r = client_for(users, "county_governor").get(reverse("measures:index"))
    assert r["Location"] == reverse("measures:county", args=["50"])
    r = client_for(users, "national").get(reverse("measures:index"))
    assert r.status_code == 200 and "Trøndelag" in r.content.decode()


@pytest.mark.parametrize("persona", sorted(set(PERSONAS) - TRONDHEIM_WRITERS - {"anonymous"}))
def test_another_municipality_or_role_cannot_edit_through_the_form(users, persona):
    m = measure(TRONDHEIM, "driftstilskudd", value=100_000)
    r = client_for(users, persona).post(
        reverse("measures:measure_edit", args=[m.pk]),
        {
            "measure_type": mtype("driftstilskudd").pk,
            "status": "planlagt",
            "value": "1",
            "value_basis": "per_lege",
            "target_group": "alle_fastleger",
        },
    )
    assert r.status_code in (403, 404)
    m.refresh_from_db()
    assert m.value == Decimal(100_000)


def test_the_neighbour_reads_but_gets_no_edit_links(users):
    m = measure(TRONDHEIM, value=100_000)
    html = (
        client_for(users, "neighbour_municipality")
        .get(reverse("measures:municipality", args=[TRONDHEIM]))
        .content.decode()
    )
    assert reverse("measures:measure_new", args=[TRONDHEIM]) not in html
    assert reverse("measures:measure", args=[m.pk]) in html


def test_only_the_county_governor_decides_proposals_through_the_page(users):
    client_for(users, "municipality").post(
        reverse("measures:catalogue"),
        {
            "municipality": TRONDHEIM,
            "name": "Boligtilskudd",
            "category": "penger",
            "unit": "kr_engang",
        },
    )
    proposal = MeasureType.objects.get(name="Boligtilskudd")
    for persona in ("municipality", "neighbour_municipality", "other_county_governor"):
        r = client_for(users, persona).post(
            reverse("measures:type_decide", args=[proposal.pk]), {"decision": "godkjenn"}
        )
        assert r.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == "foreslatt"
    page = client_for(users, "county_governor").get(reverse("measures:catalogue"))
    assert "Godkjenn i katalogen" in page.content.decode()
    client_for(users, "county_governor").post(
        reverse("measures:type_decide", args=[proposal.pk]), {"decision": "godkjenn"}
    )
    proposal.refresh_from_db()
    assert proposal.status == "godkjent"


def test_navigation_offers_measures_to_the_roles_that_read_them(users):
    for persona in ("municipality", "county_governor", "national"):
        html = client_for(users, persona).get(reverse("home")).content.decode()
        assert f'href="{reverse("measures:index")}"' in html
    html = client_for(users, "citizen").get(reverse("home")).content.decode()
    assert f'href="{reverse("measures:index")}"' not in html
