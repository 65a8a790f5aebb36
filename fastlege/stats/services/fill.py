"""``stats-fill``: the count tables from the monthly snapshots.

Each month is filled in its own transaction: its count rows are replaced and
a :class:`StatsFill` row records which run they came from. A fill that is
stopped half-way leaves every month either filled in full or not at all; the
next fill starts with the first month that has no fill for its current run.
"""

from __future__ import annotations

import datetime
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from fastlege.core import audit
from fastlege.monthly.models import ListMonthSnapshot, MonthRun, MunicipalityMonthSnapshot
from fastlege.registry import capacity
from fastlege.registry.models import Doctor, Sex
from fastlege.stats.areas import area_keys, municipalities_on
from fastlege.stats.indicators import (
    GP_AGE_COHORTS,
    VACANCY_WINDOW_MONTHS,
    VACANT_LONG_DAYS,
    age_cohort,
    gp_age_in_month,
)
from fastlege.stats.models import AreaMonthCount, StatsFill
from fastlege.stats.services.errors import StatsError
from fastlege.stats.services.registry_counts import (
    registry_rows,
    vacancy_ends,
    vacant_lists_on,
)

#: The version of the counts a fill writes (``StatsFill.version``). A month filled by an
#: older version is filled again by the next ``stats-fill``. 2: GP age cohorts, lists
#: vacant in the last 12 months, vacancy durations. 3: free places and places over the
#: ceiling per list, waiting on the area's lists.
FILL_VERSION = 3

ADDITIVE = [
    "municipalities",
    "residents",
    "lists",
    "lists_with_gp",
    "lists_salaried",
    "lists_salaried_with_gp",
    "lists_vacant_over_year",
    "lists_open",
    "lists_full",
    "lists_with_substitute",
    "on_lists",
    "on_lists_with_gp",
    "ceiling_sum",
    "ceiling_sum_with_gp",
    "unassigned",
    "waiting",
    "waiting_other_gp_municipality",
    "waiting_other_home_municipality",
    "switches",
    "free_places_sum",
    "over_ceiling_sum",
    "waiting_on_lists",
]

LIST_COLUMNS = (
    "municipality_id",
    "regular_gp_id",
    "regular_gp_sex",
    "regular_gp_specialty",
    "regular_gp_since",
    "regular_gp__birth_date",
    "vacant_since",
    "is_salaried",
    "is_open",
    "length",
    "ceiling",
    "has_substitute",
    "waiting_count",
)


@dataclass
class _Area:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ADDITIVE, 0))
    gps: set[int] = field(default_factory=set)
    female: set[int] = field(default_factory=set)
    specialist: set[int] = field(default_factory=set)
    durations: list[int] = field(default_factory=list)
    ages: dict[int, int] = field(default_factory=dict)
    vacant_days: list[int] = field(default_factory=list)
    vacant_in_year: int = 0
    vacancy_days_in_year: list[int] = field(default_factory=list)


@dataclass
class FillResult:
    filled: list[StatsFill]
    skipped: int


def _previous_month(month: datetime.date) -> datetime.date:
    return (month - datetime.timedelta(days=1)).replace(day=1)


def _gps_by_area(month: datetime.date, keys_of: dict[str, list[tuple[str, str]]]) -> dict:
    out: dict[tuple[str, str], set[int]] = defaultdict(set)
    rows = ListMonthSnapshot.objects.filter(month=month, regular_gp__isnull=False).values_list(
        "municipality_id", "regular_gp_id"
    )
    for muni, gp in rows:
        for key in keys_of.get(muni, ()):
            out[key].add(gp)
    return out


MUNI_COLUMNS = (
    "municipality_id",
    "residents",
    "unassigned",
    "waiting",
    "waiting_other_than_gp_municipality",
    "waiting_other_than_home_municipality",
    "switches",
)


def snapshot_rows(month: datetime.date) -> tuple[Iterable[tuple], Iterable[tuple]]:
    """The month's list and municipality rows from the monthly run's snapshots."""
    lists = (
        ListMonthSnapshot.objects.filter(month=month)
        .values_list(*LIST_COLUMNS)
        .iterator(chunk_size=5000)
    )
    munis = MunicipalityMonthSnapshot.objects.filter(month=month).values_list(*MUNI_COLUMNS)
    return lists, munis


def window_days(as_of: datetime.date) -> list[datetime.date]:
    """The counting days of the vacancy window: the 1st of each of the
    ``VACANCY_WINDOW_MONTHS`` months ending with ``as_of`` (a 1st), newest first."""
    days = [as_of]
    for _k in range(VACANCY_WINDOW_MONTHS - 1):
        days.append(_previous_month(days[-1]))
    return days


