"""The recruitment pages per role: the municipality opens and steps its own cases, the
county governor reads every case in the county (and changes none), national staff
read all; others get 403/404. A refusal is shown in Norwegian and nothing is saved."""

from __future__ import annotations

from datetime import date as D
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fastlege.measures.tests.factories import measure
from fastlege.registry.models import DoctorPeriod
from fastlege.registry.tests.factories import DoctorFactory, DoctorPeriodFactory, gp_list
from fastlege.workforce import selectors_recruitment as sel
from fastlege.workforce.models import RecruitmentCase
from fastlege.workforce.services import recruitment as svc

pytestmark = pytest.mark.django_db

Status = RecruitmentCase.Status


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def vacant_list(municipality: str = "5001"):
    agreement = gp_list(municipality=municipality, with_gp=False)
    DoctorPeriodFactory.create(agreement=agreement, valid_to=D(2026, 1, 1))
    return agreement


@pytest.fixture
def cases(users):
    """An open case in Trondheim, one in Melhus (same county), one in Oslo."""
    today = timezone.localdate()
    return {
        "5001": svc.open_case(users["municipality"], vacant_list("5001"), today=today),
        "5028": svc.open_case(users["other_municipality"], vacant_list("5028"), today=today),
        "0301": svc.open_case(users["oslo_municipality"], vacant_list("0301"), today=today),
    }


def test_each_role_sees_the_cases_of_its_area(users, cases):
    visible = {
        role: set(sel.visible_cases(users[role]).values_list("pk", flat=True))
        for role in ("municipality", "county_governor", "national", "other_county_governor")
    }
    assert visible["municipality"] == {cases["5001"].pk}
    assert visible["county_governor"] == {cases["5001"].pk, cases["5028"].pk}
    assert visible["other_county_governor"] == {cases["0301"].pk}
    assert visible["national"] == {c.pk for c in cases.values()}


def test_the_county_governor_reads_the_county_list_and_cannot_change(users, cases):
    governor = client_for(users["county_governor"])
    page = governor.get(reverse("workforce:recruitment_county", args=["50"]))
    assert page.status_code == 200
    assert {r.case.pk for r in page.context["rows"]} == {cases["5001"].pk, cases["5028"].pk}
    assert governor.get(reverse("workforce:recruitment_county", args=["03"])).status_code == 403
    url = reverse("workforce:recruitment_case", args=[cases["5028"].pk])
    page = governor.get(url)
    assert page.status_code == 200 and page.context["forms"] == []
    response = governor.post(url, {"step": "close", "closed_on": "2026-03-03", "reason": "x"})
    assert response.status_code == 403
    assert RecruitmentCase.objects.get(pk=cases["5028"].pk).status == Status.OPENED
    national = client_for(users["national"])
    page = national.get(reverse("workforce:recruitment_county", args=["03"]))
    assert {r.case.pk for r in page.context["rows"]} == {cases["0301"].pk}


def test_a_municipality_reads_only_its_own(users, cases):
    officer = client_for(users["municipality"])
    page = officer.get(reverse("workforce:recruitment_municipality", args=["5001"]))
    assert page.status_code == 200
    assert [r.case.pk for r in page.context["open_rows"]] == [cases["5001"].pk]
    assert officer.get(reverse("workforce:recruitment_county", args=["50"])).status_code == 403
    other = reverse("workforce:recruitment_case", args=[cases["5028"].pk])
    assert officer.get(other).status_code == 404
    assert (
        client_for(users["citizen"])
        .get(reverse("workforce:recruitment_municipality", args=["5001"]))
        .status_code
        == 403
    )


