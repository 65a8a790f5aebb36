"""The seed run: plan, lists, then residents municipality by municipality.

Everything happens in one transaction, so a failure leaves nothing behind.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction

from fastlege.core import readmodels
from fastlege.demo.seed import details
from fastlege.demo.seed.calendar import Calendar
from fastlege.demo.seed.history import History
from fastlege.demo.seed.lists import (
    AGREEMENT_FIELDS,
    DOCTOR_FIELDS,
    PERIOD_FIELDS,
    PRACTICE_FIELDS,
    IdCounter,
    ListContext,
    ListInfo,
    ListRows,
    NumberAllocator,
    _DoctorMaker,
    agreement_created_at,
    make_lists,
)
from fastlege.demo.seed.people import (
    CHUNK_SIZE,
    MEMBERSHIP_FIELDS,
    RESIDENT_FIELDS,
    ChunkSpec,
    NinAllocator,
    PeopleContext,
    generate_chunk,
)
from fastlege.demo.seed.plan import SeedPlan, build_plan
from fastlege.demo.seed.writer import BulkWriter
from fastlege.registry.models import (
    Agreement,
    Doctor,
    DoctorPeriod,
    ListMembership,
    Practice,
    Resident,
)
from fastlege.stats.kostra import kostra_day

#: The registry's date: the day KOSTRA 2025 describes, 31.12.2025 (``kostra_day``). The
#: calibrated state is the registry on that day: no list place, doctor period or
#: agreement starts after it, so the registry is also the same on 1 January 2026,
#: before January's run (``stats-fill --fra-registeret 2025-12`` counts that day).
DEFAULT_STATE_DATE = kostra_day(2025)
DEFAULT_SEED = 2026
# From this many residents on, a PostgreSQL load drops the plain indexes and
# foreign keys of the two big tables and rebuilds them at the end (see
# BulkWriter.defer_indexes); below it, maintaining them row by row is cheaper.
DEFER_INDEXES_FROM = 1_000_000

SEEDED_MODELS = [Practice, Doctor, Agreement, DoctorPeriod, Resident, ListMembership]


@dataclass
class SeedResult:
    municipalities: int = 0
    residents: int = 0
    memberships: int = 0
    lists: int = 0
    lists_without_gp: int = 0
    doctors: int = 0
    practices: int = 0
    guests_outside: int = 0
    omitted: int = 0
    months: int = 0  # months of history run by the monthly engine
    leavers: int = 0  # residents who died or emigrated during the history
    seconds: float = 0.0
    history_seconds: float = 0.0
    plan: SeedPlan | None = field(default=None, repr=False)


def registry_is_empty() -> bool:
    return not (Resident.objects.exists() or Agreement.objects.exists())


def _rng(seed: int, *parts: object) -> random.Random:
    # String seeds are hashed with SHA-512: stable across runs and Python versions.
    return random.Random("-".join(str(p) for p in (seed, *parts)))


def _distribute(rng: random.Random, count: int, capacity: dict[int, int]) -> dict[int, int]:
    """Split ``count`` over keys in proportion to their remaining capacity (exact)."""
    total = sum(capacity.values())
    if count <= 0 or total <= 0:
        return {}
    keys = sorted(capacity)
    raw = {k: count * capacity[k] / total for k in keys}
    out = {k: min(capacity[k], int(raw[k])) for k in keys}
    rest = count - sum(out.values())
    for k in sorted(keys, key=lambda k: (raw[k] - out[k], rng.random()), reverse=True):
        if rest <= 0:
            break
        if out[k] < capacity[k]:
            out[k] += 1
            rest -= 1
    return {k: v for k, v in out.items() if v}


def seed_registry(
    *,
    counties: list[str] | None = None,
    municipalities: list[str] | None = None,
    national: bool = False,
    seed: int = DEFAULT_SEED,
    state_date: datetime.date = DEFAULT_STATE_DATE,
    months: int = 0,
    progress: Callable[[str], None] | None = None,
) -> SeedResult:
    """Seed the registry for the given area. Raises ReferenceDataMissing.

    ``months`` > 0: write the state ``months`` months before and run the monthly
    engine month by month up to and including the state date's month (for the
    default date the runs end with December 2025's), landing exactly on the
    calibrated state (:mod:`.history`).
    """
    started = time.monotonic()
    say = progress or (lambda _msg: None)
    plan = build_plan(
        state_date, counties=counties, municipalities=municipalities, national=national
    )
    result = SeedResult(municipalities=len(plan.subset), plan=plan)
    history = History(plan, months, seed, Calendar(state_date)) if months > 0 else None
    # One transaction. The read models kept by triggers (list lengths, the count of
    # the unassigned) are dropped for the bulk load and the history, then installed
    # again and counted once at the end, inside the same transaction.
    with transaction.atomic(), readmodels.paused(connection):
        writer = BulkWriter()
        try:
            _seed(plan, writer, seed, state_date, result, say, history)
        except BaseException:
            writer.shutdown()
            raise
        if history is not None:
            say(f"historikk: {months} måneder")
            begun = time.monotonic()
            history.run(say)
            result.months = months
            result.leavers = history.leavers
            result.history_seconds = time.monotonic() - begun
        say("lesemodeller telles opp")
    result.seconds = time.monotonic() - started
    return result


def _seed(
    plan: SeedPlan,
    writer: BulkWriter,
    seed: int,
    state_date: datetime.date,
    result: SeedResult,
    say: Callable[[str], None],
    history: History | None = None,
) -> None:
    calendar = Calendar(state_date)
    # Everything that reads the database comes first: after the first write the
    # connection belongs to the background writer until the end.
    for model, fields in (
        (Practice, PRACTICE_FIELDS + details.PRACTICE_DETAIL_FIELDS),
        (Doctor, DOCTOR_FIELDS + details.DOCTOR_DETAIL_FIELDS),
        (Agreement, AGREEMENT_FIELDS),
        (DoctorPeriod, PERIOD_FIELDS),
        (Resident, RESIDENT_FIELDS),
        (ListMembership, MEMBERSHIP_FIELDS),
    ):
        writer.prepare(model, fields)
    rng = _rng(seed, "lists")
    numbers = NumberAllocator(
        rng,
        set(Doctor.objects.values_list("hpr_number", flat=True)),
        set(Practice.objects.values_list("org_number", flat=True)),
    )
    lctx = ListContext(
        calendar=calendar,
        numbers=numbers,
        practice_ids=IdCounter(writer.max_id(Practice) + 1),
        doctor_ids=IdCounter(writer.max_id(Doctor) + 1),
        agreement_ids=IdCounter(writer.max_id(Agreement) + 1),
        period_ids=IdCounter(writer.max_id(DoctorPeriod) + 1),
        created_at=connection.ops.adapt_datetimefield_value(agreement_created_at(state_date)),
    )
    next_resident_id = writer.max_id(Resident) + 1
    next_household = writer.max_id(Resident, "household") + 1
    writer.begin_bulk()
    if sum(home.residents for home in plan.homes()) >= DEFER_INDEXES_FROM:
        writer.defer_indexes([Resident, ListMembership])

    # 1. Practices, doctors, lists and doctor periods (small).
    rows = ListRows()
    infos: dict[str, list[ListInfo]] = {}
    for number in plan.subset:
        first_period = len(rows.periods)
        first_practice, first_doctor = len(rows.practices), len(rows.doctors)
        infos[number] = make_lists(
            _rng(seed, "lists", number), plan.municipalities[number], lctx, rows
        )
        if history is not None:
            hrng = _rng(seed, "history-lists", number)
            history.shape_lists(
                hrng, number, infos[number], rows, first_period, _DoctorMaker(hrng, lctx, rows)
            )
        # languages, places on the map, phone …: a stream of their own (the rest unchanged)
        details.fill(
            _rng(seed, "details", number),
            number,
            rows.practices,
            rows.doctors,
            first_practice,
            first_doctor,
        )
    writer.write(Practice, PRACTICE_FIELDS + details.PRACTICE_DETAIL_FIELDS, rows.practices)
    writer.write(Doctor, DOCTOR_FIELDS + details.DOCTOR_DETAIL_FIELDS, rows.doctors)
    writer.write(Agreement, AGREEMENT_FIELDS, rows.agreements)
    writer.write(DoctorPeriod, PERIOD_FIELDS, rows.periods)
    result.practices = len(rows.practices)
    result.doctors = len(rows.doctors)
    result.lists = len(rows.agreements)
    result.lists_without_gp = sum(1 for m in infos.values() for i in m if not i.has_gp)
    del rows
    say(f"{result.lists} lister i {len(plan.subset)} kommuner")

    # 2. Each home municipality's quota per list (members living there).
    list_table: list[tuple[int, str, int]] = []
    by_municipality: dict[str, list[int]] = {}
    index_of: dict[int, int] = {}
    for number in plan.subset:
        for info in infos[number]:
            index_of[info.id] = len(list_table)
            by_municipality.setdefault(number, []).append(len(list_table))
            list_table.append((info.id, number, info.valid_from_month))
    postal: dict[str, list[str]] = {}
    if history is not None:
        history.list_index = dict(index_of)
        postal = {n: [c for c, _ in m.postal_codes] for n, m in plan.municipalities.items()}
    quotas: dict[str, list[tuple[int, int]]] = {}
    for number in plan.subset:
        room = {index_of[i.id]: i.length for i in infos[number]}
        rng = _rng(seed, "quota", number)
        inflows = sorted(
            (home.number, home.listed_in[number])
            for home in plan.municipalities.values()
            if home.number != number and home.listed_in.get(number)
        )
        for home_number, count in inflows:
            share = _distribute(rng, count, room)
            for k, v in share.items():
                room[k] -= v
            quotas.setdefault(home_number, []).extend(share.items())
        quotas.setdefault(number, []).extend((k, v) for k, v in room.items() if v)

    # 3. Residents and list places, streamed in batches.
    pctx = PeopleContext(
        calendar=calendar,
        nins=NinAllocator(),
        lists=list_table,
        lists_by_municipality=by_municipality,
        next_resident_id=next_resident_id,
        next_household=next_household,
    )
    for home in plan.homes():
        rng = _rng(seed, "people", home.number)
        slots = [k for k, count in quotas.get(home.number, []) for _ in range(count)]
        rng.shuffle(slots)
        people = home.residents
        chunks = max(1, -(-people // CHUNK_SIZE))
        done_slots = done_unassigned = done_opted = 0
        for c in range(1, chunks + 1):
            slot_upto = len(slots) * c // chunks
            unassigned_upto = home.unassigned * c // chunks
            opted_upto = home.opted_out * c // chunks
            spec = ChunkSpec(
                municipality=home.number,
                centrality=home.centrality,
                postal_codes=home.postal_codes,
                people=(slot_upto - done_slots)
                + (unassigned_upto - done_unassigned)
                + (opted_upto - done_opted),
                slots=slots[done_slots:slot_upto],
                unassigned=unassigned_upto - done_unassigned,
                opted_out=opted_upto - done_opted,
                guests_only=not home.in_subset,
            )
            residents, memberships = generate_chunk(rng, spec, pctx)
            if history is not None:
                residents, memberships = history.shape_people(
                    _rng(seed, "history-people", home.number, c),
                    residents,
                    memberships,
                    home.in_subset,
                    postal,
                )
            writer.write(Resident, RESIDENT_FIELDS, residents)
            writer.write(ListMembership, MEMBERSHIP_FIELDS, memberships)
            result.residents += len(residents)
            result.memberships += len(memberships)
            done_slots = slot_upto
            done_unassigned, done_opted = unassigned_upto, opted_upto
        if not home.in_subset:
            result.guests_outside += people
        say(f"{home.number} {home.name}: {people} innbyggere")
    result.omitted = sum(plan.municipalities[n].omitted for n in plan.subset)
    if history is not None:
        # Residents on the lists at the start who die or emigrate during the history.
        for number, count, slots in history.leaver_specs():
            home = plan.municipalities[number]
            rng = _rng(seed, "history-leavers", number)
            spec = ChunkSpec(
                municipality=number,
                centrality=home.centrality,
                postal_codes=home.postal_codes,
                people=count,
                slots=slots,
                unassigned=0,
                opted_out=0,
                guests_only=False,
            )
            residents, memberships = generate_chunk(rng, spec, pctx)
            residents, memberships = history.shape_leavers(rng, number, residents, memberships)
            writer.write(Resident, RESIDENT_FIELDS, residents)
            writer.write(ListMembership, MEMBERSHIP_FIELDS, memberships)

    writer.reset_sequences([Practice, Doctor, Agreement, DoctorPeriod, Resident])
    writer.end_bulk(SEEDED_MODELS)
