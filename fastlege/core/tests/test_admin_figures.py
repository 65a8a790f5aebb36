"""Figures in the admin's lists are written the Norwegian way, and stay sortable
(``admin_tools.figure_column``); yes/no icons are read out in Norwegian."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from fastlege.accounts.models import Role
from fastlege.reference.models import MunicipalityPopulation
from fastlege.registry.tests.factories import ResidentFactory, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    user = user_with(Role.NATIONAL)
    user.is_staff = user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def test_population_is_grouped_and_the_year_is_not(admin_client: Client) -> None:
    row = MunicipalityPopulation.objects.filter(municipality_id="5001").order_by("-year").first()
    assert row is not None and row.population >= 10_000
    digits = str(row.population)
    expected = f"{digits[:-3]}\u00a0{digits[-3:]}" if len(digits) <= 6 else None
    assert expected is not None  # Trondheim: under a million
    url = reverse("admin:reference_municipalitypopulation_changelist")
    html = admin_client.get(url, {"municipality__number": "5001"}).content.decode()
    assert f'<td class="field-population">{expected}</td>' in html
    assert f'<td class="field-year">{row.year}</td>' in html
    assert digits not in html  # never without its separator


def test_a_figure_column_sorts_where_sortable_by_names_it(admin_client: Client) -> None:
    ResidentFactory.create(municipality_id="5001")  # unassigned: a row in the read model
    html = admin_client.get(reverse("admin:web_unassignedcount_changelist")).content.decode()
    header = re.search(r'<th scope="col"\s+class="([^"]*column-unassigned[^"]*)"', html)
    assert header and "sortable" in header.group(1)
    response = admin_client.get(reverse("admin:web_unassignedcount_changelist"), {"o": "-2"})
    assert response.status_code == 200


def test_yes_and_no_icons_are_read_out_in_norwegian(admin_client: Client) -> None:
    html = admin_client.get(reverse("admin:reference_municipality_changelist")).content.decode()
    assert 'alt="ja"' in html or 'alt="nei"' in html
    assert 'alt="True"' not in html and 'alt="False"' not in html
