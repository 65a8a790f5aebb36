"""Check against reality: the seeded demo gives the published KOSTRA 2025 figures."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command

from fastlege.reference.models import KostraGpFigures
from fastlege.registry.tests.calibration import assert_county_calibrated
from fastlege.stats.kostra import COMPARED, compare_year
from fastlege.stats.services import fill_month_from_registry

pytestmark = pytest.mark.django_db

DEC_2025 = datetime.date(2025, 12, 1)


def test_two_municipalities_with_vacant_lists_match_kostra():
    call_command(
        "seed", "--kommune", "5022", "--kommune", "5026", "--months", "0", stdout=io.StringIO()
    )
    fill_month_from_registry(None, DEC_2025)
    result = compare_year(2025)
    assert [c.municipality for c in result] == ["5022", "5026"]
    for c in result:
        assert c.differences == {}, c.municipality
        assert (c.ours["lists_without_gp"] or 0) >= 1  # the interesting case: vacant lists


@pytest.mark.slow
def test_trondelag_2025_equals_kostra_in_every_municipality():
    """The whole of Trøndelag, seeded once (the slowest seed of the suite): the
    registry itself is calibrated in every municipality, and the statistics made
    from it give every published KOSTRA 2025 figure."""
    call_command("seed", "--fylke", "50", "--months", "0", stdout=io.StringIO())
    assert_county_calibrated("50", municipalities=38)
    fill_month_from_registry(None, DEC_2025)
    result = compare_year(2025, county="50")
    assert (
        len(result)
        == KostraGpFigures.objects.filter(year=2025, municipality__county_id="50").count()
        == 38
    )
    wrong = {c.municipality: c.differences for c in result if c.differences}
    assert wrong == {}
    assert set(COMPARED) <= set(result[0].ours)
