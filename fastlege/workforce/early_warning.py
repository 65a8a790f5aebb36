"""Vacancy early warning: which lists are likely to lose their doctor, by when, and
how many residents that affects (issue 17, item 2).

For every list in force, the signals below each give a date by which the list is
likely to be without its regular GP. Each signal is a small pure rule (the
functions ``*_signal``); the selector (``lists_at_risk``) reads the registry once
per kind of signal and hands the values to the rules.

(a) **Age limit** (fastlegeforskriften § 12): the agreement ends at 70, or when a
    time-limited extension runs out (not beyond 80; 75 before 2026). The day comes
    from ``fastlege.registry.services.agreements.age_endings``, the registry's one
    definition (``rules.agreement_ends_for_age_on``), also used by the monthly update
    that ends those agreements and by the municipality page's age-limit list.
(b) **Notice given, or a known end of the regular GP's period** (§ 12: six months'
    notice; the registry records the end as ``DoctorPeriod.valid_to`` with
    ``notice_given_on`` and ``end_reason`` when the municipality registers that the GP
    leaves, ``gp_leaves``). No signal when a successor's regular period is already
    registered to start on or before that day (a take-over, § 9).
(c) **A known end of the agreement** (``Agreement.valid_to``): the list itself ends
    and its residents must move (``close_agreement``).
(d) **Kept only by substitutes for long**: no regular GP, a substitute (vikar, LPVI)
    in force, no new regular GP registered to start, and no regular GP for more than
    ``substitute_only_months`` months. The list is without a regular GP already, so
    its date is the day asked about; the detail says since when and until when the
    substitute cover is registered.
(d2) **The GP away for long, the list run by a substitute**: the regular GP has an
    absence (``Absence``) in force that began more than ``substitute_only_months``
    months ago, and a substitute covers the list. Parental leave is left out
    (``long_absence_excluded_reasons``: a planned leave with a return). Its date is
    the day asked about, as for (d).
(e) **Shared-list wind-downs** (deleliste: a regular GP of 60 or more winds down and
    hands over the practice; Helfo, domain.md § 2; the registry's ``WindDown``,
    registered by the municipality through ``registry.services.wind_down``). An open
    wind-down whose outgoing GP is still the list's regular GP and which has **no
    successor named** is a likely vacancy on its hand-over day (``hand_over_on``):
    nobody is known to take the list over when the GP leaves. One **with a successor
    named** is not counted: the list is planned to pass from one GP to the next, as a
    take-over in (b). It is shown apart as information (``hand_overs``), because a
    named successor is an agreement, not yet a registered regular period, and can fall
    through. No signal either when a new regular GP's period is already registered to
    start on or before the hand-over day (as in (b)).

A list's date is its earliest signal's date. A list is within a horizon of H months
when that date is on or before the day asked about plus H months (inclusive, as the
municipality page's age-limit warning, ``web.selectors.age_limit_warnings``). The
horizons are cumulative: the 12-month list includes the 6-month list. A date already
passed (an age ending the monthly update has not yet carried out) is in every horizon.

Residents affected are the list's length now, from the list-length table the
database keeps (``fastlege.web.models.ListLength``), the figure every page shows.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fastlege.core.tabular import Column
from fastlege.reference.models import County, Municipality
from fastlege.registry import rules
from fastlege.registry.models import Absence, Agreement, DoctorPeriod, WindDown
from fastlege.registry.periods import in_force_on, not_ended_by
from fastlege.registry.rules import Parameter
from fastlege.registry.services.agreements import age_endings
from fastlege.web import selectors as ws
from fastlege.web.models import ListLength

REGULAR = DoctorPeriod.Role.REGULAR
SUBSTITUTE = DoctorPeriod.Role.SUBSTITUTE
PeriodEnd = DoctorPeriod.EndReason

#: The horizons the municipality and the county governor see, in months (issue 17).
HORIZONS_MONTHS: tuple[int, ...] = (6, 12, 24)

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "substitute_only_months",
        6,
        datetime.date(2012, 9, 1),
        "Ingen hjemmel: faglig valg (fastlegeforskriften § 12 gir seks måneders oppsigelse)",
        verified=False,
        note=(
            "Hvor lenge en liste må ha vært uten fast lege, med bare vikar, før den varsles. "
            "Kildene setter ingen grense. Vi bruker oppsigelsestiden i § 12 (seks måneder): "
            "en kommune som lyser ut listen den dagen legen sier opp, har seks måneder på å "
            "få en ny fastlege på plass. Lenger enn det er ikke en overgang, men en liste "
            "som ikke blir besatt. Kollegers gjensidige fraværsdekning på inntil 8 uker i "
            "året (domain.md § 3.6) er kortere og registreres ikke som vikar."
        ),
    ),
    Parameter(
        "long_absence_excluded_reasons",
        frozenset({"foreldrepermisjon"}),
        datetime.date(2012, 9, 1),
        "Ingen hjemmel: faglig valg",
        verified=False,
        note=(
            "Fravær som ikke varsles selv om det er langt: foreldrepermisjon er planlagt og "
            "har en kjent retur. Sykdom, annen permisjon og annet fravær over "
            "«substitute_only_months» måneder med bare vikar varsles. domain.md sier ikke "
            "noe om hvor ofte langt fravær ender med at legen slutter."
        ),
    ),
)


def param(name: str, on: datetime.date) -> Any:
    """The early-warning parameter ``name`` in force on ``on`` (as ``rules.param``)."""
    candidates = [p for p in PARAMETERS if p.name == name and p.effective_from <= on]
    if not candidates:
        raise KeyError(f"no parameter {name!r} in force on {on}")
    return max(candidates, key=lambda p: p.effective_from).value


class Reason(models.TextChoices):
    """Why a list is likely to become vacant (the code is for programs; people read
    the label)."""

    AGE_LIMIT = "aldersgrense", gettext_lazy("fastlegen når aldersgrensen")
    EXTENSION_ENDS = "forlengelse_utloper", gettext_lazy("forlengelsen etter 70 år utløper")
    NOTICE = "oppsigelse", gettext_lazy("avtalen er sagt opp")
    GP_PERIOD_ENDS = "fastlege_slutter", gettext_lazy("fastlegen slutter")
    LIST_ENDS = "liste_avsluttes", gettext_lazy("listen avsluttes")
    SUBSTITUTE_ONLY = "bare_vikar", gettext_lazy("bare vikar over lang tid")
    LONG_ABSENCE = "lenge_borte", gettext_lazy("fastlegen lenge borte, vikar på listen")
    WIND_DOWN = "deleliste", gettext_lazy("deleliste uten etterfølger")


def _fmt(day: datetime.date) -> str:
    return f"{day:%d.%m.%Y}"


@dataclass(frozen=True)
class Signal:
    """One reason a list is likely to become vacant on ``on``.

    ``related_on`` depends on the reason: AGE_LIMIT the birthday on which the GP
    reaches the end age; NOTICE the day notice was given; SUBSTITUTE_ONLY the day the
    list lost its regular GP (or started without one). ``cover_until``:
    SUBSTITUTE_ONLY only, the first day without registered substitute cover (``None``:
    open-ended)."""

    reason: str
    on: datetime.date
    related_on: datetime.date | None = None
    cover_until: datetime.date | None = None
    end_age: int | None = None

    @property
    def label(self) -> str:
        return str(Reason(self.reason).label)

    def detail(self) -> str:
        """The signal in Norwegian words, for the page and the export."""
        r = self.reason
        if r == Reason.AGE_LIMIT and self.related_on is not None:
            return _("fyller %(age)s år %(birthday)s; avtalen opphører %(ends)s") % {
                "age": self.end_age,
                "birthday": _fmt(self.related_on),
                "ends": _fmt(self.on),
            }
        if r == Reason.EXTENSION_ENDS:
            return _("avtalen er forlenget til %(ends)s") % {"ends": _fmt(self.on)}
        if r == Reason.NOTICE:
            if self.related_on is not None:
                return _("oppsigelse gitt %(given)s; fastlegen slutter %(ends)s") % {
                    "given": _fmt(self.related_on),
                    "ends": _fmt(self.on),
                }
            return _("fastlegen slutter %(ends)s") % {"ends": _fmt(self.on)}
        if r == Reason.GP_PERIOD_ENDS:
            return _("fastlegens periode på listen slutter %(ends)s") % {"ends": _fmt(self.on)}
        if r == Reason.LIST_ENDS:
            return _("avtalen (listen) avsluttes %(ends)s") % {"ends": _fmt(self.on)}
        if r == Reason.WIND_DOWN and self.related_on is not None:
            return _(
                "fastlegen trapper ned fra %(since)s og overdrar listen %(ends)s; "
                "ingen ny fastlege er navngitt"
            ) % {"since": _fmt(self.related_on), "ends": _fmt(self.on)}
        if r == Reason.LONG_ABSENCE and self.related_on is not None:
            away = _("fastlegen borte siden %(since)s") % {"since": _fmt(self.related_on)}
            if self.cover_until is None:
                return away + _("; vikar uten sluttdato")
            return away + _("; vikar registrert til %(until)s") % {"until": _fmt(self.cover_until)}
        if r == Reason.SUBSTITUTE_ONLY and self.related_on is not None:
            since = _("uten fast lege siden %(since)s") % {"since": _fmt(self.related_on)}
            if self.cover_until is None:
                return since + _("; vikar uten sluttdato")
            return since + _("; vikar registrert til %(until)s") % {"until": _fmt(self.cover_until)}
        return self.label


# --- The rules (pure) ----------------------------------------------------------------


def age_limit_signal(
    ends_on: datetime.date,
    extended_until: datetime.date | None,
    reaches_end_age_on: datetime.date,
    end_age: int,
) -> Signal:
    """(a) fastlegeforskriften § 12: the agreement ends for age on ``ends_on`` (from
    ``age_endings``, the registry's one definition). When a time-limited extension
    sets that day, the reason is the extension running out; otherwise the age limit."""
    if extended_until is not None and extended_until == ends_on:
        return Signal(Reason.EXTENSION_ENDS, ends_on)
    return Signal(Reason.AGE_LIMIT, ends_on, related_on=reaches_end_age_on, end_age=end_age)


#: End reasons of a regular GP's period that mean a notice was given (§ 12).
NOTICE_REASONS = frozenset({PeriodEnd.RESIGNED, PeriodEnd.TERMINATED})


def regular_period_end_signal(
    valid_to: datetime.date,
    end_reason: str,
    notice_given_on: datetime.date | None,
    successor_from: datetime.date | None,
) -> Signal | None:
    """(b) The regular GP's period on the list has a known end ``valid_to`` (half-open:
    the first day without that GP). A notice (§ 12: six months) is the reason when
    one was registered (``notice_given_on``, or the GP resigned or was terminated);
    otherwise the known end. None when a successor's regular period starts on or
    before that day (a take-over, § 9: the list does not become vacant)."""
    if successor_from is not None and successor_from <= valid_to:
        return None
    if notice_given_on is not None or end_reason in NOTICE_REASONS:
        return Signal(Reason.NOTICE, valid_to, related_on=notice_given_on)
    return Signal(Reason.GP_PERIOD_ENDS, valid_to)


def list_end_signal(valid_to: datetime.date) -> Signal:
    """(c) The agreement (the list) has a known end ``valid_to``; its residents must
    move to other lists (``close_agreement``)."""
    return Signal(Reason.LIST_ENDS, valid_to)


def substitute_cover_until(
    day: datetime.date, periods: Iterable[tuple[datetime.date, datetime.date | None]]
) -> datetime.date | None:
    """The first day from ``day`` on which none of the substitute ``periods``
    (half-open ``[from, to)``, ``to`` None: open-ended) covers the list, following
    periods that start on or before the previous one ends. ``None``: covered without
    an end. ``day`` itself when nothing covers ``day``."""
    cover = day
    for start, end in sorted(periods, key=lambda p: p[0]):
        if start > cover:
            break
        if end is None:
            return None
        cover = max(cover, end)
    return cover


def substitute_only_signal(
    day: datetime.date,
    without_gp_since: datetime.date,
    cover_until: datetime.date | None,
    min_months: int,
    new_gp_from: datetime.date | None = None,
) -> Signal | None:
    """(d) A list kept only by substitutes for long: no regular GP on ``day`` (the
    caller's condition), a substitute covering ``day`` (``cover_until`` after
    ``day``, or open-ended), and no regular GP for more than ``min_months`` months
    (``substitute_only_months``, verified=False). None when a new regular GP is
    already registered to start (``new_gp_from``): the list has been filled. The list
    is already without a regular GP, so the signal's date is ``day``."""
    if new_gp_from is not None:
        return None
    if cover_until is not None and cover_until <= day:
        return None  # no substitute on the day: a vacant list, not one kept by substitutes
    if without_gp_since >= rules.add_months(day, -min_months):
        return None
    return Signal(Reason.SUBSTITUTE_ONLY, day, related_on=without_gp_since, cover_until=cover_until)


