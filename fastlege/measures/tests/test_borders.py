"""Neighbours from the map: computed once by load_reference, read from a table."""

from __future__ import annotations

import pytest

from fastlege.measures.selectors import neighbours
from fastlege.reference.borders import border_pairs
from fastlege.reference.loader import load_reference
from fastlege.reference.models import MunicipalityBorder

pytestmark = pytest.mark.django_db


def test_trondheim_borders_malvik_and_melhus_but_not_steinkjer_or_oslo():
    near = neighbours("5001")
    assert "5031" in near and "5028" in near
    assert "5006" not in near and "0301" not in near
    assert "5001" in neighbours("5031") and "5001" in neighbours("5028")


def test_known_pairs_elsewhere_and_a_corner_touch_does_not_count():
    assert "0301" in neighbours("3201")  # Oslo – Bærum
    assert "5034" not in neighbours("5037")  # Meråker – Levanger meet in one point only


def test_the_table_holds_every_pair_both_ways_and_a_reload_changes_nothing():
    pairs = border_pairs()
    assert MunicipalityBorder.objects.count() == 2 * len(pairs)
    assert not MunicipalityBorder.objects.filter(municipality_id="5001", neighbour_id="5001")
    result = load_reference()
    assert result.created["municipalityborder"] == 0
    assert not result.changed
