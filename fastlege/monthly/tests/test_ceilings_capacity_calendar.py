"""Issue 14: approved ceilings take effect, promised places are not given away, and
runs follow the calendar (a late run places nobody from before they could have a GP)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command

from fastlege.core.errors import DomainError
from fastlege.monthly.models import ListMonthSnapshot, MonthMove, MonthRun
from fastlege.monthly.services import Code, MonthlyError, run_month
from fastlege.monthly.tests.world import MONTH, current_list, switch, unassigned, wait
from fastlege.registry import capacity
from fastlege.registry.models import Agreement, CeilingChange, Resident, SwitchRequest
from fastlege.registry.services import errors as registry_errors
from fastlege.registry.services.citizen import opt_in, opt_out, request_switch
from fastlege.registry.tests.factories import gp_list, member

pytestmark = pytest.mark.django_db
D = datetime.date
MARCH = D(2026, 3, 1)


def length(agreement: Agreement) -> int:
    return agreement.memberships.filter(valid_to__isnull=True).count()


def approved_change(agreement: Agreement, new: int, on: datetime.date = MONTH) -> CeilingChange:
    return CeilingChange.objects.create(
        agreement=agreement,
        old_ceiling=agreement.ceiling,
        new_ceiling=new,
        requested_on=D(2025, 6, 1),
        effective_on=on,
        status=CeilingChange.Status.APPROVED,
    )


# --- Item 1: approved ceiling changes take effect (§§ 10–11) ---------------------------


def test_an_approved_raise_takes_effect_in_its_month_and_the_new_places_are_given() -> None:
    gp = gp_list(ceiling=2, members=2)
    change = approved_change(gp, 4)
    later = approved_change(gp_list(ceiling=2, municipality="5025"), 6, on=MARCH)
    people = [unassigned(since=D(2024, 1, day)) for day in (1, 2, 3)]

    run = run_month(None, MONTH).run

    gp.refresh_from_db()
    change.refresh_from_db()
    later.refresh_from_db()
    assert gp.ceiling == 4 and change.status == CeilingChange.Status.APPLIED
    assert later.status == CeilingChange.Status.APPROVED  # its month has not come
    assert [current_list(p) for p in people] == [gp.pk, gp.pk, None]
    assert length(gp) == 4 and not gp.is_open
    assert ListMonthSnapshot.objects.get(run=run, agreement=gp).ceiling == 4
    assert run.ceiling_changes_applied == 1


def test_a_reduction_moves_the_drawn_out_and_the_run_does_not_refill_to_the_old_ceiling() -> None:
    source = gp_list(ceiling=5, members=5)
    target = gp_list(ceiling=10, members=0)
    approved_change(source, 3)
    drawn = list(Resident.objects.filter(memberships__agreement=source).order_by("pk")[:2])
    for person in drawn:
        switch(person, target, reason=SwitchRequest.Reason.REDUCTION, counts_against_quota=False)
    waiting = member(gp_list(ceiling=50, members=1))
    wait(waiting, source)
    newcomer = unassigned()

    run_month(None, MONTH)

    source.refresh_from_db()
    assert source.ceiling == 3 and length(source) == 3
    assert current_list(waiting) != source.pk and current_list(newcomer) != source.pk
    assert all(current_list(p) == target.pk for p in drawn)
    assert not MonthMove.objects.filter(to_agreement_id=source.pk).exists()


# --- Item 2: one definition of free places -------------------------------------------------


def test_the_one_definition_of_free_places() -> None:
    assert capacity.places_left(10, 7, 2) == 1
    assert capacity.free_places(10, 9, 2) == 0
    assert capacity.over_ceiling(10, 9, 2) == 1
    assert capacity.free_places(10, 4) == 6  # Hdir: ceiling − length


def test_a_place_promised_to_a_later_switch_is_not_given_away_by_the_run() -> None:
    target = gp_list(ceiling=3, members=2)
    first = member(gp_list(ceiling=50, members=3))
    second = member(gp_list(ceiling=50, members=3))
    request = request_switch(None, first, target, today=D(2026, 2, 10))  # from 1 March
    assert request.effective_on == MARCH
    with pytest.raises(DomainError) as refused:
        request_switch(None, second, target, today=D(2026, 2, 10))
    assert refused.value.code == registry_errors.Code.LIST_FULL
    waiting = member(gp_list(ceiling=50, members=1))
    wait(waiting, target)
    newcomer = unassigned()

    run_month(None, MONTH)

    assert current_list(newcomer) != target.pk and current_list(waiting) != target.pk
    assert length(target) == 2
    run_month(None, MARCH)
    assert current_list(first) == target.pk and length(target) == 3  # not above its ceiling


# --- Item 4: runs follow the calendar --------------------------------------------------


def test_a_month_whose_first_has_not_come_is_refused_with_a_norwegian_message() -> None:
    gp_list(ceiling=5)
    with pytest.raises(MonthlyError) as exc:
        run_month(None, MARCH, today=D(2026, 2, 28))
    assert exc.value.code == Code.MONTH_NOT_STARTED
    assert "kan ikke kjøres ennå" in exc.value.messages[0] and "2026-03" in exc.value.messages[0]
    assert not MonthRun.objects.exists()
    assert run_month(None, MARCH, today=MARCH).run.status == MonthRun.Status.COMPLETED


def test_a_late_run_does_not_place_someone_who_arrived_after_the_first() -> None:
    gp = gp_list(ceiling=5)
    settled = unassigned(since=D(2025, 5, 1))
    arrived = unassigned(since=D(2026, 2, 3))

    run_month(None, MONTH, today=D(2026, 2, 5))

    assert current_list(settled) == gp.pk
    assert current_list(arrived) is None
    run_month(None, MARCH, today=MARCH)
    place = arrived.memberships.get(valid_to__isnull=True)
    assert (place.agreement_id, place.valid_from) == (gp.pk, MARCH)


def test_a_late_run_does_not_place_someone_who_opted_back_in_after_the_first() -> None:
    gp = gp_list(ceiling=5)
    person = member(gp)
    opt_out(None, person, today=D(2026, 1, 10))
    opt_in(None, person, today=D(2026, 2, 2))
    waiting_too = unassigned(since=D(2026, 1, 20))
    wait(waiting_too, gp)

    run_month(None, MONTH, today=D(2026, 2, 3))

    assert current_list(person) is None
    assert current_list(waiting_too) == gp.pk
    run_month(None, MARCH, today=MARCH)
    assert person.memberships.get(valid_to__isnull=True).valid_from == MARCH


def test_a_placement_due_for_someone_not_yet_eligible_waits_for_the_next_run() -> None:
    gp = gp_list(ceiling=2, members=1)
    arrived = unassigned(since=D(2026, 2, 3))
    request = switch(arrived, gp, reason=SwitchRequest.Reason.PLACEMENT, counts_against_quota=False)
    other = unassigned(since=D(2025, 1, 1))

    run_month(None, MONTH, today=D(2026, 2, 4))

    request.refresh_from_db()
    assert request.status == SwitchRequest.Status.PENDING
    assert current_list(arrived) is None
    assert current_list(other) is None  # the place stays promised to the request
    run_month(None, MARCH, today=MARCH)
    request.refresh_from_db()
    assert request.status == SwitchRequest.Status.APPLIED and current_list(arrived) == gp.pk


def test_the_command_reports_the_ceiling_changes_and_the_exceptions() -> None:
    full = gp_list(ceiling=2, members=2)
    approved_change(full, 1)  # a cut: the list stays above its new ceiling
    closing = gp_list(ceiling=10, members=1)
    Agreement.objects.filter(pk=closing.pk).update(valid_to=MONTH)
    moved = closing.memberships.get().resident
    switch(moved, full, reason=SwitchRequest.Reason.AGREEMENT_CLOSED, counts_against_quota=False)
    out = io.StringIO()

    call_command("month_run", f"{MONTH:%Y-%m}", stdout=out)

    text = out.getvalue()
    assert "Endringer av listetak iverksatt: 1." in text
    assert "flyttet fordi avtalen ble avsluttet (fastlegeforskriften § 9): 1." in text