def long_absence_signal(
    day: datetime.date,
    absent_since: datetime.date,
    absence_reason: str,
    cover_until: datetime.date | None,
    min_months: int,
    excluded_reasons: frozenset[str],
) -> Signal | None:
    """(d2) The regular GP away for long and the list run by a substitute: an absence
    in force on ``day`` (the caller's condition) that began more than ``min_months``
    months before (``substitute_only_months``), not of an excluded kind
    (``long_absence_excluded_reasons``, verified=False: parental leave), and a
    substitute covering ``day``. The list is run by a substitute now, so the date is
    ``day``."""
    if absence_reason in excluded_reasons:
        return None
    if cover_until is not None and cover_until <= day:
        return None
    if absent_since >= rules.add_months(day, -min_months):
        return None
    return Signal(Reason.LONG_ABSENCE, day, related_on=absent_since, cover_until=cover_until)


def wind_down_signal(
    valid_from: datetime.date,
    hand_over_on: datetime.date,
    successor_named: bool,
    successor_from: datetime.date | None = None,
) -> Signal | None:
    """(e) A shared-list wind-down (deleliste) whose GP leaves on ``hand_over_on``: a
    likely vacancy that day when no successor is named. None when one is named (shown
    as information, not counted) or when a new regular GP's period is registered to
    start on or before the hand-over (``successor_from``, a take-over as in (b))."""
    if successor_named:
        return None
    if successor_from is not None and successor_from <= hand_over_on:
        return None
    return Signal(Reason.WIND_DOWN, hand_over_on, related_on=valid_from)


