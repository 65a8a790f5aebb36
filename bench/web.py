"""Server time of the web pages (issue 6) on a seeded database.

Renders each page in-process with Django's test client (middleware, sessions,
the view, its queries and the template: everything but the network) and prints
p50 / p95 / max over ``--repeat`` requests, and the number of SQL queries.

Pages: the citizen's main page, the GP search in the largest municipality, the
municipality's list overview (largest municipality and Trondheim), the GP's
page, the county governor's county page and the national page.

Examples::

    DATABASE_URL=postgres://... python bench/web.py            # the data already there
    python bench/web.py --scale trondelag                       # SQLite, seed if empty

The benchmark users it makes are deleted afterwards (their audit rows too).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastlege.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("ALLOW_SYNTHETIC_NIN", "1")

SCALES = {
    "existing": None,
    "trondelag": ["--fylke", "50"],
    "national": ["--national"],
}


def setup(scale: str) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    from fastlege.registry.models import Resident

    call_command("migrate", verbosity=0)
    args = SCALES[scale]
    if args is not None and not Resident.objects.exists():
        call_command("load_reference", verbosity=0)
        call_command("seed", *args, "--months", "0", verbosity=0)


def issue20_subjects(muni: str, doctor: int) -> tuple[int, int, int, int, str, int | None]:
    """A full and an open list, the GP's list and practice, a postal code of the
    municipality and a reduction (if any) for the issue-20 pages."""
    from fastlege.reference.models import PostalCode
    from fastlege.registry.models import Agreement, DoctorPeriod, ListReduction
    from fastlege.registry.selectors import free_places

    lists = list(
        Agreement.objects.filter(valid_to__isnull=True, municipality_id=muni)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    full = next((pk for pk in lists if free_places(pk) <= 0), lists[0])
    open_ = next((pk for pk in lists if free_places(pk) > 0), lists[-1])
    gp_list = (
        DoctorPeriod.objects.filter(doctor_id=doctor, valid_to__isnull=True)
        .values_list("agreement_id", flat=True)
        .get()  # the GP of the largest municipality has one list
    )
    practice = Agreement.objects.filter(pk=gp_list).values_list("practice_id", flat=True).get()
    postcode = (
        PostalCode.objects.filter(municipality_id=muni).values_list("code", flat=True).first()
    )
    reduction = ListReduction.objects.order_by("pk").values_list("pk", flat=True).first()
    return full, open_, gp_list, practice, postcode or "", reduction


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), default="existing")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    setup(args.scale)

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from fastlege.accounts.models import Role, RoleAssignment
    from fastlege.core.models import AuditEvent
    from fastlege.core.testing.logins import verified_login
    from fastlege.registry.models import Agreement, DoctorPeriod, ListMembership

    settings.ALLOWED_HOSTS = ["*"]
    User = get_user_model()
    biggest = (
        Agreement.objects.filter(valid_to__isnull=True)
        .values("municipality_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("municipality_id", "n")
        .first()
    )
    if biggest is None:
        sys.exit("the registry is empty: seed it first (--scale trondelag or national)")
    muni, n_lists = biggest
    from fastlege.reference.models import Municipality

    county = Municipality.objects.get(number=muni).county_id
    members = ListMembership.objects.filter(
        valid_to__isnull=True, agreement__municipality_id=muni
    ).count()
    citizen = (
        ListMembership.objects.filter(valid_to__isnull=True, agreement__municipality_id=muni)
        .order_by("resident_id")
        .values_list("resident_id", flat=True)
        .first()
    )
    doctor = (
        DoctorPeriod.objects.filter(
            role=DoctorPeriod.Role.REGULAR,
            valid_to__isnull=True,
            agreement__municipality_id=muni,
        )
        .values_list("doctor_id", flat=True)
        .first()
    )
    assert doctor is not None, "no regular GP in the largest municipality"
    full_list, open_list, gp_list, practice, postcode, reduction = issue20_subjects(muni, doctor)
    from fastlege.web.geo import municipality_centre

    centre = municipality_centre(muni)
    made: list[Any] = []

    def user(role: str, **scope: Any) -> Any:
        u = User.objects.create_user(f"bench-web-{role}-{time.time_ns()}")
        RoleAssignment.objects.create(user=u, role=role, **scope)
        made.append(u)
        return u

    first_audit = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    personas = {
        "citizen": user(Role.CITIZEN, resident_id=citizen),
        "gp": user(Role.GP, doctor_id=doctor),
        "municipality": user(Role.MUNICIPALITY, municipality_id=muni),
        "county_governor": user(Role.COUNTY_GOVERNOR, county_id=county),
        "national": user(Role.NATIONAL),
    }
    pages = [
        ("citizen main page", "citizen", reverse("web:person", args=[citizen])),
        (
            f"find GP in {muni} ({n_lists} lists)",
            "citizen",
            reverse("web:find_for", args=[citizen]) + f"?kommune={muni}",
        ),
        (f"municipality overview {muni}", "municipality", reverse("web:municipality", args=[muni])),
        ("GP's lists", "gp", reverse("web:gp_home")),
        (f"county {county}", "county_governor", reverse("web:county", args=[county])),
        ("national", "national", reverse("web:national")),
        # issue 20: the citizen's and the GP's new pages
        (f"public search in {muni}", None, reverse("web:find_gp") + f"?kommune={muni}"),
        (
            # the last page holds the lists that take no new members: their expected waits
            f"public search in {muni}, last page (waits)",
            None,
            reverse("web:find_gp") + f"?kommune={muni}&side=9999",
        ),
        (
            f"public search in {muni}, by distance",
            None,
            reverse("web:find_gp") + f"?postnummer={postcode}&sortering=avstand",
        ),
        (
            f"public search in {muni}, from a place on the map",
            None,
            reverse("web:find_gp")
            + f"?kommune={muni}&sortering=avstand&lat={centre.lat:.5f}&lon={centre.lon:.5f}"
            if centre
            else reverse("web:find_gp") + f"?kommune={muni}",
        ),
        ("GP page (full list)", None, reverse("web:gp_page", args=[full_list])),
        ("practice page", None, reverse("web:practice_page", args=[practice])),
        ("waiting-time method", None, reverse("web:waiting_time_method")),
        ("about the service", None, reverse("web:about")),
        (
            "confirm a switch",
            "citizen",
            reverse("web:switch", args=[citizen]) + f"?agreement={open_list}",
        ),
        (
            "confirm joining a waiting list",
            "citizen",
            reverse("web:join_waiting", args=[citizen]) + f"?agreement={full_list}",
        ),
        ("citizen's watches", "citizen", reverse("watches:watches", args=[citizen])),
        ("GP's members (page 1)", "gp", reverse("web:gp_members", args=[gp_list])),
        ("GP's members, name search", "gp", reverse("web:gp_members", args=[gp_list]) + "?q=an"),
        ("GP's joiners and leavers", "gp", reverse("web:gp_movements", args=[gp_list])),
        ("GP's waiting list", "gp", reverse("web:gp_waiting", args=[gp_list])),
    ]
    if reduction is not None:
        pages.append(("a list reduction's draw", None, reverse("web:draw", args=[reduction])))
    print(f"# bench/web.py on {connection.vendor}, {platform.processor() or platform.machine()}")
    print(f"# largest municipality {muni}: {n_lists} lists, {members} list residents")
    print(f"{'page':45} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
    try:
        for name, persona, url in pages:
            client = Client()
            if persona is not None:
                verified_login(client, personas[persona])  # staff pass the second factor
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            times = []
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as q:
                    t = time.perf_counter()
                    client.get(url)
                    times.append((time.perf_counter() - t) * 1000)
            times.sort()
            p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
            print(
                f"{name:45} {statistics.median(times):8.1f} {p95:8.1f} {times[-1]:8.1f} {len(q):8d}"
            )
    finally:
        AuditEvent.objects.filter(pk__gt=first_audit, actor__in=made).delete()
        RoleAssignment.objects.filter(user__in=made).delete()
        TOTPDevice.objects.filter(user__in=made).delete()
        User.objects.filter(pk__in=[u.pk for u in made]).delete()


if __name__ == "__main__":
    main()
