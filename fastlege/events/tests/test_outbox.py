"""The outbox: every change of a list, a doctor's period or a list place writes its
FLR event in the same transaction, whoever wrote it (the ORM, a raw bulk statement),
with the object's fields and never an identity number; a bulk load inside
``readmodels.paused`` (the seed) writes none."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection, transaction

from fastlege.core import readmodels
from fastlege.events import sql
from fastlege.events.models import Event
from fastlege.registry.models import Agreement, DoctorPeriod, ListMembership
from fastlege.registry.tests.factories import (
    DoctorFactory,
    DoctorPeriodFactory,
    MembershipFactory,
    ResidentFactory,
    gp_list,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def events_since(mark: int) -> list[Event]:
    return list(Event.objects.filter(id__gt=mark).order_by("id"))


def high_water() -> int:
    return Event.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_a_new_list_with_its_gp_and_a_member_are_three_created_events() -> None:
    mark = high_water()
    agreement = gp_list(ceiling=1200)
    person = ResidentFactory.create(municipality_id="5001")
    place = MembershipFactory.create(resident=person, agreement=agreement, valid_from=D(2024, 3, 1))
    period = DoctorPeriod.objects.get(agreement=agreement)

    got = events_since(mark)
    assert [e.type for e in got] == [
        "ContractCreated",
        "GPOnContractCreated",
        "PatientOnContractCreated",
    ]
    contract, gp, patient = got
    assert contract.object_id == agreement.pk and contract.agreement_id == agreement.pk
    assert contract.municipality_id == "5001"
    assert contract.payload == {
        "id": agreement.pk,
        "municipality": "5001",
        "practice": agreement.practice_id,
        "ceiling": 1200,
        "is_open": True,
        "locked": False,
        "shared_list": False,
        "salaried": False,
        "valid_from": "2020-01-01",
        "valid_to": None,
        "end_reason": "",
    }
    assert gp.object_id == period.pk and gp.municipality_id == "5001"
    assert gp.payload["hpr"] == period.doctor.hpr_number
    assert gp.payload["role"] == "LPFL" and gp.payload["substitute_for_hpr"] is None
    assert patient.object_id == place.pk and patient.agreement_id == agreement.pk
    assert patient.payload == {
        "id": place.pk,
        "agreement": agreement.pk,
        "resident": person.pk,
        "valid_from": "2024-03-01",
        "valid_to": None,
        "begin_reason": "forste",
        "end_reason": "",
    }


def test_no_identity_number_is_ever_in_the_outbox() -> None:
    mark = high_water()
    agreement = gp_list()
    people = [ResidentFactory.create(municipality_id="5001") for _ in range(3)]
    for p in people:
        MembershipFactory.create(resident=p, agreement=agreement)
    text = json.dumps([e.payload for e in events_since(mark)])
    assert not any(p.nin in text for p in people)
    assert all(str(p.pk) for p in people)


def test_ending_a_place_is_canceled_and_other_changes_are_updated() -> None:
    agreement = gp_list()
    place = MembershipFactory.create(agreement=agreement, resident__municipality_id="5001")
    mark = high_water()
    ListMembership.objects.filter(pk=place.pk).update(valid_from=D(2021, 2, 1))
    ListMembership.objects.filter(pk=place.pk).update(valid_to=D(2026, 2, 1), end_reason="bytte")
    got = events_since(mark)
    assert [e.type for e in got] == ["PatientOnContractUpdated", "PatientOnContractCanceled"]
    assert got[1].payload["valid_to"] == "2026-02-01" and got[1].payload["end_reason"] == "bytte"


def test_an_update_that_changes_nothing_of_the_payload_writes_nothing() -> None:
    agreement = gp_list()
    mark = high_water()
    Agreement.objects.filter(pk=agreement.pk).update(ceiling=agreement.ceiling)
    Agreement.objects.filter(pk=agreement.pk).update(end_reason_text="")  # not in the payload
    assert events_since(mark) == []
    Agreement.objects.filter(pk=agreement.pk).update(is_open=False)
    assert [e.type for e in events_since(mark)] == ["ContractUpdated"]
    Agreement.objects.filter(pk=agreement.pk).update(valid_to=D(2026, 6, 1))
    assert [e.type for e in events_since(mark)][-1] == "ContractCanceled"


def test_a_substitute_period_names_both_doctors_and_its_deletion_is_an_event() -> None:
    agreement = gp_list()
    regular = DoctorPeriod.objects.get(agreement=agreement).doctor
    mark = high_water()
    stand_in = DoctorPeriodFactory.create(
        agreement=agreement,
        doctor=DoctorFactory.create(),
        role=DoctorPeriod.Role.SUBSTITUTE,
        substitute_for=regular,
        percentage=60,
        valid_from=D(2026, 1, 1),
    )
    DoctorPeriod.objects.filter(pk=stand_in.pk).update(percentage=80)
    stand_in_id = stand_in.pk
    stand_in.delete()
    got = events_since(mark)
    assert [e.type for e in got] == [
        "GPOnContractCreated",
        "GPOnContractUpdated",
        "GPOnContractDeleted",
    ]
    assert got[0].payload["substitute_for_hpr"] == regular.hpr_number
    assert got[0].payload["percentage"] == 60 and got[1].payload["percentage"] == 80
    assert got[2].object_id == stand_in_id


def test_a_raw_bulk_statement_writes_one_event_per_row_in_the_same_transaction() -> None:
    agreement = gp_list()
    people = [ResidentFactory.create(municipality_id="5001") for _ in range(5)]
    mark = high_water()
    ids = ",".join(str(p.pk) for p in people)
    with connection.cursor() as cur:  # as the monthly update writes: one statement
        cur.execute(
            "INSERT INTO registry_listmembership "  # noqa: S608 - ids are integers
            "(resident_id, agreement_id, valid_from, valid_to, begin_reason, end_reason) "
            f"SELECT id, {agreement.pk}, '2026-02-01', NULL, 'tildelt', '' "
            f"FROM registry_resident WHERE id IN ({ids})"
        )
    got = events_since(mark)
    assert len(got) == 5 and {e.type for e in got} == {"PatientOnContractCreated"}
    assert sorted(e.payload["resident"] for e in got) == sorted(p.pk for p in people)
    assert {e.municipality_id for e in got} == {"5001"}


def test_a_rolled_back_change_leaves_no_event() -> None:
    agreement = gp_list()
    mark = high_water()
    with pytest.raises(RuntimeError), transaction.atomic():
        MembershipFactory.create(agreement=agreement, resident__municipality_id="5001")
        assert len(events_since(mark)) == 1  # written with the change ...
        raise RuntimeError
    assert events_since(mark) == []  # ... and gone with it


def test_a_paused_bulk_load_publishes_nothing_and_the_triggers_come_back() -> None:
    agreement = gp_list()
    mark = high_water()
    with transaction.atomic(), readmodels.paused(connection):
        assert sql.TRIGGERS.installed(connection) == 0
        MembershipFactory.create(agreement=agreement, resident__municipality_id="5001")
    assert events_since(mark) == []  # FLR: bulk and import writes publish nothing
    assert sql.TRIGGERS.installed(connection) == sql.TRIGGERS.expected(connection) == 9
    MembershipFactory.create(agreement=agreement, resident__municipality_id="5001")
    assert len(events_since(mark)) == 1


def test_missing_triggers_are_installed_again_after_migrate() -> None:
    sql.TRIGGERS.drop(connection)
    assert sql.TRIGGERS.installed(connection) == 0
    assert sql.TRIGGERS.ensure(connection) is True
    assert sql.TRIGGERS.installed(connection) == sql.TRIGGERS.expected(connection)
    assert sql.TRIGGERS.ensure(connection) is False  # all there: nothing done


def test_the_monthly_updates_bulk_moves_are_events_in_order() -> None:
    """The monthly update writes its moves with bulk statements; each move is an
    ended place on the old list and a new place on the new one, in one transaction."""
    from fastlege.monthly.services import run_month
    from fastlege.monthly.tests.world import MONTH, switch

    old, new = gp_list(ceiling=5), gp_list(ceiling=5)
    person = ResidentFactory.create(municipality_id="5001")
    MembershipFactory.create(resident=person, agreement=old)
    switch(person, new)
    mark = high_water()

    run_month(None, MONTH)

    mine = [e for e in events_since(mark) if e.payload.get("resident") == person.pk]
    assert [(e.type, e.agreement_id) for e in mine] == [
        ("PatientOnContractCanceled", old.pk),
        ("PatientOnContractCreated", new.pk),
    ]
    assert mine[0].payload["valid_to"] == MONTH.isoformat()
    assert mine[0].payload["end_reason"] == "bytte"
    assert mine[1].payload["valid_from"] == MONTH.isoformat()
    assert mine[1].payload["begin_reason"] == "valgt"
