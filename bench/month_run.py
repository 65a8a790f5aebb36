"""Benchmark ``fastlege month-run``: wall time, peak memory, and the bulk-write baseline.

Examples::

    # national, on a PostgreSQL already seeded with `bench/seed.py --scale national --keep`
    python bench/month_run.py --db postgres --url postgres://fastlege@127.0.0.1:PORT/fastlege
    # Trøndelag on SQLite (seeds a throwaway database first)
    python bench/month_run.py --scale trondelag --db sqlite

Before the run the benchmark adds the pending work of a busy month to the
seeded registry (deterministic, ``--seed``): ``--switches`` switch requests
(to lists with free places, in the person's municipality), ``--waiting``
waiting-list entries (on full lists of the person's municipality),
``--reductions`` list reductions (prepared with the registry's service, 20
residents drawn each) and the unassigned the seed already has (0.1 % of the
population). On PostgreSQL the prepared database is analysed (``ANALYZE``, as
autovacuum would have done during the month) and the run works on a copy of it
(``CREATE DATABASE … TEMPLATE``), so it can be repeated. The project's modules are
compiled to bytecode first, as an installed package has them.

The month run is a child process; its wall time and peak RSS (``wait4``) are
reported with the run's own time per step. Then, on the same database, the
rows the run changed are written again by the database alone in bulk
(``INSERT … SELECT`` / ``UPDATE`` of the same number of rows in the same
tables, rolled back), and the ratio run ÷ bulk write is printed.
"""

from __future__ import annotations

import argparse
import compileall
import datetime
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.seed import (  # noqa: E402
    SCALES,
    Server,
    environment,
    fastlege,
    machine,
    start_postgres,
    timed_seed,
)

MONTH = datetime.date(2026, 2, 1)
REGISTRY_DATE = datetime.date(2026, 1, 15)


def _django(url: str) -> None:
    os.environ.update(environment(url))
    import django

    django.setup()


# --- Pending volume -----------------------------------------------------------


