"""Residents: age and sex, households, identity numbers, names and list places.

One call of :func:`generate_chunk` makes a batch (a "district" of at most
``CHUNK_SIZE`` people) of one home municipality and returns ready-to-write
rows, so memory stays flat however large the seed.

Households: children live with their mother and/or father (``mother`` /
``father`` set, same ``household`` number); the rest of the adults live as
couples or alone. Children under 16 are placed on the list of the parent they
follow (the mother as a rule, pasientrettighetsforskriften § 5); everyone else
is placed on any list that still has room in the quota the plan gave this
batch, so list lengths come out exact.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from fastlege.core.identity import make_synthetic_nin
from fastlege.demo.seed import names
from fastlege.demo.seed.calendar import SCHEME_START_MONTH, SCHEME_START_ORDINAL, Calendar

CHUNK_SIZE = 100_000
MAX_AGE = 104
CHILD_UNIT_AGE = 16  # children under 16 follow a parent's list (§ 5)

# Norway's population by five-year age group (thousands, men / women), rounded
# from SSB's population statistics (table 07459) around 2025.
_AGE_GROUPS = (
    (141, 134), (153, 145), (167, 158), (168, 159), (178, 168), (190, 178), (200, 190),
    (200, 189), (190, 180), (190, 180), (198, 188), (190, 182), (170, 166), (150, 150),
    (140, 145), (110, 122), (62, 77), (30, 45), (11, 22), (2, 6), (0.2, 0.8),
)  # fmt: skip

# Older populations in rural municipalities, younger in cities (by SSB centrality class).
_AGE_TILT = {1: -0.2, 2: -0.1, 3: 0.0, 4: 0.06, 5: 0.14, 6: 0.22}

# Share of young adults still living with their parents, by age.
_AT_HOME = {18: 0.88, 19: 0.72, 20: 0.55, 21: 0.42, 22: 0.32, 23: 0.22, 24: 0.15}

_SIBLING_OFFSETS = (-6, -5, -4, -3, -2, -2, -1, 1, 2, 2, 3, 4, 5, 6)


def _couple_probability(age: int) -> float:
    """Chance that a woman who is not living with her children lives with a partner."""
    if age < 23:
        return 0.15
    if age < 30:
        return 0.55
    if age < 50:
        return 0.7
    if age < 67:
        return 0.8
    if age < 80:
        return 0.7
    return 0.35


def _age_weights(centrality: int | None) -> list[float]:
    """Weights for keys ``age * 2 + male`` (ages 0..MAX_AGE)."""
    tilt = _AGE_TILT.get(centrality or 4, 0.0)
    weights: list[float] = []
    for age in range(MAX_AGE + 1):
        men, women = _AGE_GROUPS[min(age // 5, len(_AGE_GROUPS) - 1)]
        factor = max(0.2, 1.0 + tilt * (age - 42) / 42)
        weights.append(women * factor)
        weights.append(men * factor)
    return weights


_CUM_WEIGHTS: dict[int | None, list[float]] = {}


def _cum_weights(centrality: int | None) -> list[float]:
    cum = _CUM_WEIGHTS.get(centrality)
    if cum is None:
        cum, total = [], 0.0
        for w in _age_weights(centrality):
            total += w
            cum.append(total)
        _CUM_WEIGHTS[centrality] = cum
    return cum


_KEYS = range(2 * (MAX_AGE + 1))


class NinAllocator:
    """Unique synthetic identity numbers (Tenor convention, month + 80).

    Individual numbers follow Skatteetaten's century ranges: born 1900–1999
    000–499 (and 900–999 from 1940), born 2000–2039 500–999. Even individual
    number = female. Each (birth date, sex) takes the next free number in
    descending order, skipping those whose check digits would be 10.
    """

    def __init__(self) -> None:
        self._next: dict[int, int] = {}
        self._sequences: dict[tuple[int, bool], tuple[int, ...]] = {}

    def _sequence(self, year: int, female: bool) -> tuple[int, ...]:
        group = 0 if year < 1940 else (1 if year < 2000 else 2)
        key = (group, female)
        seq = self._sequences.get(key)
        if seq is None:
            if group == 2:
                candidates = list(range(999, 499, -1))
            else:
                candidates = list(range(499, -1, -1))
                if group == 1:
                    candidates = list(range(999, 899, -1)) + candidates
            seq = tuple(c for c in candidates if (c % 2 == 0) == female)
            self._sequences[key] = seq
        return seq

    def allocate(self, calendar: Calendar, ordinal: int, female: bool) -> tuple[str, int]:
        """(number, birth ordinal); the birth date moves a day on in the (never
        seen) case that every number of a date is taken."""
        while True:
            birth = calendar.day(ordinal)[0]
            seq = self._sequence(birth.year, female)
            key = ordinal * 2 + female
            pos = self._next.get(key, 0)
            while pos < len(seq):
                number = make_synthetic_nin(birth, seq[pos])
                pos += 1
                if number is not None:
                    self._next[key] = pos
                    return number, ordinal
            self._next[key] = pos
            ordinal += 1


@dataclass
class ChunkSpec:
    municipality: str
    centrality: int | None
    postal_codes: list[tuple[str, str]]  # (code, place); empty only in odd test data
    people: int
    slots: list[int]  # list (agreement) index per listed person, any order
    unassigned: int
    opted_out: int
    guests_only: bool  # young adults living alone (guest residents from outside)


@dataclass
class PeopleContext:
    calendar: Calendar
    nins: NinAllocator
    # per list index: (agreement id, municipality, agreement start month)
    lists: list[tuple[int, str, int]]
    lists_by_municipality: dict[str, list[int]]
    next_resident_id: int
    next_household: int


RESIDENT_FIELDS = (
    "id",
    "nin",
    "first_name",
    "last_name",
    "birth_date",
    "sex",
    "municipality",
    "postal_code",
    "household",
    "mother",
    "father",
    "in_scheme",
    "status",
    "status_changed_on",
    "resident_since",
)
MEMBERSHIP_FIELDS = (
    "resident",
    "agreement",
    "valid_from",
    "valid_to",
    "begin_reason",
    "end_reason",
)


def _pop_near(
    pools: list[list[int]], target: int, low: int, high: int, reach: int, used: bytearray
) -> int:
    """Take an unused person from the pool nearest to age ``target`` (-1 if none)."""
    for d in range(reach + 1):
        for age in (target - d, target + d) if d else (target,):
            if low <= age <= high:
                pool = pools[age]
                while pool:
                    person = pool.pop()
                    if not used[person]:
                        return person
    return -1


def generate_chunk(
    rng: random.Random, spec: ChunkSpec, ctx: PeopleContext
) -> tuple[list[tuple], list[tuple]]:
    """Resident rows and membership rows for one batch of one home municipality."""
    n = spec.people
    if n == 0:
        return [], []
    rand = rng.random
    if spec.guests_only:
        keys = [rng.randint(19, 34) * 2 + (rand() < 0.5) for _ in range(n)]
    else:
        keys = rng.choices(_KEYS, cum_weights=_cum_weights(spec.centrality), k=n)
    age = [k >> 1 for k in keys]
    male = [k & 1 for k in keys]

    # --- households -------------------------------------------------------
    household = [-1] * n
    mother = [-1] * n
    father = [-1] * n
    surname: list[str] = [""] * n
    used = bytearray(n)
    order = list(range(n))
    rng.shuffle(order)
    top = MAX_AGE + 1
    child_pool: list[list[int]] = [[] for _ in range(25)]
    women: list[list[int]] = [[] for _ in range(top)]
    men: list[list[int]] = [[] for _ in range(top)]
    children: list[int] = []
    for i in order:
        a = age[i]
        if not spec.guests_only and (a < 18 or (a < 25 and rand() < _AT_HOME[a])):
            child_pool[a].append(i)
            children.append(i)
        elif male[i]:
            men[a].append(i)
        else:
            women[a].append(i)

    surnames = names.SURNAMES
    n_surnames = len(surnames)
    hh_count = 0
    for c in children:
        if used[c]:
            continue
        used[c] = 1
        group = [c]
        r = rand()
        size = 1 if r < 0.35 else (2 if r < 0.77 else (3 if r < 0.95 else 4))
        for _ in range(size - 1):
            sib = _pop_near(child_pool, age[c] + rng.choice(_SIBLING_OFFSETS), 0, 24, 2, used)
            if sib < 0:
                break
            used[sib] = 1
            group.append(sib)
        youngest = min(age[g] for g in group)
        oldest = max(age[g] for g in group)
        gap = min(44, max(19, int(rng.gauss(30.5, 5))))
        mother_age = max(youngest + gap, oldest + 18)
        r = rand()
        mom = dad = -1
        if r < 0.96:
            mom = _pop_near(women, mother_age, oldest + 17, youngest + 47, 6, used)
        if r < 0.80 or r >= 0.96 or mom < 0:
            dad = _pop_near(
                men, mother_age + int(rng.gauss(2.5, 3)), oldest + 17, youngest + 60, 6, used
            )
        family = surnames[int(rand() * n_surnames)]
        if mom >= 0:
            used[mom] = 1
            household[mom] = hh_count
            surname[mom] = family if dad < 0 or rand() < 0.6 else surnames[int(rand() * n_surnames)]
        if dad >= 0:
            used[dad] = 1
            household[dad] = hh_count
            surname[dad] = family
        for g in group:
            household[g] = hh_count
            mother[g] = mom
            father[g] = dad
            surname[g] = family
        hh_count += 1

    for i in order:
        if used[i] or male[i]:
            continue
        used[i] = 1
        household[i] = hh_count
        family = surnames[int(rand() * n_surnames)]
        surname[i] = family
        a = age[i]
        if rand() < _couple_probability(a):
            partner = _pop_near(men, a + int(rng.gauss(2, 3)), 18, MAX_AGE, 4, used)
            if partner >= 0:
                used[partner] = 1
                household[partner] = hh_count
                surname[partner] = family if rand() < 0.7 else surnames[int(rand() * n_surnames)]
        hh_count += 1
    for i in order:
        if used[i]:
            continue
        used[i] = 1
        household[i] = hh_count
        surname[i] = surnames[int(rand() * n_surnames)]
        hh_count += 1

    # --- who goes on which list ---------------------------------------------
    # Units: a parent with the children under 16 who follow them; everyone else alone.
    follows: dict[int, list[int]] = {}
    child_of = [-1] * n
    for i in range(n):
        if age[i] < CHILD_UNIT_AGE:
            parent = mother[i] if mother[i] >= 0 else father[i]
            if parent >= 0:
                follows.setdefault(parent, []).append(i)
                child_of[i] = parent
    singles = [i for i in order if child_of[i] < 0 and i not in follows]
    adults_alone = [i for i in singles if age[i] >= 18]
    unlisted_count = spec.unassigned + spec.opted_out
    if len(adults_alone) < unlisted_count:
        adults_alone = singles
    unlisted = adults_alone[:unlisted_count]  # `order` is already shuffled
    opted_out = set(unlisted[: spec.opted_out])
    unlisted_set = set(unlisted)
    singles = [i for i in singles if i not in unlisted_set]

    remaining: dict[int, int] = {}
    for slot in spec.slots:
        remaining[slot] = remaining.get(slot, 0) + 1
    home_lists = [k for k in remaining if ctx.lists[k][1] == spec.municipality] or list(remaining)
    placed = [-1] * n
    units = sorted(follows.items(), key=lambda kv: -len(kv[1]))
    for parent, kids in units:
        size = 1 + len(kids)
        choice = -1
        for _ in range(8):
            k = home_lists[int(rand() * len(home_lists))]
            if remaining[k] >= size:
                choice = k
                break
        if choice < 0:
            best = max(remaining, key=remaining.__getitem__, default=-1)
            if best >= 0 and remaining[best] >= size:
                choice = best
        if choice < 0:  # no list has room for the whole family: they go one by one
            singles.append(parent)
            singles.extend(kids)
            for kid in kids:
                child_of[kid] = -1
            continue
        remaining[choice] -= size
        placed[parent] = choice
        for kid in kids:
            placed[kid] = choice
    seats = [k for k, count in remaining.items() for _ in range(count)]
    if len(seats) != len(singles):
        raise AssertionError("seed plan out of balance")  # a bug, never user input
    rng.shuffle(seats)
    for person, seat in zip(singles, seats, strict=True):
        placed[person] = seat

    # --- rows -------------------------------------------------------------
    cal = ctx.calendar
    day = cal.day
    month_iso = cal.month_iso
    state_ordinal = cal.state_ordinal
    state_month = cal.state_month
    female_names, male_names = names.FEMALE, names.MALE
    codes: list[str | None] = [code for code, _place in spec.postal_codes] or [None]
    n_codes = len(codes)
    hh_code = [codes[int(rand() * n_codes)] for _ in range(hh_count)]
    hh_since = [state_ordinal - int(rand() ** 1.4 * 30 * 365.25) for _ in range(hh_count)]
    base_id = ctx.next_resident_id
    base_household = ctx.next_household
    ctx.next_resident_id += n
    ctx.next_household += hh_count
    lists = ctx.lists
    by_municipality = ctx.lists_by_municipality
    nins = ctx.nins
    municipality = spec.municipality
    # Identity numbers first: ids are handed out in identity-number order, so
    # the unique index on ``nin`` is filled page by page, not at random.
    nin_of: list[str] = [""] * n
    birth_of = [0] * n
    for i in range(n):
        lo, hi = cal.birth_range(age[i])
        nin_of[i], birth_of[i] = nins.allocate(cal, lo + int(rand() * (hi - lo + 1)), not male[i])
    by_nin = sorted(range(n), key=nin_of.__getitem__)
    rank = [0] * n
    for position, i in enumerate(by_nin):
        rank[i] = position
    residents: list[tuple] = []
    memberships: list[tuple] = []
    for i in by_nin:
        female = not male[i]
        nin, ordinal = nin_of[i], birth_of[i]
        birth, birth_iso, birth_month = day(ordinal)
        h = household[i]
        gen = 0 if birth.year < 1965 else (1 if birth.year < 1995 else 2)
        pool = female_names[gen] if female else male_names[gen]
        first_name = pool[int(rand() * len(pool))]
        rid = base_id + rank[i]
        since = max(ordinal, hh_since[h])
        in_scheme = True
        if i in unlisted_set:
            if i in opted_out:
                in_scheme = False
            else:  # moved here recently, waiting to be placed
                since = max(ordinal, state_ordinal - 5 - int(rand() * 80))
        residents.append(
            (
                rid,
                nin,
                first_name,
                surname[i],
                birth_iso,
                "K" if female else "M",
                municipality,
                hh_code[h],
                base_household + h,
                base_id + rank[mother[i]] if mother[i] >= 0 else None,
                base_id + rank[father[i]] if father[i] >= 0 else None,
                in_scheme,
                "bosatt",
                None,
                day(min(since, state_ordinal))[1],
            )
        )
        first_month = birth_month if birth.day == 1 else birth_month + 1
        k = placed[i]
        if k < 0:
            if not in_scheme and rand() < 0.5:  # left the scheme; the old place is history
                home = by_municipality.get(municipality)
                if home:
                    old = home[int(rand() * len(home))]
                    start = max(lists[old][2], first_month, SCHEME_START_MONTH)
                    if start < state_month:
                        end = start + 1 + int(rand() * (state_month - start))
                        memberships.append(
                            (
                                rid,
                                lists[old][0],
                                month_iso(start),
                                month_iso(end),
                                "forste",
                                "reservert",
                            )
                        )
            continue
        agreement_id, list_municipality, agreement_month = lists[k]
        low = max(agreement_month, first_month, SCHEME_START_MONTH)
        if low > state_month:
            low = state_month
        r = rand()
        if first_month > state_month or (
            child_of[i] >= 0
            and ordinal >= SCHEME_START_ORDINAL
            and birth_month >= agreement_month
            and r < 0.7
        ):
            # Born here: on the mother's list from the birth date (pasientrettighets-
            # forskriften § 5, as registry.services.population.register_birth). A child
            # born after the state month's 1st can only have come on a list so.
            memberships.append((rid, agreement_id, birth_iso, None, "nyfodt", ""))
            continue
        if low == SCHEME_START_MONTH and r < 0.55:
            start, reason = low, "migrert"
        else:
            start = low + int(rand() ** 1.5 * (state_month - low + 1))
            r = rand()
            reason = (
                "forste"
                if r < 0.6
                else ("valgt" if r < 0.85 else ("tildelt" if r < 0.95 else "venteliste"))
            )
            if reason == "valgt" and rand() < 0.6:  # the place before the switch
                others = by_municipality.get(list_municipality) or ()
                if len(others) > 1:
                    old = others[int(rand() * len(others))]
                    old_low = max(lists[old][2], first_month, SCHEME_START_MONTH)
                    if old != k and old_low < start:
                        old_start = old_low + int(rand() * (start - old_low))
                        memberships.append(
                            (
                                rid,
                                lists[old][0],
                                month_iso(old_start),
                                month_iso(start),
                                "migrert" if old_start == SCHEME_START_MONTH else "forste",
                                "bytte",
                            )
                        )
        memberships.append((rid, agreement_id, month_iso(start), None, reason, ""))
    return residents, memberships
