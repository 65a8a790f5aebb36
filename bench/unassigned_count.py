"""The count of the unassigned (ufordelte) of one municipality: the live anti-join
the municipality page ran before issue 6's kept count, against the row the
database keeps now (``web.UnassignedCount``); and a check that the kept count
equals a live count in every municipality.

Example::

    DATABASE_URL=sqlite:///trd.sqlite3 python bench/unassigned_count.py --municipality 5001
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastlege.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--municipality", default="0301")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db.models import Count, Exists, OuterRef

    from fastlege.registry.models import ListMembership, Resident
    from fastlege.web.models import UnassignedCount
    from fastlege.web.selectors import unassigned_count

    def unassigned() -> Any:
        open_place = ListMembership.objects.filter(
            resident_id=OuterRef("pk"), valid_to__isnull=True
        )
        return Resident.objects.filter(status=Resident.Status.RESIDENT, in_scheme=True).filter(
            ~Exists(open_place)
        )

    def live() -> int:
        return unassigned().filter(municipality_id=args.municipality).count()

    def kept() -> int:
        return unassigned_count(args.municipality)

    runs: list[tuple[str, Callable[[], int]]] = [
        ("live anti-join (before)", live),
        ("kept row (now)", kept),
    ]
    for name, count in runs:
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            value = count()
            times.append((time.perf_counter() - started) * 1000)
        print(
            f"{name}: {value}  best {min(times):.1f} ms  median {statistics.median(times):.1f} ms"
        )
    everywhere = dict(
        unassigned()
        .values("municipality_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("municipality_id", "n")
    )
    stored = {
        m: n for m, n in UnassignedCount.objects.values_list("municipality_id", "unassigned") if n
    }
    print(
        f"kept == live in every municipality: {stored == everywhere} ({sum(everywhere.values())})"
    )


if __name__ == "__main__":
    main()
