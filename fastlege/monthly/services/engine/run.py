"""The public entry point ``run_month``: checks, the transaction, the steps in order.

All or nothing (one transaction), idempotent (one completed run per month),
months in order, one run at a time (PostgreSQL advisory lock).
"""

from __future__ import annotations

import datetime
import gc
import hashlib
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from fastlege.core import audit
from fastlege.monthly.models import (
    MonthRun,
)
from fastlege.monthly.selectors import last_run_month
from fastlege.monthly.services import invariants
from fastlege.monthly.services.engine.months import _fmt, next_month, parse_month
from fastlege.monthly.services.engine.state import (
    Rule,
    Step,
)
from fastlege.monthly.services.engine.step8_snapshots import Snapshots
from fastlege.monthly.services.errors import Code, refuse
from fastlege.registry.services import access
from fastlege.registry.services.agreements import end_agreements_at_age_limit

Progress = Callable[[int, str], None]
ADVISORY_LOCK_KEY = 4_242_001  # pg_advisory_xact_lock: one monthly run at a time


# --- Public entry point -------------------------------------------------------


@dataclass(frozen=True)
class RunResult:
    run: MonthRun
    already_done: bool
    seconds: float = 0.0  # the whole call, commit included


def run_month(
    actor: Any,
    month: datetime.date | str,
    *,
    source: str = MonthRun.Source.COMMAND,
    progress: Progress | None = None,
    pause_after_step: int | None = None,
    today: datetime.date | None = None,
) -> RunResult:
    """Carry the registry over to ``month``. All or nothing; idempotent; months in order.

    ``actor`` is a national administrator or ``None`` (the system). A month
    that has already run changes nothing and returns ``already_done``. A month
    whose 1st has not come by the operator's clock (``today``, default
    ``timezone.localdate()``) is refused. The invariants
    (``monthly.services.invariants``) are checked before the run commits; a
    violation stops and rolls back the run. ``pause_after_step`` holds the
    transaction open after that step (used by the test that kills a run half-way).
    """
    scope = access.scope_of(actor)
    if not scope.everything:
        refuse(Code.NOT_AUTHORISED)
    if isinstance(month, str):
        month = parse_month(month)
    elif month.day != 1:
        refuse(Code.INVALID_MONTH)
    today = today or timezone.localdate()
    if month > today:
        refuse(
            Code.MONTH_NOT_STARTED,
            month=_fmt(month),
            today=f"{today:%d.%m.%Y}",
            first=f"{month:%d.%m.%Y}",
        )
    done = _completed(month)
    if done is not None:
        return RunResult(done, True)
    started = time.perf_counter()
    collecting = gc.isenabled()
    gc.disable()  # hundreds of thousands of small objects, no cycles: skip the GC passes
    try:
        with transaction.atomic():
            _lock()
            done = _completed(month)  # another run may have committed meanwhile
            if done is not None:
                return RunResult(done, True)
            _check_order(month)
            run = _execute(actor, month, source, progress, pause_after_step)
        return RunResult(run, False, time.perf_counter() - started)
    except Exception as exc:
        # Nothing of the run is committed; record the attempt for the audit trail.
        from fastlege.monthly.services.errors import MonthlyError

        if not isinstance(exc, MonthlyError) or exc.code == Code.INVARIANT_VIOLATED:
            _record_failure(actor, month, source, exc)
        raise
    finally:
        if collecting:
            gc.enable()


def _completed(month: datetime.date) -> MonthRun | None:
    return MonthRun.objects.filter(month=month, status=MonthRun.Status.COMPLETED).first()


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_try_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
            if not cur.fetchone()[0]:
                refuse(Code.RUN_IN_PROGRESS)


def _check_order(month: datetime.date) -> None:
    last = last_run_month()
    if last is None:
        return
    if month < last:
        refuse(Code.MONTH_OUT_OF_ORDER, month=_fmt(month), last=_fmt(last))
    if month != next_month(last):
        refuse(Code.MONTH_SKIPPED, month=_fmt(month), next=_fmt(next_month(last)))


def _record_failure(actor: Any, month: datetime.date, source: str, exc: Exception) -> None:
    try:
        with transaction.atomic():
            run = MonthRun.objects.create(
                month=month,
                status=MonthRun.Status.FAILED,
                source=source,
                started_by=actor if getattr(actor, "is_authenticated", False) else None,
                finished_at=timezone.now(),
                error=_failure_text(exc),
            )
            audit.record(actor, "monthly.run_failed", run, month=_fmt(month))
    except Exception:  # noqa: S110 - the original error is what matters
        pass


def _failure_text(exc: Exception) -> str:
    """What the failed run records: the invariant report (counts and list ids, no
    personal data), else only the kind of error."""
    from fastlege.monthly.services.errors import MonthlyError

    if isinstance(exc, MonthlyError) and exc.code == Code.INVARIANT_VIOLATED:
        return str(exc)[:4000]
    return f"{type(exc).__name__}"[:200]


# --- The run ----------------------------------------------------------------


class _Timer:
    def __init__(self, progress: Progress | None, pause_after_step: int | None) -> None:
        self.progress = progress
        self.pause_after_step = pause_after_step
        self.seconds: dict[str, float] = {}
        self.t = time.perf_counter()

    def done(self, step: int | str, label: str) -> None:
        now = time.perf_counter()
        self.seconds[str(step)] = round(now - self.t, 3)
        self.t = now
        if self.progress:
            self.progress(step if isinstance(step, int) else 0, label)
        if isinstance(step, int) and self.pause_after_step == step:
            time.sleep(3600)  # held open for the kill test; the process is killed here


