"""The open resources beyond the registry: the indicators' time series give the
statistics pages' figures for the same area and month (suppressed as the public
pages are, exact for the area's own client), decided measures only, and the
dialogue's published meetings and consultations — paged, filtered, with ETags."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client

from fastlege.accounts.models import Role
from fastlege.api.services.clients import register_client
from fastlege.dialogue import services as dialogue_services
from fastlege.dialogue.tests.factories import at, meeting, ministry
from fastlege.measures.tests.factories import measure
from fastlege.monthly.services import run_month
from fastlege.registry.tests.factories import user_with
from fastlege.stats import selectors as stats
from fastlege.stats.areas import area_name
from fastlege.stats.indicators import HEADLINE, INDICATORS, SERIES
from fastlege.stats.services import fill_month_from_registry, stats_fill

pytestmark = pytest.mark.django_db
DEC = datetime.date(2025, 12, 1)
JAN = datetime.date(2026, 1, 1)


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    caches["security"].clear()


@pytest.fixture
def filled() -> None:
    """Two small municipalities of Trøndelag (Rennebu, Holtålen), counted for two months
    as the statistics pages are (the same fixture as fastlege/stats/tests/test_pages.py)."""
    call_command(
        "seed", "--kommune", "5022", "--kommune", "5026", "--months", "0", stdout=io.StringIO()
    )
    fill_month_from_registry(None, DEC)
    run_month(None, JAN)
    stats_fill(None)


def get(path: str, secret: str | None = None, **headers: Any) -> Any:
    if secret:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return Client().get(f"/api/v1/{path}", **headers)


def page_figures(kind: str, code: str, month: datetime.date, viewer: Any) -> dict[str, Any]:
    """The statistics page's figures for the area and month (its headlines and its
    series), as ``stats.selectors.area_page`` makes them for the page."""
    page = stats.area_page(kind, code, area_name(kind, code), month, viewer=viewer)
    figures = {h.indicator.code: h.value for h in page.headlines}
    for c, points in page.series.items():
        figures[c] = dict(points)[month]
    return figures


def api_figures(row: dict[str, Any]) -> dict[str, Any]:
    """The API row in the page's terms: a hidden figure is the page's «:»."""
    return {c: stats.SUPPRESSED if c in row["hidden"] else v for c, v in row["values"].items()}


@pytest.mark.parametrize(
    ("query", "kind", "code"),
    [
        ("municipality=5022", "kommune", "5022"),
        ("municipality=5026", "kommune", "5026"),
        ("county=50", "fylke", "50"),
        ("", "nasjon", ""),
    ],
)
def test_the_series_gives_the_public_statistics_pages_figures(
    filled: None, query: str, kind: str, code: str
) -> None:
    response = get(f"indicators/series/?{query}")
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert [r["month"] for r in rows] == ["2025-12-01", "2026-01-01"]
    assert {(r["kind"], r["area"]) for r in rows} == {(kind, code)}
    for row, month in zip(rows, (DEC, JAN), strict=True):
        expected = page_figures(kind, code, month, stats.PUBLIC)
        shown = api_figures(row)
        assert {c: shown[c] for c in expected} == expected
        assert set(row["values"]) == {i.code for i in INDICATORS}


def test_small_counts_are_hidden_in_public_and_exact_for_the_areas_own_client(
    filled: None,
) -> None:
    public = get("indicators/series/?municipality=5022&from=2026-01-01").json()["results"]
    assert len(public) == 1 and public[0]["hidden"], "Rennebu has small counts to hide"
    own = register_client(
        user_with(Role.NATIONAL), name="Rennebu", role=Role.MUNICIPALITY, municipality_id="5022"
    )
    exact = get("indicators/series/?municipality=5022&from=2026-01-01", own.secret).json()
    row = exact["results"][0]
    assert row["hidden"] == []
    expected = page_figures("kommune", "5022", JAN, stats.viewer_for(own.client.user))
    assert {c: row["values"][c] for c in expected} == expected
    # the same client sees its neighbour as the public does
    other = get("indicators/series/?municipality=5026&from=2026-01-01", own.secret).json()
    assert other["results"][0]["hidden"]


def test_the_series_is_paged_by_month_filtered_and_cached(filled: None) -> None:
    codes = f"{SERIES[0]},{HEADLINE[-1]}"
    first = get(f"indicators/series/?county=50&limit=1&indicator={codes}")
    assert first.status_code == 200
    body = first.json()
    assert [r["month"] for r in body["results"]] == ["2025-12-01"]
    assert set(body["results"][0]["values"]) == {SERIES[0], HEADLINE[-1]}
    following = Client().get(body["next"])
    assert [r["month"] for r in following.json()["results"]] == ["2026-01-01"]
    assert following.json()["next"] is None
    again = get(
        f"indicators/series/?county=50&limit=1&indicator={codes}", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert again.status_code == 304
    to = get("indicators/series/?county=50&to=2025-12-01").json()["results"]
    assert [r["month"] for r in to] == ["2025-12-01"]


@pytest.mark.parametrize(
    "query",
    [
        "indicator=finnes_ikke",
        "municipality=5022&county=50",
        "municipality=50",
        "from=2026-13-01",
        "kommune=5022",
    ],
)
def test_a_bad_filter_of_the_series_is_a_problem(query: str) -> None:
    response = get(f"indicators/series/?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_field"


def test_the_indicators_are_listed_with_their_one_definition() -> None:
    rows = get("indicators/").json()["results"]
    assert [r["code"] for r in rows] == [i.code for i in INDICATORS]
    first = rows[0]
    assert first["formula"] == str(INDICATORS[0].formula_text)
    assert first["decimals"] == INDICATORS[0].decimals
    paged = get("indicators/?limit=2").json()
    assert [r["code"] for r in paged["results"]] == [i.code for i in INDICATORS[:2]]
    rest = Client().get(paged["next"]).json()
    assert rest["results"][0]["code"] == INDICATORS[2].code
    assert get("indicators/?after=forfalsket").json()["code"] == "bad_cursor"


def test_only_decided_measures_are_open_and_the_filters_work() -> None:
    decided = measure("5001", status="vedtatt")
    active = measure("5028", status="aktiv")
    planned = measure("5001", status="planlagt", code="rekrutteringstilskudd")
    rows = get("measures/").json()["results"]
    assert [r["id"] for r in rows] == [decided.pk, active.pk]
    assert rows[0]["type"]["code"] == "etableringstilskudd"
    assert rows[0]["value"] == 200000.0 and rows[0]["decision_body"] == "Formannskapet"
    assert [r["id"] for r in get("measures/?municipality=5028").json()["results"]] == [active.pk]
    assert [r["id"] for r in get("measures/?county=50&status=vedtatt").json()["results"]] == [
        decided.pk
    ]
    assert get(f"measures/{decided.pk}/").status_code == 200
    assert get(f"measures/{planned.pk}/").status_code == 404
    assert get("measures/?status=planlagt").status_code == 400


def test_published_meetings_and_open_consultations_without_their_participants() -> None:
    shown = meeting(programme="09:00-10:00 Velkommen")
    meeting(title="Utkast", published=False)
    rows = get("meetings/").json()["results"]
    assert [r["id"] for r in rows] == [shown.pk]
    assert rows[0]["county"] == "50" and rows[0]["programme"]
    assert "registrations" not in rows[0] and "contact" not in rows[0]
    assert get("meetings/?county=03").json()["results"] == []
    assert get(f"meetings/{shown.pk}/").json()["title"] == shown.title

    far = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=30)
    open_now = dialogue_services.create_consultation(
        ministry(),
        title="Innspill",
        question="Hva bør endres?",
        organiser_name="Departementet",
        opens_at=at(2020, 1, 1),
        deadline=far,
        themes=["ALIS"],
    )
    hidden = dialogue_services.create_consultation(
        ministry(),
        title="Ikke publisert",
        question="?",
        organiser_name="Departementet",
        opens_at=at(2020, 1, 1),
        deadline=far,
        themes=["ALIS"],
    )
    type(hidden).objects.filter(pk=hidden.pk).update(status="utkast")
    type(open_now).objects.filter(pk=open_now.pk).update(status="apen")
    rows = get("consultations/").json()["results"]
    assert [r["id"] for r in rows] == [open_now.pk]
    assert "submissions" not in rows[0]
    assert rows[0]["phase"] == "apen"
