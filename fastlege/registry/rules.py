"""Rule parameters of the regulation, versioned by effective date.

Every parameter names its legal basis. A change of the regulation is a new
row in ``PARAMETERS`` with the date it takes effect, not a code hunt.

Sources (see docs/glossary.md): fastlegeforskriften FOR-2025-12-02-2405 (in
force 1.1.2026; replaced FOR-2012-08-29-842) and pasient- og
brukerrettighetsforskriften i fastlegeordningen FOR-2012-08-29-843.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Parameter:
    name: str
    value: Any
    effective_from: datetime.date
    legal_basis: str
    verified: bool = True
    note: str = ""


_OLD = datetime.date(2012, 9, 1)  # FOR-2012-08-29-842 and -843 in force
_NEW = datetime.date(2026, 1, 1)  # FOR-2025-12-02-2405 in force

PARAMETERS: tuple[Parameter, ...] = (
    Parameter("max_list_ceiling", 2500, _OLD, "fastlegeforskriften 2012 § 34"),
    Parameter("max_list_ceiling", 2500, _NEW, "fastlegeforskriften § 10"),
    Parameter("min_ceiling_without_approval", 500, _OLD, "fastlegeforskriften 2012 § 34"),
    Parameter("min_ceiling_without_approval", 500, _NEW, "fastlegeforskriften § 10"),
    Parameter("ordinary_switches_per_year", 2, _OLD, "pasientrettighetsforskriften § 6"),
    Parameter("reduction_notice_months", 6, _OLD, "fastlegeforskriften 2012 § 35"),
    Parameter("reduction_notice_months", 6, _NEW, "fastlegeforskriften § 11"),
    Parameter("child_age_self_decides", 16, _OLD, "pasientrettighetsforskriften §§ 5–6"),
    Parameter("child_age_with_consent", 12, _OLD, "pasientrettighetsforskriften § 6"),
    Parameter("closed_list_child_age_limit", 16, _OLD, "pasientrettighetsforskriften § 4 a"),
    Parameter("household_child_age_limit", 16, _NEW, "fastlegeforskriften § 11 (merknad)"),
    Parameter("returnee_max_years", 3, _OLD, "pasientrettighetsforskriften § 4 b"),
    Parameter("agreement_end_age", 70, _OLD, "fastlegeforskriften 2012 § 32"),
    Parameter("agreement_end_age", 70, _NEW, "fastlegeforskriften § 12"),
    Parameter(
        "agreement_age_end_day",
        "first_of_month_after_birthday",
        _OLD,
        "fastlegeforskriften § 12 (2012: § 32)",
        verified=False,
        note=(
            "Kildene sier at avtalen opphører ved fylte 70 (eller når en forlengelse "
            "utløper), men ikke hvilken dag. Vi avslutter den 1. i måneden etter "
            "fødselsdagen, fordi lister endres den 1. i måneden."
        ),
    ),
    Parameter(
        "competence_requirement_from",
        datetime.date(2017, 3, 1),
        _OLD,
        "kompetanseforskriften § 3",
        verified=False,
        note=(
            "Kravet (spesialist i allmennmedisin, i spesialisering eller dokumentert unntak) "
            "står i domain.md § 10; datoen 1.3.2017 er fra saken og er ikke lest i kilden."
        ),
    ),
    Parameter("agreement_extension_age_cap", 75, _OLD, "fastlegeforskriften 2012 § 32"),
    Parameter(
        "agreement_extension_age_cap",
        80,
        _NEW,
        "fastlegeforskriften § 12",
        note="Endring av § 12 fra 1.1.2027 (FOR-2026-09-23-1891) er ikke lest.",
    ),
    Parameter("agreement_notice_months", 6, _NEW, "fastlegeforskriften § 12"),
    Parameter("household_child_age_limit", 16, _OLD, "fastlegeforskriften 2012 § 35 (merknad)"),
    Parameter(
        "agreement_notice_months",
        6,
        _OLD,
        "fastlegeforskriften 2012 § 32",
        verified=False,
        note="Teksten i gammel § 32 er ikke lest; antatt lik ny § 12 (seks måneder).",
    ),
    Parameter(
        "switch_effective_day_of_next_month",
        1,
        _OLD,
        "pasientrettighetsforskriften § 6; helsenorge.no/behandlere/bytte-av-fastlege",
        note="Et bytte gjelder fra den 1. i måneden etter at det er registrert.",
    ),
    Parameter(
        "switch_quota_year_basis",
        "effective_on",
        _OLD,
        "pasientrettighetsforskriften § 6 (merknad: «per kalenderår»)",
        verified=False,
        note=(
            "Kildene sier ikke om et bytte regnes i året det registreres eller året det "
            "gjelder fra. Vi regner året det gjelder fra ('effective_on'); 'requested_on' "
            "er det andre valget."
        ),
    ),
    Parameter(
        "waiting_list_order",
        "first_come_first_served",
        _OLD,
        "helsenorge.no (ufullstendig kilde)",
        verified=False,
        note=(
            "Rekkefølgen innen ventelisten er [UNVERIFIED] i domain.md § 3.3; "
            "vi bruker ansiennitet (først til mølla)."
        ),
    ),
    Parameter(
        "child_same_address_basis",
        "household_then_postal_code",
        _OLD,
        "pasientrettighetsforskriften § 5",
        verified=False,
        note=(
            "Registeret har ikke adresser. «Samme adresse» er samme husstandsnummer når begge "
            "har det, ellers samme kommune og postnummer. Felles foreldreansvar antas når "
            "barnet har to registrerte foreldre (foreldreansvar er ikke registrert her)."
        ),
    ),
    Parameter(
        "child_with_parent_despite_opt_out",
        True,
        _OLD,
        "pasientrettighetsforskriften § 5; Helfo ufordelte (ufullstendig kilde)",
        verified=False,
        note=(
            "Helfo-siden om kommuner som har slått av automatisk tildeling nevner et unntak "
            "for barn under 16 år, men teksten er avkuttet (domain.md § 3.4). Vi setter barn "
            "på en forelders liste også der tildelingen er slått av."
        ),
    ),
    Parameter(
        "sami_speakers_first_on_waiting_list",
        True,
        _NEW,
        "fastlegeforskriften § 36",
        verified=False,
        note=(
            "§ 36: samisktalende har prioritet på listen til samisktalende fastleger i "
            "forvaltningsområdet for samisk språk. Vi gir dem forrang i ventelisten til en "
            "samisktalende fastlege med liste i en kommune i forvaltningsområdet, hver gruppe "
            "etter ansiennitet. Ulest: om forrangen også gjelder ufordelte, om den gjelder "
            "vikarer og lister uten fast lege, og hva «samisktalende» krever (vi bruker "
            "innbyggerens egen opplysning)."
        ),
    ),
    Parameter(
        "sami_speakers_first_on_waiting_list",
        True,
        _OLD,
        "fastlegeforskriften 2012 § 36",
        verified=False,
        note=(
            "Som ny § 36 (merknaden sier at regelen videreføres); teksten i gammel § 36 "
            "er ikke lest."
        ),
    ),
    Parameter(
        "d_number_placed_by_hand",
        True,
        _OLD,
        "Helsedirektoratet: ufordelte personer med rett til plass (FLO); domain.md § 3.1",
        note=(
            "Asylsøkere med D-nummer tildeles ikke automatisk; Helfo (her: kommunen) "
            "plasserer dem for hånd. Med fødselsnummer gjelder automatisk tildeling."
        ),
    ),
    Parameter(
        "substitute_max_total_percentage",
        100,
        _OLD,
        "Helfo: vikar for lege (ikke krav for samme dato og tid)",
        note="Vikarer på samme liste og samme vikar på flere lister: til sammen høyst 100 %.",
    ),
    Parameter(
        "wind_down_min_age",
        60,
        _OLD,
        "Helfo: kommunen sitt ansvar for legetenesta (deleliste); domain.md § 2",
        note=(
            "Deleliste kan avtales av leger over 60 år som planlegger å trappe ned og "
            "overdra praksisen. «Over 60» leses som fylt 60 år den dagen nedtrappingen "
            "starter."
        ),
    ),
    Parameter(
        "wind_down_other_conditions_checked",
        False,
        _OLD,
        "Helfo: kommunen sitt ansvar for legetenesta (deleliste; avkuttet kilde)",
        verified=False,
        note=(
            "Kilden er avkuttet etter alderskravet (domain.md § 2: «at least 50 p…»). De "
            "øvrige vilkårene (f.eks. en minste andel av praksisen, varighet, listetak for "
            "hver lege) er ikke kjent og sjekkes ikke: registeret godtar en deleliste når "
            "legen er fast lege på listen og har fylt «wind_down_min_age» år. Kommunen må "
            "selv sjekke resten."
        ),
    ),
    Parameter(
        "waiting_list_release_batch",
        10,
        _OLD,
        "helsenorge.no (ufullstendig kilde)",
        verified=False,
        note="«10 ledige plasser»-regelen er bare delvis dokumentert; se domain.md § 3.3.",
    ),
)


def param(name: str, on: datetime.date | None = None) -> Any:
    """The value of parameter ``name`` in force on ``on`` (default: today)."""
    return rule(name, on).value


def rule(name: str, on: datetime.date | None = None) -> Parameter:
    on = on or datetime.date.today()
    candidates = [p for p in PARAMETERS if p.name == name and p.effective_from <= on]
    if not candidates:
        raise KeyError(f"no parameter {name!r} in force on {on}")
    return max(candidates, key=lambda p: p.effective_from)


def ceiling_limits(on: datetime.date | None = None) -> tuple[int, int]:
    """(lowest allowed, highest allowed) list ceiling. § 10: at most 2 500."""
    return 0, int(param("max_list_ceiling", on))


def ceiling_needs_approval(ceiling: int, on: datetime.date | None = None) -> bool:
    """§ 10: a ceiling below 500 must be agreed with the municipality."""
    return ceiling < int(param("min_ceiling_without_approval", on))


# --- Dates ------------------------------------------------------------------


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def is_first_of_month(day: datetime.date) -> bool:
    return day.day == 1


def first_of_next_month(day: datetime.date) -> datetime.date:
    return add_months(day.replace(day=1), 1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus whole months; the day is clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    next_first = datetime.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_first - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last_day))


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


# --- Switching (pasientrettighetsforskriften §§ 4–6) -------------------------


def switch_effective_on(registered_on: datetime.date) -> datetime.date:
    """§ 6 / helsenorge: a switch applies from the 1st of the month after it is registered."""
    day = int(param("switch_effective_day_of_next_month", registered_on))
    return first_of_next_month(registered_on).replace(day=day)


def quota_year(requested_on: datetime.date, effective_on: datetime.date) -> int:
    """The calendar year a switch counts in (§ 6 merknad; basis is a named parameter)."""
    basis = param("switch_quota_year_basis", requested_on)
    return effective_on.year if basis == "effective_on" else requested_on.year


def ordinary_switches_per_year(on: datetime.date) -> int:
    """§ 6: at most two switches per calendar year."""
    return int(param("ordinary_switches_per_year", on))


def switch_quota_used_up(used: int, on: datetime.date) -> bool:
    return used >= ordinary_switches_per_year(on)


def child_switch_refusal(
    age: int, *, by_parent: bool, parental_consent: bool, on: datetime.date
) -> str | None:
    """Who may ask for a child's switch (§ 6 second paragraph, § 5).

    From 16 the child decides alone (a parent then needs a power of attorney,
    which this system does not hold). From 12 the child may ask with parental
    consent. Under 12 the parents ask. Returns an error code, or None if allowed.
    """
    self_decides = int(param("child_age_self_decides", on))
    with_consent = int(param("child_age_with_consent", on))
    if by_parent:
        return "child_decides_self" if age >= self_decides else None
    if age >= self_decides:
        return None
    if age >= with_consent:
        return None if parental_consent else "parental_consent_required"
    return "child_too_young"


def child_may_join_parents_closed_list(child_age: int, on: datetime.date) -> bool:
    """§ 4 a: children under 16 of people already on a closed list have a right to join it."""
    return child_age < int(param("closed_list_child_age_limit", on))


@dataclass(frozen=True)
class Address:
    """What the register holds about where a person lives (no street addresses)."""

    household: int | None
    postal_code: str | None
    municipality: str | None


def same_address(a: Address, b: Address, on: datetime.date) -> bool:
    """Whether two people are registered at the same address, for § 5.

    Named parameter ``child_same_address_basis`` (unverified): the same household
    number when both have one; otherwise the same municipality and postal code;
    unknown (missing data) is not the same address.
    """
    basis = param("child_same_address_basis", on)
    if basis != "household_then_postal_code":
        raise ValueError(f"unknown address basis {basis!r}")
    if a.household is not None and b.household is not None:
        return a.household == b.household
    if a.postal_code and b.postal_code and a.municipality and b.municipality:
        return a.postal_code == b.postal_code and a.municipality == b.municipality
    return False


@dataclass(frozen=True)
class Parent:
    """A registered parent as the § 5 rule sees them: address and usable list (or None)."""

    address: Address
    list_id: int | None


def child_follows_parent(
    child_age: int,
    child: Address,
    mother: Parent | None,
    father: Parent | None,
    on: datetime.date,
) -> int | None:
    """The parent's list a child goes on when nobody chooses (pasientrettighetsforskriften § 5).

    Only for a child under 16. Joint responsibility (both parents registered)
    and the same address: the mother's list. Different addresses: the list of
    the parent who shares the child's address. A parent who does not share the
    child's address is never used. When the parent the rule picks has no usable
    list (``list_id`` None: no list, list ended, GP blocked for the child), the
    other parent at the child's address is tried, as for newborns
    (``register_birth``); None: the child is placed the normal way.
    """
    if child_age >= int(param("child_age_self_decides", on)):
        return None
    at_home = [
        p for p in (mother, father) if p is not None and same_address(p.address, child, on)
    ]  # mother first: § 5 "the mother's list" when both live with the child
    for parent in at_home:
        if parent.list_id is not None:
            return parent.list_id
    return None


def waiting_queue_order(entries: Sequence[tuple[int, bool]], *, sami_priority: bool) -> list[int]:
    """The order a waiting list is served in: ``entries`` are (entry id, speaks Sami) in
    order of joining. First come, first served (``waiting_list_order``); on the list of
    a Sami-speaking GP in the Sami language area, Sami speakers first, each group in
    order of joining (fastlegeforskriften § 36, ``sami_speakers_first_on_waiting_list``)."""
    if not sami_priority:
        return [entry for entry, _sami in entries]
    return [e for e, sami in entries if sami] + [e for e, sami in entries if not sami]


def sami_priority_applies(gp_speaks_sami: bool, list_in_sami_area: bool, on: datetime.date) -> bool:
    """§ 36: the list's regular GP speaks Sami and the list is in the Sami language area."""
    return (
        bool(param("sami_speakers_first_on_waiting_list", on))
        and gp_speaks_sami
        and list_in_sami_area
    )


