"""stats-fill: the count tables equal the raw memberships; re-runs and resumes safely."""

from __future__ import annotations

import datetime
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict

from fastlege.core.models import AuditEvent
from fastlege.monthly.models import MonthMove
from fastlege.monthly.services import run_month
from fastlege.registry.models import (
    Agreement,
    DoctorPeriod,
    ListMembership,
    Resident,
    Sex,
    WaitingListEntry,
)
from fastlege.stats.indicators import INDICATORS, compute
from fastlege.stats.models import AreaKind, AreaMonthCount, StatsFill
from fastlege.stats.services import fill_month_from_registry, stats_fill
from fastlege.stats.services.errors import StatsError
from fastlege.stats.services.fill import aggregate
from fastlege.stats.services.registry_counts import (
    registry_rows,
    vacancy_ends,
    vacant_lists_on,
)

pytestmark = pytest.mark.django_db

JAN = datetime.date(2026, 1, 1)
FEB = datetime.date(2026, 2, 1)


def seed_small() -> None:
    call_command(
        "seed", "--kommune", "5022", "--kommune", "5026", "--months", "0", stdout=io.StringIO()
    )


def filled(month: datetime.date) -> dict[tuple[str, str], dict]:
    return {
        (r.kind, r.code): model_to_dict(r, exclude=["id"])
        for r in AreaMonthCount.objects.filter(month=month)
    }


def vacant_in_year(month: datetime.date) -> list[tuple[int, str, int]]:
    """The lists without a regular GP on the 1st of any of the 12 months ending with
    ``month``, all from the registry (agreements and doctor periods), once per list,
    with how long the latest such vacancy lasted (to ``month`` at the most)."""
    days = [
        datetime.date(month.year - (month.month <= k), (month.month - k - 1) % 12 + 1, 1)
        for k in range(12)
    ]
    assert days[0] == month and len(set(days)) == 12
    latest: dict[int, tuple[str, datetime.date]] = {}
    for day in sorted(days):
        latest.update({pk: (muni, since) for pk, muni, since in vacant_lists_on(day)})
    ends = vacancy_ends({pk: since for pk, (_m, since) in latest.items()}, month)
    return [(pk, muni, (ends[pk] - since).days) for pk, (muni, since) in sorted(latest.items())]


def open_on(row: object, day: datetime.date) -> bool:
    valid_to = getattr(row, "valid_to")  # noqa: B009
    return getattr(row, "valid_from") <= day and (valid_to is None or valid_to > day)  # noqa: B009


def counted_by_hand(day: datetime.date) -> dict[str, Counter]:
    """Per municipality, the main counts of the table on ``day``, counted in plain Python
    over every agreement, doctor period, membership, resident and waiting-list entry —
    neither the fill's aggregation nor its queries."""
    lists = [a for a in Agreement.objects.all() if open_on(a, day)]
    regular = {
        p.agreement_id: p.doctor
        for p in DoctorPeriod.objects.select_related("doctor")
        if p.role == DoctorPeriod.Role.REGULAR and open_on(p, day)
    }
    length = Counter(m.agreement_id for m in ListMembership.objects.all() if open_on(m, day))
    listed = {m.resident_id for m in ListMembership.objects.all() if open_on(m, day)}
    counts: dict[str, Counter] = {}
    doctors: dict[str, set] = {}
    for a in lists:
        c = counts.setdefault(a.municipality_id, Counter())
        n = length[a.pk]
        c["lists"] += 1
        c["on_lists"] += n
        c["ceiling_sum"] += a.ceiling
        c["lists_open"] += a.is_open
        c["lists_full"] += n >= a.ceiling
        c["lists_salaried"] += a.is_salaried
        gp = regular.get(a.pk)
        if gp is not None:
            c["lists_with_gp"] += 1
            c["on_lists_with_gp"] += n
            c["ceiling_sum_with_gp"] += a.ceiling
            c["lists_salaried_with_gp"] += a.is_salaried
            doctors.setdefault(a.municipality_id, set()).add(gp)
    for muni, gps in doctors.items():
        counts[muni]["gps"] = len(gps)
        counts[muni]["gps_female"] = sum(d.sex == Sex.FEMALE for d in gps)
    for r in Resident.objects.all():
        if r.status == Resident.Status.RESIDENT and r.in_scheme:
            c = counts.setdefault(r.municipality_id, Counter())
            c["residents"] += 1
            c["unassigned"] += r.pk not in listed
    for w in WaitingListEntry.objects.select_related("resident"):
        if w.status == WaitingListEntry.Status.WAITING:
            counts.setdefault(w.resident.municipality_id, Counter())["waiting"] += 1
    return counts


BY_HAND = (
    "lists",
    "on_lists",
    "ceiling_sum",
    "lists_open",
    "lists_full",
    "lists_salaried",
    "lists_with_gp",
    "on_lists_with_gp",
    "ceiling_sum_with_gp",
    "lists_salaried_with_gp",
    "gps",
    "gps_female",
    "residents",
    "unassigned",
    "waiting",
)


