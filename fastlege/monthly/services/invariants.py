"""What must hold after a monthly run: checked inside every run before it commits, and
by ``fastlege consistency-check`` on demand (for the last completed run).

A run that breaks one of them is stopped (``Code.INVARIANT_VIOLATED``) and rolled
back: nothing of it is kept, the report says which rule failed and for how many
people or which lists (internal list ids, never personal data).

* ``one_open_place``: nobody has two open list places (pasientrettighetsforskriften
  § 2);
* ``ceiling_kept``: no list ends above its ceiling (``registry.capacity``,
  fastlegeforskriften § 10) because of someone the run moved there, except by a
  kind in ``monthly.rules.CEILING_EXCEPTIONS``; each kind is counted in
  ``MonthRun.exceptions``. A list already above its ceiling (a ceiling cut) is
  fine as long as the run places nobody there;
* ``ceiling_changes_applied``: every approved ceiling change due by the month is
  carried out (§§ 10–11);
* ``placed_when_eligible``: nobody without a list place gets one dated before the
  day they arrived or opted back in (``monthly.rules.may_be_placed``);
* ``switch_quota_kept``: the switches that count stay within the year's quota
  (pasientrettighetsforskriften § 6; the registry's rule ``citizen._counted_qs``);
* ``waiting_order_kept``: nobody is placed from a waiting list ahead of an earlier
  person on the same list who could have had the place in that run;
* ``no_d_number_placed``: nobody with a D-number is placed automatically (steps 4–5).

Each check is one or two set-based queries restricted to the run's moves (the
trace ``MonthMove``), so the run pays little for them.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from fastlege.monthly import rules as monthly_rules
from fastlege.monthly.models import ListMonthSnapshot, MonthMove, MonthRun
from fastlege.registry import capacity
from fastlege.registry import rules as registry_rules
from fastlege.registry.models import (
    CeilingChange,
    ListMembership,
    PopulationEvent,
    RemovalDecision,
    Resident,
    WaitingListEntry,
)

SHOWN = 10  # list ids named in a report line


@dataclass(frozen=True)
class Violation:
    code: str
    count: int
    detail: str  # Norwegian; counts and list ids only


@dataclass
class InvariantReport:
    violations: list[Violation] = field(default_factory=list)
    exceptions: dict[str, int] = field(default_factory=dict)  # kind -> people
    checked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations

    def text(self) -> str:
        return "; ".join(f"{v.code}: {v.detail}" for v in self.violations)

    def add(self, code: str, violation: Violation | None) -> None:
        self.checked.append(code)
        if violation is not None:
            self.violations.append(violation)


def check_run(run: MonthRun, *, after_the_fact: bool = False) -> InvariantReport:
    """Every invariant for ``run``: inside the run (its moves written, not yet committed),
    or ``after_the_fact`` (``consistency-check``: the registry may have moved on since)."""
    report = InvariantReport()
    report.add("one_open_place", one_open_place(run))
    violation, report.exceptions = ceiling_kept(run)
    report.add("ceiling_kept", violation)
    report.add("ceiling_changes_applied", ceiling_changes_applied(run.month))
    report.add("placed_when_eligible", placed_when_eligible(run, after_the_fact=after_the_fact))
    report.add("switch_quota_kept", switch_quota_kept(run))
    report.add("waiting_order_kept", waiting_order_kept(run))
    report.add("no_d_number_placed", no_d_number_placed(run))
    return report


def _ids(values: Any) -> str:
    ids = sorted(set(values))
    more = f" (og {len(ids) - SHOWN} til)" if len(ids) > SHOWN else ""
    return ", ".join(map(str, ids[:SHOWN])) + more


def _moved(run: MonthRun) -> Any:
    return MonthMove.objects.filter(run=run)


# --- The invariants -------------------------------------------------------------------


def one_open_place(run: MonthRun | None) -> Violation | None:
    """Nobody with two open list places (among the run's people; everybody if ``None``)."""
    places = ListMembership.objects.filter(valid_to__isnull=True)
    if run is not None:
        places = places.filter(resident_id__in=_moved(run).values("resident_id"))
    doubles = places.order_by().values("resident_id").annotate(n=Count("*")).filter(n__gt=1).count()
    if not doubles:
        return None
    return Violation("one_open_place", doubles, f"{doubles} personer med to åpne listeplasser")


def _incoming() -> Any:
    pending = (
        capacity.incoming_requests()
        .filter(to_agreement_id=OuterRef("agreement_id"))
        .order_by()
        .values("to_agreement_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(pending, output_field=IntegerField()), Value(0))


def ceiling_kept(run: MonthRun) -> tuple[Violation | None, dict[str, int]]:
    """Lists that end the run above their ceiling (with the moves promised to them): every
    person the run moved onto such a list came by an allowed exception. Returns the
    violation (lists that got one of the run's own placements) and the count per kind."""
    over = list(
        ListMonthSnapshot.objects.filter(run=run)
        .annotate(incoming=_incoming())
        .annotate(left=capacity.places_left_expression("ceiling", "length", "incoming"))
        .filter(left__lt=0)
        .values_list("agreement_id", flat=True)
    )
    exceptions: dict[str, int] = defaultdict(int)
    bad: set[int] = set()
    if over:
        for to_list, step, rule, closed_list in (
            _moved(run)
            .filter(to_agreement_id__in=over)
            .values_list("to_agreement_id", "step", "rule", "switch_request__closed_list_exception")
            .iterator()
        ):
            kind = monthly_rules.ceiling_exception_kind(step, rule, closed_list or "")
            if kind is None:
                bad.add(to_list)
            else:
                exceptions[kind] += 1
    counted = {k: exceptions[k] for k in monthly_rules.CEILING_EXCEPTIONS if exceptions.get(k)}
    if not bad:
        return None, counted
    return (
        Violation(
            "ceiling_kept",
            len(bad),
            f"{len(bad)} lister fikk plass av kjøringen ut over listetaket: {_ids(bad)}",
        ),
        counted,
    )


def ceiling_changes_applied(month: datetime.date) -> Violation | None:
    """Every approved change due by ``month`` is carried out."""
    due = CeilingChange.objects.filter(
        status=CeilingChange.Status.APPROVED, effective_on__lte=month
    ).values_list("agreement_id", flat=True)
    lists = list(due)
    if not lists:
        return None
    return Violation(
        "ceiling_changes_applied",
        len(lists),
        f"{len(lists)} godkjente endringer av listetak er ikke iverksatt: lister {_ids(lists)}",
    )


def _not_yet_eligible(month: datetime.date, prefix: str = "") -> Q:
    """``monthly.rules.may_be_placed`` negated, in SQL, for a person without a list place."""
    return Q(**{f"{prefix}resident_since__gt": month}) | Q(
        **{f"{prefix}in_scheme_since__gt": month}
    )


def placed_when_eligible(run: MonthRun, *, after_the_fact: bool = False) -> Violation | None:
    """Nobody without a list place got one dated before they became eligible.

    ``after_the_fact``: the dates may have changed since the run. A move to another
    municipality after the month sets a later ``resident_since``, and opting out and back
    in a later ``in_scheme_since``; such people are not reported (the run itself checked
    them on the day)."""
    early = _moved(run).filter(
        _not_yet_eligible(run.month, "resident__"),
        from_agreement_id__isnull=True,
        to_agreement_id__isnull=False,
    )
    if after_the_fact:
        moved_since = PopulationEvent.objects.filter(
            resident_id=OuterRef("resident_id"),
            kind=PopulationEvent.Kind.MOVED,
            occurred_on__gt=run.month,
        )
        still_there = ListMembership.objects.filter(
            resident_id=OuterRef("resident_id"),
            agreement_id=OuterRef("to_agreement_id"),
            valid_from=run.month,
            valid_to__isnull=True,
        )
        early = early.filter(
            (Q(resident__resident_since__gt=run.month) & ~Exists(moved_since))
            | (Q(resident__in_scheme_since__gt=run.month) & Exists(still_there))
        )
    lists = list(early.values_list("to_agreement_id", flat=True))
    if not lists:
        return None
    return Violation(
        "placed_when_eligible",
        len(lists),
        f"{len(lists)} personer fikk plass fra {run.month:%d.%m.%Y} før de kom inn i "
        f"ordningen eller kommunen: lister {_ids(lists)}",
    )


def switch_quota_kept(run: MonthRun) -> Violation | None:
    """People switched by this run: their switches that count stay within the quota.

    Counted with the registry's rule (``citizen.counted_switches_of``), for the run's
    people in chunks: a semi-join of every request against the run's moves can be planned
    as a nested loop over the whole table on a freshly loaded database."""
    from fastlege.registry.services.citizen import counted_switches_of

    year = registry_rules.quota_year(run.month, run.month)
    quota = registry_rules.ordinary_switches_per_year(run.month)
    switched = sorted(
        set(
            _moved(run)
            .filter(switch_request__counts_against_quota=True)
            .values_list("resident_id", flat=True)
        )
    )
    over = 0
    for start in range(0, len(switched), 2000):
        counts = counted_switches_of(switched[start : start + 2000], run.month, year)
        over += sum(1 for n in counts.values() if n > quota)
    if not over:
        return None
    return Violation(
        "switch_quota_kept", over, f"{over} personer har flere bytter i {year} enn {quota}"
    )


def _d_number() -> Q:
    """People with a D-number (``Resident.has_d_number``, derived from the identity number)."""
    return Q(has_d_number=True)


def no_d_number_placed(run: MonthRun) -> Violation | None:
    """The run's own placements (steps 4–5) never go to someone with a D-number."""
    placed = _moved(run).filter(
        step__in=[MonthMove.Step.UNASSIGNED, MonthMove.Step.WAITING],
        resident_id__in=Resident.objects.filter(_d_number()).values("pk"),
    )
    lists = list(placed.values_list("to_agreement_id", flat=True))
    if not lists:
        return None
    return Violation(
        "no_d_number_placed",
        len(lists),
        f"{len(lists)} personer med D-nummer tildelt automatisk: lister {_ids(lists)}",
    )


def waiting_order_kept(run: MonthRun) -> Violation | None:
    """On each list whose waiting list the run served (step 5), nobody still waiting stands
    before the last person placed from it in the queue's order, unless they could not have
    had the place: left the scheme, moved by the run, barred from a GP (any removal, § 2
    last paragraph), not yet eligible, with a D-number, or with the two switches of the
    year used (pasientrettighetsforskriften § 6; the person keeps the waiting place).
    The queue's order is the registry's: joined, then id; on the list of a Sami-speaking
    GP in the Sami language area, Sami speakers first (fastlegeforskriften § 36,
    ``registry.selectors.sami_priority_on``)."""
    from fastlege.registry import rules as registry_rules
    from fastlege.registry.selectors import sami_priority_lists
    from fastlege.registry.services.citizen import counted_switches_of

    served = list(
        WaitingListEntry.objects.filter(
            pk__in=_moved(run)
            .filter(step=MonthMove.Step.WAITING, rule=MonthMove.Rule.WAITING_LIST)
            .values("waiting_entry_id")
        )
        .order_by()
        .values_list("agreement_id", "joined_at", "pk", "resident__speaks_sami")
    )
    if not served:
        return None
    sami = sami_priority_lists({row[0] for row in served}, run.month)

    def key(aid: int, joined: Any, pk: int, speaks_sami: bool) -> tuple:
        return (not (aid in sami and speaks_sami), joined, pk)

    last: dict[int, tuple] = {}
    for aid, joined, pk, speaks in served:
        last[aid] = max(last.get(aid, key(aid, joined, pk, speaks)), key(aid, joined, pk, speaks))
    has_place = ListMembership.objects.filter(
        resident_id=OuterRef("resident_id"), valid_to__isnull=True
    )
    ahead = [
        row
        for row in WaitingListEntry.objects.filter(
            status=WaitingListEntry.Status.WAITING,
            agreement_id__in=list(last),
            resident__status=Resident.Status.RESIDENT,
            resident__in_scheme=True,
        )
        .exclude(resident_id__in=_moved(run).values("resident_id"))
        .exclude(resident_id__in=RemovalDecision.objects.values("resident_id"))
        .exclude(resident_id__in=Resident.objects.filter(_d_number()).values("pk"))
        .annotate(has_place=Exists(has_place))
        .exclude(Q(has_place=False) & _not_yet_eligible(run.month, "resident__"))
        .order_by()
        .values_list("agreement_id", "joined_at", "pk", "resident__speaks_sami", "resident_id")
        if key(*row[:4]) < last[row[0]]
    ]
    # Only those still waiting ahead of the last person placed need the quota looked up
    # (a correct run leaves there only people whose switches for the year are used).
    quota = registry_rules.ordinary_switches_per_year(run.month)
    used = counted_switches_of([row[4] for row in ahead], run.month, run.month.year)
    bad = {aid for aid, _joined, _pk, _speaks, rid in ahead if used.get(rid, 0) < quota}
    if not bad:
        return None
    return Violation(
        "waiting_order_kept",
        len(bad),
        f"{len(bad)} ventelister der noen ble forbigått: lister {_ids(bad)}",
    )


__all__ = [
    "InvariantReport",
    "Violation",
    "ceiling_changes_applied",
    "ceiling_kept",
    "check_run",
    "no_d_number_placed",
    "one_open_place",
    "placed_when_eligible",
    "switch_quota_kept",
    "waiting_order_kept",
]
