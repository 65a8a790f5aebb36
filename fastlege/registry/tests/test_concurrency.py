"""Two requests for the last free place at the same moment: exactly one succeeds.

Runs on PostgreSQL with real concurrent transactions (threads, each with its
own connection). On SQLite it is skipped — transactions there are IMMEDIATE and
simply queue — unless REQUIRE_POSTGRES is set, in which case a non-PostgreSQL
database is a failure, never a skip.

The data must be committed for the racing transactions to see it, so it is
made (and removed afterwards, every row made: ``core.testing.threads.committed_rows``)
on a connection of its own, in a helper thread; the test's own transaction only reads.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pytest
from django.db import connections

from fastlege.core.errors import DomainError
from fastlege.core.testing.threads import committed_rows, in_thread
from fastlege.registry.models import (
    Agreement,
    SwitchRequest,
    WaitingListEntry,
)
from fastlege.registry.services import Code, join_waiting_list, request_switch
from fastlege.registry.tests.factories import add_members, gp_list

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

D = datetime.date
TODAY = D(2026, 3, 10)
THREADS = 8


@pytest.fixture
def committed() -> Iterator[list[Agreement]]:
    """Lists the test makes (committed); every row made is deleted afterwards."""
    made: list[Agreement] = []
    with committed_rows():
        yield made


def race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls at the same moment, one thread and one connection each."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = calls[i]()
        except Exception as exc:  # noqa: BLE001 - collected and checked by the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_exactly_one_of_many_requests_gets_the_last_free_place(committed):
    for _round in range(3):
        home = in_thread(lambda: gp_list(ceiling=THREADS + 5, members=0))
        target = in_thread(lambda: gp_list(ceiling=5, members=4))  # one free place
        committed += [home, target]
        people = in_thread(partial(add_members, home, THREADS))
        results = race(
            [partial(request_switch, None, p.pk, target.pk, today=TODAY) for p in people]
        )
        won = [r for r in results if isinstance(r, SwitchRequest)]
        lost = [r for r in results if isinstance(r, DomainError)]
        assert len(won) == 1, results
        assert len(lost) == THREADS - 1 and {e.code for e in lost} == {Code.LIST_FULL}, results
        assert SwitchRequest.objects.filter(to_agreement=target, status="venter").count() == 1


def test_one_person_asking_twice_at_once_gets_one_switch(committed):
    home = in_thread(lambda: gp_list(ceiling=5, members=0))
    targets = in_thread(lambda: [gp_list(ceiling=10, members=0) for _ in range(4)])
    committed += [home, *targets]
    person = in_thread(lambda: add_members(home, 1)[0])
    results = race([partial(request_switch, None, person.pk, t.pk, today=TODAY) for t in targets])
    won = [r for r in results if isinstance(r, SwitchRequest)]
    assert len(won) == 1, results
    assert all(isinstance(r, (SwitchRequest, DomainError)) for r in results), results
    assert SwitchRequest.objects.filter(resident=person, status="venter").count() == 1


def test_joining_waiting_lists_at_once_leaves_one_place_per_person(committed):
    home = in_thread(lambda: gp_list(ceiling=5, members=0))
    full = in_thread(lambda: [gp_list(ceiling=1, members=1) for _ in range(4)])
    committed += [home, *full]
    person = in_thread(lambda: add_members(home, 1)[0])
    results = race([partial(join_waiting_list, None, person.pk, t.pk, today=TODAY) for t in full])
    assert all(not isinstance(r, Exception) or isinstance(r, DomainError) for r in results)
    assert WaitingListEntry.objects.filter(resident=person, status="venter").count() == 1
