"""What the list-length triggers (``fastlege/web/listlength_sql.py``) cost a monthly
update's writes: the same bulk statements with and without the triggers, rolled back.

On a seeded database (``DATABASE_URL``), ``--rows`` open list places (default 77 574,
what the national monthly update moved in issue 4's benchmark) are ended with one
``UPDATE`` and as many new ones are inserted with one ``INSERT … SELECT`` (each
resident onto the next list of the same municipality), once with the triggers and
once without them, each ``--repeat`` times, every time rolled back. Prints the best
and median time of each. The database is left as it was.

    DATABASE_URL=postgres://… python bench/listlength_triggers.py
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

MOVE = [
    "CREATE TEMP TABLE bench_moved ON COMMIT DROP AS "
    "SELECT id, resident_id, agreement_id FROM registry_listmembership "
    "WHERE valid_to IS NULL ORDER BY id LIMIT %s",
    "UPDATE registry_listmembership SET valid_to = '2099-02-01', end_reason = 'bytte' "
    "WHERE id IN (SELECT id FROM bench_moved)",
    "INSERT INTO registry_listmembership "
    "(valid_from, valid_to, begin_reason, end_reason, agreement_id, resident_id) "
    "SELECT '2099-02-01', NULL, 'bytte', '', agreement_id, resident_id FROM bench_moved",
]


class Rollback(Exception):
    pass


def timed(rows: int) -> float:
    from django.db import connection, transaction

    started = time.perf_counter()
    try:
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute(MOVE[0], [rows])
                cur.execute(MOVE[1])
                cur.execute(MOVE[2])
            elapsed = time.perf_counter() - started
            raise Rollback
    except Rollback:
        return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=77_574)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, transaction

    from fastlege.web import listlength_sql

    print(f"# bench/listlength_triggers.py on {connection.vendor}: {args.rows} moves")
    results: dict[str, list[float]] = {"with triggers": [], "without triggers": []}
    for _ in range(args.repeat):
        results["with triggers"].append(timed(args.rows))
        try:
            with transaction.atomic():
                listlength_sql.TRIGGERS.drop(connection)  # rolled back with the rest
                results["without triggers"].append(timed(args.rows))
                raise Rollback
        except Rollback:
            pass
    assert listlength_sql.TRIGGERS.installed(connection) == 4, "the triggers must be back"
    for name, values in results.items():
        print(f"{name:18} best {min(values):6.2f} s  median {statistics.median(values):6.2f} s")


if __name__ == "__main__":
    main()
