"""Shared-list wind-downs (deleliste) on the pages: the municipality registers one on
its list (a refused form comes back filled in, with the reason), names the successor
and cancels; the county governor reads the page and the early warning and cannot
change anything; another municipality is refused."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fastlege.accounts.models import Role
from fastlege.registry.models import DoctorPeriod, WindDown
from fastlege.registry.tests.factories import DoctorFactory, gp_list, user_with

pytestmark = pytest.mark.django_db


def years_ago(day: datetime.date, years: int) -> datetime.date:
    return day.replace(year=day.year - years, day=min(day.day, 28))


@pytest.fixture
def site():
    agreement = gp_list(ceiling=100, members=3)
    gp = agreement.doctor_periods.get(role=DoctorPeriod.Role.REGULAR).doctor
    today = timezone.localdate()
    gp.birth_date = years_ago(today, 64)
    gp.save()
    clients = {}
    for name, user in {
        "municipality": user_with(Role.MUNICIPALITY, municipality_id="5001"),
        "other_municipality": user_with(Role.MUNICIPALITY, municipality_id="0301"),
        "county_governor": user_with(Role.COUNTY_GOVERNOR, county_id="50"),
    }.items():
        clients[name] = Client()
        clients[name].force_login(user)
    return {"agreement": agreement, "gp": gp, "today": today, **clients}


def post_wind_down(site, client="municipality", **fields):
    data = {
        "agreement": site["agreement"].pk,
        "valid_from": site["today"].isoformat(),
        "hand_over_on": (site["today"] + datetime.timedelta(days=120)).isoformat(),
        "successor_hpr": "",
    }
    data.update(fields)
    return site[client].post(reverse("web:municipality_wind_downs", args=["5001"]), data)


def test_the_municipality_registers_names_the_successor_and_cancels(site):
    url = reverse("web:municipality_wind_downs", args=["5001"])
    html = site["municipality"].get(url).content.decode()
    assert "Registrer en ny deleliste" in html and f"Liste {site['agreement'].pk}," in html
    r = post_wind_down(site)
    assert r.status_code == 302
    w = WindDown.objects.get()
    assert (w.outgoing, w.successor) == (site["gp"], None)
    html = site["municipality"].get(url).content.decode()
    assert site["gp"].full_name in html and "ikke avklart" in html
    # The list's own page says so too.
    list_page = reverse("web:municipality_list", args=["5001", site["agreement"].pk])
    html = site["municipality"].get(list_page).content.decode()
    assert 'data-testid="list-wind-downs"' in html and "ny fastlege ikke avklart" in html
    assert w.hand_over_on.strftime("%d.%m.%Y") in html
    # It shows on the early warning as a likely vacancy on the hand-over day.
    warning = reverse("workforce:early_warning_municipality", args=["5001"])
    html = site["municipality"].get(warning).content.decode()
    assert "Deleliste uten etterfølger" in html
    assert w.hand_over_on.strftime("%d.%m.%Y") in html
    successor = DoctorFactory.create()
    r = site["municipality"].post(
        reverse("web:wind_down_successor", args=["5001", w.pk]),
        {"successor_hpr": successor.hpr_number},
    )
    assert r.status_code == 302
    w.refresh_from_db()
    assert w.successor == successor
    html = site["municipality"].get(warning).content.decode()
    assert "Deleliste uten etterfølger" not in html
    assert 'data-testid="hand-over-row"' in html and successor.full_name in html
    r = site["municipality"].post(reverse("web:wind_down_cancel", args=["5001", w.pk]), {})
    assert r.status_code == 302
    w.refresh_from_db()
    assert w.status == WindDown.Status.CANCELLED


def test_a_gp_under_60_is_refused_and_the_form_comes_back_filled_in(site):
    site["gp"].birth_date = years_ago(site["today"], 59)
    site["gp"].save()
    r = post_wind_down(site, successor_hpr="")
    assert r.status_code == 400
    html = r.content.decode()
    assert "Deleliste kan avtales av fastleger som har fylt 60 år" in html
    assert f'value="{site["today"].isoformat()}"' in html
    assert not WindDown.objects.exists()


def test_the_county_governor_reads_but_cannot_change(site):
    post_wind_down(site)
    w = WindDown.objects.get()
    url = reverse("web:municipality_wind_downs", args=["5001"])
    r = site["county_governor"].get(url)
    assert r.status_code == 200
    html = r.content.decode()
    assert site["gp"].full_name in html
    assert "Registrer en ny deleliste" not in html
    assert reverse("web:wind_down_cancel", args=["5001", w.pk]) not in html
    assert post_wind_down(site, client="county_governor").status_code == 403
    cancel = reverse("web:wind_down_cancel", args=["5001", w.pk])
    assert site["county_governor"].post(cancel, {}).status_code == 403
    w.refresh_from_db()
    assert w.status == WindDown.Status.ACTIVE
    county = reverse("workforce:early_warning_county", args=["50"])
    html = site["county_governor"].get(county).content.decode()
    assert "Deleliste uten etterfølger" in html


def test_another_municipality_is_refused(site):
    url = reverse("web:municipality_wind_downs", args=["5001"])
    assert site["other_municipality"].get(url).status_code == 403
    assert post_wind_down(site, client="other_municipality").status_code == 403
    assert not WindDown.objects.exists()