def vacancy_rows(as_of: datetime.date) -> list[tuple[int, str, int]]:
    """``(agreement, municipality, days)`` of every list without a regular GP on a
    counting day of the window ending ``as_of``, once per list: its municipality on the
    latest such day, and how long that vacancy lasted — from its start (``vacant_since``)
    to the start of the next regular GP's period, the end of the agreement, or
    ``as_of`` if it is still vacant (``registry_counts.vacancy_ends``).

    A day with a completed monthly run is read from the run's list snapshots; a day
    before the first run from the registry's history (agreements and doctor periods,
    ``registry_counts.vacant_lists_on``), so the first months after the start have a
    full window too.
    """
    days = window_days(as_of)
    run_days = set(
        MonthRun.objects.filter(month__in=days, status=MonthRun.Status.COMPLETED).values_list(
            "month", flat=True
        )
    )
    found: dict[int, tuple[datetime.date, str, datetime.date]] = {}

    def note(day: datetime.date, agreement: int, muni: str, since: datetime.date) -> None:
        if agreement not in found or found[agreement][0] < day:
            found[agreement] = (day, muni, since)

    for agreement, muni, day, since in ListMonthSnapshot.objects.filter(
        month__in=run_days, regular_gp__isnull=True
    ).values_list("agreement_id", "municipality_id", "month", "vacant_since"):
        if since is not None:  # always set on a list without a regular GP
            note(day, agreement, muni, since)
    for day in days:
        if day not in run_days:
            for agreement, muni, since in vacant_lists_on(day):
                note(day, agreement, muni, since)
    ends = vacancy_ends({pk: since for pk, (_d, _m, since) in found.items()}, as_of)
    return [
        (pk, muni, (ends[pk] - since).days) for pk, (_day, muni, since) in sorted(found.items())
    ]


def compute_month(month: datetime.date) -> list[AreaMonthCount]:
    """The count rows of every area for ``month``, from the month's snapshots."""
    lists, munis = snapshot_rows(month)
    return aggregate(month, month, lists, munis, vacancy_rows(month))


def aggregate(
    month: datetime.date,
    as_of: datetime.date,
    list_rows: Iterable[tuple],
    muni_rows: Iterable[tuple],
    vacancies: Iterable[tuple[int, str, int]] | None = None,
) -> list[AreaMonthCount]:
    """Sum list rows (``LIST_COLUMNS``) and municipality rows (``MUNI_COLUMNS``) per area.

    ``as_of`` is the day the rows describe; durations and vacancies are
    counted up to it. GPs' ages are their ages in ``month``'s cohort
    (:func:`~fastlege.stats.indicators.gp_age_in_month`). ``vacancies`` are the
    lists vacant in the window ending ``as_of`` (:func:`vacancy_rows`; without
    them ``lists_vacant_in_year`` is left empty). GPs
    started and stopped compare with the previous month's list snapshots, when
    there are any.
    """
    infos = municipalities_on(month)
    keys_of = {number: area_keys(info) for number, info in infos.items()}
    areas: dict[tuple[str, str], _Area] = defaultdict(_Area)
    seen: set[str] = set()

    for (
        muni,
        gp,
        sex,
        specialty,
        gp_since,
        gp_birth_date,
        vacant_since,
        salaried,
        is_open,
        length,
        ceiling,
        substitute,
        waiting_on_list,
    ) in list_rows:
        seen.add(muni)
        with_gp = gp is not None
        vacant_days = (
            (as_of - vacant_since).days if not with_gp and vacant_since is not None else None
        )
        vacant_long = vacant_days is not None and vacant_days > VACANT_LONG_DAYS
        for key in keys_of[muni]:
            a = areas[key]
            c = a.counts
            c["lists"] += 1
            c["on_lists"] += length
            c["ceiling_sum"] += ceiling
            c["lists_open"] += bool(is_open)
            c["lists_full"] += length >= ceiling
            c["free_places_sum"] += capacity.free_places(ceiling, length)
            c["over_ceiling_sum"] += capacity.over_ceiling(ceiling, length)
            c["waiting_on_lists"] += waiting_on_list
            c["lists_salaried"] += bool(salaried)
            c["lists_with_substitute"] += bool(substitute)
            c["lists_vacant_over_year"] += vacant_long
            if vacant_days is not None:
                a.vacant_days.append(vacant_days)
            if with_gp:
                c["lists_with_gp"] += 1
                c["on_lists_with_gp"] += length
                c["ceiling_sum_with_gp"] += ceiling
                c["lists_salaried_with_gp"] += bool(salaried)
                a.gps.add(gp)
                if sex == Sex.FEMALE:
                    a.female.add(gp)
                if specialty == Doctor.Specialty.SPECIALIST:
                    a.specialist.add(gp)
                if gp_since is not None:
                    a.durations.append((as_of - gp_since).days)
                if gp_birth_date is not None:
                    a.ages[gp] = gp_age_in_month(gp_birth_date, month)

    for muni, residents, unassigned, waiting, other_gp, other_home, switches in muni_rows:
        if not (residents or unassigned or waiting or muni in seen):
            continue
        seen.add(muni)
        for key in keys_of[muni]:
            c = areas[key].counts
            c["residents"] += residents
            c["unassigned"] += unassigned
            c["waiting"] += waiting
            c["waiting_other_gp_municipality"] += other_gp
            c["waiting_other_home_municipality"] += other_home
            c["switches"] += switches

    for muni in seen:
        for key in keys_of[muni]:
            areas[key].counts["municipalities"] += 1

    for _agreement, muni, days in vacancies or ():
        # A list whose municipality no longer exists this month (merged) is not counted.
        for key in keys_of.get(muni, ()):
            areas[key].vacant_in_year += 1
            areas[key].vacancy_days_in_year.append(days)

    previous = _previous_month(month)
    has_previous = ListMonthSnapshot.objects.filter(month=previous).exists()
    before = _gps_by_area(previous, keys_of) if has_previous else {}

    rows = []
    for (kind, code), a in sorted(areas.items()):
        prev = before.get((kind, code), set())
        cohorts = dict.fromkeys((column for column, _low, _high in GP_AGE_COHORTS), 0)
        for age in a.ages.values():
            cohorts[age_cohort(age)] += 1
        rows.append(
            AreaMonthCount(
                month=month,
                kind=kind,
                code=code,
                gps=len(a.gps),
                gps_female=len(a.female),
                gps_specialist=len(a.specialist),
                gps_started=len(a.gps - prev) if has_previous else None,
                gps_stopped=len(prev - a.gps) if has_previous else None,
                agreement_median_days=(
                    int(statistics.median(a.durations)) if a.durations else None
                ),
                gps_age_sum=sum(a.ages.values()),
                **cohorts,
                lists_vacant_in_year=a.vacant_in_year if vacancies is not None else None,
                vacancy_days_in_year_sum=(
                    sum(a.vacancy_days_in_year) if vacancies is not None else None
                ),
                vacancy_in_year_median_days=(
                    int(statistics.median(a.vacancy_days_in_year))
                    if a.vacancy_days_in_year
                    else None
                ),
                vacant_days_sum=sum(a.vacant_days),
                vacancy_median_days=(
                    int(statistics.median(a.vacant_days)) if a.vacant_days else None
                ),
                **a.counts,
            )
        )
    return rows


