"""Time of counting an area's key figures live (``web.selectors.area_figures``, issue 16).

The municipality's, the county governor's and the national pages all count their key
figures with this one function. Prints min / median / max seconds over ``--repeat``
counts for the nation, a county and a municipality, on the database in
``DATABASE_URL`` (seeded beforehand, e.g. ``python bench/seed.py --scale national``).

    DATABASE_URL=postgres://... SECRET_KEY=bench python bench/figures.py --repeat 7
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastlege.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--county", default="50")
    parser.add_argument("--municipality", default="0301")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db.models import Q

    from fastlege.registry.figures import total
    from fastlege.web.selectors import area_figures

    scopes = {
        "nation": None,
        f"county {args.county}": Q(county_id=args.county),
        f"municipality {args.municipality}": Q(number=args.municipality),
    }
    area_figures(None)  # warm-up
    for name, scope in scopes.items():
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            counted = area_figures(scope)
            times.append(time.perf_counter() - started)
        figures = total(counted.values())
        print(
            f"{name:20s} min {min(times):.3f} s  median {statistics.median(times):.3f} s  "
            f"max {max(times):.3f} s  ({len(counted)} municipalities, {figures.lists} lists, "
            f"{figures.members} on lists)"
        )


if __name__ == "__main__":
    main()
