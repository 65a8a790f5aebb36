"""Finn fastlege: one search for everyone (issue 20, item 2). Each filter and sort is
checked against what the test itself knows of the lists it made; distances are the
test's own haversine."""

from __future__ import annotations

import csv
import datetime
import math
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fastlege.registry.models import Agreement, Doctor, DoctorPeriod, Practice, WaitingListEntry
from fastlege.registry.tests.factories import (
    AgreementFactory,
    DoctorFactory,
    DoctorPeriodFactory,
    PracticeFactory,
    ResidentFactory,
    add_members,
    org_number,
)
from fastlege.web.tests.conftest import World

pytestmark = pytest.mark.django_db
FIND = reverse("web:find_gp")
S = Doctor.Specialty


def make_list(
    *,
    ceiling: int,
    members: int,
    sex: str | None,
    languages: str = "",
    specialty: str = S.SPECIALIST,
    postal: str = "7010",
    at: tuple[str, str] | None = None,
    municipality: str = "5001",
) -> Agreement:
    practice = PracticeFactory.create(
        municipality_id=municipality,
        postal_code_id=postal,
        latitude=Decimal(at[0]) if at else None,
        longitude=Decimal(at[1]) if at else None,
    )
    agreement = AgreementFactory.create(practice=practice, ceiling=ceiling)
    if sex:
        doctor = DoctorFactory.create(sex=sex, languages=languages, specialty=specialty)
        DoctorPeriodFactory.create(agreement=agreement, doctor=doctor)
    add_members(agreement, members)
    return agreement


@pytest.fixture
def lists() -> dict[str, Agreement]:
    """Four lists in Trondheim. Free places (ceiling − members): a 8, b 0, c 20, d 30."""
    return {
        "a": make_list(ceiling=10, members=2, sex="K", languages="en,pl", at=("63.43", "10.39")),
        "b": make_list(
            ceiling=5,
            members=5,
            sex="M",
            specialty=S.IN_TRAINING,
            postal="7030",
            at=("63.40", "10.40"),
        ),
        "c": make_list(
            ceiling=20,
            members=0,
            sex="K",
            languages="pl",
            specialty=S.NONE,
            at=("63.44", "10.41"),
        ),
        # no GP, no coordinates of its own: placed in the middle of 7010's practices
        "d": make_list(ceiling=30, members=0, sex=None),
    }


def found(query: dict[str, str], client: Client | None = None) -> list[int]:
    r = (client or Client()).get(FIND, {"kommune": "5001", **query})
    assert r.status_code == 200
    return [a.pk for a in r.context["results"].object_list]


def pks(lists: dict[str, Agreement], names: str) -> list[int]:
    return [lists[n].pk for n in names]


def test_sorted_by_free_places_most_first(lists: dict[str, Agreement]) -> None:
    free = {n: a.ceiling - len(a.memberships.all()) for n, a in lists.items()}
    expected = sorted(lists, key=lambda n: -free[n])
    assert found({}) == pks(lists, "".join(expected)) == pks(lists, "dcab")


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"kjonn": "K"}, "ca"),
        ({"kjonn": "M"}, "b"),
        ({"sprak": "pl"}, "ca"),
        ({"sprak": "en"}, "a"),
        ({"sprak": "ar"}, ""),
        ({"spesialist": "spesialist"}, "a"),
        ({"spesialist": "alis"}, "b"),
        ({"spesialist": "ingen"}, "c"),
        ({"bare_ledige": "on"}, "dca"),
        ({"kjonn": "K", "sprak": "en", "bare_ledige": "on"}, "a"),
    ],
)
def test_each_filter_keeps_only_the_matching_lists(
    lists: dict[str, Agreement], query: dict[str, str], names: str
) -> None:
    assert found(query) == pks(lists, names)


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6371.0088
    dlat, dlon = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    h = (
        math.sin(dlat / 2) ** 2
        + math.cos(math.radians(lat1)) * math.cos(math.radians(lat2)) * math.sin(dlon / 2) ** 2
    )
    return 2 * r * math.asin(math.sqrt(h))


def test_distance_from_a_postal_code_sorts_and_filters(lists: dict[str, Agreement]) -> None:
    # 7010's centre: the mean of its practices' own coordinates (a and c)
    origin = ((63.43 + 63.44) / 2, (10.39 + 10.41) / 2)
    where = {"a": (63.43, 10.39), "b": (63.40, 10.40), "c": (63.44, 10.41), "d": origin}
    km = {n: haversine(*origin, *where[n]) for n in lists}
    expected = sorted(lists, key=lambda n: km[n])
    r = Client().get(FIND, {"postnummer": "7010", "sortering": "avstand"})
    rows = r.context["results"].object_list
    assert [a.pk for a in rows] == pks(lists, "".join(expected))
    for a in rows:
        name = next(n for n, x in lists.items() if x.pk == a.pk)
        assert a.distance_km == pytest.approx(km[name], abs=0.01)
    assert "km" in r.content.decode()
    near = [n for n in lists if km[n] <= 2]
    assert set(found({"postnummer": "7010", "maks_km": "2", "kommune": ""})) == set(
        pks(lists, "".join(near))
    )
    assert 0 < len(near) < len(lists)


def test_distance_without_a_postal_code_is_refused_in_norwegian(
    lists: dict[str, Agreement],
) -> None:
    r = Client().get(FIND, {"kommune": "5001", "sortering": "avstand", "maks_km": "5"})
    html = r.content.decode()
    assert r.context["results"] is None
    assert "Skriv et postnummer for å sortere etter avstand." in html
    assert "Skriv et postnummer for å søke etter avstand." in html


