"""The seed's languages and practice details (issue 20, items 2–3): every practice has a
place inside its own municipality on the project's map, a phone number and opening
hours; GPs speak English mostly and other languages as small minorities; the same
seed gives the same details; the search by language then finds the seeded GPs."""

from __future__ import annotations

import io
import random
from collections import Counter

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from fastlege.demo.seed import details
from fastlege.demo.tests.test_seed import wipe
from fastlege.registry.models import Doctor, Practice
from fastlege.registry.validators import LANGUAGES, language_codes
from fastlege.web import geo

pytestmark = pytest.mark.django_db
AREA = ("--kommune", "5033", "--kommune", "5060")  # Tydal (small), Nærøysund (coast, islands)


def seed(*args: str) -> None:
    call_command("seed", "--months", "0", *args, stdout=io.StringIO())


def test_every_practice_is_inside_its_municipality_with_phone_and_hours() -> None:
    seed(*AREA)
    practices = list(Practice.objects.all())
    assert practices
    for p in practices:
        assert p.latitude is not None and p.longitude is not None, p
        assert geo.inside(p.municipality_id, float(p.latitude), float(p.longitude)), p
        assert p.phone and p.opening_hours
        p.full_clean()
    # not all on one point: spread around the centre
    assert len({(p.latitude, p.longitude) for p in practices}) == len(practices)


def test_gps_speak_english_mostly_and_other_languages_as_minorities() -> None:
    rng = random.Random(1)
    drawn = [language_codes(details.languages(rng)) for _ in range(20_000)]
    count = Counter(code for codes in drawn for code in codes)
    assert 0.72 < count["en"] / len(drawn) < 0.78
    for code in ("pl", "ar", "so", "ti", "ur", "sv", "de"):
        assert 0 < count[code] / len(drawn) < 0.10, code
    assert set(count) <= set(LANGUAGES)


def test_the_same_seed_gives_the_same_details_and_the_search_finds_them() -> None:
    seed(*AREA, "--seed", "3")
    first = sorted(Doctor.objects.values_list("hpr_number", "languages"))
    places = sorted(Practice.objects.values_list("org_number", "latitude", "longitude"))
    assert any(languages for _, languages in first)
    english = [hpr for hpr, languages in first if "en" in language_codes(languages)]
    r = Client().get(reverse("web:find_gp"), {"kommune": "5060", "sprak": "en"})
    shown = r.context["results"].paginator.object_list
    assert shown and all("en" in language_codes(a.gp.languages) for a in shown)
    assert {a.gp.hpr_number for a in shown} <= set(english)
    wipe()
    seed(*AREA, "--seed", "3")
    assert sorted(Doctor.objects.values_list("hpr_number", "languages")) == first
    assert sorted(Practice.objects.values_list("org_number", "latitude", "longitude")) == places
