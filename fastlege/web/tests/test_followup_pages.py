"""Issue 16, items 4 and 5 on the pages: the county governor's follow-up list on the
county page (ranking, note and last contact, who may write), and the impact of a lower
ceiling shown to the municipality before it approves."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from fastlege.core.models import AuditEvent
from fastlege.dialogue.models import MunicipalityFollowUp
from fastlege.registry import rules
from fastlege.registry.models import CeilingChange, WaitingListEntry
from fastlege.registry.tests.factories import ResidentFactory, add_members, gp_list
from fastlege.web.tests.conftest import World

COUNTY = reverse("web:county", args=["50"])


def post_note(world: World, persona: str, **data: str):
    url = reverse("web:county_followup", args=["50", "5001"])
    return world.client(persona).post(url, data, follow=True)


def closed_list_with_waiting(n: int):
    closed = gp_list(ceiling=5, members=5, is_open=False)
    for person in ResidentFactory.create_batch(n, municipality_id="5001"):
        WaitingListEntry.objects.create(resident=person, agreement=closed)
    return closed


def test_the_county_page_opens_with_the_follow_up_list(world: World) -> None:
    closed_list_with_waiting(3)
    html = world.client("county_governor").get(COUNTY).content.decode()
    assert "Kommuner som trenger oppfølging" in html
    assert html.index('data-testid="followup"') < html.index('data-testid="county-table"')
    first_row = html.split('data-testid="followup-row"')[1]
    assert "Trondheim" in first_row
    assert "3 venter på lister som er lukket eller uten fast lege" in first_row
    assert "Endre oppfølging av Trondheim" in html


@pytest.mark.parametrize("persona", ["national"])
def test_national_staff_read_the_list_but_get_no_form(world: World, persona: str) -> None:
    html = world.client(persona).get(COUNTY).content.decode()
    assert "Kommuner som trenger oppfølging" in html
    assert "Endre oppfølging av" not in html


def test_the_county_governor_saves_a_note_and_last_contact(world: World) -> None:
    today = timezone.localdate()
    response = post_note(
        world, "county_governor", note="Ringt kommuneoverlegen", last_contacted=today.isoformat()
    )
    assert "Oppfølgingen er lagret" in response.content.decode()
    row = MunicipalityFollowUp.objects.get(municipality_id="5001")
    assert (row.note, row.last_contacted) == ("Ringt kommuneoverlegen", today)
    assert AuditEvent.objects.filter(
        action="followup.recorded", actor=world.users["county_governor"]
    ).exists()
    html = world.client("county_governor").get(COUNTY).content.decode()
    assert "Ringt kommuneoverlegen" in html
    assert today.strftime("%d.%m.%Y") in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"note": "x", "last_contacted": "2099-01-01"}, "kan ikke være fram i tid"),
        ({"note": "x", "last_contacted": "i går"}, "Skriv datoen som åååå-mm-dd."),
        ({"note": "Gjelder 01017012345", "last_contacted": ""}, "kan ikke inneholde fødselsnummer"),
        ({"note": "x" * 2001, "last_contacted": ""}, "høyst 2000 tegn"),
    ],
)
def test_bad_input_gives_a_norwegian_error_and_changes_nothing(
    world: World, data: dict, message: str
) -> None:
    response = post_note(world, "county_governor", **data)
    assert message in response.content.decode()
    assert not MunicipalityFollowUp.objects.exists()
    assert not AuditEvent.objects.filter(action="followup.recorded").exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("other_county_governor", 403), ("national", 403), ("municipality", 403)],
)
def test_only_the_county_governor_of_the_county_writes(
    world: World, persona: str, status: int
) -> None:
    url = reverse("web:county_followup", args=["50", "5001"])
    response = world.client(persona).post(url, {"note": "x", "last_contacted": ""})
    assert response.status_code == status
    assert not MunicipalityFollowUp.objects.exists()


def test_a_municipality_of_another_county_is_not_found(world: World) -> None:
    url = reverse("web:county_followup", args=["50", "0301"])
    response = world.client("county_governor").post(url, {"note": "x", "last_contacted": ""})
    assert response.status_code == 404


# --- the impact of a lower ceiling ---------------------------------------------------


def reduction_request(requested_on: datetime.date, effective_on: datetime.date):
    """A list of 10 (four households of two, two alone) whose GP asks for ceiling 4."""
    source = gp_list(ceiling=20, members=0)
    for h in range(4):
        add_members(source, 2, household=500 + h)
    add_members(source, 2)
    change = CeilingChange.objects.create(
        agreement=source,
        old_ceiling=20,
        new_ceiling=4,
        requested_on=requested_on,
        effective_on=effective_on,
    )
    return source, change


def test_the_overview_shows_the_impact_before_approval(world: World) -> None:
    today = timezone.localdate()
    late = rules.add_months(rules.first_of_next_month(today), 7)
    _source, change = reduction_request(today, late)
    html = world.client("municipality").get(reverse("web:municipality", args=["5001"])).content
    text = html.decode()
    # 10 on the list, new ceiling 4: 6 must move
    assert "6 innbyggere må flytte til en annen liste" in text
    assert "Advarsel: fristen" not in text
    assert f"?soknad={change.pk}" in text


def test_the_impact_page_counts_households_receiving_lists_and_warns_on_short_notice(
    world: World,
) -> None:
    today = timezone.localdate()
    soon = rules.first_of_next_month(today)
    source, change = reduction_request(today, soon)
    url = reverse("web:reduction_impact", args=["5001", source.pk]) + f"?soknad={change.pk}"
    response = world.client("municipality").get(url)
    text = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="impact-to-move">6<' in text
    # six residents from households of two and people alone: 3 to 6 households
    households = text.split('data-testid="impact-households">')[1].split("<")[0]
    low, _dash, high = households.partition("–")
    assert 3 <= int(low) <= int(high or low) <= 6
    assert "Advarsel: fristen på 6 måneders varsel er ikke overholdt" in text
    receiving = text.split('data-testid="receiving-lists"')[1].split("</table>")[0]
    rows = {
        row.split("/liste/")[1].split("/")[0]: row
        for row in receiving.split("<tr>")[2:]  # after the header row
    }
    # the other Trondheim lists of the world, not the list itself; free_list: ceiling
    # 40, two residents on it: 38 free, with a regular GP
    assert str(source.pk) not in rows
    assert {str(world.free_list.pk), str(world.full_list.pk)} <= set(rows)
    assert ">38<" in rows[str(world.free_list.pk)]
    assert ">ja<" in rows[str(world.free_list.pk)]
    assert ">0<" in rows[str(world.full_list.pk)]


def test_the_what_if_form_refuses_a_ceiling_that_is_not_lower(world: World) -> None:
    source, _change = reduction_request(timezone.localdate(), datetime.date(2099, 1, 1))
    first = rules.first_of_next_month(timezone.localdate()).isoformat()
    url = reverse("web:reduction_impact", args=["5001", source.pk])
    list_page = reverse("web:municipality_list", args=["5001", source.pk])
    assert url in world.client("municipality").get(list_page).content.decode()
    text = world.client("municipality").get(url, {"tak": "25", "fra": first}).content.decode()
    assert "Det nye listetaket må være lavere enn dagens." in text
    text = world.client("municipality").get(url, {"tak": "7", "fra": first}).content.decode()
    assert 'data-testid="impact-to-move">3<' in text


def test_other_municipalities_cannot_see_the_impact(world: World) -> None:
    source, change = reduction_request(timezone.localdate(), datetime.date(2099, 1, 1))
    url = reverse("web:reduction_impact", args=["5001", source.pk]) + f"?soknad={change.pk}"
    assert world.client("other_municipality").get(url).status_code == 403
    assert world.client("county_governor").get(url).status_code == 200
