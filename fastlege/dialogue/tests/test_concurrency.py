"""Concurrent registrations for the last seats: capacity is never exceeded.

Runs on PostgreSQL with real concurrent transactions (threads, one connection
each), like fastlege/registry/tests/test_concurrency.py; skipped on SQLite
(IMMEDIATE transactions queue) unless REQUIRE_POSTGRES is set, when it fails.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from functools import partial

import pytest

from fastlege.core.errors import DomainError
from fastlege.core.models import AuditEvent
from fastlege.dialogue import services
from fastlege.dialogue.models import Meeting, OutgoingEmail, ProgrammeItem, Registration
from fastlege.dialogue.tests.factories import at, registration
from fastlege.registry.tests.test_concurrency import in_thread, race, require_postgres

pytestmark = pytest.mark.django_db
THREADS = 8


def _make_meeting(capacity: int, waiting_list: bool) -> Meeting:
    return services.create_meeting(
        None,
        services.MeetingData(
            title="Innspillsmøte",
            date=datetime.date(2030, 10, 17),
            start_time=datetime.time(9, 30),
            end_time=datetime.time(15, 30),
            organiser_name="Helse- og omsorgsdepartementet",
            place="Stavanger",
            published=True,
            capacity=capacity,
            waiting_list=waiting_list,
        ),
    )


def _cleanup(ids: list[int], audit_after: int) -> None:
    OutgoingEmail.objects.filter(registration__meeting_id__in=ids).delete()
    Registration.objects.filter(meeting_id__in=ids).delete()
    ProgrammeItem.objects.filter(meeting_id__in=ids).delete()
    Meeting.objects.filter(pk__in=ids).delete()
    AuditEvent.objects.filter(pk__gt=audit_after).delete()


@pytest.fixture
def committed() -> Iterator[list[Meeting]]:
    require_postgres()
    made: list[Meeting] = []
    start = in_thread(
        lambda: AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    )
    try:
        yield made
    finally:
        in_thread(lambda: _cleanup([m.pk for m in made], start))


@pytest.mark.postgres
def test_concurrent_registrations_never_exceed_capacity(committed):
    for capacity in (1, 3):
        m = in_thread(partial(_make_meeting, capacity, False))
        committed.append(m)
        now = at(2030, 10, 1)
        results = race(
            [
                partial(services.register, None, m.pk, registration(m.pk, n), now=now)
                for n in range(THREADS)
            ]
        )
        won = [r for r in results if isinstance(r, Registration)]
        lost = [r for r in results if isinstance(r, DomainError)]
        assert len(won) == capacity, results
        assert {e.code for e in lost} == {"meeting_full"}, results
        assert Registration.objects.filter(meeting=m, status="pameldt").count() == capacity


@pytest.mark.postgres
def test_concurrent_registrations_fill_seats_then_the_waiting_list_in_order(committed):
    m = in_thread(partial(_make_meeting, 2, True))
    committed.append(m)
    now = at(2030, 10, 1)
    results = race(
        [
            partial(services.register, None, m.pk, registration(m.pk, n), now=now)
            for n in range(THREADS)
        ]
    )
    assert all(isinstance(r, Registration) for r in results), results
    assert Registration.objects.filter(meeting=m, status="pameldt").count() == 2
    assert Registration.objects.filter(meeting=m, status="venteliste").count() == THREADS - 2
    seated = [r for r in results if r.status == "pameldt"]
    cancels = race([partial(services.cancel, None, r.token) for r in seated])
    assert all(isinstance(r, Registration) for r in cancels), cancels
    assert Registration.objects.filter(meeting=m, status="pameldt").count() == 2