def returnee_may_rejoin(left_on: datetime.date, returned_on: datetime.date) -> bool:
    """§ 4 b: a former list resident who moves back after at most three years away."""
    years = int(param("returnee_max_years", returned_on))
    return left_on <= returned_on <= add_months(left_on, 12 * years)


# --- Ceilings and notice (fastlegeforskriften §§ 10–12) -----------------------


def ceiling_in_range(ceiling: int, on: datetime.date | None = None) -> bool:
    low, high = ceiling_limits(on)
    return low <= ceiling <= high


def reduction_notice_ok(
    requested_on: datetime.date, effective_on: datetime.date, shorter_notice_approved: bool
) -> bool:
    """§ 11: a reduction is asked for six months ahead unless a shorter notice is agreed."""
    if shorter_notice_approved:
        return True
    months = int(param("reduction_notice_months", requested_on))
    return effective_on >= add_months(requested_on, months)


def agreement_notice_ok(
    notice_given_on: datetime.date, end_on: datetime.date, shorter_notice_agreed: bool
) -> bool:
    """§ 12: municipality and self-employed GP terminate with six months' notice."""
    if shorter_notice_agreed:
        return True
    months = int(param("agreement_notice_months", notice_given_on))
    return end_on >= add_months(notice_given_on, months)


