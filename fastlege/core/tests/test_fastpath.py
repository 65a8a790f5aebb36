"""The hot-path helpers read and write exactly what the ORM would."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import transaction
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