def _execute(
    actor: Any,
    month: datetime.date,
    source: str,
    progress: Progress | None,
    pause_after_step: int | None,
) -> MonthRun:
    timer = _Timer(progress, pause_after_step)
    run = MonthRun.objects.create(
        month=month,
        source=source,
        started_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    # First, before the state is read: agreements that end at the age limit this month
    # (fastlegeforskriften § 12), through the registry's own ending path. The lists
    # keep their residents (now on a list without a regular GP), who are told.
    age_limit_ended = end_agreements_at_age_limit(actor, month)
    timer.done("age_limit", "avtaler som når aldersgrensen")

    engine = _Engine(month)
    engine.load()
    run.listed_before = engine.listed_count()
    run.unassigned_before = engine.unassigned_count()
    timer.done("load", "lest inn")

    engine.step0_ceilings()
    timer.done(0, "endringer av listetak")

    engine.step1_endings()
    timer.done(1, "listeplasser som slutter")
    engine.step2_reductions()
    timer.done(2, "listereduksjoner")
    engine.step3_switches()
    timer.done(3, "bytter")
    engine.step4_unassigned()
    timer.done(4, "ufordelte")
    engine.step5_waiting_lists()
    timer.done(5, "ventelister og kjeder")
    opened, closed = engine.step6_open_closed()
    timer.done("decide_6", "åpne og lukkede lister (beregnet)")

    engine.write_ceilings()
    engine.write_moves(run)
    timer.done("write", "skrevet")
    engine.write_open_closed()
    timer.done(6, "åpne og lukkede lister")
    notified = engine.step7_notifications()
    timer.done(7, "meldinger")
    list_rows, muni_rows = engine.step8_snapshots(run)
    timer.done(8, "månedsbilde")

    report = invariants.check_run(run)
    if not report.ok:
        refuse(Code.INVARIANT_VIOLATED, month=_fmt(month), report=report.text())
    timer.done("invariants", "kontroll av reglene")

    out = engine.out
    counts = engine.counts()
    run.ended_memberships = counts["ended"]
    run.forced_moves = counts[Step.ENDINGS]
    run.reduction_moves = counts[Step.REDUCTIONS]
    run.reductions_applied = len(out.reductions_applied)
    run.switches_applied = counts[Step.SWITCHES]
    run.switches_refused = out.switches_refused
    run.unassigned_placed = counts[Step.UNASSIGNED] + counts["chain_unassigned"]
    run.waiting_placed = counts["waiting"]
    run.chain_placed = counts["chain"]
    run.longest_chain = counts["longest_chain"]
    run.lists_opened, run.lists_closed = opened, closed
    run.notifications = notified
    run.list_snapshots = len(list_rows)
    run.listed_after = engine.listed_count()
    run.unassigned_after = engine.unassigned_count()
    run.left_scheme = out.left_scheme
    run.ceiling_changes_applied = len(out.ceiling_changes)
    run.exceptions = report.exceptions
    run.checksum = engine.checksum(list_rows, muni_rows)
    run.finished_at = timezone.now()
    timer.seconds["total"] = round(sum(v for k, v in timer.seconds.items() if k != "total"), 3)
    run.step_seconds = timer.seconds
    run.save()
    audit.record(
        actor,
        "monthly.run",
        run,
        month=_fmt(month),
        moved=run.moved,
        ended=run.ended_memberships,
        checksum=run.checksum,
        ceiling_changes=run.ceiling_changes_applied,
        exceptions=run.exceptions,
        age_limit_ended=len(age_limit_ended),
    )
    return run


class _Engine(Snapshots):
    """Steps 0–8 in run order (each in its own module), the counts and the checksum."""

    def counts(self) -> dict[Any, int]:
        c: dict[Any, int] = defaultdict(int)
        for mv in self.out.moves:
            if mv.to_list is None:
                c["ended"] += 1
            elif mv.step == Step.WAITING:
                if mv.rule == Rule.WAITING_LIST:
                    c["waiting"] += 1
                else:
                    c["chain_unassigned"] += 1
                if mv.chain_round:
                    c["chain"] += 1
                c["longest_chain"] = max(c["longest_chain"], mv.chain_round)
            else:
                c[mv.step] += 1
        return c

    def checksum(self, list_rows: Sequence[tuple], muni_rows: Sequence[tuple]) -> str:
        """SHA-256 of the run's result in canonical form (no timestamps, no new row ids)."""
        h = hashlib.sha256()
        h.update(f"month {self.month.isoformat()}\n".encode())
        for pk, agreement_id, ceiling, low in self.out.ceiling_changes:
            h.update(f"ceiling {pk} {agreement_id} {ceiling} {low}\n".encode())
        for seq, mv in enumerate(self.out.moves, start=1):
            h.update(
                f"move {seq} {mv.resident} {mv.step} {mv.rule} {mv.from_list} {mv.to_list} "
                f"{mv.switch_request} {mv.waiting_entry} {mv.chain_round}\n".encode()
            )
        for pk, status in sorted(self.out.switch_status.items()):
            h.update(f"switch {pk} {status}\n".encode())
        for pk, status in sorted(self.out.waiting_status.items()):
            h.update(f"waiting {pk} {status}\n".encode())
        for row in list_rows:
            h.update(("list " + " ".join(map(str, row)) + "\n").encode())
        for row in muni_rows:
            h.update(("municipality " + " ".join(map(str, row)) + "\n").encode())
        return h.hexdigest()
