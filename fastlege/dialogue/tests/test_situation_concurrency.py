"""Organisers pressing «Lag situasjonsbilde» at the same moment: each gets a version of
its own (1, 2, 3, …), none is lost or overwritten. PostgreSQL, real concurrent
transactions (one thread and connection each), as test_concurrency.py."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import pytest

from fastlege.core.models import AuditEvent
from fastlege.core.testing.threads import in_thread, require_postgres
from fastlege.dialogue.models import Meeting
from fastlege.dialogue.models_situation import SituationReport
from fastlege.dialogue.services.situation import make_situation_report
from fastlege.dialogue.tests.factories import meeting
from fastlege.dialogue.tests.test_situation import fill_statistics
from fastlege.registry.tests.test_concurrency import race
from fastlege.stats.models import AreaMonthCount

pytestmark = pytest.mark.django_db
THREADS = 4


def _cleanup(meeting_ids: list[int], audit_after: int) -> None:
    SituationReport.objects.filter(meeting_id__in=meeting_ids).delete()
    Meeting.objects.filter(pk__in=meeting_ids).delete()
    AreaMonthCount.objects.all().delete()
    AuditEvent.objects.filter(pk__gt=audit_after).delete()


@pytest.fixture
def committed() -> Iterator[list[int]]:
    require_postgres()
    made: list[int] = []
    start = in_thread(
        lambda: AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    )
    try:
        in_thread(fill_statistics)
        yield made
    finally:
        in_thread(lambda: _cleanup(made, start))


@pytest.mark.postgres
def test_concurrent_makings_get_a_version_each(committed):
    m = in_thread(partial(meeting, None))
    committed.append(m.pk)
    results = race([partial(make_situation_report, None, m.pk) for _ in range(THREADS)])
    assert all(isinstance(r, SituationReport) for r in results), results
    assert sorted(r.version for r in results) == list(range(1, THREADS + 1))
    assert SituationReport.objects.filter(meeting_id=m.pk).count() == THREADS
