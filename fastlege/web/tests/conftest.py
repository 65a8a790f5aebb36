"""Personas for the web tests, as healthchecks does: one user per kind of visitor, each
with exactly the role and scope a real one would have, in a small world:

* Trondheim (5001, Trøndelag): list ``open_list`` (the citizen's GP, free places),
  ``full_list`` (at its ceiling: a waiting list), ``free_list`` (free places);
* Oslo (0301, county 03): ``oslo_list``;
* the dialogue: the tripartite ``forum``, a national meeting (the ministry's) and a
  meeting of Trøndelag (the county governor's).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from fastlege.accounts.models import Role
from fastlege.dialogue.models import Forum, Meeting
from fastlege.dialogue.tests.factories import meeting
from fastlege.registry.models import Agreement, CeilingChange, Doctor, DoctorPeriod, Resident
from fastlege.registry.tests.factories import (
    DoctorFactory,
    DoctorPeriodFactory,
    add_members,
    gp_list,
    member,
    user_with,
)

PASSWORD = "Et-sterkt-passord-2026"  # noqa: S105


@dataclass
class World:
    citizen: Resident
    child: Resident
    other: Resident
    open_list: Agreement
    full_list: Agreement
    free_list: Agreement
    oslo_list: Agreement
    doctor: Doctor
    change: CeilingChange
    users: dict[str, Any]
    forum: Forum
    national_meeting: Meeting
    county_meeting: Meeting

    def client(self, persona: str) -> Client:
        c = Client()
        if persona != "anonymous":
            c.force_login(self.users[persona])
        return c


def make_world() -> World:
    today = datetime.date.today()
    open_list = gp_list(ceiling=50, members=3)
    full_list = gp_list(ceiling=2, members=2)
    free_list = gp_list(ceiling=40, members=1)
    oslo_list = gp_list(ceiling=30, members=2, municipality="0301")
    doctor = DoctorPeriod.objects.get(agreement=open_list).doctor
    citizen = member(open_list, first_name="Ingrid", birth_date=datetime.date(1985, 3, 3))
    child = member(
        open_list,
        first_name="Ola",
        birth_date=today.replace(year=today.year - 8, day=1),
        mother=citizen,
        household=77,
    )
    citizen.household = 77
    citizen.save(update_fields=["household"])
    other = member(free_list, first_name="Anders", birth_date=datetime.date(1970, 4, 4))
    change = CeilingChange.objects.create(
        agreement=open_list,
        old_ceiling=50,
        new_ceiling=600,
        requested_on=today,
        effective_on=datetime.date(today.year + 1, 1, 1),
    )
    users = {
        "citizen": user_with(Role.CITIZEN, resident=citizen),
        "other_citizen": user_with(Role.CITIZEN, resident=other),
        "gp": user_with(Role.GP, doctor=doctor),
        "municipality": user_with(Role.MUNICIPALITY, municipality_id="5001"),
        "other_municipality": user_with(Role.MUNICIPALITY, municipality_id="0301"),
        "county_governor": user_with(Role.COUNTY_GOVERNOR, county_id="50"),
        "other_county_governor": user_with(Role.COUNTY_GOVERNOR, county_id="03"),
        "national": user_with(Role.NATIONAL),
        "ministry": user_with(Role.MINISTRY),
    }
    for user in users.values():
        user.set_password(PASSWORD)
        user.save()
    forum = Forum.objects.create(name="Trepartssamarbeidet")
    national_meeting = meeting(
        users["ministry"],
        title="Innspillsmøte om handlingsplanen",
        organiser_name="Helse- og omsorgsdepartementet",
        county_id=None,
    )
    county_meeting = meeting(users["county_governor"])
    return World(
        citizen,
        child,
        other,
        open_list,
        full_list,
        free_list,
        oslo_list,
        doctor,
        change,
        users,
        forum,
        national_meeting,
        county_meeting,
    )


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


@pytest.fixture
def world(db: Any) -> World:
    return make_world()


__all__ = ["PASSWORD", "World", "DoctorFactory", "DoctorPeriodFactory", "add_members", "make_world"]


# --- For the browser tests (a live server in another thread) --------------------------


@pytest.fixture
def site(transactional_db: Any, live_server: Any) -> World:
    """The world, committed, for the server thread."""
    from fastlege.core.testing.browser import ensure_reference_data

    ensure_reference_data()
    return make_world()


def login(page: Any, base: str, user: Any) -> None:
    """Log ``user`` in through the log-in page (``core.testing.browser.login``)."""
    from fastlege.core.testing import browser as machinery

    machinery.login(page, base, user.username, PASSWORD)
