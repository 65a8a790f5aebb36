"""Invitations and coverage in the pages (issue 21, part 1): the organiser's page, the
municipality's overview, access, attendance, and the first-use faults of the meeting
pages (the draft state said first, no «Forleng fristen» for a meeting that has ended)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from fastlege.dialogue import services
from fastlege.dialogue.models import Meeting, Registration
from fastlege.dialogue.models_invitations import Invitation
from fastlege.dialogue.services import invitations as inv
from fastlege.dialogue.tests.factories import (
    at,
    county_governor,
    meeting,
    municipality_user,
    registration,
)
from fastlege.reference.models import Municipality

pytestmark = pytest.mark.django_db
BEFORE = at(2030, 11, 1, 10, 0)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_organiser_invites_the_county_and_sees_the_coverage(client):
    governor = county_governor()
    m = meeting(governor)
    client.force_login(governor)
    url = reverse("dialogue:invitations", args=[m.pk])
    page = text(client.get(url))
    assert "Inviter alle kommunene i Trøndelag" in page
    response = client.post(url, {"what": "fylke"}, follow=True)
    n = Municipality.objects.filter(county_id="50").count()
    assert f"{n} kommuner er invitert." in text(response)
    assert m.invitations.count() == n
    services.register(None, m.pk, registration(m.pk, 1, municipality_id="5001"), now=BEFORE)
    page = text(client.get(url))
    assert f"{n} av {n} kommuner invitert, 1 med påmeldte, 0 med oppmøte." in page
    assert 'aria-label="Kart over dekningen per kommune"' in page
    assert "Trondheim - Tråante: påmeldt (1 påmeldt, 0 møtte)</title>" in page  # tooltip
    assert '<tr id="kommune-5001"><th scope="row" data-label="Kommune">Trondheim</th>' in page
    csv = client.get(reverse("dialogue:coverage_csv", args=[m.pk]))
    assert csv["Content-Type"].startswith("text/csv")
    assert "5001;Trondheim;ja;1;0;påmeldt" in csv.content.decode("utf-8-sig")
    # a named person
    client.post(url, {"what": "person", "name": "Kari Nordmann", "email": "kari@example.no"})
    assert "Kari Nordmann" in text(client.get(url))
    # chosen municipalities: none left to choose, all are invited
    assert "Alle kommunene er invitert." in text(client.get(url))


def test_another_county_s_governor_can_neither_see_nor_invite(client):
    m = meeting(county_governor())
    client.force_login(county_governor("03"))
    url = reverse("dialogue:invitations", args=[m.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"what": "fylke"}).status_code == 403
    assert client.post(url, {"what": "kommuner", "municipalities": ["5001"]}).status_code == 403
    assert client.get(reverse("dialogue:coverage_csv", args=[m.pk])).status_code == 403
    assert client.post(reverse("dialogue:attendance", args=[m.pk])).status_code == 403
    assert not Invitation.objects.exists()
    client.force_login(municipality_user("5001"))
    assert client.get(url).status_code == 403


def test_the_municipality_sees_the_invitation_on_its_overview(client):
    governor = county_governor()
    m = meeting(governor, title="Dialogmøte om legedekningen")
    other = meeting(governor, title="Møte kommunen ikke er invitert til")
    inv.invite_municipalities(governor, m.pk, numbers=["5001"], now=BEFORE)
    inv.invite_municipalities(governor, other.pk, numbers=["5006"], now=BEFORE)
    client.force_login(municipality_user("5001"))
    page = text(client.get(reverse("web:municipality", args=["5001"])))
    assert "Invitasjoner til møter" in page
    assert "Dialogmøte om legedekningen" in page
    assert "Påmeldingsfrist: 1. desember 2030 kl. 12:00." in page
    assert f'href="{reverse("dialogue:register", args=[m.pk])}"' in page
    assert "Møte kommunen ikke er invitert til" not in page
    # the form offers the invited municipalities
    form = text(client.get(reverse("dialogue:register", args=[m.pk])))
    assert '<option value="5001">Trondheim</option>' in form
    assert '<option value="5006">' not in form


def test_attendance_is_marked_on_the_participant_list(client):
    governor = county_governor()
    m = meeting(governor, date=at(2020, 1, 1).date(), registration_deadline=None)
    a = services.register(None, m.pk, registration(m.pk, 1), now=at(2019, 12, 1))
    b = services.register(None, m.pk, registration(m.pk, 2), now=at(2019, 12, 1))
    client.force_login(governor)
    page = text(client.get(reverse("dialogue:participants", args=[m.pk])))
    assert "Kryss av for dem som møtte" in page
    response = client.post(
        reverse("dialogue:attendance", args=[m.pk]), {"attended": [str(a.pk)]}, follow=True
    )
    assert "Oppmøtet er lagret: 1 av 2 møtte." in text(response)
    assert dict(Registration.objects.values_list("pk", "attended")) == {a.pk: True, b.pk: False}


def test_a_new_meeting_says_first_whether_it_is_published(client):
    governor = county_governor()
    client.force_login(governor)
    form = text(client.get(reverse("dialogue:meeting_create")))
    fields = re.findall(r'name="([a-z_]+)"', form)
    assert fields.index("published") < fields.index("series")  # the first field
    assert "Uten hake lagres møtet som utkast" in form
    draft = meeting(governor, published=False)
    page = text(client.get(reverse("dialogue:organiser_meeting", args=[draft.pk])))
    assert "Utkast – ikke synlig for andre." in page
    assert "Publiser møtet" in page
    client.post(
        reverse("dialogue:organiser_meeting_post", args=[draft.pk, "publiser"]), {"published": "1"}
    )
    page = text(client.get(reverse("dialogue:organiser_meeting", args=[draft.pk])))
    assert "Publisert – synlig for alle." in page and "Utkast" not in page


def test_a_meeting_that_has_ended_offers_no_extension_of_the_deadline(client):
    governor = county_governor()
    past = meeting(governor, date=at(2021, 12, 7).date(), registration_deadline=None)
    future = meeting(governor)
    client.force_login(governor)
    page = text(client.get(reverse("dialogue:organiser_meeting", args=[past.pk])))
    assert "Forleng fristen" not in page
    assert "Møtet er holdt. Fristen kan ikke forlenges." in page
    assert "Forleng fristen" in text(
        client.get(reverse("dialogue:organiser_meeting", args=[future.pk]))
    )
    invitations = text(client.get(reverse("dialogue:invitations", args=[past.pk])))
    assert "Møtet er holdt. Ingen flere kan inviteres." in invitations
    assert "Inviter alle kommunene" not in invitations
    response = client.post(
        reverse("dialogue:organiser_meeting_post", args=[past.pk, "frist"]),
        {"registration_deadline": "2021-12-06T12:00"},
    )
    assert "Møtet er holdt (07.12.2021)" in text(response)
    assert Meeting.objects.get(pk=past.pk).registration_deadline is None