def prepare(url: str, switches: int, waiting: int, reductions: int, seed: int) -> dict[str, int]:
    """Add the month's pending work to the seeded registry (idempotent: once per database)."""
    _django(url)
    from django.db import connection, transaction
    from django.db.models import Count
    from django.utils import timezone

    from fastlege.registry.models import (
        Agreement,
        ListMembership,
        Resident,
        SwitchRequest,
        WaitingListEntry,
    )
    from fastlege.registry.services.reduction import prepare_list_reduction

    if SwitchRequest.objects.exists() or WaitingListEntry.objects.exists():
        print("Pending work already generated in this database; reusing it.")
        return _pending_counts()
    rng = random.Random(seed)
    started = time.perf_counter()
    lists: dict[int, tuple[str, int, bool]] = {
        pk: (muni, ceiling, locked)
        for pk, muni, ceiling, locked in Agreement.objects.filter(valid_to__isnull=True)
        .order_by("pk")
        .values_list("pk", "municipality_id", "ceiling", "locked_by_hand")
    }
    length = dict(
        ListMembership.objects.filter(valid_to__isnull=True)
        .values("agreement_id")
        .annotate(n=Count("*"))
        .order_by()
        .values_list("agreement_id", "n")
    )
    room = {pk: lists[pk][1] - length.get(pk, 0) for pk in lists}
    by_muni: dict[str, list[int]] = defaultdict(list)
    for pk, (muni, _c, _l) in lists.items():
        by_muni[muni].append(pk)

    # 1. List reductions: lower the ceiling of long lists and draw 20 each (§ 11).
    reduced: set[int] = set()
    made = 0
    from fastlege.core.errors import DomainError

    for pk in sorted(lists, key=lambda p: (-length.get(p, 0), p)):
        if made >= reductions:
            break
        muni = lists[pk][0]
        targets = [t for t in by_muni[muni] if t != pk and room[t] >= 25 and not lists[t][2]]
        if not targets or length.get(pk, 0) < 600 or pk in reduced:
            continue
        target = min(targets, key=lambda t: (-room[t], t))
        try:
            with transaction.atomic():
                Agreement.objects.filter(pk=pk).update(ceiling=length[pk] - 20)
                prepare_list_reduction(
                    None,
                    pk,
                    effective_on=MONTH,
                    plan=[(target, 20)],
                    seed=seed + made,
                    today=REGISTRY_DATE,
                )
        except DomainError:
            room[target] = 0  # not usable after all
            continue
        room[target] -= 20
        room[pk] = -20
        reduced.add(pk)
        made += 1

    # 2. People: a deterministic sample of listed residents (by a hash of the id).
    mt, rt = ListMembership._meta.db_table, Resident._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT m.resident_id, m.agreement_id, r.municipality_id FROM {mt} m "  # noqa: S608
            f"JOIN {rt} r ON r.id = m.resident_id WHERE m.valid_to IS NULL "
            f"AND (m.resident_id * 7919) %% 1000 < 90 ORDER BY m.resident_id",
            [],
        )
        sample = cur.fetchall()
    busy = set(
        SwitchRequest.objects.filter(status=SwitchRequest.Status.PENDING).values_list(
            "resident_id", flat=True
        )
    )
    rng.shuffle(sample)
    now = timezone.now()
    requests: list[SwitchRequest] = []
    entries: list[WaitingListEntry] = []
    used: set[int] = set()
    for rid, current, home in sample:
        if len(requests) >= switches or rid in busy:
            continue
        options = [t for t in by_muni.get(home, []) if t != current and room[t] > 0]
        if not options:
            continue
        target = rng.choice(options)
        room[target] -= 1
        used.add(rid)
        requests.append(
            SwitchRequest(
                resident_id=rid,
                from_agreement_id=current,
                to_agreement_id=target,
                reason=SwitchRequest.Reason.ORDINARY,
                effective_on=MONTH,
                requested_at=now - datetime.timedelta(days=rng.randint(1, 30)),
            )
        )
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    for rid, current, home in sample:
        if len(entries) >= waiting or rid in used:
            continue
        full = [t for t in by_muni.get(home, []) if t != current and room[t] <= 0]
        if not full:
            continue
        entries.append(
            WaitingListEntry(
                resident_id=rid,
                agreement_id=rng.choice(full),
                joined_at=start + datetime.timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60)),
            )
        )
    with transaction.atomic():
        SwitchRequest.objects.bulk_create(requests, batch_size=5000)
        WaitingListEntry.objects.bulk_create(entries, batch_size=5000)
    print(f"Generated the pending work in {time.perf_counter() - started:.1f} s")
    return _pending_counts()


def _pending_counts() -> dict[str, int]:
    from django.db.models import Exists, OuterRef

    from fastlege.registry.models import (
        ListMembership,
        ListReduction,
        Resident,
        SwitchRequest,
        WaitingListEntry,
    )

    on_list = ListMembership.objects.filter(resident_id=OuterRef("pk"), valid_to__isnull=True)
    return {
        "switch requests (ordinary)": SwitchRequest.objects.filter(
            status="venter", reason="ordinaer"
        ).count(),
        "moves drawn in list reductions": SwitchRequest.objects.filter(
            status="venter", reason="reduksjon"
        ).count(),
        "list reductions": ListReduction.objects.filter(status="forberedt").count(),
        "waiting-list entries": WaitingListEntry.objects.filter(status="venter").count(),
        "unassigned": Resident.objects.filter(status="bosatt", in_scheme=True)
        .exclude(Exists(on_list))
        .count(),
    }


# --- The run and the baseline ---------------------------------------------------


def timed_run(env: dict[str, str]) -> tuple[float, int, int]:
    started = time.perf_counter()
    child = subprocess.Popen(
        [str(Path(sys.executable).parent / "fastlege"), "month-run", f"{MONTH:%Y-%m}"],
        env=env,
        cwd=ROOT,
    )
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    return wall, usage.ru_maxrss // 1024, os.waitstatus_to_exitcode(status)


