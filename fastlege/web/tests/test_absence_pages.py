"""Absences on the pages (issue 17 item 6): the GP reports one (a one-day absence too)
and proposes a substitute; a refused form comes back with what was typed; the
municipality sees every absence and its cover and decides; the county governor reads."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from fastlege.accounts.models import Role
from fastlege.core.models import AuditEvent
from fastlege.registry.models import Absence
from fastlege.registry.tests.factories import DoctorFactory, gp_list, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    agreement = gp_list(ceiling=100, members=3)
    gp = agreement.doctor_periods.get().doctor
    clients = {}
    for name, user in {
        "gp": user_with(Role.GP, doctor=gp),
        "municipality": user_with(Role.MUNICIPALITY, municipality_id="5001"),
        "other_municipality": user_with(Role.MUNICIPALITY, municipality_id="0301"),
        "county_governor": user_with(Role.COUNTY_GOVERNOR, county_id="50"),
    }.items():
        clients[name] = Client()
        clients[name].force_login(user)
    return {"agreement": agreement, "doctor": gp, "locum": DoctorFactory.create(), **clients}


def post_absence(site, **fields):
    day = datetime.date.today() + datetime.timedelta(days=30)
    data = {"valid_from": day.isoformat(), "last_day": day.isoformat(), "reason": "kurs"}
    data.update(fields)
    return site["gp"].post(reverse("web:gp_absence", args=[site["agreement"].pk]), data)


def test_a_one_day_absence_is_accepted(site):
    day = datetime.date.today() + datetime.timedelta(days=30)
    r = post_absence(site, substitute_hpr=site["locum"].hpr_number)
    assert r.status_code == 302
    absence = Absence.objects.get()
    assert (absence.valid_from, absence.valid_to) == (day, day + datetime.timedelta(days=1))
    assert absence.proposed_substitute == site["locum"]
    page = site["gp"].get(reverse("web:gp_home")).content.decode()
    assert f"foreslått vikar: {site['locum'].full_name}" in page


def test_a_refused_form_keeps_what_the_gp_typed(site):
    day = datetime.date.today() + datetime.timedelta(days=30)
    before = day - datetime.timedelta(days=2)
    r = post_absence(site, last_day=before.isoformat())
    assert r.status_code == 400
    html = r.content.decode()
    assert "Siste fraværsdag kan ikke være før den første." in html
    assert f'value="{day.isoformat()}"' in html and f'value="{before.isoformat()}"' in html
    r = post_absence(site, substitute_hpr="123456789")
    assert r.status_code == 400
    html = r.content.decode()
    assert "Legen finnes ikke i registeret." in html and 'value="123456789"' in html
    assert not Absence.objects.exists()


def test_the_municipality_sees_the_absence_and_approves_the_substitute(site):
    post_absence(site, substitute_hpr=site["locum"].hpr_number)
    absence = Absence.objects.get()
    url = reverse("web:municipality_absences", args=["5001"])
    html = site["municipality"].get(url).content.decode()
    assert site["doctor"].full_name in html and site["locum"].full_name in html
    assert "Meldt, venter på kommunen" in html
    assert reverse("web:absence_decide", args=["5001", absence.pk]) in html
    r = site["municipality"].post(
        reverse("web:absence_decide", args=["5001", absence.pk]), {"decision": "godkjenn"}
    )
    assert r.status_code == 302
    absence.refresh_from_db()
    assert absence.status == Absence.Status.APPROVED
    html = site["municipality"].get(url).content.decode()
    assert f"{site['locum'].full_name}, 100 %" in html
    assert "Godkjent med vikar" in html
    overview = site["municipality"].get(reverse("web:municipality", args=["5001"]))
    assert f'href="{url}"' in overview.content.decode()


def test_the_county_governor_reads_and_another_municipality_is_refused(site):
    post_absence(site)
    absence = Absence.objects.get()
    url = reverse("web:municipality_absences", args=["5001"])
    html = site["county_governor"].get(url).content.decode()
    main = html.split("<main", 1)[-1].split("</main>", 1)[0]
    assert site["doctor"].full_name in html and "<form" not in main
    assert site["other_municipality"].get(url).status_code == 403
    r = site["county_governor"].post(
        reverse("web:absence_decide", args=["5001", absence.pk]), {"decision": "uten_vikar"}
    )
    assert r.status_code == 403
    absence.refresh_from_db()
    assert absence.status == Absence.Status.REPORTED


def test_an_uncovered_absence_goes_to_the_substitute_pool(site):
    from fastlege.workforce.models import SubstituteRequest

    post_absence(site)
    absence = Absence.objects.get()
    url = reverse("web:municipality_absences", args=["5001"])
    html = site["municipality"].get(url).content.decode()
    import re

    found = re.search(
        r'<form method="post" action="([^"]+)" data-testid="to-pool">(.*?)</form>', html, re.S
    )
    assert found is not None
    form = dict(re.findall(r'name="(\w+)" value="([^"]*)"', found.group(2)))
    r = site["municipality"].post(found.group(1), form)
    assert r.status_code == 302
    request = SubstituteRequest.objects.get()
    assert (request.absence_id, request.valid_from, request.valid_to) == (
        absence.pk,
        absence.valid_from,
        absence.valid_to,
    )


def test_reading_the_absence_page_is_audited_on_the_doctors_shown(site):
    # A GP's absence and its reason (here illness) is the doctor's personal data (M9).
    post_absence(site, reason="sykdom")
    url = reverse("web:municipality_absences", args=["5001"])
    reads = AuditEvent.objects.filter(kind=AuditEvent.Kind.READ)
    assert not reads.exists()  # the GP reporting their own absence reads nothing
    site["municipality"].get(url)
    site["county_governor"].get(url)
    events = list(reads.order_by("pk"))
    assert len(events) == 2
    for event in events:
        assert event.object_type == "registry.doctor"
        assert event.details["ids"] == [str(site["doctor"].pk)]
        assert event.action == "web.absences"
    assert {e.actor_id for e in events} == {
        int(site["municipality"].session["_auth_user_id"]),
        int(site["county_governor"].session["_auth_user_id"]),
    }
    # a page without absences shows nobody: nothing recorded
    AuditEvent.objects.all().delete()
    Absence.objects.all().delete()
    site["municipality"].get(url)
    assert not reads.exists()