def test_the_map_draws_the_municipality_and_its_practices(lists: dict[str, Agreement]) -> None:
    html = Client().get(FIND, {"kommune": "5001"}).content.decode()
    assert '<svg role="img" aria-label="Kart over Trondheim' in html
    assert html.count('class="map-practice"') == len(lists)


def test_repeated_municipality_names_carry_their_county() -> None:
    path = Path(__file__).resolve().parents[2] / "reference" / "data" / "kommuner_2024.csv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    names = Counter(r["navn"] for r in rows)
    html = Client().get(FIND).content.decode()
    repeated = [r for r in rows if names[r["navn"]] > 1]
    assert {r["navn"] for r in repeated} >= {"Herøy", "Våler"}
    for r in repeated:
        assert (
            f'<option value="{r["kommunenummer"]}">{r["navn"]} ({r["fylkesnavn"]})</option>' in html
        )
    assert '<option value="5001">Trondheim</option>' in html


def test_anonymous_sees_no_switch_links(world: World) -> None:
    html = Client().get(FIND, {"kommune": "5001"}).content.decode()
    assert "Bytt hit" not in html and "/bytt/" not in html and "/venteliste/" not in html


def test_a_citizen_starts_in_their_municipality_with_their_own_buttons(world: World) -> None:
    r = world.client("citizen").get(FIND)
    assert r.context["results"] is not None and r.context["place"].municipality.number == "5001"
    html = r.content.decode()
    switch = reverse("web:switch", args=[world.citizen.pk])
    assert f'href="{switch}?agreement={world.free_list.pk}"' in html
    waiting = reverse("web:join_waiting", args=[world.citizen.pk])
    assert f'href="{waiting}?agreement={world.full_list.pk}"' in html


def test_a_parent_chooses_for_a_child_but_not_for_a_stranger(world: World) -> None:
    client = world.client("citizen")
    html = client.get(FIND, {"person": world.child.pk}).content.decode()
    assert reverse("web:switch", args=[world.child.pk]) in html
    assert reverse("web:switch", args=[world.citizen.pk]) not in html
    html = client.get(FIND, {"person": str(world.other.pk), "kommune": "5001"}).content.decode()
    assert reverse("web:switch", args=[world.other.pk]) not in html
    assert reverse("web:switch", args=[world.citizen.pk]) in html
    assert client.get(reverse("web:find_for", args=[world.other.pk])).status_code == 404
    r = client.get(reverse("web:find_for", args=[world.child.pk]), {"kommune": "5001"})
    assert reverse("web:switch", args=[world.child.pk]) in r.content.decode()


def bulk_lists(municipality: str, start: int, n: int) -> None:
    """``n`` lists with a GP each, written in four statements."""
    practices = Practice.objects.bulk_create(
        Practice(name=f"Kontor {i}", org_number=org_number(), municipality_id=municipality)
        for i in range(start, start + n)
    )
    agreements = Agreement.objects.bulk_create(
        Agreement(
            practice=p,
            municipality_id=municipality,
            ceiling=1000,
            valid_from=datetime.date(2020, 1, 1),
        )
        for p in practices
    )
    doctors = Doctor.objects.bulk_create(
        Doctor(
            hpr_number=str(800_000_000 + i),
            first_name="Per",
            last_name=f"Lege{i}",
            birth_date=datetime.date(1970, 1, 1),
            sex="K" if i % 2 else "M",
            languages="en" if i % 3 else "",
            specialty=S.SPECIALIST,
        )
        for i in range(start, start + n)
    )
    DoctorPeriod.objects.bulk_create(
        DoctorPeriod(
            agreement=a,
            doctor=d,
            role=DoctorPeriod.Role.REGULAR,
            valid_from=datetime.date(2020, 1, 1),
        )
        for a, d in zip(agreements, doctors, strict=True)
    )


def test_a_municipality_of_700_lists_in_as_few_queries_as_one_of_7(
    django_assert_max_num_queries: Any,
) -> None:
    query = {
        "kjonn": "K",
        "sprak": "en",
        "bare_ledige": "on",
        "postnummer": "7010",
        "sortering": "avstand",
    }
    plain = {"kommune": "5001"}
    bulk_lists("5001", 0, 7)
    client = Client()
    with django_assert_max_num_queries(20) as small:
        assert client.get(FIND, query).status_code == 200
    with django_assert_max_num_queries(20) as small_plain:
        assert client.get(FIND, plain).status_code == 200
    bulk_lists("5001", 7, 693)
    with django_assert_max_num_queries(len(small.captured_queries)):
        r = client.get(FIND, query)
    expected = sum(1 for i in range(700) if i % 2 and i % 3)  # the lists pass by their index
    assert r.context["results"].paginator.count == expected > 0
    with django_assert_max_num_queries(len(small_plain.captured_queries)):
        r = client.get(FIND, plain)
    assert r.context["results"].paginator.count == 700


def test_a_waiting_count_under_five_is_shown_as_fewer_than_five(
    lists: dict[str, Agreement],
) -> None:
    for person in ResidentFactory.create_batch(2):
        WaitingListEntry.objects.create(resident=person, agreement=lists["b"])
    html = Client().get(FIND, {"kommune": "5001"}).content.decode()
    assert "&lt;5 venter" in html and "2 venter" not in html
