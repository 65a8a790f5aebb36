"""Time of working out a month's hidden cells (``stats.disclosure.month_pattern``,
issue 18 finding 4): cold (the process's cache emptied) and kept, for each filled
month, on the database in ``DATABASE_URL`` (filled beforehand with ``stats-fill``).

    DATABASE_URL=postgres://.../national python bench/disclosure.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastlege.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("DEBUG", "1")


def main() -> None:
    import django

    django.setup()
    from fastlege.stats import disclosure
    from fastlege.stats.models import StatsFill

    months = sorted(StatsFill.objects.values_list("month", flat=True))
    if not months:
        sys.exit("Ingen måned er fylt (kjør fastlege stats-fill først).")
    for month in months:
        disclosure._CACHE.clear()
        started = time.perf_counter()
        pattern = disclosure.month_pattern(month)
        cold = time.perf_counter() - started
        started = time.perf_counter()
        disclosure.month_pattern(month)
        kept = time.perf_counter() - started
        print(f"{month:%Y-%m}: cold {cold:.2f} s, kept {kept:.4f} s ({type(pattern).__name__})")


if __name__ == "__main__":
    main()
