"""The API's indicator series hides what the statistics pages hide — the secondary
(complementary) cells too, not only the small counts: one truth
(``stats.disclosure``, docs/indicators.md «Skjerming av små tall»)."""

from __future__ import annotations

from collections import defaultdict

import pytest

from fastlege.accounts.models import Role
from fastlege.api.services.clients import register_client
from fastlege.api.tests.test_resources import JAN, api_figures, filled, get, page_figures
from fastlege.registry.tests.factories import user_with
from fastlege.stats import disclosure
from fastlege.stats import selectors as stats
from fastlege.stats.areas import area_keys, municipalities_on
from fastlege.stats.models import AreaKind, AreaMonthCount

pytestmark = pytest.mark.django_db
__all__ = ["filled"]  # the fixture, used by name

RENNEBU, HOLTALEN = "5022", "5026"
MUNICIPALITY = AreaKind.MUNICIPALITY.value


def _unassigned(month, by_municipality: dict[str, int]) -> None:
    """Set the month's unassigned residents (ufordelte) of the two municipalities, and of
    every area they are summed into (county, size group, centrality, nation) as the sum."""
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for number, info in municipalities_on(month).items():
        if number in by_municipality:
            for key in area_keys(info):
                totals[key] += by_municipality[number]
    for (kind, code), n in totals.items():
        assert AreaMonthCount.objects.filter(month=month, kind=kind, code=code).update(unassigned=n)


def test_a_figure_hidden_as_a_complement_is_hidden_by_the_api_and_the_page(
    filled: None,
) -> None:
    # Rennebu's 2 unassigned are a small count (hidden: primary). The county total is
    # published and is Rennebu + Holtålen, so Holtålen's 30 would give Rennebu's 2 away
    # (32 − 30): the smaller of the relation's visible cells, Holtålen's 30, is hidden too.
    _unassigned(JAN, {RENNEBU: 2, HOLTALEN: 30})
    disclosure._CACHE.clear()
    pattern = disclosure.month_pattern(JAN)
    cell = (MUNICIPALITY, HOLTALEN, "unassigned")
    assert (MUNICIPALITY, RENNEBU, "unassigned") in pattern.primary
    assert cell in pattern.cells and cell not in pattern.primary  # secondary only

    # The statistics page hides it ...
    page = page_figures(MUNICIPALITY, HOLTALEN, JAN, stats.PUBLIC)
    assert page["ufordelte"] == stats.SUPPRESSED
    # ... and so does the API, as null and named in "hidden".
    response = get(f"indicators/series/?municipality={HOLTALEN}&from=2026-01-01")
    assert response.status_code == 200, response.content
    (row,) = response.json()["results"]
    assert "ufordelte" in row["hidden"] and row["values"]["ufordelte"] is None
    assert {c: api_figures(row)[c] for c in page} == page

    # Holtålen's own client sees its figure: suppression is for the public only.
    own = register_client(
        user_with(Role.NATIONAL), name="Holtålen", role=Role.MUNICIPALITY, municipality_id=HOLTALEN
    )
    exact = get(f"indicators/series/?municipality={HOLTALEN}&from=2026-01-01", own.secret)
    assert exact.json()["results"][0]["values"]["ufordelte"] == 30
