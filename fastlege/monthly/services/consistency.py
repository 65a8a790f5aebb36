"""The consistency check: verifies the registry and every run record on any database.

Each check is one aggregate query; the whole check reads no person's data
(only counts and ids), so it is not audit-logged as a read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from fastlege.monthly.models import (
    ListMonthSnapshot,
    MonthMove,
    MonthRun,
    MunicipalityMonthSnapshot,
)
from fastlege.monthly.services import invariants
from fastlege.monthly.services.engine import next_month
from fastlege.registry import capacity
from fastlege.registry.models import ListMembership, Resident


@dataclass(frozen=True)
class Finding:
    code: str
    ok: bool
    detail: str


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.findings)

    def add(self, code: str, ok: bool, detail: str) -> None:
        self.findings.append(Finding(code, ok, detail))


def check_consistency() -> Report:
    report = Report()
    open_places = ListMembership.objects.filter(valid_to__isnull=True)

    doubles = invariants.one_open_place(None)
    report.add(
        "one_list_per_person",
        doubles is None,
        doubles.detail if doubles else "0 personer med to listeplasser",
    )

    gone = open_places.filter(
        ~Q(resident__status=Resident.Status.RESIDENT) | Q(resident__in_scheme=False)
    ).count()
    report.add(
        "no_list_after_leaving",
        gone == 0,
        f"{gone} døde, utvandrede eller reserverte står på en liste",
    )

    runs = list(MonthRun.objects.filter(status=MonthRun.Status.COMPLETED).order_by("month"))
    if runs:
        last = runs[-1]
        ended = open_places.filter(
            Q(agreement__valid_to__lte=last.month) | Q(agreement__valid_from__gt=last.month),
            valid_from__lte=last.month,
        ).count()
        report.add(
            "no_place_on_ended_list",
            ended == 0,
            f"{ended} står på en liste som var avsluttet {last.month:%Y-%m}",
        )
        # The run's invariants, on the state after the last run (as the run checked them).
        checked = invariants.check_run(last, after_the_fact=True)
        for code in checked.checked:
            found = [v for v in checked.violations if v.code == code]
            report.add(
                f"{code} {last.month:%Y-%m}",
                not found,
                found[0].detail if found else "i orden",
            )

    gaps = [
        f"{a.month:%Y-%m}→{b.month:%Y-%m}"
        for a, b in zip(runs, runs[1:], strict=False)
        if b.month != next_month(a.month)
    ]
    report.add("months_in_order", not gaps, "hull: " + ", ".join(gaps) if gaps else "ingen hull")

    for run in runs:
        label = f"{run.month:%Y-%m}"
        before = run.listed_before + run.unassigned_before - run.left_scheme
        after = run.listed_after + run.unassigned_after
        report.add(
            f"conserved {label}",
            before == after,
            f"på liste + ufordelte: {before} før (uten {run.left_scheme} som gikk ut), "
            f"{after} etter",
        )
        moves = MonthMove.objects.filter(run=run)
        traced = moves.count()
        expected = run.moved + run.ended_memberships
        report.add(
            f"traced {label}",
            traced == expected,
            f"{traced} flyttinger i sporet, {expected} i tellingene",
        )
        twice = (
            moves.values("resident_id").annotate(n=Count("*")).filter(n__gt=1).order_by().count()
        )
        report.add(f"moved_once {label}", twice == 0, f"{twice} flyttet mer enn én gang")
        placed_lists = moves.filter(step__in=[4, 5]).values("to_agreement_id")
        over = (
            ListMonthSnapshot.objects.filter(run=run, agreement_id__in=placed_lists)
            .annotate(left=capacity.places_left_expression("ceiling", "length", 0))
            .filter(left__lt=0)
            .count()
        )
        report.add(
            f"ceiling_kept {label}",
            over == 0,
            f"{over} lister over listetaket etter tildeling fra venteliste eller ufordelte",
        )
        lists = ListMonthSnapshot.objects.filter(run=run).aggregate(n=Sum("length"))["n"] or 0
        munis = MunicipalityMonthSnapshot.objects.filter(run=run).aggregate(
            residents=Sum("residents"), unassigned=Sum("unassigned"), listed=Sum("listed")
        )
        report.add(
            f"snapshot_matches {label}",
            lists == run.listed_after
            and (munis["unassigned"] or 0) == run.unassigned_after
            and (munis["residents"] or 0) == run.listed_after + run.unassigned_after
            and (munis["listed"] or 0) == run.listed_after,
            f"listelengder {lists}, på liste {run.listed_after}; innbyggere "
            f"{munis['residents'] or 0} = {run.listed_after} + {run.unassigned_after} ufordelte",
        )
    return report
