"""Two reminder runs at the same moment send one reminder per invitation (PostgreSQL,
real concurrent transactions; see fastlege/dialogue/tests/test_concurrency.py)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import pytest

from fastlege.core.testing.threads import committed_rows, in_thread
from fastlege.dialogue.models import Meeting, OutgoingEmail
from fastlege.dialogue.services import invitations as inv
from fastlege.dialogue.tests.factories import at, meeting
from fastlege.registry.tests.test_concurrency import race

pytestmark = pytest.mark.django_db
RUNS = 4
PEOPLE = 5
DEADLINE = at(2030, 12, 1, 12, 0)


@pytest.fixture
def committed() -> Iterator[list[Meeting]]:
    """The meetings the test commits for its threads; every row made then (audit rows
    and e-mails included) is deleted afterwards, and nothing may be left."""
    with committed_rows():
        yield []


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
