"""Speed of the workforce projection (issue 17): every municipality × 15 years × the
5 preset scenarios (target under 2 s), and a municipality's projection page (target
under 200 ms).

Uses the registry in the database (the national seed: ``bench/seed.py --scale
national``); ``--synthetic N`` first adds N regular GPs of mixed ages spread over the
municipalities by population (removed afterwards), for a quick run on an empty
database. Prints best, median and max over ``--repeat`` runs after one warm-up: the
reads (registry GPs by age, populations, recruitment) and the arithmetic separately,
then the page rendered in-process with Django's test client (middleware, session,
view, queries, template, SVG) with its number of SQL queries.

Example (small scale)::

    DATABASE_URL=sqlite:////tmp/bench-wf.db python bench/workforce.py --synthetic 600 --repeat 5
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastlege.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("ALLOW_SYNTHETIC_NIN", "1")

TAG = "bench-workforce"


def _stats(times: list[float]) -> str:
    return f"{min(times):8.1f} {statistics.median(times):8.1f} {max(times):8.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--synthetic", type=int, default=0, help="regular GPs to add first")
    parser.add_argument("--municipality", default="5001")
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
    from django.urls import reverse
    from django.utils import timezone

    from fastlege.accounts.models import Role, RoleAssignment
    from fastlege.core.models import AuditEvent
    from fastlege.reference.models import Municipality
    from fastlege.registry.models import Agreement, Doctor, DoctorPeriod, Practice
    from fastlege.workforce import selectors
    from fastlege.workforce.models import Scenario

    settings.ALLOWED_HOSTS = ["*"]
    made_doctors: list[int] = []
    if args.synthetic:
        munis = list(Municipality.objects.values_list("number", "populations__population"))
        pops: dict[str, int] = {}
        for number, people in munis:
            pops[number] = max(pops.get(number, 0), people or 0)
        total = sum(pops.values())
        practices = Practice.objects.bulk_create(
            Practice(name=f"{TAG} {n}", org_number=f"9{i:08d}", municipality_id=n)
            for i, n in enumerate(sorted(pops))
        )
        by_muni = {p.municipality_id: p for p in practices}
        doctors, agreements = [], []
        k = 0
        for n in sorted(pops):
            share = max(1, round(args.synthetic * pops[n] / total))
            for _ in range(share):
                birth = datetime.date(1955 + (k * 7) % 45, 1 + k % 12, 1 + k % 28)
                doctors.append(
                    Doctor(
                        hpr_number=str(800_000_000 + k),
                        first_name="Bench",
                        last_name=f"Lege{k}",
                        birth_date=birth,
                        sex="K" if k % 2 else "M",
                        specialty=Doctor.Specialty.SPECIALIST,
                    )
                )
                agreements.append(
                    Agreement(
                        practice=by_muni[n],
                        municipality_id=n,
                        ceiling=1000,
                        valid_from=datetime.date(2015 + k % 10, 1, 1),
                    )
                )
                k += 1
        doctors = Doctor.objects.bulk_create(doctors, batch_size=2000)
        agreements = Agreement.objects.bulk_create(agreements, batch_size=2000)
        if any(d.pk is None for d in doctors):
            doctors = list(Doctor.objects.filter(first_name="Bench").order_by("hpr_number"))
            agreements = list(
                Agreement.objects.filter(practice__name__startswith=TAG).order_by("pk")
            )
        DoctorPeriod.objects.bulk_create(
            (
                DoctorPeriod(
                    agreement=a,
                    doctor=d,
                    role=DoctorPeriod.Role.REGULAR,
                    valid_from=a.valid_from,
                )
                for a, d in zip(agreements, doctors, strict=True)
            ),
            batch_size=2000,
        )
        made_doctors = [d.pk for d in doctors]
    User = get_user_model()
    officer = User.objects.create_user(f"{TAG}-k")
    RoleAssignment.objects.create(
        user=officer, role=Role.MUNICIPALITY, municipality_id=args.municipality
    )
    try:
        today = timezone.localdate()
        presets = list(Scenario.objects.exclude(preset=""))
        numbers = list(Municipality.objects.order_by("number").values_list("number", flat=True))
        gps = DoctorPeriod.objects.filter(role=DoctorPeriod.Role.REGULAR, valid_to__isnull=True)
        print(
            f"{connection.vendor}; {gps.count()} open regular-GP periods; "
            f"{len(numbers)} municipalities × {len(selectors.projection_years(today))} years × "
            f"{len(presets)} scenarios; repeat {args.repeat}; "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        print(f"{'step':34} {'best ms':>8} {'median':>8} {'max':>8}")
        reads, sums, both = [], [], []
        for i in range(args.repeat + 1):
            t0 = time.perf_counter()
            data = selectors.inputs(numbers, today)
            t1 = time.perf_counter()
            for s in presets:
                selectors.project_municipalities(data, numbers, s)
            t2 = time.perf_counter()
            if i:  # the first is the warm-up
                reads.append((t1 - t0) * 1000)
                sums.append((t2 - t1) * 1000)
                both.append((t2 - t0) * 1000)
        print(f"{'reads (GPs by age, population)':34} {_stats(reads)}")
        print(f"{'arithmetic, 5 scenarios':34} {_stats(sums)}")
        print(f"{'all municipalities, total':34} {_stats(both)}")
        client = Client()
        client.force_login(officer)
        url = reverse("workforce:municipality", args=[args.municipality])
        assert client.get(url).status_code == 200
        for label, query in (("page, 1 scenario", ""), ("page, 3 scenarios", "3")):
            chosen = "&".join(f"s={s.pk}" for s in presets[: int(query or 1)])
            times = []
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as queries:
                    t0 = time.perf_counter()
                    response = client.get(f"{url}?{chosen}")
                    times.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200
            print(f"{label + f' ({len(queries)} queries)':34} {_stats(times)}")
    finally:
        AuditEvent.objects.filter(actor=officer).delete()
        officer.delete()
        if made_doctors:
            DoctorPeriod.objects.filter(doctor_id__in=made_doctors).delete()
            Agreement.objects.filter(practice__name__startswith=TAG).delete()
            Doctor.objects.filter(pk__in=made_doctors).delete()
            Practice.objects.filter(name__startswith=TAG).delete()


if __name__ == "__main__":
    main()
