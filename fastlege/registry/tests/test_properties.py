"""Property-based tests: random sequences of operations keep the registry's invariants.

* ordinary switches never take a list above its ceiling (counting pending moves);
* nobody ever has two open memberships, or two pending switches;
* nobody is lost: a resident in the scheme who had a list still has exactly one,
  unless they opted out, died or emigrated; membership periods never overlap.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from fastlege.core.errors import DomainError
from fastlege.monthly.models import MonthMove
from fastlege.monthly.services import run_month
from fastlege.registry import rules
from fastlege.registry.models import Agreement, ListMembership, Resident, SwitchRequest
from fastlege.registry.services import (
    cancel_switch,
    join_waiting_list,
    leave_waiting_list,
    opt_in,
    opt_out,
    place_from_waiting_list,
    register_birth,
    register_death,
    register_emigration,
    register_move,
    request_switch,
    set_list_open,
)
from fastlege.registry.tests.factories import gp_list, member, synthetic_nin

D = datetime.date
PEOPLE = 10
LISTS = 3

person = st.integers(0, PEOPLE - 1)
a_list = st.integers(0, LISTS - 1)
switch = st.tuples(st.just("switch"), person, a_list)
operation = st.one_of(
    switch,
    switch,
    switch,
    switch,
    st.tuples(st.just("cancel"), person),
    st.tuples(st.just("wait"), person, a_list),
    st.tuples(st.just("wait"), person, a_list),
    st.tuples(st.just("leave"), person),
    st.tuples(st.just("place"), a_list),
    st.tuples(st.just("opt_out"), person),
    st.tuples(st.just("opt_in"), person),
    st.tuples(st.just("die"), person),
    st.tuples(st.just("emigrate"), person),
    st.tuples(st.just("move"), person),
    st.tuples(st.just("birth"), person),
    st.tuples(st.just("lock"), a_list, st.booleans()),
    st.tuples(st.just("month")),
    st.tuples(st.just("month")),
)


@dataclass
class World:
    lists: list[Agreement]
    people: list[Resident]
    today: D = D(2026, 1, 5)
    on_list: dict[int, bool] = field(default_factory=dict)

    @classmethod
    def build(cls) -> World:
        lists = [gp_list(ceiling=c, members=0) for c in (3, 4, 5)]
        people = []
        on_list = {}
        for i in range(PEOPLE):
            if i < 7:
                p = member(lists[i % LISTS], birth_date=D(1980, 1, 1) + datetime.timedelta(i))
            else:
                from fastlege.registry.tests.factories import ResidentFactory

                p = ResidentFactory.create(birth_date=D(1980, 1, 1) + datetime.timedelta(i))
            people.append(p)
            on_list[p.pk] = i < 7
        return cls(lists, people, on_list=on_list)


def run(world: World, op: tuple) -> object:
    """Run one operation; returns what it made (for the exception check)."""
    kind, *args = op
    t = world.today
    people, lists = world.people, world.lists
    if kind == "switch":
        return request_switch(None, people[args[0] % len(people)], lists[args[1]], today=t)
    elif kind == "cancel":
        pending = SwitchRequest.objects.filter(
            resident=people[args[0] % len(people)], status="venter"
        ).first()
        if pending:
            cancel_switch(None, pending, today=t)
    elif kind == "wait":
        join_waiting_list(None, people[args[0] % len(people)], lists[args[1]], today=t)
    elif kind == "leave":
        leave_waiting_list(None, people[args[0] % len(people)], today=t)
    elif kind == "place":
        entry = lists[args[0]].waiting_entries.filter(status="venter").order_by("joined_at").first()
        if entry:
            place_from_waiting_list(None, entry, today=t)
    elif kind == "opt_out":
        p = people[args[0] % len(people)]
        opt_out(None, p, today=t)
        world.on_list[p.pk] = False
    elif kind == "opt_in":
        opt_in(None, people[args[0] % len(people)], today=t)
    elif kind in ("die", "emigrate"):
        p = people[args[0] % len(people)]
        if kind == "die":
            register_death(None, p, died_on=t, today=t)
        else:
            register_emigration(None, p, emigrated_on=t, today=t)
        world.on_list[p.pk] = False
    elif kind == "move":
        p = Resident.objects.get(pk=people[args[0] % len(people)].pk)
        to = "5006" if p.municipality_id == "5001" else "5001"
        register_move(None, p, to_municipality=to, moved_on=t, today=t)
    elif kind == "birth":
        mother = people[args[0] % len(people)]
        child = register_birth(
            None,
            nin=synthetic_nin(t - datetime.timedelta(days=1)),
            first_name="B",
            last_name="N",
            mother=mother,
            today=t,
        )
        people.append(child)
        world.on_list[child.pk] = ListMembership.objects.filter(
            resident=child, valid_to__isnull=True
        ).exists()
        return child
    elif kind == "lock":
        set_list_open(None, lists[args[0]], is_open=args[1], today=t)
    elif kind == "month":
        # the real monthly update; who is on a list afterwards follows its trace
        month = rules.first_of_next_month(t)
        world.today = month + datetime.timedelta(days=2)
        result = run_month(None, month)
        assert not result.already_done
        for resident_id, onto in MonthMove.objects.filter(run=result.run).values_list(
            "resident_id", "to_agreement_id"
        ):
            world.on_list[resident_id] = onto is not None
        assert not SwitchRequest.objects.filter(status="venter", effective_on__lte=month).exists()
    return None


def occupied(agreement: Agreement) -> int:
    """Members plus pending moves onto the list, counted here independently of the services."""
    members = ListMembership.objects.filter(agreement=agreement, valid_to__isnull=True).count()
    return members + SwitchRequest.objects.filter(to_agreement=agreement, status="venter").count()


def admits_by_exception(made: object) -> bool:
    """Newborns, and § 4 admissions to closed lists, may go above a ceiling."""
    if isinstance(made, Resident):
        return True
    return isinstance(made, SwitchRequest) and bool(made.closed_list_exception)


def check(world: World, before: dict[int, int], op: tuple, made: object) -> None:
    exceptional = admits_by_exception(made)
    for a in world.lists:
        a.refresh_from_db()
        now = occupied(a)
        if not exceptional:
            assert now <= max(a.ceiling, before[a.pk]), (op, a.pk, now, a.ceiling)
    two_open = (
        ListMembership.objects.filter(valid_to__isnull=True)
        .values("resident")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not two_open.exists()
    two_pending = (
        SwitchRequest.objects.filter(status="venter")
        .values("resident")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not two_pending.exists()
    ids = [p.pk for p in world.people]
    with_list = set(
        ListMembership.objects.filter(resident_id__in=ids, valid_to__isnull=True).values_list(
            "resident_id", flat=True
        )
    )
    assert with_list == {pk for pk in ids if world.on_list[pk]}, op
    periods: dict[int, list[tuple[D, D | None]]] = {}
    for rid, start, end in (
        ListMembership.objects.filter(resident_id__in=ids)
        .order_by("resident_id", "valid_from", "pk")
        .values_list("resident_id", "valid_from", "valid_to")
    ):
        periods.setdefault(rid, []).append((start, end))
    for rid, spans in periods.items():
        for (_f1, t1), (f2, _t2) in zip(spans, spans[1:], strict=False):
            assert t1 is not None and t1 <= f2, (op, rid, spans)
    assert Resident.objects.filter(pk__in=[p.pk for p in world.people]).count() == len(world.people)


class RandomOperations(TestCase):
    @settings(
        max_examples=50,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.lists(operation, min_size=10, max_size=40))
    def test_invariants_hold_after_every_operation(self, ops):
        world = World.build()
        for op in ops:
            before = {a.pk: occupied(a) for a in world.lists}
            made = None
            try:
                made = run(world, op)
            except DomainError:
                made = None  # a refusal is fine; it must leave the invariants intact too
            check(world, before, op, made)
