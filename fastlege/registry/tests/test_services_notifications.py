"""Notifications: readable by the person, marked read, exported in print batches."""

from __future__ import annotations

import datetime

import pytest

from fastlege.accounts.models import Role
from fastlege.core.errors import DomainError
from fastlege.registry import selectors
from fastlege.registry.models import Notification
from fastlege.registry.services import Code, create_print_batch, mark_read, take_over_list
from fastlege.registry.tests.factories import DoctorFactory, add_members, gp_list, user_with

pytestmark = pytest.mark.django_db

D = datetime.date


def test_a_resident_reads_their_notifications_and_marks_them_read():
    agreement = gp_list(members=0)
    person, other = add_members(agreement, 2)
    take_over_list(None, agreement, DoctorFactory.create(), valid_from=D(2026, 5, 1))
    own = user_with(Role.CITIZEN, resident=person)
    notes = list(selectors.notifications_for(own, person))
    assert len(notes) == 1 and notes[0].read_at is None
    assert notes[0].effective_on == D(2026, 5, 1)
    mark_read(own, notes[0])
    notes[0].refresh_from_db()
    assert notes[0].read_at is not None
    stranger = user_with(Role.CITIZEN, resident=other)
    with pytest.raises(DomainError) as exc:
        mark_read(stranger, notes[0])
    assert exc.value.code == Code.NOT_AUTHORISED
    with pytest.raises(DomainError) as exc:
        selectors.notifications_for(stranger, person)
    assert exc.value.code == Code.NOT_AUTHORISED


def test_print_batches_take_each_notification_once_and_show_no_identity_number():
    trondheim = gp_list(members=0)
    people = add_members(trondheim, 3)
    steinkjer = gp_list(members=2, municipality="5006")
    take_over_list(None, trondheim, DoctorFactory.create(), valid_from=D(2026, 5, 1))
    take_over_list(None, steinkjer, DoctorFactory.create(), valid_from=D(2026, 5, 1))
    muni = user_with(Role.MUNICIPALITY, municipality_id="5001")
    batch = create_print_batch(muni, municipality="5001")
    assert batch.size == 3
    csv_text = selectors.print_batch_csv(muni, batch)
    assert csv_text.splitlines()[0].startswith("melding_id;fornavn")
    assert len(csv_text.strip().splitlines()) == 4
    for p in people:
        assert p.nin not in csv_text
    with pytest.raises(DomainError) as exc:
        create_print_batch(muni, municipality="5001")
    assert exc.value.code == Code.NOTHING_TO_PRINT
    with pytest.raises(DomainError) as exc:
        create_print_batch(muni)  # the whole country is for national staff
    assert exc.value.code == Code.NOT_AUTHORISED
    national = create_print_batch(user_with(Role.NATIONAL))
    assert national.size == 2
    assert Notification.objects.filter(print_batch__isnull=True).count() == 0
