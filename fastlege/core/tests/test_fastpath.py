"""The hot-path helpers read and write exactly what the ORM would."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import DataError, IntegrityError, transaction
from django.db.models import signals

from fastlege.core import audit, fastpath
from fastlege.core.models import AuditEvent
from fastlege.registry.models import Agreement, Resident, SwitchRequest
from fastlege.registry.tests.factories import UserFactory, add_members, gp_list

pytestmark = pytest.mark.django_db


def _values(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_fetch_locked_reads_what_the_orm_reads():
    agreement = gp_list(ceiling=10, members=0)
    person = add_members(agreement, 1)[0]
    with transaction.atomic():
        fast_person = fastpath.fetch_locked(Resident, person.pk)
        fast_list = fastpath.fetch_locked(Agreement, str(agreement.pk))
    assert fast_person is not None and fast_list is not None
    assert _values(fast_person) == _values(Resident.objects.get(pk=person.pk))
    assert _values(fast_list) == _values(Agreement.objects.get(pk=agreement.pk))
    assert isinstance(fast_person.birth_date, datetime.date)
    assert not fast_person._state.adding
    fast_person.first_name = "Endret"
    fast_person.save(update_fields=["first_name"])  # a normal, saveable instance
    assert Resident.objects.get(pk=person.pk).first_name == "Endret"


def test_fetch_locked_unknown_and_malformed_keys():
    assert fastpath.fetch_locked(Resident, 10**12) is None
    with pytest.raises((ValueError, TypeError, Exception)):
        fastpath.fetch_locked(Resident, "abc")


def test_insert_writes_what_save_writes():
    user: Any = UserFactory()
    agreement = gp_list(ceiling=10, members=0)
    person = add_members(gp_list(ceiling=10, members=0), 1)[0]
    event = audit.record(user, "test.action", agreement, reason="fordi", extra=[1, "ø"])
    assert event.pk is not None
    stored = AuditEvent.objects.get(pk=event.pk)
    assert _values(stored) == _values(event)
    assert stored.details == {"extra": [1, "ø"]}
    switch = fastpath.insert(
        SwitchRequest(
            resident=person,
            to_agreement=agreement,
            reason=SwitchRequest.Reason.ORDINARY,
            effective_on=datetime.date(2026, 2, 1),
        )
    )
    stored_switch = SwitchRequest.objects.get(pk=switch.pk)
    assert _values(stored_switch) == _values(switch)
    assert stored_switch.requested_at is not None  # auto_now_add / default applied


@pytest.mark.parametrize("model", [AuditEvent, SwitchRequest])
def test_models_written_by_insert_have_no_save_signals(model):
    """insert() skips model signals; it must only be used where there are none."""
    for signal in (signals.pre_save, signals.post_save):
        assert not signal.has_listeners(model), f"{model.__name__} has {signal} receivers"


def test_insert_and_record_writes_the_row_and_its_audit_event_together():
    user: Any = UserFactory()
    agreement = gp_list(ceiling=10, members=0)
    person = add_members(gp_list(ceiling=10, members=0), 1)[0]
    switch = SwitchRequest(
        resident=person,
        to_agreement=agreement,
        reason=SwitchRequest.Reason.ORDINARY,
        effective_on=datetime.date(2026, 2, 1),
    )
    with transaction.atomic():
        event = audit.insert_and_record(user, "switch.requested", switch, resident=person.pk)
    assert switch.pk is not None and event.pk is not None
    assert _values(SwitchRequest.objects.get(pk=switch.pk)) == _values(switch)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert _values(stored) == _values(event)
    assert (stored.object_type, stored.object_id) == ("registry.switchrequest", str(switch.pk))
    assert stored.actor_id == user.pk and stored.details == {"resident": person.pk}


def test_insert_and_record_writes_nothing_when_the_row_is_refused():
    """A failing insert leaves no audit event behind (one statement / one transaction)."""
    agreement = gp_list(ceiling=10, members=0)
    switch = SwitchRequest(
        resident_id=None,  # type: ignore[misc]  # NOT NULL: the database refuses the row
        to_agreement=agreement,
        reason=SwitchRequest.Reason.ORDINARY,
        effective_on=datetime.date(2026, 2, 1),
    )
    before = (AuditEvent.objects.count(), SwitchRequest.objects.count())
    with pytest.raises(IntegrityError), transaction.atomic():
        audit.insert_and_record(None, "switch.requested", switch)
    assert (AuditEvent.objects.count(), SwitchRequest.objects.count()) == before


def test_first_rows_reads_each_statement_in_order():
    agreement = gp_list(ceiling=10, members=0)
    person = add_members(agreement, 1)[0]
    with transaction.atomic():
        rows = fastpath.first_rows(
            [
                fastpath.locked_row(Resident, person.pk),
                fastpath.locked_row(Agreement, agreement.pk),
                fastpath.locked_row(Resident, 10**12),
            ]
        )
    read_person = fastpath.from_row(Resident, rows[0])
    read_list = fastpath.from_row(Agreement, rows[1])
    assert read_person is not None and read_list is not None
    assert _values(read_person) == _values(Resident.objects.get(pk=person.pk))
    assert read_list.ceiling == 10
    assert rows[2] is None and fastpath.from_row(Resident, rows[2]) is None


@pytest.mark.postgres
def test_hot_statements_are_prepared_once_per_connection_on_postgresql(settings):
    from django.db import connection

    settings.DATABASE_PREPARED_STATEMENTS = True
    agreement = gp_list(ceiling=10, members=0)
    person = add_members(agreement, 1)[0]

    def run_and_list() -> list[str]:
        with transaction.atomic():
            fastpath.first_rows([fastpath.locked_row(Resident, person.pk)])
            fastpath.fetch_locked(Agreement, agreement.pk)
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return sorted(row[0] for row in cursor.fetchall())

    prepared = run_and_list()
    assert any('FROM "registry_resident" WHERE' in s for s in prepared)
    assert any('FROM "registry_agreement" WHERE' in s for s in prepared)
    assert not any('"django_' in s for s in prepared)  # Django's own are not prepared
    # Prepared once: running them again prepares nothing new.
    assert run_and_list() == prepared
    assert run_and_list() == prepared


@pytest.mark.postgres
def test_a_failing_statement_in_a_batch_rolls_the_transaction_back():
    agreement = gp_list(ceiling=10, members=0)
    before = AuditEvent.objects.count()
    with pytest.raises(DataError), transaction.atomic():
        audit.record(None, "test.before", agreement)
        fastpath.first_rows([fastpath.locked_row(Agreement, agreement.pk), ("SELECT 1/0", [])])
    assert AuditEvent.objects.count() == before
