import pytest

from fastlege.reference.loader import load_reference
from fastlege.reference.models import County, KostraGpFigures, Municipality, PostalCode

pytestmark = pytest.mark.django_db


def test_all_counties_and_municipalities_of_2024_are_loaded():
    assert County.objects.count() == 15
    assert Municipality.objects.count() == 357
    trondelag = County.objects.get(number="50")
    assert trondelag.municipalities.count() == 38
    assert Municipality.objects.get(number="5001").name == "Trondheim"
    assert Municipality.objects.get(number="5025").official_name == "Rosse - Røros"


def test_population_sums_match_ssb_national_totals():
    from django.db.models import Sum

    from fastlege.reference.models import MunicipalityPopulation

    totals = dict(
        MunicipalityPopulation.objects.values("year")
        .annotate(total=Sum("population"))
        .values_list("year", "total")
    )
    assert totals[2024] == 5_550_203
    assert totals[2026] == 5_627_400


def test_postal_codes_point_to_municipalities_except_svalbard():
    assert PostalCode.objects.get(code="7010").municipality_id == "5001"
    assert PostalCode.objects.get(code="9170").municipality_id is None


def test_kostra_2025_figures_are_kept_as_published():
    oslo = KostraGpFigures.objects.get(municipality_id="0301", year=2025)
    assert oslo.lists_total == 611
    assert oslo.capacity == 818_225
    assert KostraGpFigures.objects.filter(year=2025).count() == 351


def test_loading_twice_changes_nothing():
    result = load_reference()
    assert not result.changed
    Municipality.objects.filter(number="5001").update(name="Feil")
    result = load_reference()
    assert result.updated["municipality"] == 1
    assert Municipality.objects.get(number="5001").name == "Trondheim"
