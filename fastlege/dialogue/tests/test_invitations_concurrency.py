"""Two reminder runs at the same moment send one reminder per invitation (PostgreSQL,
real concurrent transactions; see fastlege/dialogue/tests/test_concurrency.py)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import pytest

from fastlege.core.models import AuditEvent
from fastlege.core.testing.threads import in_thread, require_postgres
from fastlege.dialogue.models import Meeting, OutgoingEmail, ProgrammeItem
from fastlege.dialogue.models_invitations import Invitation
from fastlege.dialogue.services import invitations as inv
from fastlege.dialogue.tests.factories import at, meeting
from fastlege.registry.tests.test_concurrency import race

pytestmark = pytest.mark.django_db
RUNS = 4
PEOPLE = 5
DEADLINE = at(2030, 12, 1, 12, 0)


def _cleanup(ids: list[int], audit_after: int) -> None:
    OutgoingEmail.objects.filter(invitation__meeting_id__in=ids).delete()
    Invitation.objects.filter(meeting_id__in=ids).delete()
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


def _invited_meeting() -> Meeting:
    m = meeting(None, registration_deadline=DEADLINE)
    for n in range(PEOPLE):
        inv.invite_person(
            None, m.pk, name=f"Person {n}", email=f"p{n}@example.no", now=at(2030, 11, 1)
        )
    return m


@pytest.mark.postgres
def test_concurrent_reminder_runs_send_one_reminder_per_invitation(committed):
    m = in_thread(_invited_meeting)
    committed.append(m)
    now = at(2030, 11, 29, 12, 0)
    results = race([partial(inv.remind_unregistered, None, now=now) for _ in range(RUNS)])
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == PEOPLE
    reminders = in_thread(
        lambda: sorted(
            OutgoingEmail.objects.filter(
                invitation__meeting=m, purpose="invitation.reminder"
            ).values_list("to", flat=True)
        )
    )
    assert reminders == sorted(f"p{n}@example.no" for n in range(PEOPLE))
