"""Step 4: the unassigned (ufordelte) get free places in their municipality.

First, children under 16 nobody chose for follow a parent's list
(pasientrettighetsforskriften § 5, ``registry.rules.child_follows_parent``),
also a closed or full one (§ 4 a): rule ``barn_med_forelder``, an allowed
above-ceiling exception. Then pasientrettighetsforskriften § 2 (assignment to a
GP with free places); Helfo's practice for the unassigned (domain brief § 3.3).
Longest-waiting first (``unassigned_order``), the list with most free places
first (``unassigned_list_choice``); not where the municipality turned automatic
placement off, never onto a list closed by hand. D-number holders are never
placed here (domain brief § 3.1): they are not in the unassigned queues.
"""

from __future__ import annotations

from collections import defaultdict

from fastlege.monthly.services.engine.state import (
    MBegin,
    Person,
    Rule,
    Step,
)
from fastlege.monthly.services.engine.step3_switches import Switches
from fastlege.registry import rules as registry_rules
from fastlege.registry.rules import Parent


class Unassigned(Switches):
    def _next_unassigned(self, municipality: str, list_id: int) -> Person | None:
        """The longest-waiting unassigned resident of the municipality who may join the list."""
        if not self.muni_auto.get(municipality, True):
            return None
        queue = self.unassigned.get(municipality)
        if not queue:
            return None
        pos = self._unassigned_pos[municipality]
        while pos < len(queue) and (
            queue[pos] in self.moved or self.people[queue[pos]].list_id is not None
        ):
            pos += 1
        self._unassigned_pos[municipality] = pos
        for i in range(pos, len(queue)):
            rid = queue[i]
            person = self.people[rid]
            if rid in self.moved or person.list_id is not None or not self.may_be_placed(person):
                continue
            if not self._blocked(rid, list_id):
                return person
        return None

    def _parent(self, parent_id: int | None, child_id: int) -> Parent | None:
        """A parent as § 5 sees them: address, and their list as it stands after steps 1–3
        if the child may join it (active, GP not barred for the child), else None."""
        if parent_id is None or parent_id not in self.parents:
            return None
        address, loaded_list = self.parents[parent_id]
        person = self.people.get(parent_id)
        list_id = person.list_id if person is not None else loaded_list
        if list_id is not None and (
            not self.lists[list_id].active or self._blocked(child_id, list_id)
        ):
            list_id = None
        return Parent(address, list_id)

    def _children_with_parents(self) -> None:
        """Unassigned children under 16 go on a parent's list (§ 5), before anyone else is
        placed; in the unassigned order. Not counted against the ceiling (§ 4 a)."""
        despite_opt_out = bool(
            registry_rules.param("child_with_parent_despite_opt_out", self.month)
        )
        for muni in sorted(self.unassigned):
            if not (despite_opt_out or self.muni_auto.get(muni, True)):
                continue
            for rid in self.unassigned[muni]:
                child = self.children.get(rid)
                person = self.people[rid]
                if child is None or rid in self.moved or person.list_id is not None:
                    continue
                born, mother, father, address = child
                target = registry_rules.child_follows_parent(
                    registry_rules.age_on(born, self.month),
                    address,
                    self._parent(mother, rid),
                    self._parent(father, rid),
                    self.month,
                )
                if target is None:
                    continue  # placed the normal way
                self._move(
                    person,
                    target,
                    step=Step.UNASSIGNED,
                    rule=Rule.CHILD_WITH_PARENT,
                    end_reason="",
                    begin=MBegin.CHILD_WITH_PARENT,
                )

    def step4_unassigned(self) -> None:
        self._children_with_parents()
        by_muni: dict[str, list[int]] = defaultdict(list)
        for pk, state in sorted(self.lists.items()):
            if state.receives:
                by_muni[state.municipality].append(pk)
        for muni in sorted(self.unassigned):
            candidates = by_muni.get(muni, [])
            if not candidates:
                continue
            while True:
                open_lists = [pk for pk in candidates if self.lists[pk].free > 0]
                if not open_lists:
                    break
                # Most free places first, then the lowest list id (rule unassigned_list_choice).
                open_lists.sort(key=lambda pk: (-self.lists[pk].free, pk))
                placed = False
                for pk in open_lists:
                    person = self._next_unassigned(muni, pk)
                    if person is None:
                        continue
                    self.lists[pk].placements_in += 1
                    self._move(
                        person,
                        pk,
                        step=Step.UNASSIGNED,
                        rule=Rule.PLACEMENT,
                        end_reason="",
                        begin=MBegin.ASSIGNED,
                    )
                    placed = True
                    break
                if not placed:
                    break
