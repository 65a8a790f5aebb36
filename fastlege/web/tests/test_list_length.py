"""The list lengths the database keeps (``web.ListLength``, by triggers) equal a live
count of the open list places after every kind of write: one row, many rows, a move
between lists, an ending, a deletion, the monthly update; and ``ensure`` repairs them
when the triggers are gone. On SQLite and on PostgreSQL (statement triggers there)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.models import Count

from fastlege.monthly.services import run_month
from fastlege.monthly.tests.world import MONTH, switch, unassigned
from fastlege.registry.models import ListMembership
from fastlege.registry.tests.factories import add_members, gp_list, member
from fastlege.web import listlength_sql
from fastlege.web.models import ListLength
from fastlege.web.selectors import list_lengths

pytestmark = pytest.mark.django_db


def live() -> dict[int, int]:
    return dict(
        ListMembership.objects.filter(valid_to__isnull=True)
        .values("agreement_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("agreement_id", "n")
    )


def kept() -> dict[int, int]:
    return {a: n for a, n in ListLength.objects.values_list("agreement_id", "members") if n}


def test_lengths_follow_every_write_to_the_memberships() -> None:
    a = gp_list(members=3)
    b = gp_list(members=0, municipality="5001")
    assert kept() == live() == {a.pk: 3}
    person = member(b)
    add_members(b, 4)  # bulk insert
    assert kept() == live() == {a.pk: 3, b.pk: 5}

    place = ListMembership.objects.get(resident=person)
    place.valid_to = datetime.date(2026, 1, 1)  # ended (opt-out, death, moved away)
    place.save()
    assert kept() == live() == {a.pk: 3, b.pk: 4}

    moved = ListMembership.objects.filter(agreement=a, valid_to__isnull=True)[:2]
    ListMembership.objects.filter(pk__in=[m.pk for m in moved]).update(agreement=b)
    assert kept() == live() == {a.pk: 1, b.pk: 6}

    ListMembership.objects.filter(agreement=b, valid_to__isnull=True).update(
        valid_to=datetime.date(2026, 2, 1)
    )  # many rows in one statement
    assert kept() == live() == {a.pk: 1}

    ListMembership.objects.filter(agreement=b).update(valid_to=None)  # all 7 reopened
    ListMembership.objects.filter(agreement=a).delete()
    assert kept() == live() == {b.pk: 7}
    assert list_lengths("5001") == {a.pk: 0, b.pk: 7}


def test_the_monthly_update_keeps_the_lengths() -> None:
    full = gp_list(ceiling=3, members=3)
    free = gp_list(ceiling=10, members=1)
    mover = ListMembership.objects.filter(agreement=full).first().resident  # type: ignore[union-attr]
    switch(mover, free)
    newcomer = unassigned()
    run_month(None, MONTH)
    assert ListMembership.objects.get(resident=newcomer, valid_to__isnull=True)
    assert kept() == live()
    assert live()[free.pk] == 3 and live()[full.pk] == 2


def test_ensure_reinstalls_missing_triggers_and_recounts() -> None:
    a = gp_list(members=2)
    listlength_sql.TRIGGERS.drop(connection)
    add_members(a, 3)  # not seen: the triggers are gone
    assert kept() == {a.pk: 2}
    assert listlength_sql.TRIGGERS.ensure(connection) is True
    assert kept() == live() == {a.pk: 5}
    assert listlength_sql.TRIGGERS.ensure(connection) is False  # all there: nothing done
    add_members(a, 1)
    assert kept() == {a.pk: 6}
