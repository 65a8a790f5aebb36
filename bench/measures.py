"""Server time of the measures pages (issue 8): the region's picture of a county.

Registers ``--per-municipality`` measures (money and other kinds, mixed statuses)
in every municipality of the country and a statistics row per municipality when
the month has none, then renders in-process with Django's test client
(middleware, session, view, queries, template, the SVG map) and prints best,
median and max over ``--repeat`` requests after one warm-up, with the number of
SQL queries. Pages: the county page of Trøndelag (38 municipalities) and of
Innlandet (46, the most municipalities of any county), Trondheim's measures page
and a measure's effect view. Everything it adds is removed afterwards.

Example::

    DATABASE_URL=sqlite:////tmp/bench-measures.db python bench/measures.py --repeat 20
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastlege.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("ALLOW_SYNTHETIC_NIN", "1")

MONTH = datetime.date(2025, 12, 1)
TAG = "bench/measures.py"
TYPES = [
    ("etableringstilskudd", "planlagt"),
    ("driftstilskudd", "aktiv"),
    ("rekrutteringstilskudd", "vedtatt"),
    ("alis-stilling", "aktiv"),
    ("vikarutgifter-fravaer", "aktiv"),
    ("fritak-deltid-legevakt", "vurdert"),
    ("lavere-listetak", "planlagt"),
    ("kompensasjon-tidkrevende", "aktiv"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--per-municipality", type=int, default=6)
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

    from fastlege.accounts.models import Role, RoleAssignment
    from fastlege.core.models import AuditEvent
    from fastlege.measures.catalogue import sync_catalogue
    from fastlege.measures.models import Measure, MeasureType
    from fastlege.reference.models import Municipality
    from fastlege.stats.models import AreaKind, AreaMonthCount

    settings.ALLOWED_HOSTS = ["*"]
    sync_catalogue()
    types = dict(MeasureType.objects.values_list("code", "pk"))
    units = dict(MeasureType.objects.values_list("code", "unit"))
    numbers = list(Municipality.objects.values_list("number", flat=True))
    made = []
    for i, number in enumerate(numbers):
        for k in range(args.per_municipality):
            code, status = TYPES[(i + k) % len(TYPES)]
            decided = status in ("vedtatt", "aktiv")
            made.append(
                Measure(
                    municipality_id=number,
                    measure_type_id=types[code],
                    status=status,
                    value=Decimal(50_000 + (i * 7919 + k * 104_729) % 250_000),
                    unit=units[code],
                    value_basis="per_lege" if k % 3 else "totalt",
                    decision_body="Formannskapet" if decided else "",
                    decided_on=datetime.date(2024, 1, 1) if decided else None,
                    starts_on=datetime.date(2025, 6, 1),
                    description=TAG,
                )
            )
    Measure.objects.bulk_create(made, batch_size=2000)
    have = set(
        AreaMonthCount.objects.filter(kind=AreaKind.MUNICIPALITY, month=MONTH).values_list(
            "code", flat=True
        )
    )
    added_counts = AreaMonthCount.objects.bulk_create(
        AreaMonthCount(
            month=MONTH,
            kind=AreaKind.MUNICIPALITY,
            code=n,
            gps=10,
            lists=10,
            lists_with_gp=9,
            on_lists=9000,
            on_lists_with_gp=8000,
            ceiling_sum=10_000,
            ceiling_sum_with_gp=9000,
        )
        for n in numbers
        if n not in have
    )
    # Planner statistics for what was just bulk-written: a registry whose measures
    # grow one at a time has them from autovacuum; without them PostgreSQL estimates
    # one row and joins every measure to every municipality of the county (45–90 ms).
    with connection.cursor() as cursor:
        for table in (Measure._meta.db_table, AreaMonthCount._meta.db_table):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    User = get_user_model()
    governor = User.objects.create_user("bench-measures-sf")
    officer = User.objects.create_user("bench-measures-k")
    RoleAssignment.objects.create(user=governor, role=Role.NATIONAL)
    RoleAssignment.objects.create(user=officer, role=Role.MUNICIPALITY, municipality_id="5001")
    one = Measure.objects.filter(municipality_id="5001", description=TAG).first()
    assert one is not None
    pages = [
        ("county Trøndelag (38)", governor, reverse("measures:county", args=["50"])),
        ("county Innlandet (46)", governor, reverse("measures:county", args=["34"])),
        ("municipality Trondheim", officer, reverse("measures:municipality", args=["5001"])),
        ("measure + effect view", officer, reverse("measures:measure", args=[one.pk])),
    ]
    print(
        f"{connection.vendor}; {len(made)} measures in {len(numbers)} municipalities; "
        f"repeat {args.repeat}; load average {os.getloadavg()[0]:.1f}"
    )
    print(f"{'page':28} {'best ms':>8} {'median':>8} {'max':>8} {'queries':>8}")
    try:
        for name, user, url in pages:
            client = Client()
            client.force_login(user)
            assert client.get(url).status_code == 200, name
            times = []
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as queries:
                    t0 = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200
            print(
                f"{name:28} {min(times):8.1f} {statistics.median(times):8.1f} "
                f"{max(times):8.1f} {len(queries):8d}"
            )
    finally:
        Measure.objects.filter(description=TAG).delete()
        AreaMonthCount.objects.filter(
            kind=AreaKind.MUNICIPALITY, month=MONTH, code__in=[c.code for c in added_counts]
        ).delete()
        AuditEvent.objects.filter(actor__in=[governor, officer]).delete()
        governor.delete()
        officer.delete()


if __name__ == "__main__":
    main()
