"""Check against reality: the seeded demo gives the published KOSTRA 2025 figures.

What is compared is what a user gets: the figures read from the rendered
statistics pages (the county's table of its municipalities, each municipality's
comparison table) and from the export downloaded as CSV and as Excel, for
December 2025 (KOSTRA's figures are per 31.12.2025), beside the KOSTRA file as
SSB publishes it (``fastlege/reference/data/fastlege_kommune_2025.csv``, read
here directly). Nothing is recomputed or rounded in the test: a figure the
pages round differently from SSB (882 where SSB publishes 883) is a failure.

The user is Trøndelag's county governor, who sees the county's municipalities
unsuppressed (public pages hide counts below 5, which KOSTRA does not).
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from fastlege.accounts.models import Role
from fastlege.registry.tests.calibration import assert_county_calibrated
from fastlege.registry.tests.factories import user_with
from fastlege.stats.services import fill_month_from_registry
from fastlege.stats.tests.published import DEC_2025, assert_shown_as_published, kostra

pytestmark = pytest.mark.django_db


def test_two_municipalities_with_vacant_lists_show_kostra():
    call_command(
        "seed", "--kommune", "5022", "--kommune", "5026", "--months", "0", stdout=io.StringIO()
    )
    fill_month_from_registry(None, DEC_2025)
    client = Client()
    client.force_login(user_with(Role.COUNTY_GOVERNOR, county_id="50"))
    published = kostra({"5022", "5026"})
    assert all(p["lister_uten_lege"] for p in published.values())  # the interesting case
    assert_shown_as_published(client, published, "50")


@pytest.mark.slow
def test_trondelag_2025_pages_and_exports_equal_kostra_in_every_municipality():
    """The whole of Trøndelag, seeded once (the slowest seed of the suite): the
    registry on 31.12.2025 is calibrated in every municipality, and every published
    KOSTRA 2025 figure is shown and exported as SSB publishes it — among them the
    mean list lengths that are halves (Selbu 3 530 / 4 = 882.5, published 883;
    Frosta 2 890 / 4 = 722.5, published 723)."""
    call_command("seed", "--fylke", "50", "--months", "0", stdout=io.StringIO())
    assert_county_calibrated("50", municipalities=38)
    fill_month_from_registry(None, DEC_2025)
    client = Client()
    client.force_login(user_with(Role.COUNTY_GOVERNOR, county_id="50"))
    published = kostra(county="50")
    assert len(published) == 38
    assert published["5032"]["listelengde"] == 883 and published["5036"]["listelengde"] == 723
    assert_shown_as_published(client, published, "50")
