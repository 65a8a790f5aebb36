"""The workforce pages per role, the menu entry, and the exports read back."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fastlege.reference.models import MunicipalityPopulation
from fastlege.registry.tests.factories import (
    AgreementFactory,
    DoctorFactory,
    DoctorPeriodFactory,
    PracticeFactory,
)
from fastlege.workforce.models import Scenario

from .conftest import MELHUS, OSLO, TRONDHEIM

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def muni_url(number: str) -> str:
    return reverse("workforce:municipality", args=[number])


def county_url(number: str) -> str:
    return reverse("workforce:county", args=[number])


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        ("municipality", muni_url(TRONDHEIM), 200),
        ("municipality", muni_url(MELHUS), 403),
        ("municipality", county_url("50"), 403),
        ("municipality", reverse("workforce:nation"), 403),
        ("county_governor", county_url("50"), 200),
        ("county_governor", muni_url(MELHUS), 200),
        ("county_governor", muni_url(OSLO), 403),
        ("county_governor", reverse("workforce:nation"), 403),
        ("other_county_governor", county_url("50"), 403),
        ("national", reverse("workforce:nation"), 200),
        ("national", county_url("03"), 200),
        ("citizen", reverse("workforce:index"), 403),
        ("citizen", muni_url(TRONDHEIM), 403),
        ("gp", muni_url(TRONDHEIM), 403),
        ("citizen", reverse("workforce:scenarios"), 403),
    ],
)
def test_who_sees_which_projection(users, who, url, status):
    assert client_for(users[who]).get(url).status_code == status


def test_anonymous_is_sent_to_login():
    r = Client().get(muni_url(TRONDHEIM))
    assert r.status_code == 302 and r["Location"].startswith(reverse("web:login"))


def test_unknown_municipality_is_not_found(users):
    assert client_for(users["national"]).get(muni_url("9999")).status_code == 404


def main_menu(page: str) -> str:
    """The main menu (base.html) of a page."""
    return page.split('aria-label="Hovedmeny"', 1)[1].split("</nav>", 1)[0]


@pytest.mark.parametrize("who", ["municipality", "county_governor", "national"])
def test_the_menu_has_workforce_for_planners(users, who):
    page = client_for(users[who]).get(reverse("measures:index"), follow=True).content.decode()
    assert f'<a href="{reverse("workforce:index")}">Arbeidskraft</a>' in main_menu(page)


@pytest.mark.parametrize("who", ["citizen", "gp"])
def test_the_menu_has_no_workforce_for_citizens_and_gps(users, who):
    page = client_for(users[who]).get("/", follow=True).content.decode()
    assert "Hovedmeny" in page
    assert reverse("workforce:index") not in main_menu(page)


def _trondheim_gps(count: int) -> None:
    practice = PracticeFactory.create(municipality_id=TRONDHEIM)
    for _ in range(count):
        agreement = AgreementFactory.create(practice=practice)
        DoctorPeriodFactory.create(
            agreement=agreement,
            doctor=DoctorFactory.create(birth_date=datetime.date(1980, 1, 1)),
            valid_from=datetime.date(2020, 1, 1),
        )


def test_the_municipality_page_shows_needed_expected_and_gap(users):
    _trondheim_gps(3)
    page = client_for(users["municipality"]).get(muni_url(TRONDHEIM)).content.decode()
    people = MunicipalityPopulation.objects.get(municipality_id=TRONDHEIM, year=2026).population
    # «som i dag»: listing rate 1, target list length 946 (parameters.FIGURES)
    needed = f"{people / 946:.1f}".replace(".", ",")
    today = timezone.localdate()
    assert today.year == 2026 or "2026" not in needed  # the page starts in today's year
    assert 'data-testid="projection-table"' in page
    assert "Som i dag" in page
    assert "<svg" in page and 'role="img"' in page
    if today.year == 2026:
        row = page.split('<th scope="row">2026</th>', 1)[1].split("</tr>", 1)[0]
        cells = row.split('<td class="num">')[1:]
        needed_cell, expected_cell, gap_cell = (c.split("</td>")[0] for c in cells[:3])
        assert needed_cell.replace("\u00a0", "") == needed
        assert expected_cell == "3,0"  # three regular GPs, 1 FTE each


def test_up_to_three_scenarios_side_by_side(users):
    ids = list(Scenario.objects.exclude(preset="").values_list("pk", flat=True))
    assert len(ids) == 5
    url = muni_url(TRONDHEIM) + "?" + "&".join(f"s={i}" for i in ids)
    page = client_for(users["municipality"]).get(url).content.decode()
    by_id = dict(Scenario.objects.values_list("pk", "name"))
    names = [by_id[i] for i in ids]  # shown in the order asked
    shown = [n for n in names if f'colspan="3">{n}</th>' in page]
    assert shown == names[:3]
    assert "Du kan sammenligne høyst 3 scenarioer; de første 3 vises." in page


def test_csv_export_reads_back_in_norwegian_format(users):
    _trondheim_gps(2)
    r = client_for(users["municipality"]).get(muni_url(TRONDHEIM) + "?format=csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    raw = r.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Område",
        "Scenario",
        "År",
        "Folkemengde",
        "Leger som trengs (årsverk)",
        "Leger som ventes (årsverk)",
        "Gap (årsverk)",
    ]
    years = [int(row[2]) for row in rows[1:]]
    assert years == list(range(timezone.localdate().year, 2041))
    first = rows[1]
    assert first[0] == "Trondheim" and first[1] == "Som i dag"
    assert first[5] == "2,0"
    needed = float(first[4].replace(",", "."))
    assert float(first[6].replace(",", ".")) == pytest.approx(needed - 2.0, abs=0.051)


def test_excel_export_reads_back(users):
    _trondheim_gps(1)
    r = client_for(users["county_governor"]).get(county_url("50") + "?format=xlsx")
    assert r.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    sheet = book.active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Område"
    assert values[1][0] == "Trøndelag" and values[1][1] == "Som i dag"
    assert values[1][5] == 1.0  # one GP in the county
    assert len(values) == 1 + (2041 - timezone.localdate().year)


def test_unknown_format_is_not_found(users):
    r = client_for(users["municipality"]).get(muni_url(TRONDHEIM) + "?format=pdf")
    assert r.status_code == 404


def test_the_workforce_home_leads_to_every_tool_of_the_users_areas(db) -> None:
    from django.test import Client
    from django.urls import reverse

    from fastlege.accounts.models import Role
    from fastlege.registry.tests.factories import user_with

    muni, county = Client(), Client()
    muni.force_login(user_with(Role.MUNICIPALITY, municipality_id="5001"))
    county.force_login(user_with(Role.COUNTY_GOVERNOR, county_id="50"))
    page = muni.get(reverse("workforce:index")).content.decode()
    for name in (
        "early_warning_municipality",
        "recruitment_municipality",
        "alis",
        "pool_municipality",
    ):
        assert reverse(f"workforce:{name}", args=["5001"]) in page, name
    page = county.get(reverse("workforce:index")).content.decode()
    for name in ("early_warning_county", "recruitment_county", "alis_county", "pool_county"):
        assert reverse(f"workforce:{name}", args=["50"]) in page, name
