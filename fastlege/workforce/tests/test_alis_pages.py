"""The ALIS pages per role: the municipality registers and completes agreements, the
county governor reads the municipality and the county, refusals show in Norwegian
and save nothing, and the exports read back."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse

from fastlege.registry.models import Doctor
from fastlege.registry.tests.factories import (
    AgreementFactory,
    DoctorFactory,
    DoctorPeriodFactory,
    PracticeFactory,
)
from fastlege.workforce.models import AlisAgreement

from .conftest import MELHUS, OSLO, TRONDHEIM

pytestmark = pytest.mark.django_db
D = datetime.date


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def page(number: str = TRONDHEIM) -> str:
    return reverse("workforce:alis", args=[number])


def county_page(number: str = "50") -> str:
    return reverse("workforce:alis_county", args=[number])


def gp(municipality: str = TRONDHEIM, specialty: str = Doctor.Specialty.NONE) -> Doctor:
    doctor = DoctorFactory.create(specialty=specialty, first_name="Ada", last_name="Alislege")
    DoctorPeriodFactory.create(
        agreement=AgreementFactory.create(
            practice=PracticeFactory.create(municipality_id=municipality)
        ),
        doctor=doctor,
    )
    return doctor


@pytest.fixture
def agreement() -> AlisAgreement:
    return AlisAgreement.objects.create(
        municipality_id=TRONDHEIM,
        doctor=gp(),
        start=D(2024, 1, 1),
        planned_completion=D(2029, 1, 1),
        guidance_group="Veiledningsgruppe Midt",
    )


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        ("municipality", page(), 200),
        ("municipality", page(MELHUS), 403),
        ("municipality", county_page(), 403),
        ("county_governor", page(), 200),
        ("county_governor", page(MELHUS), 200),
        ("county_governor", page(OSLO), 403),
        ("county_governor", county_page(), 200),
        ("other_county_governor", county_page(), 403),
        ("national", county_page("03"), 200),
        ("citizen", page(), 403),
        ("gp", page(), 403),
    ],
)
def test_who_sees_which_alis_page(users, who, url, status):
    assert client_for(users[who]).get(url).status_code == status


def test_municipality_sees_its_agreements_and_the_forms(users, agreement):
    html = client_for(users["municipality"]).get(page()).content.decode()
    assert "Ada Alislege" in html and "Veiledningsgruppe Midt" in html
    assert 'data-testid="alis-new"' in html
    assert reverse("workforce:alis_complete", args=[TRONDHEIM, agreement.pk]) in html
    # The indicators: one GP, in specialisation.
    table = html.split('data-testid="alis-indicators"', 1)[1].split("</table>", 1)[0]
    assert "1 (100,0 %)" in table


def test_county_governor_reads_without_forms(users, agreement):
    html = client_for(users["county_governor"]).get(page()).content.decode()
    assert "Ada Alislege" in html
    assert 'data-testid="alis-new"' not in html
    assert "Registrer fullført" not in html
    county = client_for(users["county_governor"]).get(county_page()).content.decode()
    assert "Trondheim" in county and "Melhus" in county and "Trøndelag" in county


def test_county_governor_cannot_register(users):
    doctor = gp()
    r = client_for(users["county_governor"]).post(
        reverse("workforce:alis_create", args=[TRONDHEIM]),
        {
            "doctor_hpr": doctor.hpr_number,
            "start": "2025-01-01",
            "planned_completion": "2030-01-01",
            "stays_after_completion": "ukjent",
        },
    )
    assert r.status_code == 403
    assert not AlisAgreement.objects.exists()


def test_municipality_registers_an_agreement(users):
    doctor = gp()
    r = client_for(users["municipality"]).post(
        reverse("workforce:alis_create", args=[TRONDHEIM]),
        {
            "doctor_hpr": doctor.hpr_number,
            "start": "2025-01-01",
            "planned_completion": "2030-01-01",
            "supervisor_name": "Per Veileder",
            "grant_applied_amount": "150 000",
            "stays_after_completion": "ukjent",
        },
    )
    assert r.status_code == 302
    a = AlisAgreement.objects.get()
    assert (a.doctor, a.start, a.supervisor_name, a.grant_applied_amount) == (
        doctor,
        D(2025, 1, 1),
        "Per Veileder",
        150000,
    )


def test_completion_before_start_shows_a_norwegian_error_and_saves_nothing(users, agreement):
    r = client_for(users["municipality"]).post(
        reverse("workforce:alis_complete", args=[TRONDHEIM, agreement.pk]),
        {
            f"c{agreement.pk}-completed_on": "2023-12-31",
            f"c{agreement.pk}-stays_after_completion": "ja",
        },
    )
    assert r.status_code == 400
    assert (
        "ALIS-avtalen kan ikke være fullført (31.12.2023) før den startet (01.01.2024)."
        in r.content.decode()
    )
    agreement.refresh_from_db()
    assert (agreement.completed_on, agreement.stays_after_completion) == (None, "ukjent")


def test_the_agreements_export_reads_back(users, agreement):
    r = client_for(users["municipality"]).get(page() + "?format=csv-maskin")
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [(x["lege"], x["start"], x["status"]) for x in rows] == [
        ("Ada Alislege", "2024-01-01", "pagar")
    ]


def test_the_county_indicator_export_reads_back(users, agreement):
    r = client_for(users["county_governor"]).get(county_page() + "?format=csv-maskin")
    rows = {x["omrade"]: x for x in csv.DictReader(io.StringIO(r.content.decode("utf-8-sig")))}
    assert rows["Trondheim"]["i_spesialisering"] == "1"
    assert rows["Trøndelag"]["fastleger"] == "1"


def edit_url(a: AlisAgreement) -> str:
    return reverse("workforce:alis_edit", args=[TRONDHEIM, a.pk])


def edit_form(a: AlisAgreement, **change: str) -> dict[str, str]:
    return {
        "start": "2024-01-01",
        "planned_completion": "2029-01-01",
        "guidance_group": a.guidance_group,
        "stays_after_completion": "ukjent",
        **change,
    }


def test_municipality_changes_an_agreement(users, agreement):
    c = client_for(users["municipality"])
    assert c.get(edit_url(agreement)).status_code == 200
    r = c.post(
        edit_url(agreement),
        edit_form(agreement, guidance_group="Gruppe Nord", grant_received_amount="90000"),
    )
    assert r.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.guidance_group, agreement.grant_received_amount) == ("Gruppe Nord", 90000)


def test_a_change_with_the_planned_completion_before_the_start_saves_nothing(users, agreement):
    r = client_for(users["municipality"]).post(
        edit_url(agreement), edit_form(agreement, planned_completion="2023-06-01")
    )
    assert r.status_code == 200
    assert "Planlagt fullført (01.06.2023) kan ikke være før start (01.01.2024)." in (
        r.content.decode()
    )
    agreement.refresh_from_db()
    assert agreement.planned_completion == D(2029, 1, 1)


def test_county_governor_cannot_change(users, agreement):
    c = client_for(users["county_governor"])
    assert c.get(edit_url(agreement)).status_code == 403
    assert c.post(edit_url(agreement), edit_form(agreement, guidance_group="X")).status_code == 403
    agreement.refresh_from_db()
    assert agreement.guidance_group == "Veiledningsgruppe Midt"


NATIONAL_PAGE = reverse("workforce:alis_national")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("national", 200),
        ("county_governor", 403),
        ("municipality", 403),
        ("citizen", 403),
        ("gp", 403),
    ],
)
def test_only_national_staff_see_the_national_alis_page(users, who, status):
    assert client_for(users[who]).get(NATIONAL_PAGE).status_code == status


def machine_rows(client: Client, url: str) -> dict[str, dict[str, str]]:
    r = client.get(url + "?format=csv-maskin")
    assert r.status_code == 200
    return {x["omrade"]: x for x in csv.DictReader(io.StringIO(r.content.decode("utf-8-sig")))}


def test_the_national_page_shows_each_county_as_its_county_page_does(users, agreement):
    # Trøndelag: the ALIS doctor in Trondheim (the fixture), a specialist in Melhus and
    # a GP who is neither in Trondheim; Oslo: one specialist. Counted by hand below.
    gp(MELHUS, Doctor.Specialty.SPECIALIST)
    gp(TRONDHEIM, Doctor.Specialty.NONE)
    gp(OSLO, Doctor.Specialty.SPECIALIST)
    national = client_for(users["national"])
    rows = machine_rows(national, NATIONAL_PAGE)
    trondelag, oslo, norway = rows["Trøndelag"], rows["Oslo"], rows["Hele landet"]
    assert (trondelag["fastleger"], trondelag["spesialister"]) == ("3", "1")
    assert (trondelag["i_spesialisering"], trondelag["verken"]) == ("1", "1")
    assert trondelag["alis_pagar"] == "1"
    assert (oslo["fastleger"], oslo["spesialister"]) == ("1", "1")
    assert (norway["fastleger"], norway["spesialister"], norway["alis_pagar"]) == ("4", "2", "1")
    # The one definition: the county's row is the county page's total.
    county_total = machine_rows(national, county_page())["Trøndelag"]
    assert trondelag == county_total
    html = national.get(NATIONAL_PAGE).content.decode()
    assert reverse("workforce:alis_county", args=["50"]) in html
    assert "ALIS i hele landet" in html
    index = national.get(reverse("workforce:index")).content.decode()
    assert NATIONAL_PAGE in index
