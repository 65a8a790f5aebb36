"""Disclosure control of the public figures: which cells of a month's tables are hidden.

One place decides it (docs/indicators.md, «Skjerming av små tall»), as Statistics
Norway (SSB) does for its tables:

* **primary suppression**: a count of people or doctors between 1 and
  ``SUPPRESSION_THRESHOLD − 1`` is hidden (``indicators.small_count``), and with it
  every figure computed from it (a share, a mean, a rate per 1 000); so is a list
  length or a list's waiting count of 1–4 in a municipality's lists table;
* **secondary (complementary) suppression**: a hidden cell must not be computable from
  the published figures. Wherever a total is published with its parts (the
  municipalities of a county and the county; the counties and the nation; the
  municipalities of a size group or a centrality class and the group; the groups and
  the nation; list residents = on lists with a GP + on lists without one; GPs = the sum
  of the age groups; the sum of the ceilings − list residents = free places − places
  over the ceiling; a municipality's lists table and its list residents and waiting;
  GPs = last month's + started − stopped), a relation with exactly one hidden cell gives it away
  (total − the visible parts). Then the smallest visible cell of the relation (not
  zero, when possible) is hidden too, and so on until no relation has exactly one
  hidden cell, across the linked tables (a municipality hidden in the county table
  makes the county total's relation in the national table count again). A last check
  solves the published relations exactly (linear algebra over the hidden cells) and
  hides more while any hidden cell is still determined by a combination of them.

:func:`suppress` is the method on any table of cells and relations;
:func:`month_pattern` applies it to one month of the count table and its lists (resting
on last month's pattern), which every public page, chart, map and export reads through
``selectors.display`` (the lists table through ``Pattern.hides_list``).

What it does not cover: an attacker who knows some cells already (a municipality
knows its own figures, and may then recompute a second hidden cell in its county), and
bounds (a hidden cell is known to be 1–4 when primary) — SSB's protection intervals.
"""

from __future__ import annotations

import datetime
import heapq
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from fastlege.monthly.models import ListMonthSnapshot
from fastlege.stats.areas import area_keys, municipalities_on
from fastlege.stats.indicators import (
    GP_AGE_COHORTS,
    INDICATORS,
    SUPPRESSION_THRESHOLD,
    Indicator,
    small_count,
)
from fastlege.stats.models import AreaKind, AreaMonthCount, StatsFill

#: The mark of a hidden figure (SSB's «:», «vises ikke av konfidensialitetshensyn»):
#: below the threshold or hidden as a complement — one mark for both, so that the mark
#: tells nothing about the figure.
MARK = ":"

Cell = Any  # any hashable: a name in the tests, (kind, code, count) for a month
#: A published linear relation: the sum of coefficient × cell is zero
#: (a total +1, its parts −1).
Relation = tuple[tuple[Cell, int], ...]


#: Rounds of the check of combined sums (each hides at most one more cell per connected
#: part of the hidden cells, then applies the one-hidden-cell rule again). A bound on
#: the work per month: the one-hidden-cell rule (SSB's) is always applied in full.
COMBINATION_ROUNDS = 20


