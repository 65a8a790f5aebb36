"""Step 1: list places that end (fastlegeforskriften §§ 9, 38–39).

Residents who died, emigrated or opted out leave their list; decided moves off a
closed list (§ 9) and removals (§§ 38–39) take effect to the list decided;
members of an ended list with no move taking effect become unassigned.
"""

from __future__ import annotations

from fastlege.monthly.services.engine.state import (
    MBegin,
    MEnd,
    Rule,
    SReason,
    SStatus,
    Step,
)
from fastlege.monthly.services.engine.step0_ceilings import Ceilings
from fastlege.registry.models import (
    Resident,
)


class Endings(Ceilings):
    def step1_endings(self) -> None:
        out = self.out
        reasons: dict[str, tuple[str, str]] = {
            Resident.Status.DEAD: (Rule.DIED, MEnd.DIED),
            Resident.Status.EMIGRATED: (Rule.EMIGRATED, MEnd.EMIGRATED),
        }
        gone = sorted(p.id for p in self.people.values() if not p.ok and p.list_id is not None)
        statuses = dict(Resident.objects.filter(pk__in=gone).values_list("pk", "status"))
        for rid in gone:
            person = self.people[rid]
            rule, end = reasons.get(statuses.get(rid, ""), (Rule.OPTED_OUT, MEnd.OPTED_OUT))
            self._move(person, None, step=Step.ENDINGS, rule=rule, end_reason=end)
            out.left_scheme += 1
        # Decided moves: off a closed list, and removals (§§ 38–39).
        forced: dict[str, str] = {
            SReason.AGREEMENT_CLOSED: Rule.AGREEMENT_CLOSED,
            SReason.REMOVED: Rule.REMOVED,
        }
        begin: dict[str, str] = {
            SReason.AGREEMENT_CLOSED: MBegin.AGREEMENT_CLOSED,
            SReason.REMOVED: MBegin.REMOVAL,
        }
        ends: dict[str, str] = {
            SReason.AGREEMENT_CLOSED: MEnd.AGREEMENT_CLOSED,
            SReason.REMOVED: MEnd.REMOVED,
        }
        for pk, rid, _from, to, reason in self.pending:
            person = self.people[rid]
            if not person.ok or rid in self.moved:
                self._refuse_request(pk, SStatus.CANCELLED)
                continue
            if reason not in forced:
                continue
            if not self.lists[to].active:
                self._refuse_request(pk, SStatus.REFUSED)
                continue
            out.switch_status[pk] = SStatus.APPLIED
            self._move(
                person,
                to,
                step=Step.ENDINGS,
                rule=forced[reason],
                end_reason=ends[reason],
                begin=begin[reason],
                switch_request=pk,
            )
        # Members of a closed list without a move that takes effect: unassigned.
        with_request = {rid for _pk, rid, *_rest in self.pending}
        for person in self._on_ended_lists():
            if (
                person.list_id is not None
                and not self.lists[person.list_id].active
                and person.id not in self.moved
                and person.id not in with_request
            ):
                self._close_to_unassigned(person, Step.ENDINGS)