def horizon_end(day: datetime.date, months: int) -> datetime.date:
    """The last day inside a horizon of ``months`` months from ``day`` (inclusive)."""
    return rules.add_months(day, months)


def within(on: datetime.date, day: datetime.date, months: int) -> bool:
    """A date is within ``months`` months of ``day`` when on or before ``horizon_end``."""
    return on <= horizon_end(day, months)


def first_horizon(
    on: datetime.date, day: datetime.date, horizons: Sequence[int] = HORIZONS_MONTHS
) -> int | None:
    """The shortest horizon that contains ``on`` (``None``: beyond every horizon)."""
    for months in sorted(horizons):
        if within(on, day, months):
            return months
    return None


# --- Reading the registry ----------------------------------------------------------


@dataclass
class ListRisk:
    """A list likely to become vacant, with its signals (earliest first)."""

    agreement: Agreement
    gp_name: str | None
    substitute_name: str | None
    members: int
    signals: list[Signal] = field(default_factory=list)

    @property
    def first(self) -> Signal:
        return self.signals[0]

    @property
    def on(self) -> datetime.date:
        return self.first.on

    @property
    def municipality(self) -> Municipality:
        return self.agreement.municipality


def _area_municipalities(actor: Any, area: Municipality | County) -> list[str]:
    """The municipalities of ``area`` if the user may read them: municipality staff
    their own, the county governor their county, national staff all (the web pages'
    rules, ``web.selectors.municipality_for_viewer`` / ``county_for_viewer``); anyone
    else is refused (NOT_AUTHORISED)."""
    if isinstance(area, County):
        county = ws.county_for_viewer(actor, area.number)
        return list(
            Municipality.objects.filter(county_id=county.number).values_list("number", flat=True)
        )
    return [ws.municipality_for_viewer(actor, area.number).number]


