"""Reading recruitment cases, scoped by role: a municipality's officers read their own
municipality's cases, the county governor every case in the county (read only), and
national staff all. The area rules are the registry's (``fastlege.web.selectors``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from fastlege.core.models import AuditEvent
from fastlege.measures.models import Measure
from fastlege.reference.models import County, Municipality
from fastlege.registry.models import Agreement, DoctorPeriod
from fastlege.registry.periods import not_ended_by
from fastlege.registry.services.access import scope_of
from fastlege.web.selectors import (
    county_for_viewer,
    may_change_municipality,
    municipality_for_viewer,
)
from fastlege.workforce import recruitment as rules
from fastlege.workforce.models import RecruitmentCase

Status = RecruitmentCase.Status
OPEN = (Status.OPENED, Status.ADVERTISED, Status.INTERVIEWS, Status.OFFERED)


@dataclass
class CaseRow:
    case: RecruitmentCase
    time_to_fill: int | None
    days_open: int | None


def _base() -> QuerySet[RecruitmentCase]:
    return RecruitmentCase.objects.select_related(
        "agreement",
        "agreement__practice",
        "agreement__municipality",
        "offered_to",
        "gp_period__doctor",
    )


def rows(cases: QuerySet[RecruitmentCase], today: datetime.date) -> list[CaseRow]:
    """Each case with its time to fill (filled) or days open so far (open)."""
    return [
        CaseRow(
            c,
            rules.time_to_fill(c.opened_on, c.filled_on),
            rules.days_open(c.opened_on, today) if c.is_open else None,
        )
        for c in cases
    ]


def municipality_cases(
    actor: Any, number: str, *, open_only: bool = False
) -> tuple[Municipality, QuerySet[RecruitmentCase]]:
    """The municipality's cases (404/refused outside the reader's area)."""
    muni = municipality_for_viewer(actor, number)
    cases = _base().filter(agreement__municipality_id=muni.number)
    if open_only:
        cases = cases.filter(status__in=OPEN)
    return muni, cases


def county_cases(
    actor: Any, number: str, *, open_only: bool = False
) -> tuple[County, QuerySet[RecruitmentCase]]:
    """Every case in the county: the county governor's and national staff's view."""
    county = county_for_viewer(actor, number)
    cases = _base().filter(agreement__municipality__county_id=county.number)
    if open_only:
        cases = cases.filter(status__in=OPEN)
    return county, cases.order_by("agreement__municipality_id", "-opened_on", "-pk")


def visible_cases(actor: Any) -> QuerySet[RecruitmentCase]:
    """Every case the reader may see."""
    scope = scope_of(actor)
    cases = _base()
    if scope.everything:
        return cases
    return cases.filter(agreement__municipality_id__in=scope.municipalities) | cases.filter(
        agreement__municipality__county_id__in=scope.counties
    )


def case_for_viewer(actor: Any, case_id: int) -> RecruitmentCase:
    """The case if the reader may see it; otherwise 404, so ids cannot be probed."""
    case = visible_cases(actor).filter(pk=case_id).first()
    if case is None:
        raise Http404
    return case


def may_change(actor: Any, case: RecruitmentCase) -> bool:
    return may_change_municipality(actor, case.agreement.municipality_id)


def openable_lists(municipality_id: str, today: datetime.date) -> list[Agreement]:
    """The municipality's lists in force that may get a case now: no regular GP with
    an open-ended period, no open case, and any known end within the horizon
    (the same rule as ``services.recruitment.vacancy_of``)."""
    with_gp = DoctorPeriod.objects.filter(
        role=DoctorPeriod.Role.REGULAR, agreement__municipality_id=municipality_id
    ).filter(not_ended_by(today))
    has_open_ended = set(
        with_gp.filter(valid_to__isnull=True).values_list("agreement_id", flat=True)
    )
    ends: dict[int, datetime.date] = {}
    for agreement_id, end in with_gp.exclude(valid_to__isnull=True).values_list(
        "agreement_id", "valid_to"
    ):
        if end is not None:
            ends[agreement_id] = max(end, ends.get(agreement_id, end))
    busy = set(
        RecruitmentCase.objects.filter(
            agreement__municipality_id=municipality_id, status__in=OPEN
        ).values_list("agreement_id", flat=True)
    )
    lists = (
        Agreement.objects.filter(municipality_id=municipality_id)
        .filter(not_ended_by(today))
        .select_related("practice")
        .order_by("practice__name", "pk")
    )
    return [
        a
        for a in lists
        if a.pk not in has_open_ended
        and a.pk not in busy
        and (a.pk not in ends or rules.may_open_ahead(ends[a.pk], today))
    ]


def measures_offerable(municipality_id: str) -> QuerySet[Measure]:
    """The municipality's measures from the measures register that can be offered."""
    return (
        Measure.objects.filter(municipality_id=municipality_id)
        .exclude(status=Measure.Status.ENDED)
        .select_related("measure_type")
    )


def cases_offering(measure: Measure) -> QuerySet[RecruitmentCase]:
    """The recruitment cases that offered ``measure``: for the measure's effect view
    (``fastlege.measures``), beside the indicators before and after."""
    return _base().filter(measures=measure).order_by("-opened_on", "-pk")


#: The audit actions of ``services.recruitment`` and what a reader calls them.
STEP_NAMES = {
    "workforce.recruitment_open": _("Sak opprettet"),
    "workforce.recruitment_advertise": _("Utlyst"),
    "workforce.recruitment_readvertise": _("Utlyst på nytt"),
    "workforce.recruitment_applicants": _("Søkere registrert"),
    "workforce.recruitment_interviews": _("Intervjuer"),
    "workforce.recruitment_offer": _("Tilbud gitt"),
    "workforce.recruitment_fill": _("Besatt"),
    "workforce.recruitment_close": _("Avsluttet"),
    "workforce.recruitment_measures": _("Tiltak endret"),
}

#: The details of a step shown in the history, by their field's name on the case (no
#: personal data is written there); ``time_to_fill_days`` is the fill's.
SHOWN_DETAILS = (
    "advertised_on",
    "deadline",
    "channel",
    "applicants",
    "interviews_on",
    "interviewed",
    "offered_on",
)


@dataclass
class Step:
    at: datetime.datetime
    name: str
    details: list[tuple[str, str]]


def _shown(name: str, value: Any) -> str:
    if name == "channel":
        return str(RecruitmentCase.Channel(value).label)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        return datetime.date.fromisoformat(value).strftime("%d.%m.%Y")
    return str(value)


def _details(details: dict[str, Any]) -> list[tuple[str, str]]:
    out = [
        (str(getattr(RecruitmentCase._meta.get_field(k), "verbose_name", k)), _shown(k, details[k]))
        for k in SHOWN_DETAILS
        if details.get(k) is not None
    ]
    if details.get("time_to_fill_days") is not None:
        out.append((str(_("tid til besatt (dager)")), str(details["time_to_fill_days"])))
    return out


def history(case: RecruitmentCase) -> list[Step]:
    """The case's steps in order, from its audit rows: every advertisement round is
    kept there, though the case itself holds the latest."""
    events = AuditEvent.objects.filter(
        object_type=RecruitmentCase._meta.label_lower, object_id=str(case.pk)
    ).order_by("at", "pk")
    return [
        Step(e.at, str(STEP_NAMES.get(e.action, e.action)), _details(e.details)) for e in events
    ]