def test_every_indicator_equals_the_raw_memberships():
    seed_small()
    run_month(None, JAN)
    run_month(None, FEB)
    result = stats_fill(None)
    assert [f.month for f in result.filled] == [JAN, FEB]
    for month in (JAN, FEB):
        got = filled(month)
        # The main counts, counted by hand: each municipality, and the nation as their sum.
        by_hand = counted_by_hand(month)
        assert {c for k, c in got if k == AreaKind.MUNICIPALITY} == set(by_hand)
        for muni, hand in by_hand.items():
            row = got[(AreaKind.MUNICIPALITY, muni)]
            assert {f: row[f] for f in BY_HAND} == {f: hand[f] for f in BY_HAND}, muni
        nation = got[(AreaKind.NATION, "")]
        assert {f: nation[f] for f in BY_HAND} == {
            f: sum(c[f] for c in by_hand.values()) for f in BY_HAND
        }
        assert nation["lists"] > nation["lists_with_gp"] > 0 and nation["unassigned"] > 0
        # Every other figure: the fill (from the month's snapshots) equals the same
        # aggregation over the registry's rows on that day.
        lists, munis = registry_rows(month)
        raw = {
            (r.kind, r.code): model_to_dict(r, exclude=["id"])
            for r in aggregate(month, month, lists, munis, vacant_in_year(month))
        }
        assert set(got) == set(raw)
        assert (AreaKind.NATION, "") in got and (AreaKind.MUNICIPALITY, "5022") in got
        # Switches are counted from the run's trace, not from the registry.
        switches = (
            MonthMove.objects.filter(run__month=month, rule__in=["bytte", "venteliste"])
            .exclude(from_agreement=None)
            .count()
        )
        assert got[(AreaKind.NATION, "")]["switches"] == switches
        for key, counts in got.items():
            expected = dict(raw[key], switches=counts["switches"])
            assert compute(counts) == compute(expected), key
            assert counts == expected, key
    nation = got[(AreaKind.NATION, "")]
    # The new figures are filled (not left empty) and hold together.
    assert nation["gps_age_sum"] > 0 and nation["lists_vacant_in_year"] is not None
    assert nation["lists_vacant_in_year"] >= nation["lists"] - nation["lists_with_gp"]
    assert (
        sum(
            nation[f]
            for f in (
                "gps_age_under_35",
                "gps_age_35_44",
                "gps_age_45_54",
                "gps_age_55_64",
                "gps_age_65_plus",
            )
        )
        == nation["gps"]
    )
    assert len(INDICATORS) >= 30


def test_areas_add_up_to_the_nation():
    seed_small()
    run_month(None, JAN)
    stats_fill(None)
    rows = filled(JAN)
    nation = rows[(AreaKind.NATION, "")]
    for kind in (AreaKind.MUNICIPALITY, AreaKind.COUNTY, AreaKind.SIZE, AreaKind.CENTRALITY):
        part = [r for (k, _c), r in rows.items() if k == kind]
        for field in ("lists", "on_lists", "ceiling_sum", "residents", "unassigned", "gps"):
            assert sum(r[field] for r in part) == nation[field], (kind, field)


def test_fill_is_safe_to_rerun_and_resumes():
    seed_small()
    run_month(None, JAN)
    first = stats_fill(None)
    before = filled(JAN)
    again = stats_fill(None)
    assert again.filled == [] and again.skipped == 1
    assert filled(JAN) == before
    # A fill stopped before February: the next one fills only February.
    run_month(None, FEB)
    resumed = stats_fill(None)
    assert [f.month for f in resumed.filled] == [FEB]
    assert filled(JAN) == before
    assert StatsFill.objects.get(month=JAN).pk == first.filled[0].pk
    # Filled again on request: the same figures, and the fill is audited.
    stats_fill(None, months=[JAN], refill=True)
    assert filled(JAN) == before
    assert AuditEvent.objects.filter(action="stats.fill").count() == 3


def test_started_and_stopped_compare_with_the_month_before():
    seed_small()
    run_month(None, JAN)
    run_month(None, FEB)
    stats_fill(None)
    jan = AreaMonthCount.objects.get(month=JAN, kind=AreaKind.NATION)
    feb = AreaMonthCount.objects.get(month=FEB, kind=AreaKind.NATION)
    assert jan.gps_started is None and jan.gps_stopped is None
    assert feb.gps_started == 0 and feb.gps_stopped == 0


def test_registry_fill_is_refused_once_the_month_after_has_run():
    seed_small()
    fill_month_from_registry(None, datetime.date(2025, 12, 1))
    run_month(None, JAN)
    with pytest.raises(StatsError):
        fill_month_from_registry(None, datetime.date(2025, 12, 1))
    with pytest.raises(StatsError):
        fill_month_from_registry(None, JAN)


def test_command_reports_what_it_filled():
    seed_small()
    run_month(None, JAN)
    out = io.StringIO()
    call_command("stats_fill", stdout=out)
    assert "2026-01 fylt" in out.getvalue()
    out = io.StringIO()
    call_command("stats_fill", stdout=out)
    assert "0 måneder fylt, 1 allerede fylt" in out.getvalue()


def test_a_fill_that_fails_half_way_keeps_the_months_before_and_resumes(monkeypatch):
    seed_small()
    run_month(None, JAN)
    run_month(None, FEB)
    from fastlege.stats.services import fill as fill_module

    real = fill_module.compute_month

    def broken(month: datetime.date) -> list:
        if month == FEB:
            raise RuntimeError("stopped")
        return real(month)

    monkeypatch.setattr(fill_module, "compute_month", broken)
    with pytest.raises(RuntimeError):
        stats_fill(None)
    assert set(StatsFill.objects.values_list("month", flat=True)) == {JAN}
    assert not AreaMonthCount.objects.filter(month=FEB).exists()
    monkeypatch.setattr(fill_module, "compute_month", real)
    resumed = stats_fill(None)
    assert [f.month for f in resumed.filled] == [FEB] and resumed.skipped == 1
