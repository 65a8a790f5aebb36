"""Concurrent completion updates of one agreement: each is a row of the history, and
the agreement's completion is the history's last row (the agreement is locked while a
row is added). PostgreSQL with real concurrent transactions, as test_concurrency.py."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest
from django.utils import timezone

from fastlege.core.models import AuditEvent
from fastlege.core.testing.threads import in_thread, require_postgres
from fastlege.dialogue import services
from fastlege.dialogue.models import Commitment, CommitmentProgress, Forum
from fastlege.dialogue.services import commitments as svc
from fastlege.registry.tests.test_concurrency import race

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
THREADS = 8


def _make() -> Commitment:
    forum = services.create_forum(None, name="Trepartssamarbeidet (samtidighet)",
                                  parties=[("KS", "KS")])  # fmt: skip
    case = services.open_case(None, forum.pk, title="ALIS")
    return svc.create_commitment(
        None, case.pk, title="ALIS", owner_id=forum.parties.get().pk,
        starts_on=timezone.localdate() - datetime.timedelta(days=30),
    )  # fmt: skip


def _cleanup(forums: list[int], audit_after: int) -> None:
    Commitment.objects.filter(forum_id__in=forums).delete()
    Forum.objects.filter(pk__in=forums).delete()
    AuditEvent.objects.filter(pk__gt=audit_after).delete()


@pytest.fixture
def committed() -> Iterator[list[Any]]:
    require_postgres()
    made: list[Any] = []
    start = in_thread(
        lambda: AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    )
    try:
        yield made
    finally:
        in_thread(lambda: _cleanup([c.forum_id for c in made], start))


def test_concurrent_updates_all_enter_the_history_and_the_last_one_holds(committed):
    c = in_thread(_make)
    committed.append(c)
    results = race(
        [
            partial(svc.record_progress, None, c.pk, percent=10 + n, status="i_gang")
            for n in range(THREADS)
        ]
    )
    assert all(isinstance(r, CommitmentProgress) for r in results), results

    def state() -> tuple[Any, ...]:
        rows = list(CommitmentProgress.objects.filter(commitment_id=c.pk).order_by("id"))
        fresh = Commitment.objects.get(pk=c.pk)
        return len(rows), rows[-1].percent, fresh.progress, sorted(r.percent for r in rows)

    count, last, progress, percents = in_thread(state)
    assert count == THREADS + 1
    assert percents == [0, *range(10, 10 + THREADS)]
    assert progress == last