def bulk_baseline(url: str) -> tuple[float, dict[str, int]]:
    """Write the same number of changed rows in the same tables, in bulk, and roll back."""
    _django(url)
    from django.db import connection, transaction

    from fastlege.monthly.models import (
        ListMonthSnapshot,
        MonthMove,
        MonthRun,
        MunicipalityMonthSnapshot,
    )
    from fastlege.registry.models import (
        ListMembership,
        Notification,
        SwitchRequest,
        WaitingListEntry,
    )

    run = MonthRun.objects.get(month=MONTH, status="fullfort")
    t = {
        "m": ListMembership._meta.db_table,
        "n": Notification._meta.db_table,
        "s": SwitchRequest._meta.db_table,
        "w": WaitingListEntry._meta.db_table,
        "mv": MonthMove._meta.db_table,
        "ls": ListMonthSnapshot._meta.db_table,
        "ms": MunicipalityMonthSnapshot._meta.db_table,
        "r": MonthRun._meta.db_table,
    }
    rows: dict[str, int] = {}

    class Rollback(Exception):
        pass

    started = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as cur:
            if connection.vendor == "postgresql":
                # Check foreign keys per statement, as the run pays for them at commit.
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute(
                f"INSERT INTO {t['r']} (month, status, source, started_at, error, "  # noqa: S608
                "ended_memberships, forced_moves, reduction_moves, reductions_applied, "
                "switches_applied, switches_refused, unassigned_placed, waiting_placed, "
                "chain_placed, longest_chain, lists_opened, lists_closed, notifications, "
                "list_snapshots, listed_before, listed_after, unassigned_before, "
                "unassigned_after, left_scheme, ceiling_changes_applied, exceptions, "
                "step_seconds, checksum) VALUES "
                "(%s, 'feilet', 'kommando', %s, '', 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,"
                "'{}', '{}', '')",
                [MONTH, datetime.datetime.now(datetime.UTC)],
            )
            cur.execute(f"SELECT MAX(id) FROM {t['r']}")  # noqa: S608
            other = cur.fetchone()[0]
            statements = {
                "list places ended (UPDATE)": (
                    f"UPDATE {t['m']} SET end_reason = end_reason WHERE valid_to = %s "  # noqa: S608
                    "AND end_reason <> ''",
                    [MONTH],
                ),
                "list places started (INSERT)": (
                    f"INSERT INTO {t['m']} (resident_id, agreement_id, valid_from, valid_to, "  # noqa: S608
                    f"begin_reason, end_reason) SELECT resident_id, agreement_id, valid_from, "
                    f"%s, begin_reason, 'bytte' FROM {t['m']} WHERE valid_from = %s",
                    [datetime.date(2026, 3, 1), MONTH],
                ),
                "requests decided (UPDATE)": (
                    f"UPDATE {t['s']} SET decided_at = decided_at WHERE decided_at IS NOT NULL "  # noqa: S608
                    "AND status <> 'venter' AND effective_on <= %s",
                    [MONTH],
                ),
                "waiting places ended (UPDATE)": (
                    f"UPDATE {t['w']} SET ended_at = ended_at WHERE status <> 'venter'",  # noqa: S608
                    [],
                ),
                "moves traced (INSERT)": (
                    f"INSERT INTO {t['mv']} (run_id, seq, resident_id, step, rule, "  # noqa: S608
                    f"from_agreement_id, to_agreement_id, switch_request_id, waiting_entry_id, "
                    f"chain_round) SELECT %s, seq, resident_id, step, rule, from_agreement_id, "
                    f"to_agreement_id, switch_request_id, waiting_entry_id, chain_round "
                    f"FROM {t['mv']} WHERE run_id = %s",
                    [other, run.pk],
                ),
                "notifications (INSERT)": (
                    f"INSERT INTO {t['n']} (resident_id, kind, subject, body, agreement_id, "  # noqa: S608
                    f"effective_on, created_at) SELECT resident_id, kind, subject, body, "
                    f"agreement_id, effective_on, created_at FROM {t['n']} WHERE effective_on = %s",
                    [MONTH],
                ),
            }
            snapshot_cols = [
                str(f.column)
                for f in ListMonthSnapshot._meta.concrete_fields
                if f.column not in ("id", "run_id", "month")
            ]
            muni_cols = [
                str(f.column)
                for f in MunicipalityMonthSnapshot._meta.concrete_fields
                if f.column not in ("id", "run_id", "month")
            ]
            statements["list snapshots (INSERT)"] = (
                f"INSERT INTO {t['ls']} (run_id, month, {', '.join(snapshot_cols)}) "  # noqa: S608
                f"SELECT %s, %s, {', '.join(snapshot_cols)} FROM {t['ls']} WHERE run_id = %s",
                [other, datetime.date(2026, 3, 1), run.pk],
            )
            statements["municipality snapshots (INSERT)"] = (
                f"INSERT INTO {t['ms']} (run_id, month, {', '.join(muni_cols)}) "  # noqa: S608
                f"SELECT %s, %s, {', '.join(muni_cols)} FROM {t['ms']} WHERE run_id = %s",
                [other, datetime.date(2026, 3, 1), run.pk],
            )
            started = time.perf_counter()
            for label, (sql, params) in statements.items():
                cur.execute(sql, params)
                rows[label] = cur.rowcount
            elapsed = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    return elapsed, rows


