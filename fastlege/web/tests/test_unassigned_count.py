"""The count of the unassigned (ufordelte) the database keeps per municipality
(``web.UnassignedCount``, by triggers) equals a live count (resident, in the scheme,
no open list place) after every kind of write: residents inserted one by one and in
bulk, moving, dying, opting out and in, list places started, ended, moved, reopened
and deleted, residents deleted, the registry's services, the monthly update; and
``ensure`` repairs it when the triggers are gone. On SQLite and on PostgreSQL
(statement triggers there)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse

from fastlege.monthly.services import run_month
from fastlege.monthly.tests.world import MONTH, random_world, switch, unassigned
from fastlege.registry.models import ListMembership, Resident
from fastlege.registry.services.citizen import opt_in, opt_out
from fastlege.registry.services.population import register_death, register_move
from fastlege.registry.tests.factories import (
    MembershipFactory,
    ResidentFactory,
    add_members,
    gp_list,
)
from fastlege.web import unassigned_sql
from fastlege.web.models import UnassignedCount
from fastlege.web.selectors import unassigned_count
from fastlege.web.tests.conftest import World

pytestmark = pytest.mark.django_db

D = datetime.date


def live() -> dict[str, int]:
    return dict(
        Resident.objects.filter(status=Resident.Status.RESIDENT, in_scheme=True)
        .filter(
            ~Exists(
                ListMembership.objects.filter(resident_id=OuterRef("pk"), valid_to__isnull=True)
            )
        )
        .values("municipality_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("municipality_id", "n")
    )


def kept() -> dict[str, int]:
    return {
        m: n for m, n in UnassignedCount.objects.values_list("municipality_id", "unassigned") if n
    }


def test_the_sql_names_the_same_status_as_the_model() -> None:
    assert unassigned_sql.STATUS_RESIDENT == Resident.Status.RESIDENT


def test_the_count_follows_direct_writes_to_residents_and_places() -> None:
    a = gp_list(members=3)  # Trondheim
    b = gp_list(members=2, municipality="5006")
    assert kept() == live() == {}
    alone = unassigned()  # one insert
    ResidentFactory.create_batch(2, municipality_id="5006")
    Resident.objects.bulk_create(ResidentFactory.build_batch(4, municipality_id="5001"))
    assert kept() == live() == {"5001": 5, "5006": 2}

    MembershipFactory.create(resident=alone, agreement=a)  # placed on a list
    assert kept() == live() == {"5001": 4, "5006": 2}

    # Moving: two unassigned and one on a list move from Trondheim to 5006.
    listed = ListMembership.objects.filter(agreement=a, valid_to__isnull=True).first()
    assert listed is not None
    movers = [*live_unassigned("5001")[:2], listed.resident_id]
    Resident.objects.filter(pk__in=movers).update(municipality_id="5006")
    assert kept() == live() == {"5001": 2, "5006": 4}

    # Status and scheme: death, emigration, opting out, back again; a no-op save.
    first, second = live_unassigned("5006")[:2]
    Resident.objects.filter(pk=first).update(status=Resident.Status.DEAD)
    Resident.objects.filter(pk=second).update(in_scheme=False)
    assert kept() == live() == {"5001": 2, "5006": 2}
    Resident.objects.filter(pk__in=[first, second]).update(
        status=Resident.Status.RESIDENT, in_scheme=True
    )
    Resident.objects.get(pk=first).save()  # every column written, nothing changed
    assert kept() == live() == {"5001": 2, "5006": 4}

    # Places ended in bulk (the engine's way), reopened, moved to another resident.
    ListMembership.objects.filter(agreement=b).update(valid_to=D(2026, 2, 1))
    assert kept() == live() == {"5001": 2, "5006": 6}
    ListMembership.objects.filter(agreement=b).update(valid_to=None)
    assert kept() == live() == {"5001": 2, "5006": 4}
    place = ListMembership.objects.filter(
        agreement=a, valid_to__isnull=True, resident__municipality_id="5006"
    ).get()  # the one who moved away kept the GP
    other = live_unassigned("5001")[0]
    ListMembership.objects.filter(pk=place.pk).update(resident_id=other)
    assert kept() == live() == {"5001": 1, "5006": 5}

    # A place of someone not in the scheme does not count either way.
    outsider = live_unassigned("5006")[0]
    Resident.objects.filter(pk=outsider).update(in_scheme=False)
    MembershipFactory.create(resident=Resident.objects.get(pk=outsider), agreement=b)
    assert kept() == live() == {"5001": 1, "5006": 4}
    Resident.objects.filter(pk=outsider).update(in_scheme=True)
    assert kept() == live() == {"5001": 1, "5006": 4}

    # Deleting places and residents (Django deletes the places first).
    ListMembership.objects.filter(agreement=a).delete()  # 4 places, all in 5001 now
    assert kept() == live() == {"5001": 5, "5006": 4}
    Resident.objects.filter(municipality_id="5001").delete()
    assert kept() == live() == {"5006": 4}
    assert unassigned_count("5006") == 4 and unassigned_count("5001") == 0


def live_unassigned(municipality: str) -> list[int]:
    return list(
        Resident.objects.filter(
            municipality_id=municipality, status=Resident.Status.RESIDENT, in_scheme=True
        )
        .filter(
            ~Exists(
                ListMembership.objects.filter(resident_id=OuterRef("pk"), valid_to__isnull=True)
            )
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def test_the_registry_services_keep_the_count() -> None:
    a = gp_list(members=2)
    on_list, other = (m.resident for m in ListMembership.objects.filter(agreement=a))
    newcomer = unassigned()
    today = D(2026, 3, 2)
    assert kept() == live() == {"5001": 1}
    opt_out(None, on_list, today=today)  # leaves the scheme, the place ends
    assert kept() == live() == {"5001": 1}
    opt_in(None, on_list, today=today)  # back in the scheme, on no list
    assert kept() == live() == {"5001": 2}
    register_move(None, newcomer, to_municipality="5006", moved_on=today, today=today)
    assert kept() == live() == {"5001": 1, "5006": 1}
    register_death(None, other, died_on=today, today=today)  # the place ends, not counted
    register_death(None, newcomer, died_on=today, today=today)
    assert kept() == live() == {"5001": 1}


def test_the_monthly_update_keeps_the_count() -> None:
    random_world(7)
    full = gp_list(ceiling=3, members=3)
    free = gp_list(ceiling=10, members=1)
    mover = ListMembership.objects.filter(agreement=full).first().resident  # type: ignore[union-attr]
    switch(mover, free)
    newcomer = unassigned()
    before = live()
    assert kept() == before and before["5001"] >= 1
    run_month(None, MONTH)
    assert ListMembership.objects.get(resident=newcomer, valid_to__isnull=True)
    assert kept() == live()
    assert live().get("5001", 0) < before["5001"]  # placed by the monthly update


def test_ensure_reinstalls_missing_triggers_and_recounts() -> None:
    unassigned()
    unassigned_sql.TRIGGERS.drop(connection)
    add_members(gp_list(), 2)
    unassigned()  # not seen: the triggers are gone
    assert kept() == {"5001": 1}
    assert unassigned_sql.TRIGGERS.ensure(connection) is True
    assert kept() == live() == {"5001": 2}
    assert unassigned_sql.TRIGGERS.ensure(connection) is False  # all there: nothing done
    unassigned()
    assert kept() == live() == {"5001": 3}


def test_the_pages_show_the_count_at_once(world: World) -> None:
    """No cache: a resident who becomes unassigned is on the municipality's and the
    county's page at the next request."""
    muni = world.client("municipality")
    county = world.client("county_governor")
    before = live().get("5001", 0)

    def shown() -> tuple[int, int, int]:
        o = muni.get(reverse("web:municipality", args=["5001"])).context["o"]
        r = county.get(reverse("web:county", args=["50"]))
        rows = {row.number: row for row in r.context["rows"]}
        return o.figures.unassigned, rows["5001"].figures.unassigned, r.context["totals"].unassigned

    assert shown() == (before, before, sum(live().values()))
    unassigned()
    opt_out(None, world.citizen, today=D(2026, 3, 2))  # not counted: out of the scheme
    assert shown() == (before + 1, before + 1, sum(live().values()))
    page = muni.get(reverse("web:municipality", args=["5001"])).content.decode()
    card = re.search(r'data-figure="ufordelte">\s*<p class="figure">([^<]*)</p>', page)
    assert card is not None and card.group(1) == str(before + 1)
