"""The invariants checked inside every monthly run before it commits (issue 14).

Each test makes one step misbehave (or corrupts the registry the way a bug
would) and shows that the run stops with a clear report and rolls back.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.models import Q

from fastlege.monthly.models import MonthMove, MonthRun
from fastlege.monthly.services import Code, MonthlyError, check_consistency, invariants, run_month
from fastlege.monthly.services import engine as engine_module
from fastlege.monthly.services.engine.state import EngineState, ListState
from fastlege.monthly.services.engine.step0_ceilings import Ceilings
from fastlege.monthly.tests.world import MONTH, current_list, switch, unassigned, wait
from fastlege.registry.models import (
    Agreement,
    CeilingChange,
    ListMembership,
    PopulationEvent,
    Resident,
    SwitchRequest,
)
from fastlege.registry.tests.factories import gp_list, member

pytestmark = pytest.mark.django_db
D = datetime.date


def refused(code: str) -> tuple[MonthRun, str]:
    """Run the month, expect it stopped by the invariant ``code``; nothing kept."""
    with pytest.raises(MonthlyError) as exc:
        run_month(None, MONTH)
    assert exc.value.code == Code.INVARIANT_VIOLATED
    message = exc.value.messages[0]
    assert code in message and "ingenting er endret" in message
    assert not MonthRun.objects.filter(status=MonthRun.Status.COMPLETED).exists()
    assert not MonthMove.objects.exists()
    failed = MonthRun.objects.get(status=MonthRun.Status.FAILED)
    assert code in failed.error
    return failed, message


def wrap(cls: type, name: str, after: Callable[[Any], None]) -> Callable[..., Any]:
    original = getattr(cls, name)

    def patched(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        after(self)
        return result

    return patched


def test_a_second_open_place_stops_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = gp_list(ceiling=5), gp_list(ceiling=5)
    person = member(old)
    switch(person, new)
    # The database refuses a second open place; the run's check does not rely on that
    # (a database restored without the constraint): drop it inside this test's transaction.
    with connection.cursor() as cur:  # a partial unique index on both databases
        cur.execute('DROP INDEX "one_open_membership_per_resident"')

    def also_keep_the_old_place(engine: Any) -> None:
        ListMembership.objects.create(
            resident=person, agreement=old, valid_from=MONTH, begin_reason="valgt"
        )

    monkeypatch.setattr(
        engine_module._Engine,
        "write_moves",
        wrap(engine_module._Engine, "write_moves", also_keep_the_old_place),
    )
    refused("one_open_place")
    assert current_list(person) == old.pk
    assert ListMembership.objects.filter(resident=person).count() == 1


def test_placing_beyond_the_ceiling_stops_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    full = gp_list(ceiling=2, members=2)
    person = unassigned()
    monkeypatch.setattr(ListState, "free", property(lambda s: s.ceiling - s.length + 1))

    _run, message = refused("ceiling_kept")
    assert str(full.pk) in message
    assert current_list(person) is None


def test_a_list_already_above_its_ceiling_and_allowed_exceptions_do_not_stop_the_run() -> None:
    cut = gp_list(ceiling=2, members=4)  # a ceiling cut: above before the run
    closing = gp_list(ceiling=10, members=1)
    Agreement.objects.filter(pk=closing.pk).update(valid_to=MONTH)
    moved = closing.memberships.get().resident
    switch(moved, cut, reason=SwitchRequest.Reason.AGREEMENT_CLOSED, counts_against_quota=False)
    unassigned()  # must not get a place on the full list

    run = run_month(None, MONTH).run

    assert current_list(moved) == cut.pk
    assert run.exceptions == {"agreement_closed": 1}
    assert not MonthMove.objects.filter(step__in=[4, 5]).exists()


def test_a_ceiling_change_left_unapplied_stops_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    gp = gp_list(ceiling=2)
    CeilingChange.objects.create(
        agreement=gp,
        old_ceiling=2,
        new_ceiling=3,
        requested_on=D(2025, 6, 1),
        effective_on=MONTH,
        status=CeilingChange.Status.APPROVED,
    )
    monkeypatch.setattr(Ceilings, "step0_ceilings", lambda self: None)

    refused("ceiling_changes_applied")
    gp.refresh_from_db()
    assert gp.ceiling == 2


def test_placing_someone_not_yet_eligible_stops_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    gp_list(ceiling=5)
    arrived = unassigned(since=D(2026, 2, 3))
    monkeypatch.setattr(EngineState, "may_be_placed", lambda self, person: True)

    refused("placed_when_eligible")
    assert current_list(arrived) is None


def test_a_switch_beyond_the_quota_stops_the_run() -> None:
    lists = [gp_list(ceiling=10) for _ in range(4)]
    person = member(lists[0])
    for to in lists[1:3]:  # two switches that count, done earlier this year
        SwitchRequest.objects.create(
            resident=person,
            to_agreement=to,
            reason=SwitchRequest.Reason.ORDINARY,
            effective_on=D(2026, 1, 1),
            status=SwitchRequest.Status.APPLIED,
        )
    switch(person, lists[3])  # a third, slipped past the service

    refused("switch_quota_kept")
    assert current_list(person) == lists[0].pk


def test_serving_a_waiting_list_out_of_order_stops_the_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gp = gp_list(ceiling=2, members=1)
    first = member(gp_list(ceiling=10, members=1))
    second = member(gp_list(ceiling=10, members=1))
    wait(first, gp, 0)
    wait(second, gp, 5)

    def reverse_the_queues(engine: Any) -> None:
        for entries in engine.waiting.values():
            entries.reverse()

    monkeypatch.setattr(EngineState, "load", wrap(EngineState, "load", reverse_the_queues))
    _run, message = refused("waiting_order_kept")
    assert str(gp.pk) in message
    assert current_list(second) != gp.pk


def test_an_automatic_placement_of_a_d_number_stops_the_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gp_list(ceiling=5)
    person = unassigned()
    # The engine places this person; the check must see them as having a D-number.
    monkeypatch.setattr(invariants, "_d_number", lambda: Q(pk=person.pk))

    refused("no_d_number_placed")
    assert current_list(person) is None


def test_the_consistency_check_reports_the_invariants_after_the_last_run() -> None:
    gp = gp_list(ceiling=3)
    unassigned()
    run_month(None, MONTH)
    assert check_consistency().ok
    CeilingChange.objects.create(
        agreement=gp,
        old_ceiling=3,
        new_ceiling=4,
        requested_on=D(2025, 6, 1),
        effective_on=MONTH,
        status=CeilingChange.Status.APPROVED,
    )
    report = check_consistency()
    [finding] = [f for f in report.findings if not f.ok]
    assert finding.code == "ceiling_changes_applied 2026-02"


def test_a_move_after_the_run_is_not_reported_as_placed_too_early() -> None:
    gp = gp_list(ceiling=3)
    person = unassigned(since=D(2025, 1, 1))
    run_month(None, MONTH)
    assert current_list(person) == gp.pk
    # Moves to another municipality on 10 February: a later resident_since, the place kept.
    Resident.objects.filter(pk=person.pk).update(
        municipality_id="5025", resident_since=D(2026, 2, 10)
    )
    PopulationEvent.objects.create(
        resident=person,
        kind=PopulationEvent.Kind.MOVED,
        occurred_on=D(2026, 2, 10),
        from_municipality_id="5001",
        to_municipality_id="5025",
    )
    assert check_consistency().ok
    # Without the move event the later date is a placement before eligibility.
    PopulationEvent.objects.filter(resident=person).delete()
    failed = [f.code for f in check_consistency().findings if not f.ok]
    assert failed == ["placed_when_eligible 2026-02"]
