"""Properties of the monthly run: deterministic, all-or-nothing, idempotent, consistent.

The random registries are made from fixed seeds, so every run of the suite
checks the same cases.
"""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count

from fastlege.monthly.models import ListMonthSnapshot, MonthMove, MonthRun
from fastlege.monthly.services import check_consistency, run_month
from fastlege.monthly.services import engine as engine_module
from fastlege.monthly.tests.world import MONTH, dump, random_world
from fastlege.registry.models import Agreement, ListMembership, Resident, WaitingListEntry

pytestmark = pytest.mark.django_db
SEEDS = [1, 2, 3, 4, 5, 6]


class _Undo(Exception):
    pass


def run_and_undo() -> tuple[str, str]:
    """Run the month, dump the result, and roll everything back."""
    box: dict[str, str] = {}
    try:
        with transaction.atomic():
            run = run_month(None, MONTH).run
            box["dump"], box["checksum"] = dump(), run.checksum
            raise _Undo
    except _Undo:
        pass
    return box["dump"], box["checksum"]


@pytest.mark.parametrize("seed", SEEDS)
def test_deterministic_the_same_registry_and_month_give_the_same_result_byte_for_byte(
    seed: int,
) -> None:
    random_world(seed)
    before = dump()

    first, first_sum = run_and_undo()
    assert dump() == before  # rolled back
    second, second_sum = run_and_undo()

    assert first.encode() == second.encode()
    assert first_sum == second_sum and len(first_sum) == 64
    assert first != before  # the run did something


@pytest.mark.parametrize("seed", SEEDS)
def test_consistent_after_a_run(seed: int) -> None:
    random_world(seed)
    in_scheme = Resident.objects.filter(status="bosatt", in_scheme=True).count()

    run = run_month(None, MONTH).run

    # Nobody on two lists, nobody moved twice.
    doubles = (
        ListMembership.objects.filter(valid_to__isnull=True)
        .values("resident_id")
        .annotate(n=Count("*"))
        .filter(n__gt=1)
    )
    assert not doubles.exists()
    moved = Counter(MonthMove.objects.filter(run=run).values_list("resident_id", flat=True))
    assert all(n == 1 for n in moved.values())
    # No list above its ceiling through the waiting list or unassigned placement.
    placed_on = set(
        MonthMove.objects.filter(run=run, step__in=[4, 5]).values_list("to_agreement_id", flat=True)
    )
    for agreement in Agreement.objects.filter(pk__in=placed_on):
        length = ListMembership.objects.filter(agreement=agreement, valid_to__isnull=True).count()
        assert length <= agreement.ceiling, agreement.pk
    # Residents in the scheme are conserved: on a list or unassigned, nobody lost.
    listed = ListMembership.objects.filter(valid_to__isnull=True).count()
    assert listed + run.unassigned_after == in_scheme
    assert run.listed_before + run.unassigned_before == run.listed_after + run.unassigned_after
    # Nobody left waiting for a list they are on; no free place left with someone waiting.
    for entry in WaitingListEntry.objects.filter(status="venter").select_related("agreement"):
        assert entry.agreement_id != _list_of(entry.resident_id)
    for snap in ListMonthSnapshot.objects.filter(run=run, waiting_count__gt=0):
        if not snap.locked_by_hand and snap.length < snap.ceiling:
            # Only people who were already moved this month (or are barred) may still wait.
            waiting = WaitingListEntry.objects.filter(
                agreement_id=snap.agreement_id, status="venter"
            )
            assert all(e.resident_id in moved for e in waiting)
    assert check_consistency().ok


def _list_of(resident_id: int) -> int | None:
    return (
        ListMembership.objects.filter(resident_id=resident_id, valid_to__isnull=True)
        .values_list("agreement_id", flat=True)
        .first()
    )


def test_all_or_nothing_a_failure_half_way_leaves_the_registry_as_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    random_world(7)
    before = dump()

    def crash(self: object) -> int:
        raise RuntimeError("strømbrudd")

    with monkeypatch.context() as patch:
        patch.setattr(engine_module._Engine, "step7_notifications", crash)
        with pytest.raises(RuntimeError):
            run_month(None, MONTH)

    assert dump() == before
    failed = MonthRun.objects.get()
    assert failed.status == MonthRun.Status.FAILED and failed.error == "RuntimeError"
    run = run_month(None, MONTH).run  # a rerun completes
    assert run.status == MonthRun.Status.COMPLETED and dump() != before


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_idempotent_running_a_month_again_changes_nothing(seed: int) -> None:
    random_world(seed)
    run_month(None, MONTH)
    after_first = dump()

    result = run_month(None, MONTH)

    assert result.already_done
    assert dump() == after_first


def test_the_next_month_continues_from_the_last(seed: int = 8) -> None:
    random_world(seed)
    first = run_month(None, MONTH).run
    second = run_month(None, datetime.date(2026, 3, 1)).run
    assert second.listed_before == first.listed_after
    assert second.unassigned_before == first.unassigned_after
    assert check_consistency().ok


def test_the_consistency_check_finds_a_list_above_its_ceiling_and_a_second_list_place() -> None:
    random_world(9)
    run = run_month(None, MONTH).run
    call_command("consistency_check")  # all fine

    target = MonthMove.objects.filter(run=run, step__in=[4, 5]).first()
    assert target is not None and target.to_agreement_id is not None
    ListMonthSnapshot.objects.filter(run=run, agreement_id=target.to_agreement_id).update(
        length=10_000
    )
    with pytest.raises(CommandError):
        call_command("consistency_check")
    report = {f.code: f.ok for f in check_consistency().findings}
    assert report[f"ceiling_kept {MONTH:%Y-%m}"] is False