def doctor_too_old(birth_date: datetime.date, on: datetime.date) -> bool:
    """§ 12: no agreement after the doctor has turned 80 (75 before 2026)."""
    return age_on(birth_date, on) >= int(param("agreement_extension_age_cap", on))


# --- The age limit (fastlegeforskriften § 12) ----------------------------------


def birthday(birth_date: datetime.date, age: int) -> datetime.date:
    """The day the person turns ``age`` (29 February → 28 February in other years)."""
    return add_months(birth_date, 12 * age)


def age_limit_end_on(birth_date: datetime.date, age: int) -> datetime.date:
    """The day an agreement ends because its doctor has turned ``age``.

    § 12 says the agreement ends at 70 (and an extension may not go beyond 80)
    but not on which day; ``agreement_age_end_day`` (verified=False) is our
    choice: the 1st of the month after the birthday, as lists change on the 1st.
    The day is excluded (half-open periods): the doctor holds the list until the
    day before.
    """
    turns = birthday(birth_date, age)
    basis = param("agreement_age_end_day", max(turns, _OLD))
    if basis != "first_of_month_after_birthday":  # pragma: no cover - one documented choice
        raise ValueError(basis)
    return first_of_next_month(turns)


def end_age_for(birth_date: datetime.date) -> int:
    """§ 12: the age at which the doctor's agreement ends (``agreement_end_age``, 70),
    as in force when they reach it (the oldest row for earlier dates)."""
    return int(param("agreement_end_age", max(birthday(birth_date, 70), _OLD)))


