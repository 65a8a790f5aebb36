"""Concurrent registrations for the last seats: capacity is never exceeded.

Runs on PostgreSQL with real concurrent transactions (threads, one connection
each), like fastlege/registry/tests/test_concurrency.py; deselected on SQLite
(IMMEDIATE transactions queue) unless REQUIRE_POSTGRES is set, when it fails.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from functools import partial

import pytest

from fastlege.core.errors import DomainError
from fastlege.core.testing.threads import committed_rows, in_thread
from fastlege.dialogue import services
from fastlege.dialogue.models import Meeting, Registration
from fastlege.dialogue.tests.factories import at, registration
from fastlege.registry.tests.test_concurrency import race

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


@pytest.fixture
def committed() -> Iterator[list[Meeting]]:
    """The meetings the test commits for its threads; every row made then (audit rows
    and e-mails included) is deleted afterwards, and nothing may be left."""
    with committed_rows():
        yield []


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
        lost = [r for r in results if isinstance(r, DomainError) and r.code == "meeting_full"]
        # every call either got a seat or was refused as full: no other error is tolerated
        assert len(won) == capacity and len(lost) == THREADS - capacity, results
        assert Registration.objects.filter(meeting=m, status="pameldt").count() == capacity


@pytest.mark.postgres
def test_concurrent_registrations_fill_seats_then_the_waiting_list_in_order(committed):
    """Each registration has its own time (minute n); they race for the meeting's lock
    in whatever order the threads get there. Seats go to the first to get the lock;
    freed seats go to the waiting list in the order of registration time."""
    m = in_thread(partial(_make_meeting, 2, True))
    committed.append(m)
    results = race(
        [
            partial(services.register, None, m.pk, registration(m.pk, n), now=at(2030, 10, 1, 9, n))
            for n in range(THREADS)
        ]
    )
    assert all(isinstance(r, Registration) for r in results), results
    seated = [r for r in results if r.status == "pameldt"]
    waiting = sorted(
        (r for r in results if r.status == "venteliste"), key=lambda r: r.registered_at
    )
    assert len(seated) == 2 and len(waiting) == THREADS - 2
    # the lock serialises them: both seated registrations were made before any waiting one
    assert max(r.pk for r in seated) < min(r.pk for r in waiting)
    cancels = race([partial(services.cancel, None, r.token) for r in seated])
    assert all(isinstance(r, Registration) for r in cancels), cancels
    now_seated = set(
        Registration.objects.filter(meeting=m, status="pameldt").values_list("pk", flat=True)
    )
    assert now_seated == {r.pk for r in waiting[:2]}  # the two earliest on the waiting list
    still_waiting = Registration.objects.filter(meeting=m, status="venteliste")
    assert set(still_waiting.values_list("pk", flat=True)) == {r.pk for r in waiting[2:]}


@pytest.mark.postgres
def test_concurrent_confirmations_never_exceed_capacity(committed):
    """Pending registrations (issue 18, finding 10) racing to confirm their links for
    the last seats: the same meeting lock as registering directly."""
    import re

    from django.core import mail

    m = in_thread(partial(_make_meeting, 2, False))
    committed.append(m)
    now = at(2030, 10, 1)
    for n in range(THREADS):
        in_thread(
            partial(
                services.request_registration,
                None,
                m.pk,
                registration(m.pk, n, email=f"kappløp{n}@example.no"),
                client_address=f"198.18.0.{n}",  # committed slots: values no other test uses
                now=now,
            )
        )
    tokens = [
        re.search(r"/pamelding/([^/]+)/bekreft/", str(message.body)).group(1)  # type: ignore[union-attr]
        for message in mail.outbox[-THREADS:]
    ]
    assert len(set(tokens)) == THREADS
    results = race([partial(services.confirm_registration, t, now=now) for t in tokens])
    won = [r for r in results if isinstance(r, services.Confirmed)]
    lost = [r for r in results if isinstance(r, DomainError) and r.code == "full_at_confirmation"]
    assert len(won) == 2 and len(lost) == THREADS - 2, results
    assert Registration.objects.filter(meeting=m, status="pameldt").count() == 2