def _signals(
    agreements: dict[int, Agreement],
    munis: list[str],
    day: datetime.date,
    until: datetime.date,
    single: str | None,
) -> dict[int, list[Signal]]:
    found: dict[int, list[Signal]] = defaultdict(list)
    # (a) the age limit: the registry's one definition. For a county, one national
    # call (only doctors old enough to reach the limit by ``until``) filtered here.
    for ending in age_endings(until, since=day, municipality_id=single):
        if ending.period.agreement_id in agreements:
            found[ending.period.agreement_id].append(
                age_limit_signal(
                    ending.ends_on,
                    ending.extended_until,
                    ending.reaches_end_age_on,
                    rules.end_age_for(ending.period.doctor.birth_date),
                )
            )
    # (b) a known end of the regular GP's period, unless a successor is registered.
    regular = DoctorPeriod.objects.filter(
        in_force_on(day), role=REGULAR, agreement__municipality_id__in=munis
    )
    ending_periods = list(
        regular.filter(valid_to__isnull=False, valid_to__lte=until).values_list(
            "agreement_id", "valid_to", "end_reason", "notice_given_on"
        )
    )
    without_gp = [
        a
        for a in agreements.values()
        if a.gp_name is None and a.substitute_name is not None  # type: ignore[attr-defined]
    ]
    # A regular GP registered to start later: a successor (b), or a vacant list filled (d).
    successors: dict[int, datetime.date] = {}
    for agreement_id, start in (
        DoctorPeriod.objects.filter(
            role=REGULAR,
            valid_from__gt=day,
            agreement_id__in={p[0] for p in ending_periods} | {a.pk for a in without_gp},
        )
        .order_by("valid_from")
        .values_list("agreement_id", "valid_from")
    ):
        successors.setdefault(agreement_id, start)
    for agreement_id, valid_to, end_reason, notice_on in ending_periods:
        if agreement_id not in agreements or valid_to is None:  # None: filtered out above
            continue
        signal = regular_period_end_signal(
            valid_to, end_reason, notice_on, successors.get(agreement_id)
        )
        if signal is not None:
            found[agreement_id].append(signal)
    # (c) a known end of the agreement.
    for a in agreements.values():
        if a.valid_to is not None and a.valid_to <= until:
            found[a.pk].append(list_end_signal(a.valid_to))
    # (d) kept only by substitutes for long; (d2) the GP away for long, a substitute on.
    months = int(param("substitute_only_months", day))
    away: dict[int, tuple[datetime.date, str]] = {}
    for agreement_id, start, reason in (
        Absence.objects.filter(
            in_force_on(day),
            agreement_id__in=[
                a.pk
                for a in agreements.values()
                if a.gp_name is not None and a.substitute_name is not None  # type: ignore[attr-defined]
            ],
        )
        .order_by("valid_from")
        .values_list("agreement_id", "valid_from", "reason")
    ):
        away.setdefault(agreement_id, (start, reason))  # the one that began first
    cover: dict[int, list[tuple[datetime.date, datetime.date | None]]] = defaultdict(list)
    for agreement_id, start, end in DoctorPeriod.objects.filter(
        not_ended_by(day),
        role=SUBSTITUTE,
        agreement_id__in=[a.pk for a in without_gp] + list(away),
    ).values_list("agreement_id", "valid_from", "valid_to"):
        cover[agreement_id].append((start, end))
    excluded = frozenset(param("long_absence_excluded_reasons", day))
    for agreement_id, (since, reason) in away.items():
        signal = long_absence_signal(
            day,
            since,
            reason,
            substitute_cover_until(day, cover[agreement_id]),
            months,
            excluded,
        )
        if signal is not None:
            found[agreement_id].append(signal)
    for a in without_gp:
        since = a.vacant_since or a.valid_from  # type: ignore[attr-defined]
        signal = substitute_only_signal(
            day, since, substitute_cover_until(day, cover[a.pk]), months, successors.get(a.pk)
        )
        if signal is not None:
            found[a.pk].append(signal)
    # (e) shared-list wind-downs without a successor named.
    wind_downs = [
        w for w in _open_wind_downs(list(agreements), day, until) if w.successor_id is None
    ]
    starts: dict[int, datetime.date] = {}
    for agreement_id, start in (
        DoctorPeriod.objects.filter(
            role=REGULAR, valid_from__gt=day, agreement_id__in=[w.agreement_id for w in wind_downs]
        )
        .order_by("valid_from")
        .values_list("agreement_id", "valid_from")
    ):
        starts.setdefault(agreement_id, start)
    for w in wind_downs:
        signal = wind_down_signal(w.valid_from, w.hand_over_on, False, starts.get(w.agreement_id))
        if signal is not None:
            found[w.agreement_id].append(signal)
    return found