def suppress(
    values: Mapping[Cell, int],
    relations: Sequence[Relation],
    primary: Iterable[Cell],
    *,
    spread: Callable[[Cell, set[Cell]], Iterable[Cell]] | None = None,
    rank: Callable[[Cell], Any] = lambda cell: 0,
    fixed: Iterable[Cell] = (),
) -> set[Cell]:
    """The cells to hide: ``primary`` and the secondary cells that stop any hidden cell
    being recomputed from ``relations`` and the visible cells.

    ``values``: every cell of the relations. ``spread(cell, hidden)``: the cells that
    become hidden with ``cell`` (the figures computed from it); none when not given.
    ``fixed``: cells already published or hidden elsewhere (last month's), never
    chosen as a complement.
    The secondary cell of a relation with exactly one hidden cell is its smallest
    visible cell, not zero if possible (a hidden zero protects little), then lowest
    ``rank``, then the cell itself (deterministic).
    """
    hidden: set[Cell] = set()
    frozen = set(fixed)
    by_cell: dict[Cell, list[int]] = defaultdict(list)
    for i, rel in enumerate(relations):
        for cell, _coef in rel:
            by_cell[cell].append(i)
    todo: list[int] = []  # a heap: relations in their order (deterministic)
    queued: set[int] = set()

    def hide(cell: Cell) -> None:
        new = [cell]
        while new:
            c = new.pop()
            if c in hidden:
                continue
            hidden.add(c)
            for i in by_cell.get(c, ()):
                if i not in queued:
                    queued.add(i)
                    heapq.heappush(todo, i)
            if spread is not None:
                new.extend(x for x in spread(c, hidden) if x not in hidden)

    def smallest(cells: Iterable[Cell]) -> Cell:
        return min(cells, key=lambda c: (values[c] == 0, values[c], rank(c), repr(c)))

    for cell in primary:
        hide(cell)
    for _round in range(COMBINATION_ROUNDS + 1):
        while todo:
            i = heapq.heappop(todo)
            queued.discard(i)
            cells = [c for c, _coef in relations[i]]
            if sum(1 for c in cells if c in hidden) == 1:
                visible = [c for c in cells if c not in hidden and c not in frozen]
                if visible:
                    hide(smallest(visible))
        if _round == COMBINATION_ROUNDS:
            break
        determined = _determined(relations, hidden)
        progress = False
        # one cell per connected part of the hidden cells, then the sums again
        for part, fixed_cells in determined:
            cell = min(fixed_cells, key=repr)
            # a visible cell of a relation of the determined cell (the relation with
            # the fewest), else of any relation of its part
            for around in ([cell], sorted(part, key=repr)):
                options: list[list[Cell]] = [
                    [c for c, _coef in relations[i] if c not in hidden and c not in frozen]
                    for c0 in around
                    for i in by_cell.get(c0, ())
                ]
                options = [o for o in options if o]
                if options:
                    fewest: list[Cell] = min(options, key=len)
                    hide(smallest(fewest))
                    progress = True
                    break
        if not progress:  # nothing determined, or nothing left to hide
            break
    return hidden


#: Arithmetic modulo this prime decides which hidden cells the sums determine: exact
#: for integer coefficients unless the prime divides a minor of the system (chance
#: about 1 in 2⁶¹), and far faster than fractions.
_PRIME = 2**61 - 1


def _determined(
    relations: Sequence[Relation], hidden: set[Cell]
) -> list[tuple[set[Cell], set[Cell]]]:
    """Hidden cells that the relations fix exactly, given every visible cell, per
    connected part of the hidden cells (the part, the cells fixed): the unit vectors
    in the row space of the relations restricted to the hidden cells (Gauss–Jordan)."""
    rows = []
    for rel in relations:
        row = {c: coef for c, coef in rel if c in hidden}
        if row:
            rows.append(row)
    out = []
    for part in _connected(rows):
        found = _unit_rows(part)
        if found:
            out.append(({c for row in part for c in row}, found))
    return out


def _connected(rows: list[dict[Cell, int]]) -> Iterator[list[dict[Cell, int]]]:
    parent: dict[Cell, Cell] = {}

    def find(c: Cell) -> Cell:
        while parent.setdefault(c, c) != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for row in rows:
        cells = list(row)
        for c in cells[1:]:
            parent[find(c)] = find(cells[0])
    parts: dict[Cell, list[dict[Cell, int]]] = defaultdict(list)
    for row in rows:
        parts[find(next(iter(row)))].append(row)
    yield from parts.values()


def _unit_rows(rows: list[dict[Cell, int]]) -> set[Cell]:
    p = _PRIME
    reduced: dict[Cell, dict[Cell, int]] = {}  # pivot → its row, pivot coefficient 1
    for given in rows:
        row = {c: v % p for c, v in given.items() if v % p}
        for pivot in [c for c in row if c in reduced]:
            if pivot in row:
                row = _minus(row, row[pivot], reduced[pivot])
        if not row:
            continue
        pivot = min(row, key=repr)
        inverse = pow(row[pivot], p - 2, p)
        row = {c: v * inverse % p for c, v in row.items()}
        for q, qrow in reduced.items():
            if pivot in qrow:
                reduced[q] = _minus(qrow, qrow[pivot], row)
        reduced[pivot] = row
    return {q for q, qrow in reduced.items() if len(qrow) == 1}


