"""The catalogue names its sources as documents people can look up, never an internal
reference («Kilde 001», «domain.md § 10»), also in a database seeded before (0003)."""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps

from fastlege.measures.models import MeasureType

pytestmark = pytest.mark.django_db

INTERNAL = re.compile(r"Kilde \d+|domain\.md|§ 10\)")


def test_catalogue_page_shows_proper_source_labels(client):
    from fastlege.accounts.models import Role
    from fastlege.registry.tests.factories import user_with

    client.force_login(user_with(Role.COUNTY_GOVERNOR, county_id="50"))
    page = client.get("/tiltak/katalog/")
    assert page.status_code == 200
    text = re.sub(r"<[^>]*>", "", page.content.decode())
    assert "Regjeringens handlingsplan for allmennlegetjenesten 2020–2024" in text
    assert "kommuneoverlegen i Trondheim, Stiklestad 25.4.2019" in text
    assert not INTERNAL.search(text)


def test_migration_relabels_the_old_sources_and_keeps_edited_ones():
    migration = importlib.import_module("fastlege.measures.migrations.0003_source_labels")
    MeasureType.objects.filter(code="alis-stilling").update(
        source="Kilde 001: Fastlegeopprørets krav til kommunen (Trondheim, 2019); "
        "Handlingsplan for allmennlegetjenesten 2020–2024 (domain.md § 10)"
    )
    MeasureType.objects.filter(code="veiledning").update(source="Eget vedtak i kommunen")
    migration.relabel(apps, None)
    assert MeasureType.objects.get(code="alis-stilling").source == (
        "Fastlegenes kravliste til kommunen (kommuneoverlegen i Trondheim, Stiklestad 25.4.2019)"
        "; Regjeringens handlingsplan for allmennlegetjenesten 2020–2024"
    )
    assert MeasureType.objects.get(code="veiledning").source == "Eget vedtak i kommunen"
    assert not MeasureType.objects.filter(source__regex=r"Kilde \d|domain\.md").exists()
