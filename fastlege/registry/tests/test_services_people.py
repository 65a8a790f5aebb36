"""People's rules in the registry services: D-number holders are placed by hand,
Sami speakers declare themselves and come first on a Sami GP's waiting list (§ 36),
a waiting-list placement by hand obeys the two-a-year rule (§ 6)."""

from __future__ import annotations

import datetime
import importlib

import pytest

from fastlege.accounts.models import Role
from fastlege.core.errors import DomainError
from fastlege.reference.models import Municipality
from fastlege.reference.sami import SAMI_LANGUAGE_AREA
from fastlege.registry import selectors
from fastlege.registry.models import Resident, SwitchRequest
from fastlege.registry.services import (
    Code,
    declare_sami_speaker,
    join_waiting_list,
    place_from_waiting_list,
    place_unassigned,
    register_arrival,
    request_switch,
)
from fastlege.registry.tests.factories import (
    ResidentFactory,
    apply_switch,
    gp_list,
    member,
    synthetic_nin,
    user_with,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 3, 10)


def _arrive(nin: str) -> Resident:
    return register_arrival(
        None,
        nin=nin,
        first_name="Amal",
        last_name="Hassan",
        municipality="5001",
        arrived_on=D(2026, 3, 1),
        today=TODAY,
    )


def test_an_arrival_with_a_d_number_is_flagged_and_a_birth_number_is_not():
    assert _arrive(synthetic_nin(D(1990, 2, 3), d_number=True)).has_d_number
    assert not _arrive(synthetic_nin(D(1990, 2, 3))).has_d_number
    # The factory derives it the same way (bulk paths do not call save()).
    assert ResidentFactory.build(nin=synthetic_nin(D(1991, 1, 1), d_number=True)).has_d_number


def test_a_d_number_holder_is_placeable_by_the_municipality_by_hand():
    person = _arrive(synthetic_nin(D(1988, 5, 6), d_number=True))
    target = gp_list(ceiling=5, members=1)
    switch = place_unassigned(
        user_with(Role.MUNICIPALITY, municipality_id="5001"), person, target, today=TODAY
    )
    assert switch.reason == SwitchRequest.Reason.PLACEMENT and switch.to_agreement_id == target.pk


def test_the_data_migration_fills_the_d_number_flag_for_existing_rows():
    d_holder = ResidentFactory.create(nin=synthetic_nin(D(1980, 1, 1), d_number=True))
    ordinary = ResidentFactory.create()
    # As the rows stood before the migration: the new column at its default.
    Resident.objects.filter(pk__in=[d_holder.pk, ordinary.pk]).update(has_d_number=False)
    Resident.objects.filter(pk=ordinary.pk).update(has_d_number=True)  # and a wrong one
    migration = importlib.import_module("fastlege.registry.migrations.0006_fill_has_d_number")
    from django.apps import apps

    migration.fill(apps, None)
    flags = dict(
        Resident.objects.filter(pk__in=[d_holder.pk, ordinary.pk]).values_list("pk", "has_d_number")
    )
    assert flags == {d_holder.pk: True, ordinary.pk: False}


def test_the_sami_language_area_is_marked_by_the_migration_and_the_loader():
    from django.apps import apps

    migration = importlib.import_module("fastlege.reference.migrations.0004_set_sami_language_area")
    assert set(migration.SAMI_LANGUAGE_AREA) == set(SAMI_LANGUAGE_AREA)
    Municipality.objects.update(sami_language_area=False)
    migration.mark(apps, None)
    marked = set(
        Municipality.objects.filter(sami_language_area=True).values_list("number", flat=True)
    )
    # Kautokeino, Karasjok, Røros and Snåsa are in it; Oslo and Trondheim are not.
    assert {"5612", "5610", "5025", "5041"} <= marked and not {"0301", "5001"} & marked
    assert len(marked) == 13


def test_a_person_declares_they_speak_sami_themselves():
    person = member(gp_list(members=1))
    stranger = member(gp_list(members=1))
    declare_sami_speaker(user_with(Role.CITIZEN, resident=person), person, speaks_sami=True)
    person.refresh_from_db()
    assert person.speaks_sami
    with pytest.raises(DomainError):
        declare_sami_speaker(user_with(Role.CITIZEN, resident=stranger), person, speaks_sami=False)


@pytest.mark.parametrize(
    ("municipality", "gp_speaks_sami", "sami_first"),
    [("5612", True, True), ("5612", False, False), ("5001", True, False)],
)
def test_sami_speakers_come_first_in_the_queue_of_a_sami_gp_in_the_area(
    municipality, gp_speaks_sami, sami_first
):
    target = gp_list(ceiling=1, members=1, municipality=municipality, gp_speaks_sami=gp_speaks_sami)
    home = gp_list(members=1, municipality=municipality)
    first, second = member(home), member(home, speaks_sami=True)
    join_waiting_list(None, first, target, today=TODAY)
    join_waiting_list(None, second, target, today=TODAY)
    expected = [second.pk, first.pk] if sami_first else [first.pk, second.pk]
    queue = selectors.waiting_queue(None, target)
    assert [e.resident_id for e in queue] == expected
    positions = {
        p.pk: selectors.waiting_position(None, p).position  # type: ignore[union-attr]
        for p in (first, second)
    }
    assert [pk for pk, _ in sorted(positions.items(), key=lambda kv: kv[1])] == expected


def test_a_waiting_list_placement_by_hand_counts_and_obeys_the_quota():
    a, b, c = (gp_list(ceiling=10, members=1) for _ in range(3))
    full = gp_list(ceiling=1, members=1)
    person = member(a)
    entry = join_waiting_list(None, person, full, today=D(2026, 1, 2))
    apply_switch(request_switch(None, person, b, today=D(2026, 1, 5)))
    apply_switch(request_switch(None, person, c, today=D(2026, 2, 5)))
    full.ceiling = 2
    full.save()
    with pytest.raises(DomainError) as exc:
        place_from_waiting_list(None, entry, today=D(2026, 3, 5))
    assert exc.value.code == Code.SWITCH_QUOTA_USED
