"""All-or-nothing under a kill: ``fastlege month-run`` is killed (SIGKILL) half-way
through a run on PostgreSQL; the registry is exactly as before, and a rerun completes.

The run is a real child process on the test database, so the registry must be
committed: it is made on a connection of its own (a helper thread) and
removed afterwards, every row made, the run's events too
(``core.testing.threads.committed_rows``). The registry here is small (a
random world, not the national seed) so the suite stays fast; the national
run's speed is measured by ``bench/month_run.py``. The child holds its
transaction open after step 5 (``--pause-after-step 5``) so the kill lands in
the middle of the run, after the moves are decided and partly written.

Marked ``postgres``: it runs in the PostgreSQL half of ``make test`` (on
main, PostgreSQL-only tests are deselected on SQLite, never skipped; on this
branch's older conftest it is skipped there unless REQUIRE_POSTGRES is set,
in which case a non-PostgreSQL database is a failure).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from fastlege.core.testing.threads import committed_rows, in_thread
from fastlege.monthly.models import MonthRun
from fastlege.monthly.tests.world import MONTH, dump, random_world

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
ROOT = Path(settings.PROJECT_DIR)


@pytest.fixture
def committed_world() -> Iterator[None]:
    with committed_rows():
        in_thread(lambda: random_world(11, lists=30))
        yield


def _url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _month_run(*extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": _url(), "DJANGO_SETTINGS_MODULE": "fastlege.settings"}
    env.setdefault("SECRET_KEY", "test-only-secret-key")
    # production settings without DEBUG: a real e-mail backend and base URL (core/checks.py)
    env.setdefault("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    env.setdefault("DIALOGUE_SITE_URL", "https://fastlege.test")
    return subprocess.Popen(
        [sys.executable, "-m", "fastlege", "month-run", f"{MONTH:%Y-%m}", *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_a_run_killed_half_way_leaves_the_registry_exactly_as_before(committed_world: None) -> None:
    before = in_thread(dump)

    child = _month_run("--pause-after-step", "5")
    seen: list[str] = []
    deadline = time.monotonic() + 120
    assert child.stdout is not None
    while time.monotonic() < deadline:
        line = child.stdout.readline()
        if not line:
            break
        seen.append(line)
        if "steg 5" in line:
            break
    assert any("steg 5" in line for line in seen), "".join(seen)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    assert in_thread(dump) == before
    assert not in_thread(lambda: MonthRun.objects.filter(month=MONTH).exists())

    rerun = _month_run()
    out, _err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, out
    assert "ferdig" in out
    assert in_thread(lambda: MonthRun.objects.filter(month=MONTH, status="fullfort").count()) == 1
    assert in_thread(dump) != before
