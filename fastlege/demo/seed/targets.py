"""The demo's target rates: the national figures of ``/work/shared/domain.md`` § 8 (and
§ 6, where § 8 takes its base), per month, scaled to the seeded municipalities by their
list residents. The one place the history (:mod:`.history`) and the continuation
(:mod:`.continuation`) take their volumes from, and the bands they must stay in.
"""

from __future__ import annotations

#: List residents in the scheme, 1 September 2023 (Hdir, table 1.3): the base of the rates.
LIST_RESIDENTS_NATIONAL = 5_499_917
#: Voluntary switches in a year (Helfo, 2012): ≈ 6 % of list residents a year.
VOLUNTARY_SWITCHES_A_YEAR = 327_863
#: All moves between lists in a year, incl. reductions, GPs leaving and moves (Helfo, 2012).
ALL_MOVES_A_YEAR = 618_485
#: Waiting on a waiting list / wanting to switch: 343 859 on 1 September 2023 (the record,
#: 6.3 %, § 6.3); 240 000 in May 2024 (NRK, § 6.4) of 5 557 545 list residents (Hdir 8.1,
#: § 6.1: 5 376 756 with a GP + 180 789 without, 1 May 2024): 4.3 %.
#: The target is the later, lower figure; the band reaches the record.
WAITING_NATIONAL = 240_000
WAITING_BASE = 5_557_545
#: Unassigned (ufordelte), 1 September 2023 (Hdir, table 1.3).
UNASSIGNED_NATIONAL = 3_866
#: GP turnover in 2023 (Hdir 8.1): more than 300 left of about 5 400 GPs.
GPS_NATIONAL = 5_400
GPS_LEFT_A_YEAR = 300

VOLUNTARY_SWITCH_RATE = VOLUNTARY_SWITCHES_A_YEAR / LIST_RESIDENTS_NATIONAL / 12  # ≈ 0.50 %
ALL_MOVES_RATE = ALL_MOVES_A_YEAR / LIST_RESIDENTS_NATIONAL / 12  # ≈ 0.94 %
WAITING_SHARE = WAITING_NATIONAL / WAITING_BASE  # ≈ 4.3 % of list residents, a stock
UNASSIGNED_SHARE = UNASSIGNED_NATIONAL / LIST_RESIDENTS_NATIONAL  # ≈ 0.07 %, a stock
GP_LEAVING_RATE = GPS_LEFT_A_YEAR / GPS_NATIONAL / 12  # ≈ 0.46 % of lists with a GP
#: Per month, as a share of the list residents: the history's rates (.history) for births
#: and other arrivals (BIRTH_SHARE_PER_MONTH, IMMIGRATION_RATE); departures (deaths,
#: emigration, moving away) balance them.

#: The bands each month must stay in, through the history and the continuation
#: (demo/tests/test_levels.py and test_continuation.py check them with the published
#: figures), per month as a share of the list residents of the area:
#: * the engine's moves of a month (switches, placements of the unassigned and from the
#:   waiting lists): from a quarter of the voluntary switches to 1.5 × all moves. A
#:   switch needs a free place (or goes via a closed list's waiting list), and Trøndelag's
#:   lists of 2025 are nearly full (reserve capacity about 100): there the engine moves
#:   0.16–0.35 % a month, against the national 0.50 % of 2012. All moves also count
#:   lists taken over and reductions, which move nobody in the engine's count;
MOVES_BAND = (0.25 * VOLUNTARY_SWITCH_RATE, 1.5 * ALL_MOVES_RATE)
#: * and no month's moves or waiting more than this factor from the month before (the
#:   history once grew fourfold to its last month and emptied the waiting lists there);
MONTH_ON_MONTH = 2.5
#: * waiting places after the month, against WAITING_SHARE of the list residents of the
#:   municipalities with a closed list (1.5 × reaches the 2023 record);
WAITING_BAND = (0.5, 1.5)
#: * unassigned after the month's run: at most 3 × UNASSIGNED_SHARE, plus a handful
#:   (a small area's share of 0.07 % is less than one person).
UNASSIGNED_MAX = 3.0
UNASSIGNED_ALLOWANCE = 25
#: The stocks are drawn toward their targets. Waiting: besides the switches that go via a
#: closed list's waiting list, each month this share of the gap to WAITING_SHARE joins
#: (below the target) or leaves (above it: gave up, chose otherwise). Unassigned: this
#: share of the excess over UNASSIGNED_SHARE fewer move in that month (in a municipality
#: whose lists are all closed, the engine cannot place them). The published figures are
#: stocks; the flows in and out are not published.
CATCH_UP = 0.5
