"""The substitute pool's pages per role: who sees which pool and requests, who may book,
and a refused double booking shown in Norwegian through the page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from fastlege.registry.models import DoctorPeriod
from fastlege.registry.tests.factories import DoctorFactory, gp_list
from fastlege.workforce.models import SubstituteBooking, SubstituteRequest
from fastlege.workforce.services import pool as svc

from .conftest import MELHUS, OSLO, TRONDHEIM

pytestmark = pytest.mark.django_db

D = datetime.date


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def county_url(number: str) -> str:
    return reverse("workforce:pool_county", args=[number])


def muni_url(number: str) -> str:
    return reverse("workforce:pool_municipality", args=[number])


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        ("municipality", muni_url(TRONDHEIM), 200),
        ("municipality", muni_url(MELHUS), 403),
        ("municipality", county_url("50"), 403),
        ("county_governor", county_url("50"), 200),
        ("county_governor", muni_url(TRONDHEIM), 200),
        ("county_governor", muni_url(OSLO), 403),
        ("other_county_governor", county_url("50"), 403),
        ("national", county_url("50"), 200),
        ("national", muni_url(OSLO), 200),
        ("citizen", reverse("workforce:pool"), 403),
        ("gp", muni_url(TRONDHEIM), 403),
    ],
)
def test_who_sees_which_pool_page(users, who, url, status):
    assert client_for(users[who]).get(url).status_code == status


@pytest.fixture
def pool(users):
    governor = users["county_governor"]
    doctor = DoctorFactory.create(first_name="Vera", last_name="Vikarsen")
    sub = svc.add_substitute(
        governor, hpr_number=doctor.hpr_number, county_id="50", home_municipality_id=MELHUS
    )
    svc.add_availability(governor, sub, valid_from=D(2026, 6, 1), valid_to=D(2026, 8, 1))
    lists = [gp_list(with_gp=False), gp_list(with_gp=False)]
    requests = [
        svc.create_request(
            users["municipality"], a, reason="ubesatt", valid_from=D(2026, 6, 1), valid_to=end
        )
        for a, end in zip(lists, (D(2026, 7, 1), D(2026, 6, 15)), strict=True)
    ]
    melhus = svc.create_request(
        users["other_municipality"],
        gp_list(with_gp=False, municipality=MELHUS),
        reason="ubesatt",
        valid_from=D(2026, 7, 1),
        valid_to=D(2026, 7, 20),
    )
    return sub, requests, melhus


def test_the_municipality_sees_its_own_requests_with_candidates_and_books_one(users, pool):
    sub, (first, second), melhus = pool
    c = client_for(users["municipality"])
    page = c.get(muni_url(TRONDHEIM)).content.decode()
    assert page.count('data-testid="pool-request"') == 2  # not Melhus's request
    assert "Vera Vikarsen" in page and "Book vikaren" in page
    response = c.post(
        reverse("workforce:pool_accept", args=[first.pk]),
        {"substitute": sub.pk, "cost": "50000"},
        follow=True,
    )
    assert "Vikaren er booket" in response.content.decode()
    booking = SubstituteBooking.objects.get()
    assert DoctorPeriod.objects.get(pk=booking.doctor_period_id).doctor_id == sub.doctor_id
    # The second request overlaps the booking: refused in Norwegian, nothing saved.
    response = c.post(
        reverse("workforce:pool_accept", args=[second.pk]), {"substitute": sub.pk}, follow=True
    )
    assert "Vikaren er allerede booket i en overlappende periode" in response.content.decode()
    assert SubstituteBooking.objects.count() == 1
    assert SubstituteRequest.objects.get(pk=second.pk).status == SubstituteRequest.Status.OPEN


def test_the_county_governor_sees_the_whole_county_but_does_not_book(users, pool):
    sub, (first, _second), _melhus = pool
    c = client_for(users["county_governor"])
    page = c.get(county_url("50")).content.decode()
    assert page.count('data-testid="pool-request"') == 3
    assert "Book vikaren" not in page
    assert (
        c.post(
            reverse("workforce:pool_accept", args=[first.pk]), {"substitute": sub.pk}
        ).status_code
        == 403
    )
    assert not SubstituteBooking.objects.exists()


def test_another_municipality_cannot_book_for_trondheim(users, pool):
    sub, (first, _second), _melhus = pool
    response = client_for(users["other_municipality"]).post(
        reverse("workforce:pool_accept", args=[first.pk]), {"substitute": sub.pk}
    )
    assert response.status_code == 403
    assert not SubstituteBooking.objects.exists()


def test_the_county_governor_adds_a_substitute_and_availability_through_the_page(users):
    c = client_for(users["county_governor"])
    doctor = DoctorFactory.create(first_name="Per", last_name="Poolsen")
    response = c.post(
        reverse("workforce:pool_substitute_new", args=["50"]),
        {"hpr_number": "0123", "home_municipality": MELHUS},
        follow=True,
    )
    assert "HPR-nummeret må være et tall med 4 til 9 siffer" in response.content.decode()
    response = c.post(
        reverse("workforce:pool_substitute_new", args=["50"]),
        {"hpr_number": doctor.hpr_number, "home_municipality": MELHUS, "municipalities": [MELHUS]},
        follow=True,
    )
    assert "Vikaren er lagt til i vikarpoolen." in response.content.decode()
    sub = doctor.pool_membership
    assert list(sub.municipalities.values_list("number", flat=True)) == [MELHUS]
    response = c.post(
        reverse("workforce:pool_availability_new", args=[sub.pk]),
        {"valid_from": "2026-08-01", "valid_to": "2026-07-01"},
        follow=True,
    )
    assert "Perioden må slutte etter at den starter." in response.content.decode()
    assert not sub.availabilities.exists()
    c.post(
        reverse("workforce:pool_availability_new", args=[sub.pk]),
        {"valid_from": "2026-07-01", "valid_to": "2026-08-01"},
    )
    page = c.get(county_url("50")).content.decode()
    assert "Per Poolsen" in page and "01.07.2026–01.08.2026" in page


def test_each_heading_and_its_id_are_unique_on_the_pool_pages(users):
    """The municipality's page has two dependency tables (the municipality's and per
    list): each has its own heading and id, so a screen reader's list of headings and
    the sections' labels tell them apart."""
    year = datetime.date.today().year
    for url, expected in [
        (
            muni_url(TRONDHEIM),
            [f"Vikaravhengighet i Trondheim {year}", f"Vikaravhengighet per liste {year}"],
        ),
        (county_url("50"), [f"Vikaravhengighet per kommune {year}"]),
    ]:
        html = client_for(users["county_governor"]).get(url).content.decode()
        headings = re.findall(r"<h[1-3][^>]*>(.*?)</h[1-3]>", html, re.S)
        assert len(headings) == len(set(headings)), headings
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), ids
        for heading in expected:
            assert heading in headings, (heading, headings)
