"""Back-test of the expected waiting time (``fastlege.registry.waiting_time``).

On a database with months of history (``fastlege seed --months N``, then
``fastlege demo_continue``), for every month ``m`` with a snapshot and a later
run, and every person then in a list's queue, the wait is estimated as the
citizen's page would have shown it at the end of month ``m`` — from the history up
to the snapshot of ``m`` only, the person's place in the queue then and the list's
places left then — and compared with the run in which that person actually got a
place on the list (``monthly.MonthMove`` with the waiting place).

Examples::

    python bench/waiting_time_backtest.py --url sqlite:////tmp/trondelag.sqlite3
    python bench/waiting_time_backtest.py --url ... --window 6 --low 0.1 --high 0.9

What is counted (docs/waiting-time.md):

* the queue at the end of month ``m``: waiting places joined before the 1st of
  ``m + 1`` that had not got a place in a run up to ``m`` nor been left before
  the 1st of ``m + 1``; in order of joining (the § 36 Sami order is not replayed);
  places ended by the run without a move (the person died or moved away) are left
  out, their end is not dated;
* **placed**: got a place in run ``P``: the wait is ``P − m`` months;
* **left**: left the queue without a place: not compared (no wait to compare);
* **still waiting** at the last run ``L``: the wait is longer than ``L − m``; it
  counts for the range only where that already decides it (the range ended before
  ``L − m``: outside), and not for the error in months.

The figures: the median absolute error of the predicted median month against the
actual wait (placed only), the share of actual waits inside the range, below it and
above it, overall and by place in the queue; and how many estimates were
"ukjent" (too little history) or "no place opened".
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: Places in the queue, for the figures by place.
BANDS = ((1, 1), (2, 5), (6, 20), (21, 10**9))


@dataclass
class Figures:
    """The back-test's counts for one group of estimates."""

    estimates: int = 0
    unknown: int = 0  # too little history
    none_opened: int = 0
    none_opened_placed: int = 0  # of those, got a place later all the same
    placed: int = 0  # actual wait known
    left: int = 0  # left the queue without a place
    still_waiting: int = 0
    inside: int = 0
    below: int = 0  # placed sooner than the range
    above: int = 0  # placed later, or still waiting past the range
    undecided: int = 0  # still waiting, the range not yet over
    errors: list[int] = field(default_factory=list)  # |median − actual|, placed only
    signed: list[int] = field(default_factory=list)  # median − actual

    @property
    def decided(self) -> int:
        return self.inside + self.below + self.above

    def share(self, n: int) -> float:
        return n / self.decided if self.decided else float("nan")