def _minus(row: dict[Cell, int], factor: int, other: dict[Cell, int]) -> dict[Cell, int]:
    """``row − factor × other`` modulo the prime, without zeros."""
    out = dict(row)
    for c, v in other.items():
        out[c] = (out.get(c, 0) - factor * v) % _PRIME
    return {c: v for c, v in out.items() if v}


# --- The count table of one month ---------------------------------------------------

#: A count defined by subtraction: list residents on lists without a regular GP.
WITHOUT_GP = "on_lists_without_gp"
_MEDIANS = ("agreement_median_days", "vacancy_median_days", "vacancy_in_year_median_days")


class _Reads(dict):
    """A row that records which counts a formula reads."""

    def __init__(self) -> None:
        super().__init__()
        self.read: set[str] = set()

    def __missing__(self, key: str) -> int:
        self.read.add(key)
        return 1

    def get(self, key: str, default: Any = None) -> Any:
        return self[key]


@cache
def depends_on(indicator: Indicator) -> frozenset[str]:
    """The counts an indicator's published figure rests on: the counts its formula
    reads and the counts it is suppressed on (``suppress_on``)."""
    row = _Reads()
    indicator.value(row)
    return frozenset(row.read) | frozenset(indicator.suppress_on)


#: The counts of people or doctors that primary suppression hides when small.
SENSITIVE: frozenset[str] = frozenset(f for i in INDICATORS for f in i.suppress_on)


def sensitive_counts(indicator: Indicator) -> tuple[str, ...]:
    """The counts of people or doctors an indicator rests on (its ``suppress_on`` first):
    it is hidden in public when one of them is, primary or secondary; none: always shown."""
    rest = sorted((depends_on(indicator) & SENSITIVE) - set(indicator.suppress_on))
    return (*indicator.suppress_on, *rest)


def _fields() -> list[str]:
    return sorted({f for i in INDICATORS for f in depends_on(i)})


def _value(row: Mapping[str, Any], field: str) -> int | None:
    if field == WITHOUT_GP:
        return int(row["on_lists"]) - int(row["on_lists_with_gp"])
    v = row.get(field)
    return None if v is None else int(v)


@dataclass(frozen=True)
class Pattern:
    """The public suppression of one month: per area, the indicators hidden."""

    month: datetime.date | None
    hidden: Mapping[tuple[str, str], frozenset[str]]
    primary: frozenset[tuple[str, str, str]]  # (kind, code, count) below the threshold
    cells: frozenset[tuple[str, str, str]]  # every hidden (kind, code, count)
    gps: Mapping[tuple[str, str], int]  # the month's GPs per area (next month's relation)

    def hides(self, kind: str, code: str, indicator: str) -> bool:
        return indicator in self.hidden.get((kind, code), frozenset())

    def hides_list(self, agreement: Any, count: str) -> bool:
        """Is a list's length (``LIST_LENGTH``) or waiting count hidden in the lists
        table?"""
        return (LIST, str(agreement), count) in self.cells


#: The cells of the lists table on a municipality's page: ("liste", agreement, count).
LIST = "liste"
LIST_LENGTH = "length"
LIST_WAITING = "waiting"


@dataclass(frozen=True)
class ListRow:
    """One list of the month (``ListMonthSnapshot``) as the lists table publishes it."""

    agreement: str
    municipality: str
    length: int
    has_regular_gp: bool
    waiting: int


_KIND_RANK = {
    LIST: -1,
    AreaKind.MUNICIPALITY.value: 0,
    AreaKind.SIZE.value: 1,
    AreaKind.CENTRALITY.value: 1,
    AreaKind.COUNTY.value: 2,
    AreaKind.NATION.value: 3,
}


#: Last month's GPs of an area, a cell of this month's problem that cannot be changed
#: (``suppress(fixed=...)``): GPs = last month's + started − stopped.
GPS_BEFORE = "gps_last_month"


