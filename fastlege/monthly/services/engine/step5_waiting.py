"""Step 5: waiting lists and chains (pasientrettighetsforskriften § 6, domain brief § 3.3).

Every free place is given away: to the municipality's longest-waiting unassigned
resident first (``unassigned_before_waiting_list``), else to the waiting list in
order of joining (Sami speakers first on a Sami-speaking GP's list in the Sami
language area, fastlegeforskriften § 36). A person who leaves a list frees a
place there, which goes on the same way; chains are followed to the end, nobody
is moved twice.

A move from a list counts against the person's two switches a year (§ 6) unless
exempt (``exempt_from``: moved municipality, GP left), exactly as a placement by
hand (``place_from_waiting_list``): a person whose quota is used keeps the
waiting place and the next in the queue gets the place. Every waiting-list move
is written as an applied switch request (reason ``venteliste``) so that later
switches see it.
"""

from __future__ import annotations

from collections import defaultdict, deque

from fastlege.monthly.services.engine.state import (
    MBegin,
    MEnd,
    Person,
    Rule,
    SReason,
    Step,
    WStatus,
)
from fastlege.monthly.services.engine.step4_unassigned import Unassigned
from fastlege.registry import rules as registry_rules
from fastlege.registry.services.citizen import counts_against_quota


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
                    self.out.waiting_switches.append((person.id, left, pk, person.membership_id))
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

    def _counts_against_quota(self, person: Person) -> bool:
        """§ 6: the same rule as the services (``counts_against_quota`` of ``exempt_from``),
        on the exemptions read in bulk at load (for those whose quota is used)."""
        has_list = person.list_id is not None
        exemption = SReason(self.exemption.get(person.id, SReason.ORDINARY))
        return counts_against_quota(has_list, exemption)

    def _quota_used(self, person: Person) -> bool:
        return self._counts_against_quota(person) and registry_rules.switch_quota_used_up(
            self.quota_used.get(person.id, 0), self.month
        )

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
            if (
                rid in self.moved
                or self._blocked(rid, list_id)
                or not self.may_be_placed(person)
                or self._quota_used(person)
            ):
                continue  # keeps the place in the queue for next month
            pos[list_id] = i
            return entry_id, person
        pos[list_id] = i
        return None