def _month_number(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def _band(position: int) -> str:
    for lo, hi in BANDS:
        if lo <= position <= hi:
            return f"{lo}" if lo == hi else (f"{lo}–{hi}" if hi < 10**9 else f"{lo}+")
    return "?"


def backtest(
    params: Any, *, first: datetime.date | None = None, every: int = 1
) -> dict[str, Figures]:
    """Run the back-test on the configured database; the figures overall ("alle") and by
    place in the queue. ``every``: estimate only every n-th queue place (a systematic
    sample, for speed)."""
    from django.db.models import Min
    from django.utils import timezone

    from fastlege.monthly.models import ListMonthSnapshot, MonthMove
    from fastlege.registry import capacity, rules
    from fastlege.registry import waiting_time as wt
    from fastlege.registry.models import WaitingListEntry

    months = sorted(set(ListMonthSnapshot.objects.values_list("month", flat=True)))
    if len(months) < 2:
        return {"alle": Figures()}
    last = months[-1]
    placed_in = dict(
        MonthMove.objects.filter(waiting_entry__isnull=False, rule=MonthMove.Rule.WAITING_LIST)
        .values("waiting_entry_id")
        .annotate(m=Min("run__month"))
        .values_list("waiting_entry_id", "m")
    )
    WStatus = WaitingListEntry.Status
    entries = []  # (agreement, joined_at, pk, placed month | None, left at | None)
    for pk, agreement_id, joined_at, status, ended_at in WaitingListEntry.objects.values_list(
        "pk", "agreement_id", "joined_at", "status", "ended_at"
    ):
        placed = placed_in.get(pk)
        if placed is None and status in (WStatus.ENDED, WStatus.PLACED):
            continue  # ended by a run without a dated move (died, moved): see the docstring
        left = ended_at if placed is None and status != WStatus.WAITING else None
        entries.append((agreement_id, joined_at, pk, placed, left))
    entries.sort()
    figures: dict[str, Figures] = defaultdict(Figures)
    seen = 0
    for m in months[:-1]:
        if first and m < first:
            continue
        cut = timezone.make_aware(
            datetime.datetime.combine(rules.add_months(m, 1), datetime.time())
        )
        found = wt.histories(None, as_of=m, params=params)
        places = {
            pk: capacity.places_left(ceiling, length)
            for pk, ceiling, length in ListMonthSnapshot.objects.filter(month=m).values_list(
                "agreement_id", "ceiling", "length"
            )
        }
        position: Counter[int] = Counter()
        follow_up = _month_number(last) - _month_number(m)
        for agreement_id, joined_at, _pk, placed, left in entries:
            if joined_at >= cut or (placed is not None and placed <= m):
                continue
            if left is not None and left < cut:
                continue
            if agreement_id not in places:
                continue  # the list had no snapshot that month (ended)
            position[agreement_id] += 1
            k = position[agreement_id]
            seen += 1
            if seen % every:
                continue
            history = found.get(agreement_id) or wt.ListHistory(agreement_id, ())
            e = wt.estimate(history, k, places[agreement_id], params)
            for f in (figures["alle"], figures[_band(k)], figures[f"{m:%Y-%m}"]):
                _count(f, e, placed, left, m, follow_up)
    return dict(figures)


def _count(
    f: Figures,
    e: Any,
    placed: datetime.date | None,
    left: datetime.datetime | None,
    m: datetime.date,
    follow_up: int,
) -> None:
    from fastlege.registry.waiting_time import Kind

    f.estimates += 1
    if e.kind == Kind.UNKNOWN:
        f.unknown += 1
        return
    if e.kind == Kind.NONE_OPENED:
        f.none_opened += 1
        f.none_opened_placed += placed is not None
        return
    low = e.low if e.low is not None else e.max_months + 1
    high = e.high if e.high is not None else 10**9
    if placed is not None:
        f.placed += 1
        actual = _month_number(placed) - _month_number(m)
        if e.median is not None:
            f.errors.append(abs(e.median - actual))
            f.signed.append(e.median - actual)
        if actual < low:
            f.below += 1
        elif actual > high:
            f.above += 1
        else:
            f.inside += 1
    elif left is not None:
        f.left += 1
    else:
        f.still_waiting += 1
        if high < follow_up:  # waiting longer than follow_up > high: the range missed
            f.above += 1
        else:
            f.undecided += 1


def report(
    figures: dict[str, Figures],
    params: Any,
    seconds: float,
    out: TextIO,
    by_month: bool = False,
    every: int = 1,
) -> None:
    w = out.write
    w(
        f"every {every} place(s); "
        f"window {params.window_months} months, range {params.low_quantile:.2f}–"
        f"{params.high_quantile:.2f}, min history {params.min_history_months} months, "
        f"cap {params.max_months} months, dispersion {params.dispersion:g}, "
        f"drift {params.drift:g}; {seconds:.1f} s\n"
    )
    w(
        "| place in queue | estimates | ukjent | none opened (of which placed) | placed | left "
        "| still waiting | median abs. error (months) | median signed error "
        "| inside | below | above | undecided |\n"
    )
    w("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
    order = ["alle"] + [_band(lo) for lo, _hi in BANDS]
    if by_month:
        order += sorted(k for k in figures if k[:1].isdigit() and "-" in k and len(k) == 7)
    for name in order:
        f = figures.get(name)
        if f is None:
            continue
        mae = f"{statistics.median(f.errors):g}" if f.errors else "–"
        bias = f"{statistics.median(f.signed):+g}" if f.signed else "–"
        w(
            f"| {name} | {f.estimates} | {f.unknown} | {f.none_opened} ({f.none_opened_placed}) "
            f"| {f.placed} | {f.left} "
            f"| {f.still_waiting} | {mae} | {bias} | {_pct(f, f.inside)} | {_pct(f, f.below)} "
            f"| {_pct(f, f.above)} | {f.undecided} |\n"
        )


def _pct(f: Figures, n: int) -> str:
    share = f.share(n)
    return "–" if share != share else f"{100 * share:.0f} %"


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> dict[str, Figures]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="DATABASE_URL (default: the environment's)")
    parser.add_argument("--window", type=int, help="months of history (default: PARAMETERS)")
    parser.add_argument("--min-history", type=int, help="fewest months for an estimate")
    parser.add_argument("--low", type=float, help="low quantile of the range")
    parser.add_argument("--high", type=float, help="high quantile of the range")
    parser.add_argument("--dispersion", type=float, help="prior month-to-month dispersion")
    parser.add_argument("--drift", type=float, help="relative change of the rate ahead")
    parser.add_argument("--from", dest="first", type=datetime.date.fromisoformat)
    parser.add_argument("--by-month", action="store_true", help="a row per month predicted from")
    parser.add_argument("--every", type=int, default=1, help="estimate every n-th place only")
    args = parser.parse_args(argv)
    if args.url:
        os.environ["DATABASE_URL"] = args.url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastlege.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
    from dataclasses import replace

    from fastlege.registry import waiting_time as wt

    chosen = {
        "window_months": args.window,
        "min_history_months": args.min_history,
        "low_quantile": args.low,
        "high_quantile": args.high,
        "dispersion": args.dispersion,
        "drift": args.drift,
    }
    params = replace(wt.PARAMETERS, **{k: v for k, v in chosen.items() if v is not None})
    started = time.perf_counter()
    figures = backtest(params, first=args.first, every=args.every)
    report(figures, params, time.perf_counter() - started, out, args.by_month, args.every)
    return figures


if __name__ == "__main__":
    main()
