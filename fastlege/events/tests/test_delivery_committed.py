"""Delivery across processes and transactions, on PostgreSQL with committed data:

* ``fastlege deliver-webhooks`` killed (SIGKILL) while a slow receiver holds a POST,
  then started again: every event arrives at least once, in order, and the cursor is
  always the end of a batch the receiver accepted (never past what it accepted).
* Two writers committing in the other order than they wrote: the event of the one
  that committed last is published after the other's, so a reader that already read
  the first never misses it (an id cursor would have).

The registry rows are made on connections of their own (helper threads), so the
child process sees them, and removed afterwards, every row made
(``core.testing.threads.committed_rows``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections, transaction

from fastlege.accounts.models import Role
from fastlege.api.services.clients import register_client
from fastlege.core.testing.threads import committed_rows, in_thread
from fastlege.events.models import Event, Subscription
from fastlege.events.selectors import events_after
from fastlege.events.services import subscriptions
from fastlege.events.services.publish import publish
from fastlege.events.tests.receiver import Receiver, running
from fastlege.registry.tests.factories import add_members, gp_list, member

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
ROOT = Path(settings.PROJECT_DIR)


@pytest.fixture
def committed() -> Iterator[None]:
    with committed_rows():
        yield


def _url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _deliver(*extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": _url(), "DJANGO_SETTINGS_MODULE": "fastlege.settings"}
    env.setdefault("SECRET_KEY", "test-only-secret-key")
    env.setdefault("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    env.setdefault("DIALOGUE_SITE_URL", "https://fastlege.test")
    return subprocess.Popen(
        [sys.executable, "-m", "fastlege", "deliver-webhooks", "--batch", "5", *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _subscription_and_events(url: str) -> tuple[int, list[int]]:
    """A national client's subscription, then a list with 40 members (committed)."""
    owner = register_client(None, name="Drept mottaker", role=Role.NATIONAL).client
    publish()
    sub = subscriptions.create_subscription(None, client=owner, url=url).subscription
    add_members(gp_list(), 40)
    publish()
    expected = Event.objects.filter(position__gt=sub.cursor).order_by("position")
    return sub.pk, [int(p or 0) for p in expected.values_list("position", flat=True)]


def test_a_delivery_killed_mid_post_resumes_and_loses_nothing(committed: None) -> None:
    with running(Receiver(delay=0.3)) as receiver:
        sub_id, expected = in_thread(lambda: _subscription_and_events(receiver.url))
        assert len(expected) == 42
        start = in_thread(lambda: Subscription.objects.get(pk=sub_id).cursor)

        child = _deliver("--interval", "0.2")
        deadline = time.monotonic() + 60
        # kill while a POST is held by the receiver, after some were accepted
        while time.monotonic() < deadline:
            with receiver.lock:
                held = len(receiver.attempts) > len(receiver.accepted)
                accepted = len(receiver.accepted)
            if accepted >= 3 and held:
                break
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        assert child.returncode == -signal.SIGKILL
        time.sleep(0.5)  # the held POST is answered into the void

        cursor = in_thread(lambda: Subscription.objects.get(pk=sub_id).cursor)
        batch_ends = {start} | {batch[-1]["id"] for batch in receiver.accepted}
        assert cursor in batch_ends  # the end of an accepted batch, never past one
        assert cursor < expected[-1]  # it was really cut off

        rerun = _deliver("--once")
        out, _err = rerun.communicate(timeout=120)
        assert rerun.returncode == 0, out

    ids = receiver.ids()
    first_seen = list(dict.fromkeys(ids))
    assert first_seen == expected  # every event, in order
    assert len(ids) > len(expected)  # the batch whose answer was lost came again
    # in order within each run: only a resend after the kill goes back
    backs = [i for i in range(1, len(ids)) if ids[i] <= ids[i - 1]]
    assert len(backs) == 1
    assert in_thread(lambda: Subscription.objects.get(pk=sub_id).cursor) == expected[-1]


def test_an_event_committed_later_is_published_later_than_one_read_already(
    committed: None,
) -> None:
    # two municipalities: the writers share no counter row of the read models
    slow_list = in_thread(lambda: gp_list(municipality="5001"))
    fast_list = in_thread(lambda: gp_list(municipality="0301"))

    def newest() -> int:
        publish()
        return int(Event.objects.order_by("-position").values_list("position", flat=True)[0] or 0)

    base = in_thread(newest)
    wrote, go_on = threading.Event(), threading.Event()
    early: dict[str, int] = {}

    def slow_writer() -> None:
        try:
            with transaction.atomic():
                early["resident"] = member(slow_list).pk  # takes its event id now ...
                wrote.set()
                go_on.wait(30)  # ... and commits only after the other writer
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert wrote.wait(30)
    late = in_thread(lambda: member(fast_list).pk)

    def read_after(cursor: int) -> list[dict[str, Any]]:
        publish()
        return events_after(None, cursor, 100)

    first = in_thread(lambda: read_after(base))
    assert [e["payload"]["resident"] for e in first] == [late]
    cursor = first[-1]["id"]

    go_on.set()
    thread.join()
    after = in_thread(lambda: read_after(cursor))
    assert [e["payload"]["resident"] for e in after] == [early["resident"]]
    # it was written first: a cursor on the write order (id) would have passed it
    written = in_thread(
        lambda: dict(
            Event.objects.filter(id__gt=0, type="PatientOnContractCreated")
            .filter(agreement_id__in=[slow_list.pk, fast_list.pk])
            .values_list("agreement_id", "id")
        )
    )
    assert written[slow_list.pk] < written[fast_list.pk]