def analyse(url: str) -> None:
    """Fresh planner statistics, as autovacuum keeps them on a live server.

    The pending work is generated seconds before the copy is made; without this the
    copy would carry no statistics for it and the planner would guess (e.g. 100 waiting
    places instead of 30 000), which no registry that has lived for a month would see.
    """
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")


def copy_database(url: str, db: str) -> str:
    if db == "sqlite":
        source = url.removeprefix("sqlite:///")
        target = source + ".run"
        shutil.copyfile(source, target)
        return f"sqlite:///{target}"
    base, _slash, name = url.rpartition("/")
    copy = f"{name}_monthrun"
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {copy}")
        # PostgreSQL 15 copies a template through the WAL by default: 4 GB of WAL for the
        # national registry, whose checkpoint then lands in the middle of the timed run
        # (load 17–32 s in repeated runs). Copy the files and checkpoint before timing.
        strategy = " STRATEGY FILE_COPY" if conn.info.server_version >= 150000 else ""
        conn.execute(f"CREATE DATABASE {copy} TEMPLATE {name}{strategy}")
        conn.execute("CHECKPOINT")
    subprocess.run(["sync"], check=False)
    return f"{base}/{copy}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="national")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--url", help="an already seeded database (else a throwaway one)")
    parser.add_argument("--switches", type=int, default=60_000)
    parser.add_argument("--waiting", type=int, default=350_000)
    parser.add_argument("--reductions", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--without-event-triggers",
        action="store_true",
        help="drop the outbox's triggers (fastlege/events/sql.py) in the run's copy: their cost",
    )
    args = parser.parse_args()
    if args.scale != "national" and args.switches == 60_000:
        share = {"trondelag": 480_000, "kommune": 20_000}.get(args.scale, 480_000) / 5_550_000
        args.switches = round(60_000 * share)
        args.waiting = round(350_000 * share)
        args.reductions = max(2, round(20 * share))

    server: Server | None = None
    workdir = tempfile.mkdtemp(prefix="fastlege-monthbench-")
    url = args.url
    try:
        if url is None:
            if args.db == "sqlite":
                url = f"sqlite:///{workdir}/bench.sqlite3"
            else:
                server = start_postgres()
                url = server.url
            env = environment(url)
            fastlege(env, "migrate", "--no-input", "-v0")
            fastlege(env, "load_reference")
            wall, rss, status = timed_seed(
                env, [*SCALES[args.scale], "--months", "0", "--seed", str(args.seed)]
            )
            print(f"seed: {wall:.1f} s, {rss} MiB, exit {status}")
        env = environment(url)
        fastlege(env, "migrate", "--no-input", "-v0")
        print(f"Machine: {machine()}")
        print(f"Database: {args.db}  Scale: {args.scale}")
        child = subprocess.run(
            [
                sys.executable,
                __file__,
                "--prepare-only",
                url,
                str(args.switches),
                str(args.waiting),
                str(args.reductions),
                str(args.seed),
            ],
            check=True,
            capture_output=False,
        )
        del child
        if args.db == "postgres":
            analyse(url)
        run_url = copy_database(url, args.db)
        if args.without_event_triggers:
            subprocess.run([sys.executable, __file__, "--drop-event-triggers", run_url], check=True)
            print("outbox triggers dropped for this run (--without-event-triggers)")
        # The project's bytecode, as `pip install` writes it: with PYTHONDONTWRITEBYTECODE
        # set (as on the development machine) every run would compile ~100 modules again
        # (0.3 s of a Trøndelag run).
        compileall.compile_dir(str(ROOT / "fastlege"), quiet=1)
        run_env = environment(run_url)
        print(f"$ fastlege month-run {MONTH:%Y-%m}", flush=True)
        wall, rss, status = timed_run(run_env)
        print(f"\nmonth run: wall time {wall:.1f} s, peak RSS {rss} MiB, exit status {status}")
        if status == 0:
            subprocess.run(
                [sys.executable, __file__, "--baseline-only", run_url, f"{wall:.3f}"], check=True
            )
    finally:
        if not args.keep:
            if server:
                server.stop()
            shutil.rmtree(workdir, ignore_errors=True)