def _open_wind_downs(
    agreement_ids: list[int], day: datetime.date, until: datetime.date
) -> list[WindDown]:
    """The open wind-downs (deleliste) on these lists handing over by ``until`` whose
    outgoing GP is still the list's regular GP on ``day`` (once the GP has left, the
    list is taken over or without a GP, and (b)–(d) speak for it)."""
    still_gp = DoctorPeriod.objects.filter(
        in_force_on(day),
        role=REGULAR,
        agreement_id=models.OuterRef("agreement_id"),
        doctor_id=models.OuterRef("outgoing_id"),
    )
    return list(
        WindDown.objects.filter(
            models.Exists(still_gp),
            status=WindDown.Status.ACTIVE,
            agreement_id__in=agreement_ids,
            hand_over_on__lte=until,
        )
        .select_related("outgoing", "successor")
        .order_by("hand_over_on", "pk")
    )


def lists_at_risk(
    actor: Any,
    area: Municipality | County,
    day: datetime.date,
    horizon_months: int = max(HORIZONS_MONTHS),
) -> list[ListRisk]:
    """The lists of ``area`` (a municipality or a county) in force on ``day`` that are
    likely to become vacant within ``horizon_months`` months, earliest first, each with
    its signals inside the horizon, its regular GP (or substitute) today and the
    residents on it. Scoped like the registry pages: municipality staff their own
    municipality, the county governor their county, national staff everything; others
    are refused (``Code.NOT_AUTHORISED``), an unknown area is 404. List information
    only (public, fastlegeforskriften § 6): no resident is read."""
    munis = _area_municipalities(actor, area)
    until = horizon_end(day, horizon_months)
    agreements = {
        a.pk: a
        for a in ws.with_doctors(
            list(
                Agreement.objects.filter(in_force_on(day), municipality_id__in=munis)
                .select_related("practice", "municipality")
                .order_by("pk")
            ),
            day,
        )
    }
    single = munis[0] if isinstance(area, Municipality) else None
    found = _signals(agreements, munis, day, until, single)
    lengths = dict(
        ListLength.objects.filter(agreement_id__in=list(found)).values_list(
            "agreement_id", "members"
        )
    )
    rows = []
    for agreement_id, signals in found.items():
        a = agreements[agreement_id]
        rows.append(
            ListRisk(
                agreement=a,
                gp_name=a.gp_name,  # type: ignore[attr-defined]
                substitute_name=a.substitute_name,  # type: ignore[attr-defined]
                members=lengths.get(agreement_id, 0),
                signals=sorted(signals, key=lambda s: s.on),
            )
        )
    rows.sort(key=lambda r: (r.on, r.municipality.name, r.agreement.pk))
    return rows