def test_the_municipality_opens_a_case_and_takes_the_steps_to_filled(users):
    officer = client_for(users["municipality"])
    agreement = vacant_list()
    own_measure = measure("5001", starts_on=D(2026, 1, 1))
    url = reverse("workforce:recruitment_municipality", args=["5001"])
    page = officer.get(url)
    assert agreement.pk in [c for c, _ in page.context["form"].fields["agreement"].choices]
    response = officer.post(url, {"agreement": agreement.pk, "note": ""})
    case = RecruitmentCase.objects.get(agreement=agreement)
    case_url = reverse("workforce:recruitment_case", args=[case.pk])
    assert response.status_code == 302 and response["Location"] == case_url
    today = timezone.localdate()
    doctor = DoctorFactory.create()
    for data in (
        {"step": "measures", "measures": [own_measure.pk]},
        {"step": "advertise", "advertised_on": today, "deadline": today, "channel": "finn"},
        {"step": "applicants", "applicants": "3"},
        {"step": "offer", "offered_on": today, "hpr_number": doctor.hpr_number},
        {"step": "fill", "valid_from": today},
    ):
        assert officer.post(case_url, data).status_code == 302
    case.refresh_from_db()
    assert case.status == Status.FILLED and case.applicants == 3
    assert list(case.measures.all()) == [own_measure]
    assert DoctorPeriod.objects.get(agreement=agreement, valid_to__isnull=True).doctor == doctor
    page = officer.get(case_url)
    assert page.context["row"].time_to_fill == 0
    assert page.context["forms"] == []  # filled is final


def test_a_refused_step_shows_a_norwegian_message_and_saves_nothing(users, cases):
    officer = client_for(users["municipality"])
    case_url = reverse("workforce:recruitment_case", args=[cases["5001"].pk])
    today = timezone.localdate().isoformat()
    response = officer.post(
        case_url, {"step": "fill", "valid_from": today}, follow=True
    )  # not offered yet
    text = response.content.decode()
    assert "kan ikke gå videre til «besatt»" in text
    assert RecruitmentCase.objects.get(pk=cases["5001"].pk).status == Status.OPENED


def test_opening_a_case_for_a_list_with_a_gp_is_refused_on_the_page(users):
    officer = client_for(users["municipality"])
    agreement = gp_list()
    url = reverse("workforce:recruitment_municipality", args=["5001"])
    response = officer.post(url, {"agreement": agreement.pk}, follow=True)
    assert not RecruitmentCase.objects.exists()
    assert response.status_code == 200  # the list is not offered: a form error, in Norwegian
    assert "Velg et gyldig valg" in response.content.decode()


def test_the_case_page_keeps_every_advertisement_round_in_its_history(users):
    officer = client_for(users["municipality"])
    case = svc.open_case(users["municipality"], vacant_list(), today=timezone.localdate())
    today = timezone.localdate()
    later = today + timedelta(days=40)
    case_url = reverse("workforce:recruitment_case", args=[case.pk])
    for data in (
        {"step": "advertise", "advertised_on": today, "deadline": today, "channel": "finn"},
        {"step": "applicants", "applicants": "0"},
        {"step": "advertise", "advertised_on": later, "deadline": later, "channel": "nav"},
    ):
        assert officer.post(case_url, data).status_code == 302
    steps = officer.get(case_url).context["history"]
    assert [s.name for s in steps] == [
        "Sak opprettet",
        "Utlyst",
        "Søkere registrert",
        "Utlyst på nytt",
    ]
    assert ("søknadsfrist", today.strftime("%d.%m.%Y")) in steps[1].details
    assert ("kanal for utlysningen", "FINN.no") in steps[1].details
    assert ("kanal for utlysningen", "Arbeidsplassen (NAV)") in steps[3].details
    assert ("antall søkere", "0") in steps[2].details


def test_the_registry_pages_and_the_measure_lead_to_recruitment(db) -> None:
    from django.test import Client
    from django.urls import reverse

    from fastlege.accounts.models import Role
    from fastlege.registry.tests.factories import user_with

    muni, county = Client(), Client()
    muni.force_login(user_with(Role.MUNICIPALITY, municipality_id="5001"))
    county.force_login(user_with(Role.COUNTY_GOVERNOR, county_id="50"))
    page = muni.get(reverse("web:municipality", args=["5001"])).content.decode()
    assert reverse("workforce:recruitment_municipality", args=["5001"]) in page
    page = county.get(reverse("web:county", args=["50"])).content.decode()
    assert reverse("workforce:recruitment_county", args=["50"]) in page
