"""Benchmark the statistics: stats-fill for one month, and page/export times with 36 months.

Needs a database with a seeded registry and at least one completed monthly run::

    fastlege seed --national && fastlege month-run 2026-01      # DATABASE_URL=...
    python bench/stats.py --url sqlite:////tmp/nat.sqlite3

The fill is timed on the latest real month (filled again). For the page
timings the count table needs 36 months of history; months that have no
rows are made from the latest month's rows (figures scaled a little per
month) — the pages read only the count table, so their cost depends on the
number of rows, not on where they came from. The history rows are written
to the database given: use a benchmark database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="DATABASE_URL of a seeded database")
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="fastlege.settings",
        DATABASE_URL=args.url,
        DEBUG="0",
        SECRET_KEY="bench-only",
        ALLOW_SYNTHETIC_NIN="1",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.db import transaction
    from django.test import Client

    from fastlege.monthly.models import MonthRun
    from fastlege.stats.models import AreaMonthCount
    from fastlege.stats.selectors import COUNT_FIELDS, shift
    from fastlege.stats.services import fill_month

    settings.ALLOWED_HOSTS = ["*"]
    run = MonthRun.objects.filter(status=MonthRun.Status.COMPLETED).order_by("-month").first()
    if run is None:
        sys.exit("no completed monthly run: run `fastlege month-run` first")
    started = time.perf_counter()
    fill = fill_month(None, run)
    fill_seconds = time.perf_counter() - started
    print(f"stats-fill {run.month:%Y-%m}: {fill.rows} rows in {fill_seconds:.2f} s")

    latest = list(AreaMonthCount.objects.filter(month=run.month))
    have = set(AreaMonthCount.objects.values_list("month", flat=True).distinct())
    made = 0
    with transaction.atomic():
        for back in range(1, args.months):
            month = shift(run.month, -back)
            if month in have:
                continue
            factor = 1 - 0.002 * back
            rows = []
            for r in latest:
                values = {f: getattr(r, f) for f in COUNT_FIELDS}
                for f in ("on_lists", "on_lists_with_gp", "residents", "unassigned", "waiting"):
                    values[f] = int(values[f] * factor)
                values["on_lists_with_gp"] = min(values["on_lists_with_gp"], values["on_lists"])
                rows.append(AreaMonthCount(month=month, kind=r.kind, code=r.code, **values))
            AreaMonthCount.objects.bulk_create(rows, batch_size=2000)
            made += len(rows)
    months = AreaMonthCount.objects.values("month").distinct().count()
    print(f"history: {months} months in the count table ({made} rows made)")

    client = Client()
    # The largest county (most municipalities) and the municipality with most lists.
    county = (
        AreaMonthCount.objects.filter(kind="fylke", month=run.month)
        .order_by("-municipalities", "code")
        .values_list("code", flat=True)
        .first()
    )
    muni = (
        AreaMonthCount.objects.filter(kind="kommune", month=run.month)
        .order_by("-lists", "code")
        .values_list("code", flat=True)
        .first()
    )
    pages = [
        ("national page", "/statistikk/"),
        (f"county page {county}", f"/statistikk/fylke/{county}/"),
        (f"municipality page {muni}", f"/statistikk/kommune/{muni}/"),
        ("map, all municipalities (HTML+SVG)", "/statistikk/kart/"),
        ("map data, all municipalities (JSON)", "/statistikk/kart/?format=json"),
        (
            "CSV: all municipalities × all indicators × all months",
            "/statistikk/eksport/?omrade=kommune&format=csv",
        ),
    ]
    print("| page | median ms | max ms | bytes |")
    print("|---|---|---|---|")
    for label, url in pages:
        times = []
        size = 0
        for _ in range(args.repeat):
            t = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            size = len(response.content)
        print(f"| {label} | {statistics.median(times):.0f} | {max(times):.0f} | {size} |")


if __name__ == "__main__":
    main()
