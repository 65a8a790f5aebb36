"""Benchmark the monthly notice pass (``notify_watchers``, docs/watches.md) at the national
number of watches: 500 000 watches on a seeded registry.

Example (a PostgreSQL database of your own; it is migrated and seeded first when empty)::

    python bench/watches.py --url postgres://fastlege@127.0.0.1:55432/h_watch
    python bench/watches.py --url ... --watches 500000 --scale trondelag

What it does:

1. when the database has no residents: ``migrate``, ``load_reference`` and
   ``seed`` at ``--scale`` with ``--months 3`` of history (the monthly update writes
   the snapshots the pass reads); not timed;
2. removes earlier bench watches and writes (unless the same number is already there
   and ``--fresh`` is not given) ``--watches`` new ones in bulk
   (deterministic, ``--seed``): 80 % watch one list in force (a random resident and a
   random list; at most one active watch per person and list), 20 % watch a search in
   a random municipality of the seed with random filters (the GP's sex, specialist
   status, or none); every watch belongs to one of ``--users`` users with an e-mail
   address; all were made before the month's run ended; then ``ANALYZE``;
3. times ``notify_watchers`` for the seed's last month as it is (e-mail to Django's
   in-memory backend, so the figure is the database pass and the building and handing
   over of the e-mails, not an SMTP server);
4. the worst case: the previous month's snapshots are marked closed, so every list that
   takes new residents and has a free place counts as opened this month; the pass runs
   twice (the second must write and send nothing), then the snapshots are restored.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.seed import SCALES, environment, machine  # noqa: E402

BENCH_USER = "bench-watch-"


def manage(env: dict[str, str], *args: str) -> None:
    """``fastlege …`` from this checkout (not an installed copy)."""
    subprocess.run([sys.executable, "-m", "fastlege", *args], env=env, cwd=ROOT, check=True)


def seed_if_empty(url: str, scale: str) -> None:
    env = environment(url)
    manage(env, "migrate", "--no-input", "-v0")
    from fastlege.registry.models import Resident

    if Resident.objects.exists():
        return
    manage(env, "load_reference")
    manage(env, "seed", *SCALES[scale], "--months", "3")


def make_watches(n: int, users: int, seed: int, fresh: bool) -> dict[str, int]:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from fastlege.core.bulk import insert_rows
    from fastlege.monthly.models import MonthRun
    from fastlege.registry.models import Agreement, Doctor, Resident
    from fastlege.watches.models import Watch, WatchNotice

    rng = random.Random(seed)
    run = MonthRun.objects.filter(status=MonthRun.Status.COMPLETED).latest("month")
    assert run.finished_at is not None
    made = run.finished_at - datetime.timedelta(days=1)
    User = get_user_model()
    if Watch.objects.count() == n and not fresh:  # the same load as last time: keep it
        return {
            "residents": Resident.objects.count(),
            "lists": Agreement.objects.filter(valid_to__isnull=True).count(),
            "list_watches": Watch.objects.filter(kind="liste").count(),
            "search_watches": Watch.objects.filter(kind="sok").count(),
            "users": User.objects.filter(username__startswith=BENCH_USER).count(),
            "month": int(run.month.strftime("%Y%m")),
        }
    with transaction.atomic():
        WatchNotice.objects.all().delete()
        Watch.objects.all().delete()
        User.objects.filter(username__startswith=BENCH_USER).delete()
        User.objects.bulk_create(
            User(username=f"{BENCH_USER}{i}", email=f"folger{i}@example.invalid")
            for i in range(users)
        )
        user_ids = list(
            User.objects.filter(username__startswith=BENCH_USER).values_list("pk", flat=True)
        )
        residents = list(Resident.objects.values_list("pk", flat=True))
        lists = list(Agreement.objects.filter(valid_to__isnull=True).values_list("pk", flat=True))
        municipalities = sorted(set(Agreement.objects.values_list("municipality_id", flat=True)))
        searches = n // 5
        pairs: set[tuple[int, int]] = set()
        while len(pairs) < n - searches:
            pairs.add((rng.choice(residents), rng.choice(lists)))
        filters = [
            {},
            {"sex": "K"},
            {"sex": "M"},
            {"specialty": Doctor.Specialty.SPECIALIST},
            {"sex": "K", "specialty": Doctor.Specialty.SPECIALIST},
        ]
        rows: list[tuple[Any, ...]] = [
            (r, "liste", a, None, "{}", made, rng.choice(user_ids), None, None)
            for r, a in sorted(pairs)
        ]
        rows += [
            (
                rng.choice(residents),
                "sok",
                None,
                rng.choice(municipalities),
                json.dumps(rng.choice(filters)),
                made,
                rng.choice(user_ids),
                None,
                None,
            )
            for _ in range(searches)
        ]
        columns = [
            "resident_id",
            "kind",
            "agreement_id",
            "municipality_id",
            "filters",
            "created_at",
            "created_by_id",
            "ended_at",
            "ended_by_id",
        ]
        insert_rows(Watch, columns, rows)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return {
        "residents": len(residents),
        "lists": len(lists),
        "municipalities": len(municipalities),
        "list_watches": n - searches,
        "search_watches": searches,
        "users": len(user_ids),
        "month": int(run.month.strftime("%Y%m")),
    }


def timed_pass(month: datetime.date) -> tuple[float, Any, int]:
    """(seconds, result, e-mails sent) of one pass; the e-mails go to Django's in-memory
    backend after commit, inside the timed call."""
    from django.core import mail

    from fastlege.watches.services import notify_watchers

    mail.outbox = []
    started = time.perf_counter()
    result = notify_watchers(month)
    return time.perf_counter() - started, result, len(mail.outbox)


def worst_case(month: datetime.date) -> list[tuple[float, Any, int]]:
    """Every list that takes new residents and has a free place opened: the previous
    month's snapshots are marked closed, the pass runs twice (the second finds nothing
    new), then the snapshots are restored and the notices removed."""
    from fastlege.monthly.models import ListMonthSnapshot
    from fastlege.registry import rules
    from fastlege.watches.models import WatchNotice

    before = ListMonthSnapshot.objects.filter(month=rules.add_months(month, -1), is_open=True)
    ids = list(before.values_list("pk", flat=True))
    WatchNotice.objects.filter(month=month).delete()
    ListMonthSnapshot.objects.filter(pk__in=ids).update(is_open=False)
    try:
        return [timed_pass(month), timed_pass(month)]
    finally:
        ListMonthSnapshot.objects.filter(pk__in=ids).update(is_open=True)
        WatchNotice.objects.filter(month=month).delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="a PostgreSQL (or sqlite:///) URL of your own")
    parser.add_argument("--scale", choices=sorted(SCALES), default="trondelag")
    parser.add_argument("--watches", type=int, default=500_000)
    parser.add_argument("--users", type=int, default=50_000, help="watchers with an e-mail")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--fresh", action="store_true", help="write the watches again even if they are there"
    )
    args = parser.parse_args()

    os.environ.update(environment(args.url))
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    import django

    django.setup()
    from django.db import connection

    print(f"Machine: {machine()}")
    print(f"Database: {connection.vendor}  Scale: {args.scale}")
    print("Load average before: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    seed_if_empty(args.url, args.scale)
    started = time.perf_counter()
    load = make_watches(args.watches, args.users, args.seed, args.fresh)
    print(f"Watches written in {time.perf_counter() - started:.1f} s: {load}")
    month = datetime.date(load["month"] // 100, load["month"] % 100, 1)
    print(f"$ fastlege notify-watchers --month {month:%Y-%m}   (in process, timed)")
    natural = timed_pass(month)
    worst = worst_case(month)
    for label, (seconds, result, sent) in (
        ("the seed's month, as it is", natural),
        ("worst case: every list with a free place opened", worst[0]),
        ("worst case again (idempotent)", worst[1]),
    ):
        print(
            f"{label}: {seconds:.2f} s — lists opened {result.opened}, "
            f"notices {result.notices}, e-mails {result.emails} (sent {sent})"
        )
    print("Load average after: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
