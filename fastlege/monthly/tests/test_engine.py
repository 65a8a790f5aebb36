"""The monthly run as residents, GPs and municipalities experience it."""

from __future__ import annotations

import datetime

import pytest

from fastlege.accounts.models import Role
from fastlege.core.models import AuditEvent
from fastlege.monthly.models import (
    ListMonthSnapshot,
    MonthMove,
    MonthRun,
    MunicipalityMonthSnapshot,
)
from fastlege.monthly.services import Code, MonthlyError, check_consistency, run_month
from fastlege.monthly.tests.world import MONTH, current_list, switch, unassigned, wait
from fastlege.reference.models import Municipality
from fastlege.registry.models import (
    Agreement,
    DoctorPeriod,
    ListMembership,
    Notification,
    RemovalDecision,
    Resident,
    SwitchRequest,
    WaitingListEntry,
)
from fastlege.registry.tests.factories import (
    DoctorPeriodFactory,
    MembershipFactory,
    ResidentFactory,
    gp_list,
    member,
    user_with,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def moves_of(person: Resident) -> list[MonthMove]:
    return list(MonthMove.objects.filter(resident=person))


def test_a_switch_takes_effect_on_the_first_and_is_traced() -> None:
    old, new = gp_list(ceiling=5), gp_list(ceiling=5)
    person = member(old)
    request = switch(person, new)

    result = run_month(None, MONTH)

    assert not result.already_done
    place = ListMembership.objects.get(resident=person, valid_to__isnull=True)
    assert (place.agreement_id, place.valid_from) == (new.pk, MONTH)
    ended = ListMembership.objects.get(resident=person, agreement=old)
    assert (ended.valid_to, ended.end_reason) == (MONTH, ListMembership.EndReason.SWITCHED)
    request.refresh_from_db()
    assert request.status == SwitchRequest.Status.APPLIED
    [move] = moves_of(person)
    assert (move.step, move.rule, move.switch_request_id) == (3, MonthMove.Rule.SWITCH, request.pk)
    assert result.run.switches_applied == 1


def test_a_switch_to_a_list_that_has_ended_is_refused_and_the_person_stays() -> None:
    old, new = gp_list(ceiling=5), gp_list(ceiling=5)
    person = member(old)
    request = switch(person, new)
    Agreement.objects.filter(pk=new.pk).update(valid_to=MONTH)

    run_month(None, MONTH)

    request.refresh_from_db()
    assert request.status == SwitchRequest.Status.REFUSED
    assert current_list(person) == old.pk


def test_unassigned_get_free_places_longest_waiting_first_not_on_lists_closed_by_hand() -> None:
    locked = gp_list(ceiling=10, members=1, is_open=False)
    one_free = gp_list(ceiling=2, members=1)
    newer = unassigned(since=D(2025, 6, 1))
    older = unassigned(since=D(2024, 3, 1))

    run = run_month(None, MONTH).run

    assert current_list(older) == one_free.pk
    assert current_list(newer) is None
    assert ListMembership.objects.filter(agreement=locked, valid_to__isnull=True).count() == 1
    assert run.unassigned_placed == 1
    note = Notification.objects.get(resident=older)
    assert note.kind == Notification.Kind.PLACEMENT and note.effective_on == MONTH
    assert (
        MunicipalityMonthSnapshot.objects.get(month=MONTH, municipality_id="5001").unassigned == 1
    )


def test_a_municipality_that_turned_automatic_placement_off_keeps_its_unassigned() -> None:
    Municipality.objects.filter(pk="5001").update(automatic_placement=False)
    gp_list(ceiling=10, members=1)
    person = unassigned()

    run_month(None, MONTH)

    assert current_list(person) is None


def test_the_chain_is_followed_to_the_end_nobody_moved_twice_no_list_above_its_ceiling() -> None:
    a = gp_list(ceiling=1)
    b = gp_list(ceiling=1)
    c = gp_list(ceiling=2)
    x, y, z = member(a), member(b), member(c)
    wait(x, c, 0)  # c has a free place: x leaves a
    wait(y, a, 1)  # a's freed place: y leaves b
    wait(z, b, 2)  # b's freed place: z leaves c, which frees c again
    w = member(gp_list(ceiling=1))
    wait(w, c, 3)  # c's place freed by z goes to w

    run = run_month(None, MONTH).run

    assert (current_list(x), current_list(y), current_list(z)) == (c.pk, a.pk, b.pk)
    assert current_list(w) == c.pk
    rounds = {m.resident_id: m.chain_round for m in MonthMove.objects.filter(run=run)}
    assert rounds == {x.pk: 0, y.pk: 1, z.pk: 2, w.pk: 3}
    assert run.waiting_placed == 4 and run.longest_chain == 3 and run.chain_placed == 3
    for agreement in (a, b, c):
        length = ListMembership.objects.filter(agreement=agreement, valid_to__isnull=True).count()
        assert length <= agreement.ceiling
    assert set(WaitingListEntry.objects.values_list("status", flat=True)) == {"tildelt"}
    assert Notification.objects.filter(kind=Notification.Kind.WAITING_LIST_PLACEMENT).count() == 4


def test_a_place_freed_in_a_chain_goes_to_the_unassigned_before_the_waiting_list() -> None:
    full = gp_list(ceiling=1, municipality="5001")
    leaver = member(full)
    elsewhere = gp_list(ceiling=3, municipality="5025")
    wait(leaver, elsewhere)
    queued = member(gp_list(ceiling=1, municipality="5001"))
    wait(queued, full, 5)
    homeless = unassigned("5001")

    run_month(None, MONTH)

    assert current_list(leaver) == elsewhere.pk
    assert current_list(homeless) == full.pk
    assert current_list(queued) != full.pk
    assert WaitingListEntry.objects.get(resident=queued).status == WaitingListEntry.Status.WAITING
    [move] = moves_of(homeless)
    assert (move.step, move.rule, move.chain_round) == (5, MonthMove.Rule.UNASSIGNED_ON_FREED, 1)


def test_the_waiting_list_is_served_in_order_of_joining() -> None:
    target = gp_list(ceiling=3, members=2)
    first, second = member(gp_list()), member(gp_list())
    wait(second, target, 10)
    wait(first, target, 1)

    run_month(None, MONTH)

    assert current_list(first) == target.pk
    assert current_list(second) != target.pk


def test_a_person_removed_for_threats_is_never_placed_with_that_gp_again() -> None:
    target = gp_list(ceiling=3, members=1)
    gp = DoctorPeriod.objects.get(agreement=target).doctor
    person = member(gp_list())
    RemovalDecision.objects.create(
        resident=person, agreement=target, doctor=gp, reason="x", decided_on=D(2025, 1, 1)
    )
    wait(person, target)

    run_month(None, MONTH)

    assert current_list(person) != target.pk


def test_deaths_and_closed_lists_end_list_places_and_the_closed_lists_members_are_placed() -> None:
    closing = gp_list(ceiling=5, members=0)
    stays = member(closing)
    Agreement.objects.filter(pk=closing.pk).update(valid_to=MONTH)
    receiving = gp_list(ceiling=5)
    dead = member(receiving)
    Resident.objects.filter(pk=dead.pk).update(status=Resident.Status.DEAD)

    run = run_month(None, MONTH).run

    assert current_list(dead) is None
    assert ListMembership.objects.get(resident=dead).end_reason == ListMembership.EndReason.DIED
    # Off the closed list in step 1, then placed as unassigned in step 4? No: moved once.
    [move] = moves_of(stays)
    assert move.rule == MonthMove.Rule.AGREEMENT_CLOSED_UNPLACED and current_list(stays) is None
    assert run.left_scheme == 1 and run.ended_memberships == 2
    assert check_consistency().ok


def test_a_list_reduction_moves_the_drawn_residents() -> None:
    source = gp_list(ceiling=3, members=4)
    target = gp_list(ceiling=10)
    drawn = Resident.objects.filter(memberships__agreement=source).order_by("pk").first()
    assert drawn is not None
    request = switch(
        drawn, target, reason=SwitchRequest.Reason.REDUCTION, counts_against_quota=False
    )

    run = run_month(None, MONTH).run

    assert current_list(drawn) == target.pk
    [move] = moves_of(drawn)
    assert (move.step, move.rule, move.switch_request_id) == (2, "reduksjon", request.pk)
    assert run.reduction_moves == 1


def test_open_status_follows_ceiling_and_length() -> None:
    full_but_open = gp_list(ceiling=2, members=2)
    freed = gp_list(ceiling=2, members=2, is_open=True)
    Agreement.objects.filter(pk=freed.pk).update(is_open=False)
    leaving = Resident.objects.filter(memberships__agreement=freed).first()
    assert leaving is not None
    switch(leaving, gp_list(ceiling=5))

    run = run_month(None, MONTH).run

    full_but_open.refresh_from_db()
    freed.refresh_from_db()
    assert not full_but_open.is_open
    assert freed.is_open
    assert run.lists_closed >= 1 and run.lists_opened >= 1


def test_the_snapshot_holds_what_the_statistics_need() -> None:
    vacant = gp_list(ceiling=4, members=3, with_gp=False, municipality="5001")
    DoctorPeriodFactory.create(
        agreement=vacant, valid_from=D(2020, 1, 1), valid_to=D(2024, 9, 1), end_reason="sluttet"
    )
    guest = ResidentFactory.create(municipality_id="5025")  # lives elsewhere
    MembershipFactory.create(resident=guest, agreement=vacant)
    with_gp = gp_list(ceiling=2, members=2)
    waiting_guest = member(gp_list(municipality="5025"))
    wait(waiting_guest, with_gp)

    run = run_month(None, MONTH).run

    snap = ListMonthSnapshot.objects.get(month=MONTH, agreement=vacant)
    assert (snap.length, snap.ceiling, snap.guests) == (4, 4, 1)
    assert not snap.has_regular_gp and snap.vacant_since == D(2024, 9, 1)
    full = ListMonthSnapshot.objects.get(month=MONTH, agreement=with_gp)
    assert full.has_regular_gp and full.regular_gp_sex == "K" and full.regular_gp_age == 50
    assert (full.waiting_count, full.waiting_other_gp_municipality) == (1, 1)
    assert full.waiting_other_home_municipality == 1
    home = MunicipalityMonthSnapshot.objects.get(month=MONTH, municipality_id="5025")
    assert (home.waiting, home.waiting_other_than_gp_municipality) == (1, 1)
    assert home.waiting_other_than_home_municipality == 1
    assert home.listed_elsewhere == 1
    assert run.list_snapshots == ListMonthSnapshot.objects.filter(run=run).count()


def test_a_month_that_has_run_changes_nothing_and_says_so() -> None:
    gp_list(ceiling=3, members=1)
    unassigned()
    first = run_month(None, MONTH)
    counts = (
        ListMembership.objects.count(),
        MonthMove.objects.count(),
        Notification.objects.count(),
    )

    again = run_month(None, MONTH)

    assert again.already_done and again.run.pk == first.run.pk
    assert counts == (
        ListMembership.objects.count(),
        MonthMove.objects.count(),
        Notification.objects.count(),
    )


def test_months_run_in_order() -> None:
    run_month(None, D(2026, 3, 1))
    with pytest.raises(MonthlyError) as earlier:
        run_month(None, D(2026, 2, 1))
    assert earlier.value.code == Code.MONTH_OUT_OF_ORDER
    with pytest.raises(MonthlyError) as skipped:
        run_month(None, D(2026, 5, 1))
    assert skipped.value.code == Code.MONTH_SKIPPED
    assert "2026-04" in skipped.value.messages[0]
    assert run_month(None, D(2026, 4, 1)).run.month == D(2026, 4, 1)


def test_only_national_staff_or_the_system_may_run_a_month() -> None:
    municipal = user_with(Role.MUNICIPALITY, municipality_id="5001")
    with pytest.raises(MonthlyError) as refused:
        run_month(municipal, MONTH)
    assert refused.value.code == Code.NOT_AUTHORISED
    assert not MonthRun.objects.exists()
    national = user_with(Role.NATIONAL)
    run = run_month(national, MONTH).run
    assert run.started_by == national
    event = AuditEvent.objects.get(action="monthly.run")
    assert event.actor == national and event.object_id == str(run.pk)


@pytest.mark.parametrize("text", ["2026-13", "26-02", "februar", "2026-02-15"])
def test_a_bad_month_is_refused_with_a_norwegian_message(text: str) -> None:
    with pytest.raises(MonthlyError) as refused:
        run_month(None, text)
    assert refused.value.code == Code.INVALID_MONTH
    assert "ÅÅÅÅ-MM" in refused.value.messages[0]
    assert not MonthRun.objects.exists()


def test_every_moved_person_is_traced_to_the_step_and_rule() -> None:
    a = gp_list(ceiling=2, members=2)
    b = gp_list(ceiling=4, members=1)
    people = list(Resident.objects.filter(memberships__agreement=a))
    switch(people[0], b)
    wait(people[1], b)
    homeless = unassigned()

    run = run_month(None, MONTH).run

    started = set(
        ListMembership.objects.filter(valid_from=MONTH).values_list("resident_id", flat=True)
    )
    traced = set(MonthMove.objects.filter(run=run).values_list("resident_id", flat=True))
    assert started == traced == {people[0].pk, people[1].pk, homeless.pk}
    assert run.finished_at is not None and run.started_at <= run.finished_at
    assert run.moved == 3
    # The run's timing names every step the operator follows (steps 0-8 and the work
    # around them), and the total is their sum.
    steps = {str(n) for n in range(9)} | {"age_limit", "load", "decide_6", "write", "invariants"}
    timing = dict(run.step_seconds)
    total = timing.pop("total")
    assert set(timing) == steps
    assert total > 0 and abs(total - sum(timing.values())) < 0.002
