"""The county governor's follow-up list (*kommuner som trenger oppfølging*): one row per
municipality of the county, ranked by the severity score of
:mod:`fastlege.stats.severity` (docs/followup.md), with the alerts behind it, the trend,
the municipality's active measures and the office's note and last contact.

The alerts of a statistics month (all lists full, share without a regular GP, lists
vacant over a year, unassigned growing) come from the latest filled month; the people
waiting on lists that are closed or have no regular GP are counted today. The trend
compares the month's score with the month before's, both without the waiting term,
which is only known for today.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fastlege.dialogue.models import MunicipalityFollowUp
from fastlege.measures.models import Measure
from fastlege.reference.models import County, Municipality
from fastlege.registry.models import DoctorPeriod, WaitingListEntry
from fastlege.registry.periods import in_force_on
from fastlege.stats import severity
from fastlege.stats.models import AreaKind
from fastlege.stats.selectors import county_alerts, latest_month, rows_for, shift
from fastlege.web.models import ListLength


@dataclass
class FollowUpRow:
    number: str
    name: str
    score: float
    terms: dict[str, float]
    alerts: list[str]
    #: Change of the month's score since the month before (None: no month before).
    trend: float | None
    waiting_closed: int
    measures: list[Measure] = field(default_factory=list)
    follow_up: MunicipalityFollowUp | None = None


@dataclass
class FollowUpList:
    county: County
    #: The statistics month of the monthly alerts (None: statistics not filled yet).
    month: datetime.date | None
    day: datetime.date
    rows: list[FollowUpRow]


def waiting_on_closed_or_vacant(county_id: str, day: datetime.date) -> dict[str, int]:
    """Per municipality: people waiting (``WAITING``) on a list in force that is closed
    (``is_open`` false) or has no regular GP on ``day`` — waiting for a place that will
    not come."""
    has_gp = Exists(
        DoctorPeriod.objects.filter(
            in_force_on(day),
            agreement_id=OuterRef("agreement_id"),
            role=DoctorPeriod.Role.REGULAR,
        )
    )
    return dict(
        WaitingListEntry.objects.filter(
            in_force_on(day, "agreement__"),
            status=WaitingListEntry.Status.WAITING,
            agreement__municipality__county_id=county_id,
        )
        .annotate(has_gp=has_gp)
        .filter(Q(agreement__is_open=False) | Q(has_gp=False))
        .values("agreement__municipality_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("agreement__municipality_id", "n")
    )


def _residents_today(county_id: str) -> dict[str, int]:
    """Residents on a list now per municipality, from the list lengths the database
    keeps (``web.ListLength``: open memberships, the same definition as counting
    ``ListMembership.valid_to IS NULL``) — Oslo's 780 000 memberships are not counted
    on every request (the county page went from ~480 ms to a few ms on the national seed)."""
    return dict(
        ListLength.objects.filter(agreement__municipality__county_id=county_id)
        .values("agreement__municipality_id")
        .annotate(n=Sum("members"))
        .order_by()
        .values_list("agreement__municipality_id", "n")
    )


def _live_alert_texts(f: severity.AlertFacts) -> list[str]:
    texts = []
    if f.unassigned_growth:
        texts.append(
            ngettext(
                "ufordelte øker: %(n)s flere enn måneden før",
                "ufordelte øker: %(n)s flere enn måneden før",
                f.unassigned_growth,
            )
            % {"n": f.unassigned_growth}
        )
    if f.waiting_on_closed_or_vacant:
        texts.append(
            ngettext(
                "%(n)s venter på en liste som er lukket eller uten fast lege",
                "%(n)s venter på lister som er lukket eller uten fast lege",
                f.waiting_on_closed_or_vacant,
            )
            % {"n": f.waiting_on_closed_or_vacant}
        )
    return texts


def county_followup(county: County, day: datetime.date | None = None) -> FollowUpList:
    """The follow-up list of ``county`` (the caller has checked that the user may read it)."""
    day = day or timezone.localdate()
    munis = list(Municipality.objects.filter(county_id=county.number).order_by("name"))
    numbers = [m.number for m in munis]
    month = latest_month()
    counts: dict[tuple[str, datetime.date], dict[str, Any]] = {}
    alerts: dict[str, list[str]] = {}
    if month is not None:
        months = [shift(month, -2), shift(month, -1), month]
        for r in rows_for(AreaKind.MUNICIPALITY, numbers, months):
            counts[(r["code"], r["month"])] = r
        for a in county_alerts(county.number, month):
            alerts.setdefault(a.municipality, []).append(a.text)
    waiting = waiting_on_closed_or_vacant(county.number, day)
    residents = _residents_today(county.number) if month is None else {}
    measures: dict[str, list[Measure]] = {}
    for m in (
        Measure.objects.filter(municipality__county_id=county.number, status=Measure.Status.ACTIVE)
        .select_related("measure_type")
        .order_by("measure_type__position", "pk")
    ):
        measures.setdefault(m.municipality_id, []).append(m)
    notes = {
        f.municipality_id: f
        for f in MunicipalityFollowUp.objects.filter(municipality__county_id=county.number)
    }
    rows = []
    for muni in munis:
        now = counts.get((muni.number, month)) if month else None
        before = counts.get((muni.number, shift(month, -1))) if month else None
        before2 = counts.get((muni.number, shift(month, -2))) if month else None
        n_waiting = int(waiting.get(muni.number, 0))
        f = severity.facts(now, before, n_waiting, int(residents.get(muni.number, 0)))
        trend = None
        if now is not None and before is not None:
            trend = round(
                severity.severity(severity.facts(now, before, 0, 0))
                - severity.severity(severity.facts(before, before2, 0, 0)),
                1,
            )
        rows.append(
            FollowUpRow(
                number=muni.number,
                name=muni.name,
                score=severity.severity(f),
                terms=severity.score_terms(f),
                alerts=[*alerts.get(muni.number, []), *_live_alert_texts(f)],
                trend=trend,
                waiting_closed=n_waiting,
                measures=measures.get(muni.number, []),
                follow_up=notes.get(muni.number),
            )
        )
    rows.sort(key=lambda r: (-r.score, r.name))
    return FollowUpList(county=county, month=month, day=day, rows=rows)


def term_label(code: str) -> str:
    """The Norwegian name of a score term (the alert it stands for)."""
    return {
        "fulle": _("alle lister fulle"),
        "uten_lege": _("andel uten fast lege"),
        "ubesatt": _("lister uten fast lege over ett år"),
        "ufordelte_vekst": _("ufordelte øker"),
        "venter_stengt": _("venter på lukket eller ubesatt liste"),
    }[code]
