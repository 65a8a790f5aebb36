"""Speed of matching the regional substitute pool (issue 17 item 5): a county's pool of
500 substitutes against 200 open requests, every request ranked (target under 1 s).

Adds, in the county (default Trøndelag, 50), ``--substitutes`` pool substitutes (each
with two availability periods in 2026, a home municipality and, for half of them, three
to five municipalities they will work in; a tenth with one booking already) and
``--requests`` vacant lists with an open request each, spread over the county's
municipalities. Rows are made with ``bulk_create`` (the setup is not what is measured)
and removed afterwards. Prints best, median and max over ``--repeat`` runs after one
warm-up: the whole matching (``selectors_pool.county_matching``: the reads and the
ranking), the reads alone and the ranking alone; then the county's pool page rendered
in-process with Django's test client, with its number of SQL queries.

Example::

    DATABASE_URL=sqlite:////tmp/bench-pool.db python bench/substitute_pool.py --repeat 5
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastlege.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")

TAG = "BenchPool"
D = datetime.date


def _stats(times: list[float]) -> str:
    return f"{min(times):8.1f} {statistics.median(times):8.1f} {max(times):8.1f}"


T = TypeVar("T")


def _timed(fn: Callable[[], T], repeat: int) -> tuple[list[float], T]:
    result = fn()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times, result


def main() -> None:  # noqa: PLR0915 - a linear script
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--substitutes", type=int, default=500)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--county", default="50")
    args = parser.parse_args()

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("load_reference", stdout=io.StringIO())

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from fastlege.accounts.models import Role, RoleAssignment
    from fastlege.reference.models import County, Municipality
    from fastlege.registry.models import Agreement, Doctor, DoctorPeriod, Practice
    from fastlege.workforce import pool, selectors_pool
    from fastlege.workforce.models import (
        PoolSubstitute,
        SubstituteAvailability,
        SubstituteBooking,
        SubstituteRequest,
    )

    settings.ALLOWED_HOSTS = ["*"]
    rng = random.Random(17)
    county = County.objects.get(number=args.county)
    numbers = list(Municipality.objects.filter(county=county).values_list("number", flat=True))

    doctors = Doctor.objects.bulk_create(
        Doctor(
            hpr_number=str(800_000_000 + i),
            first_name="Vikar",
            last_name=f"{TAG}{i}",
            birth_date=D(1980, 1, 1),
            sex="K",
        )
        for i in range(args.substitutes + args.requests // 10)
    )
    subs = PoolSubstitute.objects.bulk_create(
        PoolSubstitute(doctor=d, county=county, home_municipality_id=rng.choice(numbers))
        for d in doctors[: args.substitutes]
    )
    through = PoolSubstitute.municipalities.through
    through.objects.bulk_create(
        through(poolsubstitute_id=s.pk, municipality_id=m)
        for s in subs[::2]
        for m in rng.sample(numbers, rng.randint(3, 5))
    )
    SubstituteAvailability.objects.bulk_create(
        SubstituteAvailability(
            substitute=s,
            valid_from=D(2026, 1, 1) + datetime.timedelta(days=start),
            valid_to=D(2026, 1, 1) + datetime.timedelta(days=start + rng.randint(20, 120)),
        )
        for s in subs
        for start in (rng.randint(0, 150), rng.randint(150, 300))
    )
    practices = Practice.objects.bulk_create(
        Practice(name=f"{TAG} {i}", org_number=str(990_000_000 + i), municipality_id=m)
        for i, m in enumerate(rng.choice(numbers) for _ in range(args.requests))
    )
    lists = Agreement.objects.bulk_create(
        Agreement(
            practice=p, municipality_id=p.municipality_id, ceiling=1000, valid_from=D(2020, 1, 1)
        )
        for p in practices
    )
    requests = SubstituteRequest.objects.bulk_create(
        SubstituteRequest(
            municipality_id=a.municipality_id,
            agreement=a,
            reason=SubstituteRequest.Reason.VACANT,
            valid_from=D(2026, 1, 1) + datetime.timedelta(days=start),
            valid_to=D(2026, 1, 1) + datetime.timedelta(days=start + rng.randint(7, 60)),
        )
        for a, start in ((a, rng.randint(0, 300)) for a in lists)
    )
    # A tenth of the substitutes already booked once (on a list of their own).
    periods = DoctorPeriod.objects.bulk_create(
        DoctorPeriod(
            agreement=lists[i],
            doctor=subs[i * 10].doctor,
            role=DoctorPeriod.Role.SUBSTITUTE,
            valid_from=D(2026, 3, 1),
            valid_to=D(2026, 3, 15),
        )
        for i in range(min(len(lists), len(subs) // 10))
    )
    SubstituteBooking.objects.bulk_create(
        SubstituteBooking(
            request=requests[i],
            substitute=subs[i * 10],
            valid_from=p.valid_from,
            valid_to=D(2026, 3, 15),
            doctor_period=p,
        )
        for i, p in enumerate(periods)
    )
    user = get_user_model().objects.create_user(username=f"{TAG.lower()}-governor")
    RoleAssignment.objects.create(user=user, role=Role.COUNTY_GOVERNOR, county=county)

    try:
        open_requests = selectors_pool.open_requests(county=county)
        print(
            f"{connection.vendor}: county {county.number}, {len(subs)} substitutes, "
            f"{len(open_requests)} open requests, {args.repeat} runs (ms: best median max)"
        )
        times, matches = _timed(lambda: selectors_pool.county_matching(county), args.repeat)
        print(f"  matching the county (reads + ranking) {_stats(times)}")
        ranked = sum(len(v) for v in matches.values())
        print(f"    candidates shown: {ranked} (at most {selectors_pool.CANDIDATES_SHOWN}/request)")

        def reads() -> tuple[list[pool.Substitute], Any]:
            return selectors_pool.pool_substitutes(county.number), selectors_pool.map_data()

        times, (substitutes, (borders, county_of)) = _timed(reads, args.repeat)
        print(f"  reads (pool, availability, bookings, map) {_stats(times)}")

        def ranking() -> list[list[pool.Candidate]]:
            return [
                pool.rank(
                    (r.valid_from, r.valid_to), r.municipality_id, substitutes, borders, county_of
                )
                for r in open_requests
            ]

        times, full = _timed(ranking, args.repeat)
        print(f"  ranking alone, every candidate kept  {_stats(times)}")
        print(f"    candidates in all: {sum(len(c) for c in full)}")

        client = Client()
        client.force_login(user)
        url = f"/arbeidskraft/vikarpool/fylke/{county.number}/"

        def page() -> Any:
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            return response

        times, _ = _timed(page, args.repeat)
        with CaptureQueriesContext(connection) as queries:
            page()
        print(f"  county pool page {url} {_stats(times)}  ({len(queries)} queries)")
    finally:
        SubstituteBooking.objects.filter(substitute__in=subs).delete()
        SubstituteRequest.objects.filter(agreement__in=lists).delete()
        DoctorPeriod.objects.filter(agreement__in=lists).delete()
        PoolSubstitute.objects.filter(pk__in=[s.pk for s in subs]).delete()
        Agreement.objects.filter(pk__in=[a.pk for a in lists]).delete()
        Practice.objects.filter(pk__in=[p.pk for p in practices]).delete()
        Doctor.objects.filter(last_name__startswith=TAG).delete()
        RoleAssignment.objects.filter(user=user).delete()
        user.delete()


if __name__ == "__main__":
    main()
