"""The public GP and practice pages and the practice's information form (issue 20,
item 3)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fastlege.accounts.models import Role
from fastlege.core.models import AuditEvent
from fastlege.registry.models import Doctor, DoctorPeriod, Practice, WaitingListEntry
from fastlege.registry.tests.factories import DoctorFactory, ResidentFactory, user_with
from fastlege.web.tests.conftest import World

pytestmark = pytest.mark.django_db


def test_the_gp_page_shows_the_gp_and_the_list(world: World) -> None:
    today = datetime.date.today()
    agreement = world.open_list
    period = DoctorPeriod.objects.get(agreement=agreement, role=DoctorPeriod.Role.REGULAR)
    doctor = period.doctor
    Doctor.objects.filter(pk=doctor.pk).update(
        birth_date=datetime.date(today.year - 44, 1, 1), languages="pl,en", sex="K"
    )
    substitute = DoctorFactory.create(first_name="Vera", last_name="Vikar")
    DoctorPeriod.objects.create(
        agreement=agreement,
        doctor=substitute,
        role=DoctorPeriod.Role.SUBSTITUTE,
        substitute_for=doctor,
        valid_from=today - datetime.timedelta(days=3),
    )
    for person in ResidentFactory.create_batch(3):
        WaitingListEntry.objects.create(resident=person, agreement=agreement)
    r = Client().get(reverse("web:gp_page", args=[agreement.pk]))
    html = r.content.decode()
    assert r.status_code == 200
    # world: ceiling 50; three members and the citizen and the child on the list
    members = agreement.memberships.filter(valid_to__isnull=True).count()
    assert f"<dd>{50 - members}</dd>" in html
    assert "<dd>50</dd>" in html
    assert "40–49 år" in html and str(today.year - 44) not in html
    assert "polsk, engelsk" in html
    assert "spesialist i allmennmedisin" in html
    assert period.valid_from.strftime("%d.%m.%Y") in html
    assert "Vera Vikar" in html
    assert "<dd>&lt;5</dd>" in html  # three waiting: hidden as the statistics hide them
    assert reverse("web:practice_page", args=[agreement.practice_id]) in html


def test_the_gp_page_offers_a_citizen_the_switch_and_anonymous_nothing(world: World) -> None:
    free = reverse("web:gp_page", args=[world.free_list.pk])
    full = reverse("web:gp_page", args=[world.full_list.pk])
    switch = reverse("web:switch", args=[world.citizen.pk])
    waiting = reverse("web:join_waiting", args=[world.citizen.pk])
    citizen = world.client("citizen")
    assert f"{switch}?agreement={world.free_list.pk}" in citizen.get(free).content.decode()
    assert f"{waiting}?agreement={world.full_list.pk}" in citizen.get(full).content.decode()
    html = citizen.get(free, {"person": str(world.child.pk)}).content.decode()
    assert reverse("web:switch", args=[world.child.pk]) in html
    for client in (Client(), world.client("gp")):
        html = client.get(free).content.decode()
        assert "/bytt/" not in html and "/venteliste/" not in html


def test_unknown_or_ended_lists_and_practices_are_404(world: World) -> None:
    c = Client()
    assert c.get(reverse("web:gp_page", args=[987654])).status_code == 404
    assert c.get(reverse("web:practice_page", args=[987654])).status_code == 404
    world.free_list.valid_to = datetime.date(2021, 1, 1)
    world.free_list.save(update_fields=["valid_to"])
    assert c.get(reverse("web:gp_page", args=[world.free_list.pk])).status_code == 404


def test_the_search_links_to_the_gp_and_practice_pages(world: World) -> None:
    html = Client().get(reverse("web:find_gp"), {"kommune": "5001"}).content.decode()
    assert reverse("web:gp_page", args=[world.open_list.pk]) in html
    assert reverse("web:practice_page", args=[world.open_list.practice_id]) in html


GOOD = {
    "phone": "73 12 34 56",
    "website": "https://legesenter.example.no",
    "booking_url": "legesenter.example.no/time",
    "opening_hours": "Mandag–fredag 8–16",
    "accessibility": "Trinnfri inngang og heis",
    "latitude": "63.43",
    "longitude": "10.39",
}


def edit_url(world: World) -> str:
    return reverse("web:practice_edit", args=[world.open_list.practice_id])


@pytest.mark.parametrize("persona", ["gp", "municipality", "national"])
def test_the_practices_gp_and_its_municipality_write_its_information(
    world: World, persona: str
) -> None:
    client = world.client(persona)
    assert client.get(edit_url(world)).status_code == 200
    r = client.post(edit_url(world), GOOD)
    page = reverse("web:practice_page", args=[world.open_list.practice_id])
    assert r.status_code == 302 and r["Location"] == page
    practice = Practice.objects.get(pk=world.open_list.practice_id)
    assert practice.phone == "73 12 34 56"
    assert practice.booking_url == "https://legesenter.example.no/time"
    assert str(practice.latitude) == "63.43000"
    events = AuditEvent.objects.filter(action="practice.info_changed", object_id=str(practice.pk))
    assert events.count() == 1
    assert events.get().actor_id == world.users[persona].pk
    html = client.get(page).content.decode()
    for text in ("73 12 34 56", "Mandag–fredag 8–16", "Trinnfri inngang og heis"):
        assert text in html
    assert 'href="https://legesenter.example.no/time"' in html


@pytest.mark.parametrize(
    ("persona", "status"),
    [("citizen", 403), ("other_municipality", 403), ("county_governor", 403)],
)
def test_others_may_not_edit(world: World, persona: str, status: int) -> None:
    client = world.client(persona)
    assert client.get(edit_url(world)).status_code == status
    assert client.post(edit_url(world), GOOD).status_code == status
    assert Practice.objects.get(pk=world.open_list.practice_id).phone == ""
    assert not AuditEvent.objects.filter(action="practice.info_changed").exists()


def test_a_gp_of_another_practice_may_not_edit(world: World) -> None:
    other_gp = DoctorPeriod.objects.get(agreement=world.free_list).doctor
    client = Client()
    client.force_login(user_with(Role.GP, doctor=other_gp))
    assert client.post(edit_url(world), GOOD).status_code == 403
    assert Practice.objects.get(pk=world.open_list.practice_id).phone == ""


def test_anonymous_is_sent_to_log_in_and_unknown_practice_is_404(world: World) -> None:
    r = Client().post(edit_url(world), GOOD)
    assert r.status_code == 302 and reverse("web:login") in r["Location"]
    r = world.client("municipality").get(reverse("web:practice_edit", args=[987654]))
    assert r.status_code == 404


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("website", "ikke en adresse", "Skriv en gyldig nettadresse"),
        ("phone", "ring oss", "Skriv telefonnummeret med siffer"),
        ("latitude", "12", "Breddegraden må være mellom 57 og 72 (Norge)."),
        ("longitude", "", "Fyll ut både breddegrad og lengdegrad, eller ingen."),
    ],
)
def test_bad_input_is_said_in_norwegian_and_nothing_is_written(
    world: World, field: str, value: str, message: str
) -> None:
    r = world.client("municipality").post(edit_url(world), {**GOOD, field: value})
    assert r.status_code == 200
    assert message in r.content.decode()
    practice = Practice.objects.get(pk=world.open_list.practice_id)
    assert (practice.phone, practice.website, practice.latitude) == ("", "", None)
    assert not AuditEvent.objects.filter(action="practice.info_changed").exists()


def test_the_practice_page_offers_editing_only_to_who_may(world: World) -> None:
    page = reverse("web:practice_page", args=[world.open_list.practice_id])
    assert edit_url(world) not in Client().get(page).content.decode()
    assert edit_url(world) not in world.client("citizen").get(page).content.decode()
    assert edit_url(world) in world.client("gp").get(page).content.decode()


def test_the_service_refuses_unknown_fields(world: World, **_: Any) -> None:
    from fastlege.registry.services.practice import update_practice_info

    with pytest.raises(ValueError, match="not practice information"):
        update_practice_info(None, world.open_list.practice_id, name="Nytt navn")


def test_a_full_lists_page_shows_the_expected_wait_and_a_free_list_none(world: World) -> None:
    """Issue 20 item 4: a list that takes no newcomers says how long its queue may wait
    (the estimate of registry.waiting_time for a newcomer, here without history:
    «ukjent»); a list with free places has no wait to show."""
    full = Client().get(reverse("web:gp_page", args=[world.full_list.pk])).content.decode()
    free = Client().get(reverse("web:gp_page", args=[world.free_list.pk])).content.decode()
    assert 'data-testid="expected-wait"' in full and "ukjent" in full
    assert reverse("web:waiting_time_method") in full
    assert 'data-testid="expected-wait"' not in free
