"""Step 4: the unassigned (ufordelte) get free places in their municipality.

pasientrettighetsforskriften § 2 (assignment to a GP with free places); Helfo's
practice for the unassigned (domain brief § 3.3). Longest-waiting first
(``unassigned_order``), the list with most free places first
(``unassigned_list_choice``); not where the municipality turned automatic
placement off, never onto a list closed by hand.
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

    def step4_unassigned(self) -> None:
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
