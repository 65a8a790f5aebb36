"""The early-warning pages and their downloads, per role.

The pages read the registry on today's date, so the lists are built relative to
today: a GP who turns 70 in three months (the agreement ends on the 1st after:
within 6 months), a GP in the same county who has given notice and leaves in ten
months (within 12, not 6), and a GP in Oslo who turns 70 in three months.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from fastlege.accounts.models import Role
from fastlege.registry import rules
from fastlege.registry.models import Agreement, DoctorPeriod
from fastlege.registry.tests.factories import (
    AgreementFactory,
    DoctorFactory,
    DoctorPeriodFactory,
    PracticeFactory,
    add_members,
    user_with,
)


@dataclass
class Site:
    trondheim: Agreement
    steinkjer: Agreement
    oslo: Agreement
    gp_name: str
    users: dict


def _list(muni: str, members: int, born: datetime.date, **period: object) -> Agreement:
    agreement = AgreementFactory.create(practice=PracticeFactory.create(municipality_id=muni))
    DoctorPeriodFactory.create(
        agreement=agreement, doctor=DoctorFactory.create(birth_date=born), **period
    )
    add_members(agreement, members)
    return agreement


def make_site() -> Site:
    today = datetime.date.today()
    turns_70_soon = rules.add_months(today, 3 - 12 * 70)
    trondheim = _list("5001", 12, turns_70_soon)
    steinkjer = _list(
        "5006",
        5,
        datetime.date(1975, 5, 5),
        valid_to=rules.first_of_month(rules.add_months(today, 10)),
        notice_given_on=today,
        end_reason=DoctorPeriod.EndReason.RESIGNED,
    )
    oslo = _list("0301", 7, turns_70_soon)
    gp = trondheim.doctor_periods.get().doctor
    users = {
        "municipality": user_with(Role.MUNICIPALITY, municipality_id="5001"),
        "other_municipality": user_with(Role.MUNICIPALITY, municipality_id="0301"),
        "county_governor": user_with(Role.COUNTY_GOVERNOR, county_id="50"),
        "other_county_governor": user_with(Role.COUNTY_GOVERNOR, county_id="03"),
        "gp": user_with(Role.GP, doctor=gp),
        "national": user_with(Role.NATIONAL),
    }
    return Site(trondheim, steinkjer, oslo, gp.full_name, users)


@pytest.fixture
def site(db) -> Site:
    return make_site()


def client(site: Site, persona: str) -> Client:
    c = Client()
    c.force_login(site.users[persona])
    return c


def muni_url(number: str = "5001") -> str:
    return reverse("workforce:early_warning_municipality", args=[number])


def county_url(number: str = "50") -> str:
    return reverse("workforce:early_warning_county", args=[number])


def card(html: str, months: int) -> str:
    """The text of one horizon's total card."""
    start = html.index(f'data-testid="horizon-{months}-total"')
    return html[start : html.index("</div>", start)]


def section(html: str, months: int) -> str:
    start = html.index(f'data-testid="horizon-{months}"')
    end = html.find("<section", start + 1)
    return html[start : end if end > 0 else len(html)]


def test_municipality_page_shows_the_list_and_residents_affected(site):
    r = client(site, "municipality").get(muni_url())
    assert r.status_code == 200
    html = r.content.decode()
    six = section(html, 6)
    assert site.gp_name in six
    assert "Fastlegen når aldersgrensen" in six and "aldersgrense<" not in six
    link = reverse("web:municipality_list", args=["5001", site.trondheim.pk])
    assert f'href="{link}"' in six
    assert ">12<" in card(html, 6)  # the 12 residents on the list
    assert site.steinkjer.practice.name not in html  # another municipality
    assert "<caption>" in six and 'scope="col"' in six


def test_county_page_per_horizon(site):
    r = client(site, "county_governor").get(county_url())
    assert r.status_code == 200
    html = r.content.decode()
    six, twelve = section(html, 6), section(html, 12)
    assert site.trondheim.practice.name in six
    assert site.steinkjer.practice.name not in six  # leaves in ten months
    assert site.steinkjer.practice.name in twelve
    assert site.oslo.practice.name not in html
    assert ">12<" in card(html, 6)
    assert ">17<" in card(html, 12)  # 12 + 5


@pytest.mark.parametrize(
    ("persona", "url", "status"),
    [
        ("other_municipality", muni_url(), 403),
        ("gp", muni_url(), 403),
        ("other_county_governor", county_url(), 403),
        ("municipality", county_url(), 403),
        ("county_governor", muni_url("0301"), 403),
        ("county_governor", muni_url(), 200),  # reads its county's municipalities
        ("national", county_url("03"), 200),
        ("national", muni_url("9999"), 404),
        ("national", county_url("99"), 404),
    ],
)
def test_access(site, persona, url, status):
    assert client(site, persona).get(url).status_code == status


def test_anonymous_is_sent_to_log_in(site):
    r = Client().get(muni_url())
    assert r.status_code == 302 and reverse("web:login") in r["Location"]


def test_export_human_csv(site):
    r = client(site, "county_governor").get(county_url(), {"format": "csv"})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    text = r.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[0] == "Innen måneder" and header[-1] == "Innbyggere berørt"
    got = {(row[3], row[0], row[8], row[10]) for row in body}
    assert got == {
        (str(site.trondheim.pk), "6", "fastlegen når aldersgrensen", "12"),
        (str(site.steinkjer.pk), "12", "avtalen er sagt opp", "5"),
    }


def test_export_machine_csv_has_codes(site):
    r = client(site, "municipality").get(muni_url(), {"format": "csv-maskin"})
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8"))))
    assert [(row["liste"], row["arsak"], row["innbyggere"]) for row in rows] == [
        (str(site.trondheim.pk), "aldersgrense", "12")
    ]


def test_export_excel(site):
    r = client(site, "county_governor").get(county_url(), {"format": "xlsx"})
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Innen måneder"
    by_list = {row[3]: row for row in values[1:]}
    assert set(by_list) == {site.trondheim.pk, site.steinkjer.pk}
    assert by_list[site.trondheim.pk][10] == 12
    assert by_list[site.steinkjer.pk][8] == "avtalen er sagt opp"
    assert isinstance(by_list[site.steinkjer.pk][7], datetime.datetime)  # a date cell


def test_unknown_format_is_404(site):
    assert client(site, "municipality").get(muni_url(), {"format": "pdf"}).status_code == 404


def test_the_municipality_and_county_pages_lead_to_the_early_warning(site: Site) -> None:
    muni = client(site, "municipality").get(reverse("web:municipality", args=["5001"]))
    county = client(site, "county_governor").get(reverse("web:county", args=["50"]))
    assert f'href="{muni_url()}"' in muni.content.decode()
    assert f'href="{county_url()}"' in county.content.decode()
