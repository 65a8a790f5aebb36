"""The monthly list update: carry the registry over to the 1st of a month.

One run, in this fixed order (docs/monthly-update.md has the details):

1. end list places that end: deaths, emigration, opt-out; moves off a closed
   list and removals (§§ 38–39) to the list decided; members of a closed list
   with no decided move become unassigned;
2. list reductions that take effect (the recorded draw, § 11);
3. switch requests that take effect (§ 6);
4. the unassigned (ufordelte) on lists with free places in their municipality,
   longest-waiting first, unless the municipality has turned automatic
   placement off; a list closed by hand receives nobody;
5. waiting lists: each free place goes to the unassigned of the list's
   municipality first, then to the waiting list in order of joining; a person
   who leaves a list frees a place there, which goes on in the same way
   (chains followed to the end; nobody moved twice; no list above its ceiling);
6. open/closed recomputed from ceiling and length;
7. notifications for everyone the run placed;
8. the month's snapshot per list and per municipality.

Set-based: the state is read with a handful of aggregate queries, the moves
are decided in memory on integer ids (deterministically, see the tie-breaking
rules), and written back in bulk. One transaction for the whole run.

Code: one module per step, in run order (``state`` loads, ``moves`` is the one
way a place changes, ``step1_endings`` … ``step8_snapshots``, ``writing`` the
bulk writes, ``run`` the entry point). The engine class is a chain of one class per
step, each inheriting the previous one.
"""

from fastlege.monthly.services.engine.months import next_month, parse_month
from fastlege.monthly.services.engine.run import RunResult, _Engine, run_month
from fastlege.monthly.services.engine.state import ListState, Move, Outcome, Person

__all__ = [
    "ListState",
    "Move",
    "Outcome",
    "Person",
    "RunResult",
    "_Engine",
    "next_month",
    "parse_month",
    "run_month",
]