def relations_for(
    rows: Sequence[Mapping[str, Any]],
    month: datetime.date | None,
    lists: Sequence[ListRow] = (),
    before: Mapping[tuple[str, str], int] | None = None,
) -> tuple[dict[tuple[str, str, str], int], list[Relation]]:
    """The cells (kind, code, count) of a month's rows and lists, and the relations
    between them that the public tables publish. ``before``: last month's GPs per area,
    for the relation GPs = last month's + started − stopped."""
    fields = _fields()
    additive = [f for f in fields if f not in _MEDIANS]
    present = {(r["kind"], r["code"]): r for r in rows}
    values: dict[tuple[str, str, str], int] = {}
    for (kind, code), r in present.items():
        for f in fields:
            v = _value(r, f)
            if v is not None:
                values[(kind, code, f)] = v
    groups: dict[tuple[str, ...], list[tuple[str, str]]] = defaultdict(list)
    for info in municipalities_on(month).values() if month else ():
        keys = area_keys(info)
        muni = keys[0]
        if muni in present:
            for key in keys[1:]:
                groups[key].append(muni)
    nation = (AreaKind.NATION.value, "")
    for kind in (AreaKind.COUNTY, AreaKind.SIZE, AreaKind.CENTRALITY):
        groups[(*nation, kind.value)] = [k for k in present if k[0] == kind]
    relations: list[Relation] = []

    def add(cells: list[tuple[tuple[str, str, str], int]]) -> None:
        if len(cells) > 1 and all(c in values for c, _coef in cells):
            relations.append(tuple(cells))

    for group in sorted(groups, key=lambda k: (-_KIND_RANK.get(k[0], 0), k)):
        # (nation, "", kind): the nation as the sum of the areas of that kind
        total_kind, total_code = group[0], group[1]
        parts = groups[group]
        if (total_kind, total_code) not in present or not parts:
            continue
        for f in additive:
            add([((total_kind, total_code, f), 1), *[((*p, f), -1) for p in sorted(parts)]])
    # a municipality's lists table: its list residents (with and without a regular GP)
    # and those waiting for its lists, list by list
    by_muni: dict[str, list[ListRow]] = defaultdict(list)
    for row in lists:
        values[(LIST, row.agreement, LIST_LENGTH)] = row.length
        values[(LIST, row.agreement, LIST_WAITING)] = row.waiting
        by_muni[row.municipality].append(row)
    for number, its in sorted(by_muni.items()):
        if (AreaKind.MUNICIPALITY.value, number) not in present:
            continue
        for sum_of, field, which in (
            ("on_lists", LIST_LENGTH, None),
            ("on_lists_with_gp", LIST_LENGTH, True),
            (WITHOUT_GP, LIST_LENGTH, False),
            ("waiting_on_lists", LIST_WAITING, None),
        ):
            add(
                [
                    ((AreaKind.MUNICIPALITY.value, number, sum_of), 1),
                    *[
                        ((LIST, one.agreement, field), -1)
                        for one in its
                        if which is None or one.has_regular_gp == which
                    ],
                ]
            )
    cohorts = [c for c, _lo, _hi in GP_AGE_COHORTS]
    for area, n in (before or {}).items():
        if area in present:
            values[(*area, GPS_BEFORE)] = n
    for kind, code in sorted(present):
        add(
            [
                ((kind, code, "gps"), 1),
                ((kind, code, GPS_BEFORE), -1),
                ((kind, code, "gps_started"), -1),
                ((kind, code, "gps_stopped"), 1),
            ]
        )
        add(
            [
                ((kind, code, "on_lists"), 1),
                ((kind, code, "on_lists_with_gp"), -1),
                ((kind, code, WITHOUT_GP), -1),
            ]
        )
        add([((kind, code, "gps"), 1), *[((kind, code, c), -1) for c in cohorts]])
        # per list, ceiling − length = free places − places over the ceiling
        add(
            [
                ((kind, code, "ceiling_sum"), 1),
                ((kind, code, "on_lists"), -1),
                ((kind, code, "free_places_sum"), -1),
                ((kind, code, "over_ceiling_sum"), 1),
            ]
        )
    return values, relations


#: Counts of this month that change from last month's GPs: hidden where the GPs are
#: hidden this month or were last month (else GPs = last month's + started − stopped
#: would give one from the other).
GP_FLOWS = ("gps_started", "gps_stopped")


