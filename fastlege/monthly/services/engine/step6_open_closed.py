"""Step 6: open and closed recomputed from ceiling and length (fastlegeforskriften § 10).

A list is closed when its length reaches its ceiling; a list closed by hand stays
closed. Decided in memory before the writes, written after them.
"""

from __future__ import annotations

from fastlege.monthly.services.engine.state import (
    BATCH,
    _chunks,
)
from fastlege.monthly.services.engine.step5_waiting import WaitingLists
from fastlege.registry import capacity
from fastlege.registry.models import (
    Agreement,
)


class OpenClosed(WaitingLists):
    def step6_open_closed(self) -> tuple[int, int]:
        """§ 10: a list is closed when its length reaches the ceiling; closed by hand stays."""
        self._open_changes: dict[bool, list[int]] = {True: [], False: []}
        for pk, state in sorted(self.lists.items()):
            # § 10 counts the list itself: promised places decide who may be given a
            # place (``state.free``), not whether the list is open.
            has_room = capacity.places_left(state.ceiling, state.length) > 0
            should = state.active and not state.locked_by_hand and has_room
            if should != state.is_open:
                self._open_changes[should].append(pk)
                state.is_open = should
        return len(self._open_changes[True]), len(self._open_changes[False])

    def write_open_closed(self) -> None:
        for value, ids in self._open_changes.items():
            for chunk in _chunks(ids, BATCH):
                Agreement.objects.filter(pk__in=chunk).update(is_open=value)
