"""The GP's own list (issue 20 item 7): the members by name and page, who joined and
left, the waiting list, absences changed until decided, and what a new ceiling would
mean. Only the list's regular GP sees them; reading them is audited."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from fastlege.accounts.models import Role
from fastlege.core.models import AuditEvent
from fastlege.registry import rules
from fastlege.registry.models import (
    Absence,
    ListMembership,
    SwitchRequest,
    WaitingListEntry,
)
from fastlege.registry.services import decide_absence, register_absence
from fastlege.registry.tests.factories import (
    DoctorFactory,
    ResidentFactory,
    add_members,
    gp_list,
    member,
    user_with,
)
from fastlege.web import gp_selectors

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
THIS_MONTH = TODAY.replace(day=1)
LAST_MONTH = rules.add_months(THIS_MONTH, -1)


@pytest.fixture
def site():
    agreement = gp_list(ceiling=10, members=0)
    gp = agreement.doctor_periods.get().doctor
    other_list = gp_list(ceiling=10, members=2)
    clients = {}
    for name, user in {
        "gp": user_with(Role.GP, doctor=gp),
        "other_gp": user_with(Role.GP, doctor=other_list.doctor_periods.get().doctor),
        "municipality": user_with(Role.MUNICIPALITY, municipality_id="5001"),
    }.items():
        clients[name] = Client()
        clients[name].force_login(user)
    return {"agreement": agreement, "doctor": gp, "other_list": other_list, **clients}


def url(name: str, site, *args) -> str:
    return reverse(f"web:{name}", args=[*(args or [site["agreement"].pk])])


def reads() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(kind=AuditEvent.Kind.READ).order_by("pk"))


# -- scope -----------------------------------------------------------------------------

LIST_PAGES = ["gp_members", "gp_movements", "gp_waiting", "gp_absences", "gp_ceiling_page"]


@pytest.mark.parametrize("page", LIST_PAGES)
def test_only_the_lists_own_gp_sees_its_pages(site, page):
    member(site["agreement"], first_name="Siri", last_name="Aas")
    assert site["gp"].get(url(page, site)).status_code == 200
    for persona in ("other_gp", "municipality"):
        response = site[persona].get(url(page, site))
        assert response.status_code == 404, persona
        assert "Aas" not in response.content.decode()
    gp_id = int(site["gp"].session["_auth_user_id"])
    assert all(e.actor_id == gp_id for e in reads())  # nobody else read anything


def test_another_gp_cannot_open_or_change_an_absence(site):
    absence = register_absence(
        None, site["agreement"], valid_from=TODAY, valid_to=None, reason="kurs"
    )
    change = url("gp_absence_change", site, absence.pk)
    assert site["other_gp"].get(change).status_code == 404
    assert site["municipality"].get(change).status_code == 404
    r = site["other_gp"].post(
        change, {"valid_from": TODAY.isoformat(), "last_day": "", "reason": "ferie"}
    )
    assert r.status_code == 404
    absence.refresh_from_db()
    assert absence.reason == "kurs"


# -- members ---------------------------------------------------------------------------


def test_members_show_name_age_and_since_and_the_read_is_audited(site):
    born = datetime.date(TODAY.year - 40, 1, 1)  # 40 today (born 1 January)
    person = member(site["agreement"], first_name="Siri", last_name="Aas", birth_date=born)
    ListMembership.objects.filter(resident=person).update(valid_from=datetime.date(2022, 3, 1))
    html = site["gp"].get(url("gp_members", site)).content.decode()
    row = re.search(r'<tr data-testid="member">(.*?)</tr>', html, re.S)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))
    assert cells == ["Aas, Siri", born.strftime("%d.%m.%Y"), "40", "01.03.2022"]
    (event,) = reads()
    assert event.object_type == "registry.resident"
    assert event.details["ids"] == [str(person.pk)]
    assert event.details["agreement"] == site["agreement"].pk
    assert event.action == "web.gp_members"


def test_members_come_a_page_at_a_time_by_keyset(site):
    people = add_members(site["agreement"], gp_selectors.PAGE_SIZE + 3)
    first = site["gp"].get(url("gp_members", site)).content.decode()
    assert first.count('data-testid="member"') == gp_selectors.PAGE_SIZE
    last_on_first = sorted(p.pk for p in people)[gp_selectors.PAGE_SIZE - 1]
    assert f"etter={last_on_first}" in first
    second = site["gp"].get(url("gp_members", site) + f"?etter={last_on_first}")
    assert second.content.decode().count('data-testid="member"') == 3
    assert 'rel="next"' not in second.content.decode()  # the last page
    # a page marker that is no id is the first page, not an error
    odd = site["gp"].get(url("gp_members", site) + "?etter=abc")
    assert odd.status_code == 200
    assert odd.content.decode().count('data-testid="member"') == gp_selectors.PAGE_SIZE
    ids = [e.details["ids"] for e in reads()]
    assert ids[1] == [str(pk) for pk in sorted(p.pk for p in people)[-3:]]


def test_members_are_searched_by_the_start_of_their_names(site):
    member(site["agreement"], first_name="Kari", last_name="Hansen")
    member(site["agreement"], first_name="Per", last_name="Hansen")
    member(site["agreement"], first_name="Kari", last_name="Olsen")
    member(site["other_list"], first_name="Kari", last_name="Hansen")  # another list

    def found(term: str) -> list[str]:
        html = site["gp"].get(url("gp_members", site), {"navn": term}).content.decode()
        return re.findall(r'<tr data-testid="member">\s*<td[^>]*>(.*?)</td>', html)

    assert found("hans") == ["Hansen, Kari", "Hansen, Per"]
    assert found("kari han") == ["Hansen, Kari"]
    assert found("Ol") == ["Olsen, Kari"]
    assert found("Nilsen") == []


def test_an_identity_number_is_never_searched_for(site):
    person = member(site["agreement"], first_name="Kari", last_name="Hansen")
    r = site["gp"].get(url("gp_members", site), {"navn": person.nin})
    assert r.status_code == 400
    html = r.content.decode()
    assert "Fødselsnummer kan ikke brukes her" in html
    assert "Hansen" not in html and person.nin not in html
    assert not reads()
    # the browser refuses it before it is sent: the input's pattern
    assert (
        'pattern="(?![\\s\\S]*\\d{6}\\s?\\d{5})[\\s\\S]*"'
        in site["gp"].get(url("gp_members", site)).content.decode()
    )
    # and the selector finds nobody even if asked directly
    page = gp_selectors.members_page(
        site["gp"].get(url("gp_members", site)).wsgi_request.user,
        site["agreement"],
        name=person.nin,
    )
    assert page.members == []


# -- joiners and leavers ---------------------------------------------------------------


def test_this_and_last_months_joiners_and_leavers(site):
    joined_now = member(site["agreement"], first_name="Ny", last_name="Denne")
    ListMembership.objects.filter(resident=joined_now).update(valid_from=THIS_MONTH)
    joined_before = member(site["agreement"], first_name="Ny", last_name="Forrige")
    ListMembership.objects.filter(resident=joined_before).update(valid_from=LAST_MONTH)
    left_now = member(site["agreement"], first_name="Borte", last_name="Denne")
    ListMembership.objects.filter(resident=left_now).update(
        valid_to=THIS_MONTH, end_reason=ListMembership.EndReason.SWITCHED
    )
    old = member(site["agreement"], first_name="Gammel", last_name="Medlem")  # since 2021
    html = site["gp"].get(url("gp_movements", site)).content.decode()
    this, last = html.split('data-testid="month"')[1:3]
    joined_this = this.split('data-testid="joined"')[1].split("</table>")[0]
    left_this = this.split('data-testid="left"')[1].split("</table>")[0]
    assert "Denne, Ny" in joined_this and "Forrige" not in joined_this
    assert "Denne, Borte" in left_this and "Byttet" in left_this.replace("byttet", "Byttet")
    assert "Forrige, Ny" in last and "Denne" not in last
    assert "Medlem" not in html
    (event,) = reads()
    assert sorted(event.details["ids"]) == sorted(
        str(p.pk) for p in (joined_now, left_now, joined_before)
    )
    assert str(old.pk) not in event.details["ids"]


# -- the waiting list ------------------------------------------------------------------


def test_the_waiting_list_in_queue_order_only_to_the_lists_gp(site):
    now = datetime.datetime.now(datetime.UTC)
    people = []
    for i, name in enumerate(["Tredje", "Forste", "Andre"]):
        person = ResidentFactory.create(first_name="V", last_name=name)
        WaitingListEntry.objects.create(
            resident=person,
            agreement=site["agreement"],
            joined_at=now - datetime.timedelta(days={0: 1, 1: 3, 2: 2}[i]),
        )
        people.append(person)
    gone = ResidentFactory.create(last_name="Forlatt")
    WaitingListEntry.objects.create(
        resident=gone, agreement=site["agreement"], status=WaitingListEntry.Status.LEFT
    )
    html = site["gp"].get(url("gp_waiting", site)).content.decode()
    entry = r'<tr data-testid="waiting-entry"><td[^>]*>(\d+)</td><td[^>]*>(.*?)</td>'
    rows = re.findall(entry, html)
    assert rows == [("1", "Forste, V"), ("2", "Andre, V"), ("3", "Tredje, V")]
    assert "Forlatt" not in html
    (event,) = reads()
    assert event.details["ids"] == [str(p.pk) for p in (people[1], people[2], people[0])]
    assert site["other_gp"].get(url("gp_waiting", site)).status_code == 404


# -- absences --------------------------------------------------------------------------


def change(site, absence: Absence, **fields):
    data = {
        "valid_from": absence.valid_from.isoformat(),
        "last_day": absence.last_day.isoformat() if absence.last_day else "",
        "reason": absence.reason,
        "substitute_hpr": "",
    }
    data.update(fields)
    return site["gp"].post(url("gp_absence_change", site, absence.pk), data)


def test_the_gp_changes_an_absence_and_proposes_a_substitute(site):
    day = TODAY + datetime.timedelta(days=20)
    absence = register_absence(
        None, site["agreement"], valid_from=day, valid_to=None, reason="sykdom"
    )
    locum = DoctorFactory.create()
    page = site["gp"].get(url("gp_absences", site)).content.decode()
    assert url("gp_absence_change", site, absence.pk) in page
    assert "Meldt, venter på kommunen" in page
    form = site["gp"].get(url("gp_absence_change", site, absence.pk)).content.decode()
    assert f'value="{day.isoformat()}"' in form  # the form opens with the absence
    r = change(site, absence, last_day=day.isoformat(), substitute_hpr=locum.hpr_number)
    assert r.status_code == 302
    absence.refresh_from_db()
    assert (absence.valid_from, absence.valid_to) == (day, day + datetime.timedelta(days=1))
    assert absence.proposed_substitute == locum
    assert absence.status == Absence.Status.REPORTED
    event = AuditEvent.objects.filter(action="absence.changed").get()
    assert event.details["before"]["valid_to"] is None
    assert event.details["proposed_substitute"] == locum.pk


def test_a_refused_change_keeps_what_was_typed_and_changes_nothing(site):
    day = TODAY + datetime.timedelta(days=20)
    absence = register_absence(
        None, site["agreement"], valid_from=day, valid_to=None, reason="kurs"
    )
    r = change(site, absence, substitute_hpr=site["doctor"].hpr_number)
    assert r.status_code == 400
    html = r.content.decode()
    assert "Vikaren kan ikke være listens egen fastlege." in html
    assert f'value="{site["doctor"].hpr_number}"' in html
    absence.refresh_from_db()
    assert absence.proposed_substitute is None
    assert not AuditEvent.objects.filter(action="absence.changed").exists()


def test_a_decided_absence_cannot_be_changed_a_refused_substitute_can_be_replaced(site):
    day = TODAY + datetime.timedelta(days=20)
    muni = site["municipality"].get("/").wsgi_request.user
    approved = register_absence(
        None, site["agreement"], valid_from=day, valid_to=None, reason="kurs"
    )
    decide_absence(muni, approved, "uten_vikar")
    r = change(site, approved, reason="ferie")
    assert r.status_code == 400
    assert "Kommunen har allerede avgjort" in r.content.decode()
    approved.refresh_from_db()
    assert approved.reason == "kurs"
    refused = register_absence(
        None,
        site["agreement"],
        valid_from=day + datetime.timedelta(days=40),
        valid_to=None,
        reason="ferie",
        proposed_substitute_hpr=DoctorFactory.create().hpr_number,
    )
    decide_absence(muni, refused, "avslaa", note="Mangler avtale med Helfo")
    locum = DoctorFactory.create()
    assert change(site, refused, substitute_hpr=locum.hpr_number).status_code == 302
    refused.refresh_from_db()
    assert (refused.status, refused.proposed_substitute) == (Absence.Status.REPORTED, locum)


# -- the ceiling -----------------------------------------------------------------------


def test_the_ceiling_page_shows_the_six_month_rule_and_who_would_move(site):
    leaving, *_rest = add_members(site["agreement"], 8)
    first = rules.first_of_next_month(TODAY)
    SwitchRequest.objects.create(
        resident=leaving,
        from_agreement=site["agreement"],
        to_agreement=site["other_list"],
        effective_on=first,
    )
    html = site["gp"].get(url("gp_ceiling_page", site)).content.decode()
    months = rules.param("reduction_notice_months", TODAY)
    assert f"{months} måneder før det skal gjelde" in html
    assert "fastlegeforskriften § 11" in html
    early = first.isoformat()
    r = site["gp"].get(url("gp_ceiling_page", site), {"new_ceiling": 5, "effective_on": early})
    html = r.content.decode()
    # 8 on the list, 1 already leaving by then, ceiling 5: 2 must move
    assert "må 2 personer flytte" in html
    assert f"Fristen på {months} måneder er ikke holdt" in html
    late = rules.add_months(first, months).isoformat()
    html = (
        site["gp"]
        .get(url("gp_ceiling_page", site), {"new_ceiling": 5, "effective_on": late})
        .content.decode()
    )
    assert f"Fristen på {months} måneder er holdt" in html
    html = (
        site["gp"]
        .get(url("gp_ceiling_page", site), {"new_ceiling": 20, "effective_on": late})
        .content.decode()
    )
    assert "må ingen flytte" in html
    assert not reads()  # counts only, nobody named