def _store(
    actor: Any,
    month: datetime.date,
    as_of: datetime.date,
    run: MonthRun | None,
    rows: list[AreaMonthCount],
    started: float,
) -> StatsFill:
    AreaMonthCount.objects.filter(month=month).delete()
    AreaMonthCount.objects.bulk_create(rows, batch_size=2000)
    StatsFill.objects.filter(month=month).delete()
    done = StatsFill.objects.create(
        month=month,
        as_of=as_of,
        run=run,
        filled_by=actor if getattr(actor, "is_authenticated", False) else None,
        rows=len(rows),
        version=FILL_VERSION,
        seconds=round(time.perf_counter() - started, 3),
    )
    audit.record(
        actor,
        "stats.fill",
        done,
        month=f"{month:%Y-%m}",
        rows=len(rows),
        source="run" if run else "registry",
    )
    return done


def fill_month(actor: Any, run: MonthRun) -> StatsFill:
    """Replace the count rows of ``run``'s month. One transaction, audited."""
    started = time.perf_counter()
    with transaction.atomic():
        return _store(actor, run.month, run.month, run, compute_month(run.month), started)


def fill_month_from_registry(actor: Any, month: datetime.date) -> StatsFill:
    """Fill ``month`` from the registry as it stands at the end of the month.

    For the starting point of a registry that has no run for ``month`` (a
    seeded or imported registry whose first run is the month after): the
    lists as they stand on the 1st of the next month, before its run. A
    month that has a completed run is always filled from its snapshots.
    """
    if MonthRun.objects.filter(month=month, status=MonthRun.Status.COMPLETED).exists():
        raise StatsError(_("Måneden er kjørt; den fylles fra månedsbildet."), "month_has_run")
    nxt = (month + datetime.timedelta(days=32)).replace(day=1)
    if MonthRun.objects.filter(month=nxt, status=MonthRun.Status.COMPLETED).exists():
        raise StatsError(
            _("Måneden etter er allerede kjørt; registeret viser ikke lenger måneden."),
            "next_month_has_run",
        )
    started = time.perf_counter()
    with transaction.atomic():
        lists, munis = registry_rows(nxt)
        rows = aggregate(month, nxt, lists, munis, vacancy_rows(nxt))
        return _store(actor, month, nxt, None, rows, started)


def stats_fill(
    actor: Any,
    *,
    months: Iterable[datetime.date] | None = None,
    refill: bool = False,
    progress: Callable[[StatsFill], None] | None = None,
) -> FillResult:
    """Fill every completed month that has no fill for its current run (or one made by
    an older ``FILL_VERSION``).

    ``months`` limits the fill to those months; ``refill`` fills them again
    even when they are up to date. Safe to run again at any time.
    """
    runs = MonthRun.objects.filter(status=MonthRun.Status.COMPLETED).order_by("month")
    if months is not None:
        runs = runs.filter(month__in=list(months))
    done = dict(StatsFill.objects.filter(version__gte=FILL_VERSION).values_list("month", "run_id"))
    filled: list[StatsFill] = []
    skipped = 0
    for run in runs:
        if not refill and run.month in done and done[run.month] == run.pk:
            skipped += 1
            continue
        result = fill_month(actor, run)
        filled.append(result)
        if progress is not None:
            progress(result)
    return FillResult(filled, skipped)
