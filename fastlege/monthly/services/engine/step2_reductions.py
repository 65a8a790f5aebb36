"""Step 2: list reductions that take effect (fastlegeforskriften § 11).

The moves drawn by lot when the reduction was prepared take effect; the
reduction is marked carried out. ``_apply_requests`` carries out requests of the
given reasons and is shared with step 3.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastlege.monthly.services.engine.state import (
    MBegin,
    MEnd,
    Rule,
    SReason,
    SStatus,
    Step,
)
from fastlege.monthly.services.engine.step1_endings import Endings
from fastlege.registry.models import (
    ListReduction,
)


class Reductions(Endings):
    def _apply_requests(self, step: int, reasons: Iterable[str]) -> None:
        wanted = set(reasons)
        rules_of: dict[str, str] = {
            SReason.REDUCTION: Rule.REDUCTION,
            SReason.PLACEMENT: Rule.PLACEMENT,
            SReason.WAITING_LIST: Rule.WAITING_LIST,
        }
        for pk, rid, _from, to, reason in self.pending:
            if reason not in wanted or pk in self.out.switch_status:
                continue
            person = self.people[rid]
            if not person.ok or rid in self.moved:
                self._refuse_request(pk, SStatus.CANCELLED)
                continue
            if person.list_id == to:
                self._refuse_request(pk, SStatus.CANCELLED)
                continue
            if not self.lists[to].active or self._blocked(rid, to):
                self._refuse_request(pk, SStatus.REFUSED)
                continue
            if not self.may_be_placed(person):
                self._defer_request(pk, to)
                continue
            self.out.switch_status[pk] = SStatus.APPLIED
            begins: dict[str, str] = {
                SReason.REDUCTION: MBegin.REDUCTION,
                SReason.PLACEMENT: MBegin.ASSIGNED,
                SReason.WAITING_LIST: MBegin.WAITING_LIST,
            }
            begin = begins.get(reason, MBegin.CHOSEN)
            end = MEnd.MOVED_BY_REDUCTION if reason == SReason.REDUCTION else MEnd.SWITCHED
            if reason in (SReason.ORDINARY, SReason.MOVED, SReason.GP_LEFT, SReason.WAITING_LIST):
                self.lists[to].switches_in += 1
            self._move(
                person,
                to,
                step=step,
                rule=rules_of.get(reason, Rule.SWITCH),
                end_reason=end,
                begin=begin,
                switch_request=pk,
            )

    def step2_reductions(self) -> None:
        self._apply_requests(Step.REDUCTIONS, [SReason.REDUCTION])
        self.out.reductions_applied = list(
            ListReduction.objects.filter(
                status=ListReduction.Status.PREPARED, effective_on__lte=self.month
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