def pattern_for(
    rows: Sequence[Mapping[str, Any]],
    month: datetime.date | None,
    lists: Sequence[ListRow] = (),
    threshold: int = SUPPRESSION_THRESHOLD,
    before: Pattern | None = None,
) -> Pattern:
    """The public suppression of the count rows of ``month`` (every area) and of its
    lists; ``before``: last month's pattern."""
    last = dict(before.gps) if before is not None else None
    values, relations = relations_for(rows, month, lists, last)
    deps = {i.code: depends_on(i) for i in INDICATORS}
    users: dict[str, list[str]] = defaultdict(list)  # count → indicators resting on it
    for code, counts in deps.items():
        for f in counts:
            users[f].append(code)
    primary = {
        cell
        for cell, v in values.items()
        if (cell[2] in SENSITIVE or cell[0] == LIST) and small_count(v, threshold)
    }
    was_hidden = set()
    if before is not None:
        was_hidden = {(k, c) for k, c, f in before.cells if f == "gps"}
    for kind, code in was_hidden:
        for f in (GPS_BEFORE, *GP_FLOWS):
            if (kind, code, f) in values:
                primary.add((kind, code, f))

    def spread(cell: Cell, hidden: set[Cell]) -> Iterator[Cell]:
        """With a count hidden, its indicators are; a count no visible indicator
        shows any more is hidden too."""
        kind, code, _f = cell
        here = {f for f in users if (kind, code, f) in hidden}
        shown = [i for i, counts in deps.items() if not (counts & here)]
        visible = set().union(*(deps[i] for i in shown)) if shown else set()
        for f in users:
            if f not in visible and (kind, code, f) in values:
                yield (kind, code, f)

    hidden = suppress(
        values,
        relations,
        sorted(primary),
        spread=spread,
        rank=lambda c: _KIND_RANK.get(c[0], 0),
        fixed=[c for c in values if c[2] == GPS_BEFORE],
    )
    hidden = {c for c in hidden if c[2] != GPS_BEFORE}
    per_area: dict[tuple[str, str], set[str]] = defaultdict(set)
    for kind, code, f in hidden:
        if kind != LIST:
            per_area[(kind, code)].add(f)
    shown_hidden = {
        area: frozenset(i for i, counts in deps.items() if counts & fs)
        for area, fs in per_area.items()
    }
    gps = {(r["kind"], r["code"]): int(r["gps"]) for r in rows if r.get("gps") is not None}
    return Pattern(
        month,
        shown_hidden,
        frozenset(c for c in primary if c[2] != GPS_BEFORE),
        frozenset(hidden),
        gps,
    )


_CACHE: dict[tuple[Any, ...], Pattern] = {}
_CACHE_SIZE = 64


def month_pattern(month: datetime.date) -> Pattern:
    """The public suppression of ``month`` as stored now, which rests on last month's
    (GPs = last month's + started − stopped). Kept per process while the fills
    (``StatsFill``) up to the month are the same; without a fill row, computed every
    time."""
    fills = tuple(
        StatsFill.objects.filter(month__lte=month)
        .order_by("month")
        .values_list("month", "pk", "filled_at", "version")
    )
    key = (month, fills) if fills and fills[-1][0] == month else None
    if key is not None and key in _CACHE:
        return _CACHE[key]
    from fastlege.stats.selectors import VALUE_FIELDS, shift

    rows = list(AreaMonthCount.objects.filter(month=month).values(*VALUE_FIELDS))
    lists = [
        ListRow(str(agreement), muni, length, has_gp, waiting)
        for agreement, muni, length, has_gp, waiting in ListMonthSnapshot.objects.filter(
            month=month
        ).values_list(
            "agreement_id", "municipality_id", "length", "has_regular_gp", "waiting_count"
        )
    ]
    previous = shift(month, -1)
    before = (
        month_pattern(previous)
        if rows and AreaMonthCount.objects.filter(month=previous).exists()
        else None
    )
    pattern = pattern_for(rows, month, lists, before=before)
    if key is not None:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        _CACHE[key] = pattern
    return pattern


class Patterns:
    """The patterns of the months one page or export reads, each computed once."""

    def __init__(self) -> None:
        self._by_month: dict[datetime.date, Pattern] = {}

    def hides(self, row: Mapping[str, Any], indicator: Indicator) -> bool:
        if "month" not in row:  # a row on its own, outside the tables: no relations
            return pattern_for([{"kind": "", "code": "", **row}], None).hides(
                "", "", indicator.code
            )
        month = row["month"]
        if month not in self._by_month:
            self._by_month[month] = month_pattern(month)
        return self._by_month[month].hides(row["kind"], row["code"], indicator.code)