def agreement_age_end_on(birth_date: datetime.date) -> datetime.date:
    """§ 12: the day an unextended agreement ends, at 70 (``agreement_end_age``)."""
    return age_limit_end_on(birth_date, end_age_for(birth_date))


def latest_extension_end(birth_date: datetime.date, decided_on: datetime.date) -> datetime.date:
    """§ 12: the latest day a time-limited extension may run to: the cap in force on
    the decision day (80 from 2026, 75 before), ended as at 70."""
    cap = int(param("agreement_extension_age_cap", decided_on))
    return age_limit_end_on(birth_date, cap)


def agreement_ends_for_age_on(
    birth_date: datetime.date, extended_until: datetime.date | None = None
) -> datetime.date:
    """The day the doctor's agreement ends because of age: at 70, or when a
    time-limited extension (``extended_until``, the day it no longer applies) runs out."""
    natural = agreement_age_end_on(birth_date)
    if extended_until is not None and extended_until > natural:
        return extended_until
    return natural


def may_hold_agreement(
    birth_date: datetime.date, on: datetime.date, extended_until: datetime.date | None = None
) -> bool:
    """§ 12: may the doctor be a list's regular GP on ``on``? Below the age limit,
    or within a time-limited extension."""
    return on < agreement_ends_for_age_on(birth_date, extended_until)


