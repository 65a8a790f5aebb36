"""Step 5: waiting lists and chains (pasientrettighetsforskriften § 6, domain brief § 3.3).

Every free place is given away: to the municipality's longest-waiting unassigned
resident first (``unassigned_before_waiting_list``), else to the waiting list in
order of joining. A person who leaves a list frees a place there, which goes on
the same way; chains are followed to the end, nobody is moved twice.
"""

from __future__ import annotations

from collections import defaultdict, deque

from fastlege.monthly.services.engine.state import (
    MBegin,
    MEnd,
    Person,
    Rule,
    Step,
    WStatus,
)
from fastlege.monthly.services.engine.step4_unassigned import Unassigned


class WaitingLists(Unassigned):
    def step5_waiting_lists(self) -> None:
        """Give every free place away, following the chains to the end.

        Lists with free places are served in ascending id; a list that gets a
        place freed by a move in this step joins the back of the queue. Each
        place goes to the municipality's longest-waiting unassigned resident,
        else to the first eligible person on the list's waiting list.
        """
        queue: deque[tuple[int, int]] = deque()
        queued: set[int] = set()
        for pk, state in sorted(self.lists.items()):
            if state.receives and state.free > 0 and self.waiting.get(pk):
                queue.append((pk, 0))
                queued.add(pk)
        pos: dict[int, int] = defaultdict(int)
        while queue:
            pk, chain_round = queue.popleft()
            queued.discard(pk)
            state = self.lists[pk]
            while state.free > 0:
                person = self._next_unassigned(state.municipality, pk)
                entry_id: int | None = None
                if person is None:
                    found = self._next_waiting(pk, pos)
                    if found is None:
                        break
                    entry_id, person = found
                left = person.list_id
                state.placements_in += 1
                if entry_id is not None:
                    self.out.waiting_status[entry_id] = WStatus.PLACED
                    if left is not None:
                        state.switches_in += 1
                self._move(
                    person,
                    pk,
                    step=Step.WAITING,
                    rule=Rule.WAITING_LIST if entry_id is not None else Rule.UNASSIGNED_ON_FREED,
                    end_reason=MEnd.SWITCHED,
                    begin=MBegin.WAITING_LIST if entry_id is not None else MBegin.ASSIGNED,
                    waiting_entry=entry_id,
                    chain_round=chain_round,
                )
                if left is not None:
                    freed = self.lists[left]
                    if freed.receives and freed.free > 0 and left not in queued:
                        queue.append((left, chain_round + 1))
                        queued.add(left)

    def _next_waiting(self, list_id: int, pos: dict[int, int]) -> tuple[int, Person] | None:
        entries = self.waiting.get(list_id, [])
        i = pos[list_id]
        while i < len(entries):
            entry_id, rid = entries[i]
            i += 1
            person = self.people.get(rid)
            if person is None or entry_id in self.out.waiting_status:
                continue
            if not person.ok:
                self.out.waiting_status[entry_id] = WStatus.ENDED
                continue
            if person.list_id == list_id:
                self.out.waiting_status[entry_id] = WStatus.ENDED
                continue
            if rid in self.moved or self._blocked(rid, list_id) or not self.may_be_placed(person):
                continue  # keeps the place in the queue for next month
            pos[list_id] = i
            return entry_id, person
        pos[list_id] = i
        return None