@dataclass(frozen=True)
class Horizon:
    """The lists likely to become vacant within ``months`` months (by ``until``)."""

    months: int
    until: datetime.date
    rows: list[ListRisk]

    @property
    def residents(self) -> int:
        """Residents on those lists (each list once)."""
        return sum(r.members for r in self.rows)


@dataclass(frozen=True)
class HandOver:
    """A shared-list wind-down (deleliste) with a successor named: information, not a
    likely vacancy (module docstring, (e))."""

    wind_down: WindDown
    agreement: Agreement
    members: int

    @property
    def municipality(self) -> Municipality:
        return self.agreement.municipality


def hand_overs(
    actor: Any,
    area: Municipality | County,
    day: datetime.date,
    horizon_months: int = max(HORIZONS_MONTHS),
) -> list[HandOver]:
    """The open wind-downs of ``area``'s lists with a successor named that hand over
    within ``horizon_months`` months, earliest first, with the residents on each list.
    Scoped as ``lists_at_risk``."""
    munis = _area_municipalities(actor, area)
    agreements = {
        a.pk: a
        for a in Agreement.objects.filter(in_force_on(day), municipality_id__in=munis)
        .select_related("practice", "municipality")
        .order_by("pk")
    }
    named = [
        w
        for w in _open_wind_downs(list(agreements), day, horizon_end(day, horizon_months))
        if w.successor_id is not None
    ]
    lengths = dict(
        ListLength.objects.filter(agreement_id__in=[w.agreement_id for w in named]).values_list(
            "agreement_id", "members"
        )
    )
    return [HandOver(w, agreements[w.agreement_id], lengths.get(w.agreement_id, 0)) for w in named]