def old_enough_to_wind_down(birth_date: datetime.date, starts_on: datetime.date) -> bool:
    """Deleliste (Helfo; domain.md § 2): a regular GP who has turned
    ``wind_down_min_age`` (60) on the day the wind-down starts may agree a shared list
    to wind down and hand over the practice. The source's remaining conditions are cut
    off and not checked (``wind_down_other_conditions_checked``, verified=False)."""
    return age_on(birth_date, starts_on) >= int(param("wind_down_min_age", starts_on))


# --- Competence (kompetanseforskriften § 3) -----------------------------------


def meets_competence_requirement(
    on: datetime.date,
    *,
    specialist: bool,
    alis_from: datetime.date | None,
    alis_to: datetime.date | None,
    exemption: bool,
    exemption_until: datetime.date | None,
) -> bool:
    """May a doctor be given a list from ``on``? (kompetanseforskriften § 3)

    A specialist in general practice; or in specialisation, shown by an ALIS
    agreement in force on ``on`` (half-open, ``alis_to`` excluded); or with a
    documented exemption not yet expired. No requirement before
    ``competence_requirement_from``.
    """
    if on < param("competence_requirement_from", max(on, _OLD)):
        return True
    if specialist:
        return True
    if alis_from is not None and alis_from <= on and (alis_to is None or on < alis_to):
        return True
    return exemption and (exemption_until is None or on < exemption_until)


