"""A small, independent reference model of the list rules, for ``test_model_based.py``.

Plain Python, no Django: who is on which list, the ceilings, pending moves,
waiting queues and switches per year, updated by each operation as the
regulation says (domain brief § 3), and a ``run_month`` that computes who ends
up where on the 1st of a month. It is written from the rules, not from the
engine; where the engine's choice is a documented tie-break
(docs/monthly-update.md, ``fastlege/monthly/rules.py``) the model follows the
documentation.

What the model predicts exactly (compared person by person):

* the list of every person after each operation and each run;
* each list's ceiling, and whether it is open after a run (§ 10);
* the pending switch of every person and the waiting queue of every list;
* refusals of the operations (the error code) where the rule decides them.

Where the model is not sure (the § 4 b returnee exception depends on the exact
move history) it says so (``UNSURE``) and the test then takes the registry's
answer over into the model.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

D = datetime.date

QUOTA = 2  # pasientrettighetsforskriften § 6: two ordinary switches per calendar year
CHILD_AGE = 16  # § 4 a and § 5: children under 16
RETURNEE_YEARS = 3  # § 4 b


class Unsure(Exception):
    """The model cannot tell in advance (used for the § 4 b returnee exception)."""


def first_of_next_month(day: D) -> D:
    return D(day.year + (day.month == 12), day.month % 12 + 1, 1)


def age_on(born: D, day: D) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass
class MList:
    id: int
    municipality: str
    ceiling: int
    is_open: bool = True
    gp_end: D | None = None  # the regular GP leaves on this day (§ 6 merknad exemption)
    ceiling_change: tuple[int, D] | None = None  # approved: (new ceiling, effective on)


@dataclass
class MPerson:
    id: int
    municipality: str
    born: D
    list_id: int | None = None
    list_from: D | None = None
    in_scheme: bool = True
    d_number: bool = False
    mother: int | None = None
    father: int | None = None
    household: int | None = None
    resident_since: D = D(2020, 1, 1)
    last_end: D | None = None  # end of the last list place
    eligible_from: D = D(2020, 1, 1)  # arrived, born or opted in (no place before, § 2)
    moves: list[tuple[D, str, str]] = field(default_factory=list)  # (on, from, to)
    history: list[tuple[int, D, D | None]] = field(default_factory=list)  # list, from, to


@dataclass
class MSwitch:
    to: int
    effective_on: D
    counts: bool
    seq: int  # order of request (requested_at, id)


@dataclass
class Model:
    lists: dict[int, MList] = field(default_factory=dict)
    people: dict[int, MPerson] = field(default_factory=dict)
    pending: dict[int, MSwitch] = field(default_factory=dict)  # person -> switch
    waiting: dict[int, list[int]] = field(default_factory=dict)  # list -> people, in order
    counted: dict[tuple[int, int], int] = field(default_factory=dict)  # (person, year) -> n
    last_run: D | None = None
    seq: int = 0
    #: Rules of the run the model applies; dropping one (``FASTLEGE_MODEL_IGNORE``) makes the
    #: model follow today's engine there, to look past one known failure at a time.
    ignore: frozenset[str] = frozenset()

    # -- helpers ----------------------------------------------------------------

    def members(self, list_id: int) -> list[int]:
        return sorted(p.id for p in self.people.values() if p.list_id == list_id)

    def incoming(self, list_id: int) -> int:
        return sum(1 for s in self.pending.values() if s.to == list_id)

    def free(self, list_id: int) -> int:
        """Free places: ceiling − members − pending moves onto the list (one definition)."""
        return self.lists[list_id].ceiling - len(self.members(list_id)) - self.incoming(list_id)

    def free_in_run(self, list_id: int) -> int:
        if "free_places" in self.ignore:  # today's engine: ceiling − members
            return self.lists[list_id].ceiling - len(self.members(list_id))
        return self.free(list_id)

    def waiting_on(self, person_id: int) -> int | None:
        for list_id, queue in self.waiting.items():
            if person_id in queue:
                return list_id
        return None

    def leave_waiting(self, person_id: int) -> None:
        for queue in self.waiting.values():
            if person_id in queue:
                queue.remove(person_id)

    def exempt(self, person: MPerson) -> bool:
        """§ 6 merknad: a switch after moving municipality, or because the GP left, is free."""
        if person.list_id is None or person.list_from is None:
            return False
        if any(on >= person.list_from for on, _f, _t in person.moves):
            return True
        gp_end = self.lists[person.list_id].gp_end
        return gp_end is not None and gp_end > person.list_from

    def counts(self, person: MPerson) -> bool:
        """A move the person chose that counts against the two a year (§ 6)."""
        return person.list_id is not None and not self.exempt(person)

    def used(self, person_id: int, year: int) -> int:
        return self.counted.get((person_id, year), 0)

    def closed_list_exception(self, person: MPerson, target: MList, on: D) -> bool:
        """§ 4: a child under 16 of a member (a), a returnee within three years (b)."""
        if age_on(person.born, on) < CHILD_AGE:
            for parent in (person.mother, person.father):
                if parent is not None and self.people[parent].list_id == target.id:
                    return True
        if person.municipality == target.municipality and len(person.moves) >= 2:
            raise Unsure("§ 4 b returnee: left to the model to accept")
        return False

    def _set_list(self, person: MPerson, list_id: int | None, on: D) -> None:
        if person.list_id is not None:
            lid, since, _ = person.history[-1]
            person.history[-1] = (lid, since, on)
            person.last_end = on
        person.list_id = list_id
        person.list_from = on if list_id is not None else None
        if list_id is not None:
            person.history.append((list_id, on, None))

    # -- operations (each returns the refusal code the rule gives, or None) --------

    def request_switch(self, pid: int, to: int, today: D) -> str | None:
        person, target = self.people[pid], self.lists[to]
        effective = first_of_next_month(today)
        if not person.in_scheme:
            return "not_in_scheme"
        if person.list_id == to:
            return "already_on_list"
        if pid in self.pending:
            return "switch_already_pending"
        counts = self.counts(person)
        if counts and self.used(pid, effective.year) >= QUOTA:
            return "switch_quota_used"
        full = self.free(to) < 1
        if (full or not target.is_open) and not self.closed_list_exception(
            person, target, effective
        ):
            return "list_full" if full else "list_closed"
        self.seq += 1
        self.pending[pid] = MSwitch(to, effective, counts, self.seq)
        if counts:
            self.counted[(pid, effective.year)] = self.used(pid, effective.year) + 1
        if pid in self.waiting.get(to, []):
            self.waiting[to].remove(pid)
        return None

    def cancel_switch(self, pid: int, today: D) -> str | None:
        switch = self.pending.get(pid)
        if switch is None:
            return "switch_not_pending"
        if today >= switch.effective_on:
            return "switch_already_effective"
        del self.pending[pid]
        if switch.counts:
            year = switch.effective_on.year
            self.counted[(pid, year)] -= 1
        return None

    def join_waiting(self, pid: int, to: int) -> str | None:
        person, target = self.people[pid], self.lists[to]
        if not person.in_scheme:
            return "not_in_scheme"
        if person.list_id == to:
            return "already_on_list"
        if pid in self.pending and self.pending[pid].to == to:
            return "switch_already_pending"
        if target.is_open and self.free(to) > 0:
            return "list_has_free_places"
        if pid in self.waiting.get(to, []):
            return "already_waiting"
        self.leave_waiting(pid)  # one waiting list at a time (§ 3.3)
        self.waiting.setdefault(to, []).append(pid)
        return None

    def leave_waiting_list(self, pid: int) -> str | None:
        if self.waiting_on(pid) is None:
            return "not_waiting"
        self.leave_waiting(pid)
        return None

    def change_ceiling(self, list_id: int, new: int, effective_on: D) -> str | None:
        target = self.lists[list_id]
        if new == target.ceiling:
            return "ceiling_unchanged"
        if target.ceiling_change is not None:
            return "ceiling_change_pending"
        target.ceiling_change = (new, effective_on)
        return None

    def gp_leaves(self, list_id: int, end: D) -> str | None:
        target = self.lists[list_id]
        if target.gp_end is not None:
            return "list_without_gp"
        target.gp_end = end
        return None

    def birth(self, pid: int, mother: int, father: int | None, today: D) -> None:
        mum = self.people[mother]
        child = MPerson(
            pid,
            mum.municipality,
            today,
            mother=mother,
            father=father,
            household=mum.household,
            resident_since=today,
            eligible_from=today,
        )
        self.people[pid] = child
        # Newborns go on the mother's list (Hdir), else the father's in the same household.
        parent_list = mum.list_id
        if parent_list is None and father is not None:
            dad = self.people[father]
            if dad.household is not None and dad.household == child.household:
                parent_list = dad.list_id
        if parent_list is not None:
            self._set_list(child, parent_list, today)

    def arrival(self, person: MPerson) -> None:
        self.people[person.id] = person

    def move(self, pid: int, to_municipality: str, today: D) -> str | None:
        person = self.people[pid]
        if person.municipality == to_municipality:
            return "same_municipality"
        person.moves.append((today, person.municipality, to_municipality))
        person.municipality = to_municipality
        person.resident_since = today
        # Someone without a list is placed in the new municipality from the 1st after moving
        # in (documented choice, ``monthly.rules.eligible_from``: living in the municipality).
        person.eligible_from = max(person.eligible_from, today)
        return None  # the person keeps the GP (§ 2)

    def opt_out(self, pid: int, today: D) -> str | None:
        person = self.people[pid]
        if not person.in_scheme:
            return "not_in_scheme"
        person.in_scheme = False
        if person.list_id is not None and person.list_from is not None:
            end = max(today, person.list_from + datetime.timedelta(days=1))
            self._set_list(person, None, end)
        switch = self.pending.pop(pid, None)
        if switch is not None and switch.counts:
            self.counted[(pid, switch.effective_on.year)] -= 1
        self.leave_waiting(pid)
        return None

    def opt_in(self, pid: int, today: D) -> str | None:
        person = self.people[pid]
        if person.in_scheme:
            return "already_in_scheme"
        person.in_scheme = True
        person.eligible_from = today
        return None

    # -- the monthly run ------------------------------------------------------------

    def run_month(self, month: D) -> None:
        """Carry the model over to the 1st of ``month`` (docs/monthly-update.md, §§ 2–11)."""
        moved: set[int] = set()
        person: MPerson | None
        # Approved ceiling changes of the month take effect (fastlegeforskriften §§ 10–11).
        for lst in self.lists.values():
            if "ceiling_applied" in self.ignore:
                break
            if lst.ceiling_change is not None and lst.ceiling_change[1] <= month:
                lst.ceiling = lst.ceiling_change[0]
                lst.ceiling_change = None
        # Switch requests that take effect (§ 6), in order of request.
        due = sorted(
            ((pid, s) for pid, s in self.pending.items() if s.effective_on <= month),
            key=lambda item: item[1].seq,
        )
        for pid, switch in due:
            del self.pending[pid]
            person = self.people[pid]
            self._set_list(person, switch.to, month)
            moved.add(pid)
            if pid in self.waiting.get(switch.to, []):
                self.waiting[switch.to].remove(pid)
        # Children under 16 whom nobody has chosen for follow a parent's list (§ 5).
        for child in sorted(self.people.values(), key=lambda p: p.id):
            if "children" in self.ignore:
                break
            if not self.placeable(child, month) or age_on(child.born, month) >= CHILD_AGE:
                continue
            parent_list = self.parent_list(child)
            if parent_list is not None:
                self._place(child, parent_list, month, moved)
        # The unassigned get free places in their municipality, longest waiting first,
        # the list with most free places (ties: lowest id) — unverified documented choice.
        for muni in sorted({lst.municipality for lst in self.lists.values()}):
            while True:
                person = self.next_unassigned(muni, month, moved)
                lists = [lid for lid, lst in self.lists.items() if lst.municipality == muni]
                lists = [lid for lid in lists if self.free_in_run(lid) > 0]
                if person is None or not lists:
                    break
                best = min(lists, key=lambda lid: (-self.free_in_run(lid), lid))
                self._place(person, best, month, moved)
        # Waiting lists in order of joining; chains followed breadth first.
        queue = [
            lid for lid in sorted(self.lists) if self.free_in_run(lid) > 0 and self.waiting.get(lid)
        ]
        while queue:
            lid = queue.pop(0)
            lst = self.lists[lid]
            while self.free_in_run(lid) > 0:
                person = self.next_unassigned(lst.municipality, month, moved)
                if person is None:
                    person = self.next_waiting(lid, month, moved)
                    if person is None:
                        break
                    if self.counts(person) and "quota" not in self.ignore:  # counts too (§ 6)
                        key = (person.id, month.year)
                        self.counted[key] = self.used(*key) + 1
                left = person.list_id
                self._place(person, lid, month, moved)
                if left is not None and self.free_in_run(left) > 0 and left not in queue:
                    queue.append(left)
        for lst in self.lists.values():  # § 10: closed when the list reaches its ceiling
            lst.is_open = len(self.members(lst.id)) < lst.ceiling
        self.last_run = month

    def placeable(self, person: MPerson, month: D) -> bool:
        """In the scheme, without a list, and eligible by the 1st (no place before § 2)."""
        eligible = person.eligible_from <= month or "eligible" in self.ignore
        return person.in_scheme and person.list_id is None and eligible

    def parent_list(self, child: MPerson) -> int | None:
        """§ 5: the mother's list, else the father's, when they live with the child."""
        for parent_id in (child.mother, child.father):
            if parent_id is None:
                continue
            parent = self.people[parent_id]
            same_home = child.household is not None and parent.household == child.household
            if same_home and parent.in_scheme and parent.list_id is not None:
                return parent.list_id
        return None

    def next_unassigned(self, muni: str, month: D, moved: set[int]) -> MPerson | None:
        """Longest waiting first: since the last list place ended, else since resident."""
        candidates = [
            p
            for p in self.people.values()
            if p.municipality == muni
            and self.placeable(p, month)
            and not (p.d_number and "d_number" not in self.ignore)  # by hand (§ 3.1)
            and p.id not in moved
        ]
        if not candidates:
            return None
        return min(
            candidates,
            key=lambda p: (max(d for d in (p.last_end, p.resident_since) if d is not None), p.id),
        )

    def next_waiting(self, lid: int, month: D, moved: set[int]) -> MPerson | None:
        for pid in self.waiting.get(lid, []):
            person = self.people[pid]
            if pid in moved:
                continue  # keeps the waiting place for next month
            quota_applies = "quota" not in self.ignore
            if quota_applies and self.counts(person) and self.used(pid, month.year) >= QUOTA:
                continue  # § 6: the quota applies to waiting-list moves too
            return person
        return None

    def _place(self, person: MPerson, lid: int, month: D, moved: set[int]) -> None:
        self._set_list(person, lid, month)
        moved.add(person.id)
        if person.id in self.waiting.get(lid, []):
            self.waiting[lid].remove(person.id)