@dataclass(frozen=True)
class EarlyWarning:
    area: Municipality | County
    day: datetime.date
    horizons: list[Horizon]
    substitute_only_months: int
    hand_overs: list[HandOver] = field(default_factory=list)


def early_warning(actor: Any, area: Municipality | County, day: datetime.date) -> EarlyWarning:
    """``lists_at_risk`` for each horizon (6, 12 and 24 months), read once, and the
    planned hand-overs with a successor named (``hand_overs``)."""
    rows = lists_at_risk(actor, area, day, max(HORIZONS_MONTHS))
    horizons = [
        Horizon(m, horizon_end(day, m), [r for r in rows if within(r.on, day, m)])
        for m in HORIZONS_MONTHS
    ]
    return EarlyWarning(
        area,
        day,
        horizons,
        int(param("substitute_only_months", day)),
        hand_overs(actor, area, day, max(HORIZONS_MONTHS)),
    )


# --- The table as a file (fastlege.core.tabular, the one export path) -----------------

EXPORT_COLUMNS: tuple[Column, ...] = (
    Column("horisont_maneder", gettext_lazy("Innen måneder")),
    Column("kommunenummer", gettext_lazy("Kommunenummer")),
    Column("kommune", gettext_lazy("Kommune")),
    Column("liste", gettext_lazy("Liste")),
    Column("legekontor", gettext_lazy("Legekontor")),
    Column("fastlege", gettext_lazy("Fastlege")),
    Column("vikar", gettext_lazy("Vikar")),
    Column("dato", gettext_lazy("Trolig ledig fra")),
    Column("arsak", gettext_lazy("Årsak"), choices=dict(Reason.choices)),
    Column("detaljer", gettext_lazy("Detaljer")),
    Column("innbyggere", gettext_lazy("Innbyggere berørt")),
)


def export_rows(warning: EarlyWarning) -> list[list[Any]]:
    """One row per list within the longest horizon, earliest first, with the shortest
    horizon that contains it; the reason as a code (the human formats show its
    Norwegian label through the column's choices)."""
    longest = warning.horizons[-1]
    horizons = [h.months for h in warning.horizons]
    return [
        [
            first_horizon(r.on, warning.day, horizons),
            r.municipality.number,
            r.municipality.name,
            r.agreement.pk,
            r.agreement.practice.name,
            r.gp_name or "",
            r.substitute_name or "",
            r.on,
            r.first.reason,
            "; ".join(f"{s.label}: {s.detail()}" for s in r.signals),
            r.members,
        ]
        for r in longest.rows
    ]