def _prepare_only(argv: list[str]) -> None:
    url, switches, waiting, reductions, seed = argv
    counts = prepare(url, int(switches), int(waiting), int(reductions), int(seed))
    print("Pending before the run:")
    for label, n in counts.items():
        print(f"  {label}: {n:,}".replace(",", " "))


def _baseline_only(argv: list[str]) -> None:
    url, wall = argv[0], float(argv[1])
    elapsed, rows = bulk_baseline(url)
    from fastlege.monthly.models import MonthRun

    run = MonthRun.objects.get(month=MONTH, status="fullfort")
    from fastlege.events.models import Event

    print(f"\noutbox events written by the run: {Event.objects.count():,}".replace(",", " "))
    print("\nThe run's own time per step (s):", run.step_seconds)
    print(
        f"moved {run.moved:,}, ended {run.ended_memberships:,}, unassigned placed "
        f"{run.unassigned_placed:,}, waiting placed {run.waiting_placed:,} (chains "
        f"{run.chain_placed:,}, longest {run.longest_chain}), refused {run.switches_refused:,}, "
        f"notifications {run.notifications:,}, list snapshots {run.list_snapshots:,}".replace(
            ",", " "
        )
    )
    total = sum(rows.values())
    print("\nBulk write of the same changed rows by the database alone:")
    for label, n in rows.items():
        print(f"  {label}: {n:,}".replace(",", " "))
    print(f"  total {total:,} rows in {elapsed:.2f} s".replace(",", " "))
    print(f"\nratio run ÷ bulk write: {wall / elapsed:.1f} ({wall:.1f} s ÷ {elapsed:.2f} s)")


def _drop_event_triggers(argv: list[str]) -> None:
    _django(argv[0])
    from django.db import connection

    from fastlege.events import sql

    sql.TRIGGERS.drop(connection)
    assert sql.TRIGGERS.installed(connection) == 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--drop-event-triggers":
        _drop_event_triggers(sys.argv[2:])
    elif len(sys.argv) > 1 and sys.argv[1] == "--prepare-only":
        _prepare_only(sys.argv[2:])
    elif len(sys.argv) > 1 and sys.argv[1] == "--baseline-only":
        _baseline_only(sys.argv[2:])
    else:
        main()
