"""Step 0: approved list-ceiling changes that take effect (fastlegeforskriften §§ 10–11).

The municipality approves a new ceiling from the 1st of a month
(``registry.services.ceiling.approve_ceiling_change``); a change whose date has
come is put into force here, before anything else: the agreement gets the new
ceiling (and its approval of a ceiling under 500), the change is marked carried
out (``iverksatt``), and every later step of the run uses the new ceiling. So a
§ 11 reduction's drawn residents move out in step 2 and steps 4–5 do not refill
the list to its old ceiling; a raise approved ahead of time fills in its month.

An agreement has at most one open change (the service refuses a second), so at
most one change per list is due; should there be more, the latest (by date, then
id) wins and all are marked carried out.
"""

from __future__ import annotations

from fastlege.monthly.services.engine.moves import Moves
from fastlege.registry.models import CeilingChange


class Ceilings(Moves):
    def step0_ceilings(self) -> None:
        due = (
            CeilingChange.objects.filter(
                status=CeilingChange.Status.APPROVED, effective_on__lte=self.month
            )
            .order_by("effective_on", "pk")
            .values_list("pk", "agreement_id", "new_ceiling", "low_ceiling_approved")
        )
        for pk, agreement_id, new_ceiling, low in due:
            self.out.ceiling_changes.append((pk, agreement_id, new_ceiling, bool(low)))
            state = self.lists.get(agreement_id)
            if state is not None:
                state.ceiling = new_ceiling
