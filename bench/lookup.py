"""Benchmark the two registry lookups in fastlege/registry/lookups.py.

* current GP by identity number (resident → open list place → list → open
  LPFL period → doctor), over random residents;
* one page (50) of a list's current members, keyset-paginated on the partial
  index ``membership_current_idx``, walking whole lists page by page.

Needs a seeded database::

    python bench/seed.py --scale national --db postgres --keep   # prints a URL
    python bench/lookup.py --url postgres://...                  # then this
    python bench/lookup.py --url sqlite:////tmp/.../bench.sqlite3

Reports median, p95 and max in milliseconds, and the query plans. Identity
numbers are read into memory only; they are never printed.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def summary(label: str, samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"| {label} | {len(ms)} | {statistics.median(ms):.2f} | {p95:.2f} | {ms[-1]:.2f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="DATABASE_URL of a seeded database")
    parser.add_argument("--samples", type=int, default=1000, help="residents to look up")
    parser.add_argument("--lists", type=int, default=50, help="lists to page through")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    os.environ.update(
        DJANGO_SETTINGS_MODULE="fastlege.settings",
        DATABASE_URL=args.url,
        DEBUG="1",
        ALLOW_SYNTHETIC_NIN="1",
    )
    sys.path.insert(0, str(ROOT))
    import datetime

    import django

    django.setup()
    from django.db import connection

    from fastlege.registry.lookups import current_gp, list_members_page
    from fastlege.registry.models import Agreement, Resident

    day = datetime.date(2026, 1, 1)
    rng = random.Random(args.seed)
    connection.ensure_connection()
    low = Resident.objects.order_by("id").values_list("id", flat=True).first()
    high = Resident.objects.order_by("-id").values_list("id", flat=True).first()
    if low is None or high is None:
        sys.exit("The database has no residents: run bench/seed.py --keep first.")
    ids = rng.sample(range(low, high + 1), min(args.samples * 2, high - low + 1))
    nins = list(Resident.objects.filter(id__in=ids).values_list("nin", flat=True))
    rng.shuffle(nins)
    nins = nins[: args.samples]
    print(f"Database: {connection.vendor}, {high - low + 1:,} resident ids".replace(",", " "))

    for nin in nins[:50]:  # warm the connection and the caches a little
        current_gp(nin, on=day)
    gp_times = []
    for nin in nins:
        started = time.perf_counter()
        current_gp(nin, on=day)
        gp_times.append(time.perf_counter() - started)
    found = sum(current_gp(nin, on=day) is not None for nin in nins[:200])

    agreement_ids = list(Agreement.objects.values_list("id", flat=True))
    chosen = rng.sample(agreement_ids, min(args.lists, len(agreement_ids)))
    first_pages: list[float] = []
    all_pages: list[float] = []
    for agreement_id in chosen:
        after: int | None = None
        first = True
        while True:
            started = time.perf_counter()
            page = list_members_page(agreement_id, after=after)
            elapsed = time.perf_counter() - started
            all_pages.append(elapsed)
            if first:
                first_pages.append(elapsed)
                first = False
            if page.next_after is None:
                break
            after = page.next_after

    print()
    print("| lookup | n | median ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    print(summary("current GP by identity number", gp_times))
    print(summary("list members, first page (50)", first_pages))
    print(summary("list members, every page (50, keyset)", all_pages))
    print(f"\n{found} of 200 sampled residents have a list place on {day}.")

    # The plans of the queries the two functions actually ran.
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        current_gp(nins[0], on=day)
        first_page = list_members_page(chosen[0])
        if first_page.next_after is not None:
            list_members_page(chosen[0], after=first_page.next_after)
    titles = ["current list place", "regular GP of the list", "first page", "next page"]
    with connection.cursor() as cursor:
        for title, query in zip(titles, captured.captured_queries, strict=False):
            cursor.execute("EXPLAIN " + query["sql"])
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
            print(f"\nPlan, {title}:\n{plan.replace(nins[0], '***********')}")


if __name__ == "__main__":
    main()
