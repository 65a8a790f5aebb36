"""Moving people: the one way the run changes a list place (all steps).

Each person is moved at most once per run; a move ends the old place and opens
the new one from the 1st of the month run (``moves_take_effect``). Removal
decisions bar a person from a GP or list (fastlegeforskriften § 2 last paragraph).
"""

from __future__ import annotations

from fastlege.monthly.services.engine.state import (
    EngineState,
    MEnd,
    Move,
    Person,
    Rule,
    WStatus,
)


class Moves(EngineState):
    def _leave(self, person: Person, reason: str) -> None:
        if person.list_id is None or person.membership_id is None:
            return
        state = self.lists[person.list_id]
        state.length -= 1
        state.moved_out += 1
        if person.municipality != state.municipality:
            state.guests -= 1
        self.listed_home[(state.id, person.municipality)] -= 1
        self.out.end_membership[person.membership_id] = reason
        if person.membership_from is not None:
            self.out.membership_from[person.membership_id] = person.membership_from
        person.list_id = None
        person.membership_id = None

    def _join(self, person: Person, list_id: int, begin: str) -> None:
        state = self.lists[list_id]
        state.length += 1
        state.moved_in += 1
        if person.municipality != state.municipality:
            state.guests += 1
        self.listed_home[(list_id, person.municipality)] += 1
        self.out.new_membership.append((person.id, list_id, begin))
        person.list_id = list_id
        person.membership_id = -1  # written by the run
        person.membership_from = self.month

    def _move(
        self,
        person: Person,
        to_list: int | None,
        *,
        step: int,
        rule: str,
        end_reason: str,
        begin: str = "",
        switch_request: int | None = None,
        waiting_entry: int | None = None,
        chain_round: int = 0,
    ) -> None:
        assert person.id not in self.moved, "a person is moved at most once per run"
        from_list = person.list_id
        self._leave(person, end_reason)
        if to_list is not None:
            self._join(person, to_list, begin)
            entry = self.waiting_of.get(person.id)
            if entry is not None and entry[1] == to_list:
                # On the list they waited for (by any step): the waiting place is used.
                self.out.waiting_status.setdefault(entry[0], WStatus.PLACED)
        self.moved.add(person.id)
        self.out.moves.append(
            Move(
                person.id,
                step,
                rule,
                from_list,
                to_list,
                switch_request,
                waiting_entry,
                chain_round,
            )
        )

    def _blocked(self, resident_id: int, list_id: int) -> bool:
        """§ 2 last paragraph: removed for threats or violence from that GP or list."""
        decisions = self.removals.get(resident_id)
        if not decisions:
            return False
        gp = self.regular_gp.get(list_id)
        doctor = gp[0] if gp else None
        for agreement_id, removed_doctor in decisions:
            if removed_doctor is not None and removed_doctor == doctor:
                return True
            if removed_doctor is None and agreement_id == list_id:
                return True
        return False

    def _on_ended_lists(self) -> list[Person]:
        """People on a list that has ended (all loaded by ``_load_people``), by id."""
        return [self.people[rid] for rid in sorted(self.on_ended)]

    def _close_to_unassigned(self, person: Person, step: int) -> None:
        self._move(
            person,
            None,
            step=step,
            rule=Rule.AGREEMENT_CLOSED_UNPLACED,
            end_reason=MEnd.AGREEMENT_CLOSED,
        )
        person.unassigned_since = self.month
        self.unassigned[person.municipality].append(person.id)  # waited least: last in line

    def _defer_request(self, pk: int, to_list: int) -> None:
        """A request due for someone not yet eligible stays pending for next month's run;
        its place stays promised (counted as incoming on the list)."""
        self.deferred.add(pk)
        self.lists[to_list].incoming += 1

    def _refuse_request(self, pk: int, status: str) -> None:
        if pk not in self.out.switch_status:
            self.out.switch_status[pk] = status
            self.out.switches_refused += 1
