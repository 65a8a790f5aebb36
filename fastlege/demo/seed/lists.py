"""Practices, doctors, agreements (lists) and doctor periods for one municipality.

A list with a regular GP has one open LPFL period; some had an earlier GP
who left or handed the list over. A list without a regular GP (ubesatt) had an
LPFL period that ended when the GP left ("vacant since"); most are served by a
substitute (LPVI) without ``substitute_for``. A few lists with a GP have a
substitute covering the GP's leave.

Ceilings honour the regulation (at most 2 500; below 500 only when the
municipality approved it) and sum exactly to KOSTRA's capacity. Open lists
get a ceiling above their length and closed lists one at or below it where
the totals allow; a closed list that still has free places is marked as
closed by hand (``locked_by_hand``).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from stdnum.no import orgnr

from fastlege.demo.seed import names
from fastlege.demo.seed.calendar import SCHEME_START_MONTH, Calendar
from fastlege.demo.seed.plan import KostraTarget, MunicipalityPlan

MAX_CEILING = 2500
LOW_CEILING = 500
STEP = 50

# Share of lists with a GP that are salaried (municipally employed), by SSB
# centrality class: about one in five nationally, more in rural municipalities.
SALARIED_BY_CENTRALITY = {1: 0.12, 2: 0.14, 3: 0.2, 4: 0.27, 5: 0.38, 6: 0.5}
PRACTICE_SIZES = (1, 2, 3, 4, 5, 6, 7, 8)
PRACTICE_SIZE_WEIGHTS = (6, 10, 16, 20, 17, 13, 10, 8)


@dataclass
class ListInfo:
    """What the resident generator needs to know about a list."""

    id: int
    municipality: str
    valid_from_month: int
    length: int
    has_gp: bool


@dataclass
class ListRows:
    practices: list[tuple] = field(default_factory=list)
    doctors: list[tuple] = field(default_factory=list)
    agreements: list[tuple] = field(default_factory=list)
    periods: list[tuple] = field(default_factory=list)


PRACTICE_FIELDS = (
    "id",
    "name",
    "org_number",
    "address",
    "postal_code",
    "municipality",
    "is_municipal",
)
COMPETENCE_EXEMPTION = "Midlertidig unntak fra kompetansekravet (testdata)"
DOCTOR_FIELDS = (
    "id",
    "hpr_number",
    "first_name",
    "last_name",
    "birth_date",
    "sex",
    "specialty",
    "alis_from",
    "alis_to",
    "competence_exemption",
)
AGREEMENT_FIELDS = (
    "id",
    "municipality",
    "practice",
    "ceiling",
    "low_ceiling_approved",
    "is_open",
    "locked_by_hand",
    "is_shared_list",
    "is_salaried",
    "valid_from",
    "valid_to",
    "end_reason",
    "created_at",
)
PERIOD_FIELDS = (
    "id",
    "agreement",
    "doctor",
    "role",
    "substitute_for",
    "percentage",
    "valid_from",
    "valid_to",
    "end_reason",
)


class NumberAllocator:
    """Synthetic HPR numbers (nine digits, starting with 9) and organisation
    numbers (nine digits starting with 9, valid mod-11 check digit).

    Numbers already in the database are skipped.
    """

    def __init__(self, rng: random.Random, taken_hpr: set[str], taken_org: set[str]) -> None:
        self._hpr = 900_000_000 + rng.randrange(0, 5_000_000)
        self._org = 90_000_000 + rng.randrange(0, 5_000_000)  # the first eight digits
        self._taken_hpr = taken_hpr
        self._taken_org = taken_org

    def hpr(self) -> str:
        while True:
            self._hpr += 1
            number = str(self._hpr)
            if number not in self._taken_hpr:
                self._taken_hpr.add(number)
                return number

    def org(self) -> str:
        while True:
            self._org += 1
            prefix = str(self._org)
            for digit in "0123456789":
                number = prefix + digit
                if orgnr.is_valid(number):
                    break
            else:
                continue  # check digit would be 10: never issued
            if number not in self._taken_org:
                self._taken_org.add(number)
                return number


class IdCounter:
    def __init__(self, start: int) -> None:
        self.next = start

    def take(self) -> int:
        value = self.next
        self.next += 1
        return value


@dataclass
class ListContext:
    calendar: Calendar
    numbers: NumberAllocator
    practice_ids: IdCounter
    doctor_ids: IdCounter
    agreement_ids: IdCounter
    period_ids: IdCounter
    created_at: object  # adapted datetime value for Agreement.created_at


def split_total(rng: random.Random, total: int, parts: int, spread: float) -> list[int]:
    """``total`` split into ``parts`` whole numbers of varying size (exact sum)."""
    if parts <= 0:
        return []
    weights = [
        min(1.9, max(0.05 if spread > 0.3 else 0.3, rng.gauss(1.0, spread))) for _ in range(parts)
    ]
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    out = [int(r) for r in raw]
    rest = total - sum(out)
    order = sorted(range(parts), key=lambda i: (raw[i] - out[i], rng.random()), reverse=True)
    for i in order[:rest]:
        out[i] += 1
    return out


def choose_open(
    rng: random.Random, lengths: list[int], has_gp: list[bool], count: int
) -> list[bool]:
    """Which lists are open: shorter lists and lists with a GP more often."""
    n = len(lengths)
    if count >= n:
        return [True] * n
    mean = sum(lengths) / n if n else 0
    keys = []
    for i in range(n):
        weight = (1.0 if has_gp[i] else 0.6) * (1.6 if lengths[i] < mean else 1.0)
        keys.append((rng.random() ** (1.0 / weight), i))
    chosen = {i for _, i in sorted(keys, reverse=True)[:count]}
    return [i in chosen for i in range(n)]


def assign_ceilings(
    rng: random.Random, lengths: list[int], is_open: list[bool], total: int
) -> tuple[list[int], list[bool]]:
    """Ceilings summing exactly to ``total`` (KOSTRA's capacity).

    Returns (ceilings, locked_by_hand). Ceilings are mostly multiples of 50.
    """
    n = len(lengths)
    ceilings: list[int] = []
    for length, open_ in zip(lengths, is_open, strict=True):
        if open_:
            free = rng.randint(20, max(40, length // 6))
            c = -(-(length + free) // STEP) * STEP
        else:
            c = (length // STEP) * STEP if length >= STEP else length
        ceilings.append(min(max(c, 0), MAX_CEILING))
    rest = total - sum(ceilings)
    order = list(range(n))
    rng.shuffle(order)
    opens = [i for i in order if is_open[i]]
    closed = [i for i in order if not is_open[i]]

    def shift(idx: list[int], bound: list[int], rest: int) -> int:
        """Move ``rest`` (sign = direction) onto lists ``idx``, each up to its bound."""
        while rest:
            moved = False
            for i in idx:
                room = bound[i] - ceilings[i] if rest > 0 else ceilings[i] - bound[i]
                if room <= 0:
                    continue
                step = min(STEP, room, abs(rest))
                ceilings[i] += step if rest > 0 else -step
                rest -= step if rest > 0 else -step
                moved = True
                if not rest:
                    break
            if not moved:
                break
        return rest

    top = [MAX_CEILING] * n
    if rest > 0:
        rest = shift(opens, top, rest)
        rest = shift(closed, [min(MAX_CEILING, x) for x in lengths], rest)
        rest = shift(closed, top, rest)
        rest = shift(opens + closed, top, rest)
    elif rest < 0:
        rest = shift(closed, [int(x * 0.75) for x in lengths], rest)
        rest = shift(opens, [min(MAX_CEILING, x + 1) for x in lengths], rest)
        rest = shift(closed, [min(x, 100) for x in lengths], rest)
        rest = shift(opens + closed, [0] * n, rest)
    locked = [not is_open[i] and ceilings[i] > lengths[i] for i in range(n)]
    return ceilings, locked


def _group(rng: random.Random, items: list[int], max_size: int | None = None) -> list[list[int]]:
    groups: list[list[int]] = []
    i = 0
    while i < len(items):
        size = rng.choices(PRACTICE_SIZES, weights=PRACTICE_SIZE_WEIGHTS)[0]
        if max_size:
            size = min(size, max_size)
        groups.append(items[i : i + size])
        i += size
    return groups


def _pick_month(rng: random.Random, low: int, high: int) -> int:
    return low if high <= low else rng.randint(low, high)


class _DoctorMaker:
    def __init__(self, rng: random.Random, ctx: ListContext, rows: ListRows) -> None:
        self.rng = rng
        self.ctx = ctx
        self.rows = rows

    def make(self, age_on_state: int, *, female: bool | None = None, new_gp: bool = False) -> int:
        rng = self.rng
        cal = self.ctx.calendar
        if female is None:
            female = rng.random() < 0.5
        age = max(27, min(100, age_on_state))
        first, last = cal.birth_range(age)
        birth = cal.day(rng.randint(first, last))[0]
        gen = names.generation(birth.year)
        first_name = rng.choice(names.FEMALE[gen] if female else names.MALE[gen])
        last_name = rng.choice(names.SURNAMES)
        alis_from = alis_to = None
        if age < 36 or (new_gp and rng.random() < 0.5):
            specialty = "alis"
            start = cal.state_month - rng.randint(2, 50)
            alis_from = cal.month_iso(start)
            alis_to = cal.month_iso(start + 60)
        else:
            r = rng.random()
            specialty = "spesialist" if r < 0.8 else ("alis" if r < 0.9 else "ingen")
            if specialty == "alis":
                start = cal.state_month - rng.randint(2, 50)
                alis_from = cal.month_iso(start)
                alis_to = cal.month_iso(start + 60)
        doctor_id = self.ctx.doctor_ids.take()
        self.rows.doctors.append(
            (
                doctor_id,
                self.ctx.numbers.hpr(),
                first_name,
                last_name,
                birth.isoformat(),
                "K" if female else "M",
                specialty,
                alis_from,
                alis_to,
                # Neither specialist nor in training: a documented exemption, or the
                # doctor could not hold a list (kompetanseforskriften § 3).
                COMPETENCE_EXEMPTION if specialty == "ingen" else "",
            )
        )
        return doctor_id


def _practice_name(
    rng: random.Random, plan: MunicipalityPlan, place: str, municipal: bool, used: set[str]
) -> str:
    street = rng.choice(names.STREETS)
    if municipal:
        patterns = [
            f"{plan.name} kommunale legekontor",
            f"{place} legekontor",
            f"{place} helsesenter",
            f"{plan.name} legesenter",
        ]
    else:
        patterns = [
            f"{place} legesenter",
            f"Legegruppen {place}",
            f"{street} legekontor",
            f"Legene i {street}",
            f"{place} legekontor",
            f"Legesenteret {street}",
        ]
    rng.shuffle(patterns)
    for name in patterns:
        if name not in used:
            used.add(name)
            return name
    k = 2
    while f"{patterns[0]} {k}" in used:
        k += 1
    used.add(f"{patterns[0]} {k}")
    return f"{patterns[0]} {k}"


def make_lists(
    rng: random.Random, plan: MunicipalityPlan, ctx: ListContext, rows: ListRows
) -> list[ListInfo]:
    """Create the practices, doctors, lists and doctor periods of one municipality."""
    target = plan.target
    assert target is not None
    cal = ctx.calendar
    state = cal.state_month
    lengths = split_total(rng, target.members_with_gp, target.lists_with_gp, 0.22)
    lengths += split_total(rng, target.members_without_gp, target.lists_without_gp, 0.45)
    has_gp = [True] * target.lists_with_gp + [False] * target.lists_without_gp
    n = len(lengths)
    is_open = choose_open(rng, lengths, has_gp, target.open_lists)
    ceilings, locked = assign_ceilings(rng, lengths, is_open, target.capacity)

    gp_lists = [i for i in range(n) if has_gp[i]]
    vacant = [i for i in range(n) if not has_gp[i]]
    rate = SALARIED_BY_CENTRALITY.get(plan.centrality or 4, 0.25)
    n_salaried = int(len(gp_lists) * rate + rng.random())
    rng.shuffle(gp_lists)
    salaried = set(gp_lists[:n_salaried])
    municipal = sorted(salaried) + [i for i in vacant if rng.random() < (0.5 if salaried else 0.35)]
    municipal_set = set(municipal)
    private = [i for i in range(n) if i not in municipal_set]
    rng.shuffle(private)
    female = set(rng.sample(sorted(i for i in range(n) if has_gp[i]), _female_count(target)))

    practice_of: dict[int, int] = {}
    shared: set[int] = set()
    used_names: set[str] = set()
    codes = plan.postal_codes or [("", plan.name)]
    for is_municipal, groups in (
        (True, _group(rng, municipal, max_size=6)),
        (False, _group(rng, private)),
    ):
        for group in groups:
            code, place = rng.choice(codes)
            practice_id = ctx.practice_ids.take()
            rows.practices.append(
                (
                    practice_id,
                    _practice_name(rng, plan, place, is_municipal, used_names),
                    ctx.numbers.org(),
                    f"{rng.choice(names.STREETS)} {rng.randint(1, 60)}",
                    code or None,
                    plan.number,
                    is_municipal,
                )
            )
            if len(group) > 1 and rng.random() < (0.3 if is_municipal else 0.1):
                shared.update(group)
            for i in group:
                practice_of[i] = practice_id

    doctors = _DoctorMaker(rng, ctx, rows)
    infos: list[ListInfo] = []
    for i in range(n):
        agreement_id = ctx.agreement_ids.take()
        periods: list[tuple[int, str, int | None, int, int | None, str, int]] = []
        if has_gp[i]:
            agreement_from = (
                SCHEME_START_MONTH
                if rng.random() < 0.4
                else _pick_month(rng, SCHEME_START_MONTH + 7, state - 3)
            )
            # Under 70 at the end state: an agreement ends at 70 unless the municipality
            # extends it (fastlegeforskriften § 12), and the seed records no extensions.
            age = int(min(69, max(30, rng.gauss(48, 10))))
            earliest_start = state - (age - 29) * 12
            gp_from = max(agreement_from, earliest_start)
            if rng.random() < 0.5:
                gp_from = _pick_month(rng, gp_from, state - 1)
            gp = doctors.make(age, female=i in female, new_gp=gp_from > state - 60)
            if gp_from > agreement_from:
                reason = rng.choice(("overtatt", "overtatt", "alder", "sluttet"))
                age_then = 70 if reason == "alder" else rng.randint(35, 68)
                previous = doctors.make(age_then + (state - gp_from) // 12)
                periods.append((previous, "LPFL", None, agreement_from, gp_from, reason, 100))
            percentage = 100 if rng.random() < 0.9 else rng.choice((60, 80))
            periods.append((gp, "LPFL", None, gp_from, None, "", percentage))
            if rng.random() < 0.03:  # leave (e.g. parental leave) covered by a substitute
                sub = doctors.make(int(rng.uniform(30, 60)))
                start = _pick_month(rng, state - 6, state)
                periods.append((sub, "LPVI", gp, start, None, "", 100))
        else:
            # Vacant since: about a third for more than a year (official indicator).
            if rng.random() < 0.35:
                vacant_from = state - rng.randint(13, 48)
            else:
                vacant_from = state - rng.randint(1, 12)
            agreement_from = _pick_month(
                rng, SCHEME_START_MONTH, max(SCHEME_START_MONTH, vacant_from - 24)
            )
            if rng.random() < 0.4:
                agreement_from = SCHEME_START_MONTH
            gp_from = _pick_month(rng, agreement_from, max(agreement_from, vacant_from - 12))
            reason = rng.choice(("sluttet", "sluttet", "sluttet", "alder", "annet"))
            age_then = 70 if reason == "alder" else rng.randint(35, 66)
            former = doctors.make(age_then + (state - vacant_from) // 12)
            periods.append((former, "LPFL", None, gp_from, vacant_from, reason, 100))
            if rng.random() < 0.75:
                sub = doctors.make(int(rng.uniform(29, 66)))
                sub_from = _pick_month(rng, vacant_from, min(state, vacant_from + 2))
                percentage = 100 if rng.random() < 0.7 else rng.choice((50, 60, 80))
                periods.append((sub, "LPVI", None, sub_from, None, "", percentage))
        for doctor_id, role, substitute_for, start, end, reason, percentage in periods:
            rows.periods.append(
                (
                    ctx.period_ids.take(),
                    agreement_id,
                    doctor_id,
                    role,
                    substitute_for,
                    percentage,
                    cal.month_iso(start),
                    cal.month_iso(end) if end is not None else None,
                    reason,
                )
            )
        rows.agreements.append(
            (
                agreement_id,
                plan.number,
                practice_of[i],
                ceilings[i],
                ceilings[i] < LOW_CEILING,
                is_open[i],
                locked[i],
                i in shared,
                i in salaried or (not has_gp[i] and i in municipal_set),
                cal.month_iso(agreement_from),
                None,
                "",
                ctx.created_at,
            )
        )
        infos.append(ListInfo(agreement_id, plan.number, agreement_from, lengths[i], has_gp[i]))
    return infos


def _female_count(target: KostraTarget) -> int:
    return max(0, min(target.female_gps, target.lists_with_gp))


def agreement_created_at(state_date: datetime.date) -> datetime.datetime:
    """A fixed creation time, so the same seed gives identical rows."""
    return datetime.datetime.combine(state_date, datetime.time(0, 0), tzinfo=datetime.UTC)
