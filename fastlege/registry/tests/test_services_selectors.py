"""Reads: scoped to the caller, audited when someone reads another person's data."""

from __future__ import annotations

import datetime

import pytest

from fastlege.accounts.models import Role
from fastlege.core.errors import DomainError
from fastlege.core.models import AuditEvent
from fastlege.registry import selectors
from fastlege.registry.models import DoctorPeriod
from fastlege.registry.services import Code, request_switch
from fastlege.registry.tests.factories import ResidentFactory, gp_list, member, user_with

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 3, 10)


def test_lists_with_free_places_counts_pending_moves():
    a = gp_list(ceiling=5, members=3)
    b = gp_list(ceiling=5, members=1)
    request_switch(None, member(b), a, today=TODAY)
    rows = {x.pk: vars(x) for x in selectors.lists_with_free_places("5001", TODAY)}
    assert (rows[a.pk]["members"], rows[a.pk]["incoming"], rows[a.pk]["free"]) == (3, 1, 1)
    assert rows[b.pk]["free"] == 3
    assert selectors.free_places(a) == 1


def test_switch_quota():
    a, b = gp_list(members=1), gp_list(members=1)
    person = member(a)
    request_switch(None, person, b, today=D(2026, 3, 10))
    quota = selectors.switch_quota(None, person, 2026)
    assert (quota.used, quota.limit, quota.left) == (1, 2, 1)


def test_unassigned_and_members_are_for_the_municipality_and_the_gp():
    agreement = gp_list(members=2)
    alone = ResidentFactory.create(municipality_id="5001")
    muni = user_with(Role.MUNICIPALITY, municipality_id="5001")
    assert alone in selectors.unassigned_residents(muni, "5001")
    with pytest.raises(DomainError) as exc:
        selectors.unassigned_residents(user_with(Role.MUNICIPALITY, municipality_id="0301"), "5001")
    assert exc.value.code == Code.NOT_AUTHORISED
    gp = user_with(Role.GP, doctor=DoctorPeriod.objects.get(agreement=agreement).doctor)
    assert selectors.list_members(gp, agreement).count() == 2


def test_visible_residents_by_role():
    agreement = gp_list(members=0)
    mother = member(agreement, birth_date=D(1990, 1, 1))
    child = member(agreement, birth_date=D(2018, 1, 1), mother=mother)
    grown = member(agreement, birth_date=D(2005, 1, 1), mother=mother)
    stranger = member(agreement)
    seen = set(selectors.visible_residents(user_with(Role.CITIZEN, resident=mother)))
    assert seen == {mother, child}
    assert grown not in seen and stranger not in seen
    muni = set(selectors.visible_residents(user_with(Role.MUNICIPALITY, municipality_id="5001")))
    assert {mother, child, grown, stranger} <= muni
    assert not selectors.visible_residents(user_with(Role.MUNICIPALITY, municipality_id="0301"))


def test_lookup_by_identity_number_is_audited_and_never_echoes_the_number():
    person = member(gp_list(members=1))
    staff = user_with(Role.NATIONAL)
    assert selectors.find_resident(staff, person.nin) == person
    assert AuditEvent.objects.filter(kind="read", actor=staff, object_id=str(person.pk)).exists()
    with pytest.raises(DomainError) as exc:
        selectors.find_resident(staff, "12345678901")
    assert exc.value.code == Code.UNKNOWN_PERSON and "12345678901" not in exc.value.messages[0]
    with pytest.raises(DomainError) as exc:
        selectors.find_resident(user_with(Role.CITIZEN, resident=person), person.nin)
    assert exc.value.code == Code.NOT_AUTHORISED


def test_own_data_reads_are_not_audited_but_staff_reads_are():
    person = member(gp_list(members=1))
    selectors.membership_history(user_with(Role.CITIZEN, resident=person), person)
    assert not AuditEvent.objects.filter(kind="read").exists()
    staff = user_with(Role.MUNICIPALITY, municipality_id="5001")
    assert len(selectors.membership_history(staff, person)) == 1
    assert AuditEvent.objects.get(kind="read").reason == "innsyn i listehistorikk"
