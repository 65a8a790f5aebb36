"""Step 3: switch requests that take effect (pasientrettighetsforskriften § 6).

Ordinary switches, switches after a move or a GP leaving, placements and
waiting-list placements made by hand. Members of an ended list whose own request
was refused become unassigned here.
"""

from __future__ import annotations

from fastlege.monthly.services.engine.state import (
    SReason,
    SStatus,
    Step,
)
from fastlege.monthly.services.engine.step2_reductions import Reductions


class Switches(Reductions):
    def step3_switches(self) -> None:
        self._apply_requests(
            Step.SWITCHES,
            [
                SReason.ORDINARY,
                SReason.MOVED,
                SReason.GP_LEFT,
                SReason.PLACEMENT,
                SReason.WAITING_LIST,
            ],
        )
        # Anything left pending that takes effect (a reason the run does not know): refused.
        for pk, _rid, *_rest in self.pending:
            if pk not in self.deferred:
                self._refuse_request(pk, SStatus.REFUSED)
        # Members of a closed list whose own request was refused: unassigned now.
        for person in self._on_ended_lists():
            if (
                person.list_id is not None
                and not self.lists[person.list_id].active
                and person.id not in self.moved
            ):
                self._close_to_unassigned(person, Step.SWITCHES)