# --- Substitutes (vikar): no double claims for the same time -----------------

Period = tuple[datetime.date, datetime.date | None, int]


def max_concurrent_percentage(periods: Iterable[Period]) -> int:
    """The highest summed percentage on any day covered by the half-open periods."""
    events: list[tuple[datetime.date, int]] = []
    for start, end, pct in periods:
        events.append((start, pct))
        if end is not None:
            events.append((end, -pct))
    load = peak = 0
    for _day, delta in sorted(events, key=lambda e: (e[0], e[1])):  # ends before starts
        load += delta
        peak = max(peak, load)
    return peak


def substitute_load_ok(periods: Iterable[Period], on: datetime.date) -> bool:
    return max_concurrent_percentage(periods) <= int(param("substitute_max_total_percentage", on))


# --- List reduction: random draw keeping households together (§ 11) ----------


@dataclass(frozen=True)
class Member:
    """A list resident as the reduction draw sees them."""

    id: int
    household: int | None
    birth_date: datetime.date
    parent_households: tuple[int | None, ...] = ()


def household_units(members: Sequence[Member], on: datetime.date) -> list[list[int]]:
    """Group list residents into the units a reduction draw moves together (§ 11).

    A family registered in the same household stays together; a child aged 16
    or more (a resident whose parent is registered in the same household) is
    not counted as family and forms a unit alone. Canonical order: each unit
    sorted by id, units sorted by their first id.
    """
    limit = int(param("household_child_age_limit", on))
    groups: dict[tuple[str, int], list[int]] = {}
    for m in members:
        is_grown_child = (
            m.household is not None
            and m.household in m.parent_households
            and age_on(m.birth_date, on) >= limit
        )
        key = ("p", m.id) if m.household is None or is_grown_child else ("h", m.household)
        groups.setdefault(key, []).append(m.id)
    units = [sorted(ids) for ids in groups.values()]
    units.sort(key=lambda u: u[0])
    return units


@dataclass(frozen=True)
class DrawResult:
    # (unit number in draw order, resident ids, target list id)
    assignments: tuple[tuple[int, tuple[int, ...], int], ...]

    @property
    def drawn(self) -> int:
        return sum(len(ids) for _n, ids, _t in self.assignments)


def draw_reduction(
    units: Sequence[Sequence[int]],
    plan: Sequence[tuple[int, int]],
    seed: int,
    allowed: Callable[[Sequence[int], int], bool] | None = None,
) -> DrawResult:
    """Draw who moves, by lot, and to which list (§ 11). Pure and reproducible.

    ``units`` in canonical order (see ``household_units``), ``plan`` as
    ``(target list id, places)`` pairs. The units are shuffled with
    ``random.Random(seed)``; each unit in turn goes whole to the first target
    in the plan with room for all of it (and ``allowed``), and units that fit
    nowhere stay. It stops when every target is full. The same inputs always
    give the same result.
    """
    order = [tuple(u) for u in units]
    random.Random(seed).shuffle(order)
    room = {target: count for target, count in plan}
    targets = [target for target, _count in plan]
    out: list[tuple[int, tuple[int, ...], int]] = []
    for number, unit in enumerate(order, start=1):
        if not any(room.values()):
            break
        for target in targets:
            if room[target] >= len(unit) and (allowed is None or allowed(unit, target)):
                room[target] -= len(unit)
                out.append((number, unit, target))
                break
    return DrawResult(tuple(out))
