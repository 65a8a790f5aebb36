"""``fastlege workforce_pool_demo``: the demo's regional substitute pool in Trøndelag.

Doctors who work as substitutes in Trøndelag's lists (and are no one's regular GP
now) join the county's pool with availability over the coming months, and a few
lists without a regular GP ask the pool for a substitute. Idempotent: a pool that
already has substitutes is left as it is. Everything goes through the pool's
services, as a municipality or the county governor would do it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand
from django.db.models import Exists, OuterRef
from django.utils import timezone

from fastlege.registry import rules
from fastlege.registry.models import Agreement, DoctorPeriod
from fastlege.registry.periods import in_force_on
from fastlege.workforce.models import PoolSubstitute, SubstituteRequest
from fastlege.workforce.services import pool as svc

COUNTY = "50"  # Trøndelag
SUBSTITUTES = 25
REQUESTS = 6
NOTE = "Demodata."


class Command(BaseCommand):
    help = (
        "Legger inn vikarpoolen i Trøndelag i demodataene (vikarer, tilgjengelighet, forespørsler)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if PoolSubstitute.objects.filter(county_id=COUNTY).exists():
            self.stdout.write("Vikarpoolen har allerede vikarer; ingenting er endret.")
            return
        today = timezone.localdate()
        regular_now = DoctorPeriod.objects.filter(
            in_force_on(today), role=DoctorPeriod.Role.REGULAR, doctor_id=OuterRef("doctor_id")
        )
        locums = (
            DoctorPeriod.objects.filter(
                role=DoctorPeriod.Role.SUBSTITUTE, agreement__municipality__county_id=COUNTY
            )
            .annotate(regular=Exists(regular_now))
            .filter(regular=False)
            .order_by("doctor_id", "-valid_from")
            .values_list("doctor_id", "doctor__hpr_number", "agreement__municipality_id")
        )
        seen: set[int] = set()
        added = 0
        for doctor_id, hpr, home in locums:
            if doctor_id in seen or added >= SUBSTITUTES:
                continue
            seen.add(doctor_id)
            sub = svc.add_substitute(
                None, hpr_number=hpr, county_id=COUNTY, home_municipality_id=home, note=NOTE
            )
            start = rules.first_of_next_month(today) + datetime.timedelta(days=7 * (added % 4))
            svc.add_availability(
                None,
                sub,
                valid_from=start,
                valid_to=rules.add_months(start, 2 + added % 4),
            )
            added += 1
        first = rules.first_of_next_month(today)
        with_gp = DoctorPeriod.objects.filter(
            in_force_on(first), role=DoctorPeriod.Role.REGULAR, agreement_id=OuterRef("pk")
        )
        vacant = (
            Agreement.objects.filter(in_force_on(first), municipality__county_id=COUNTY)
            .annotate(has_gp=Exists(with_gp))
            .filter(has_gp=False)
            .order_by("municipality_id", "pk")[:REQUESTS]
        )
        requests = 0
        for agreement in vacant:
            svc.create_request(
                None,
                agreement,
                reason=SubstituteRequest.Reason.VACANT,
                valid_from=first,
                valid_to=rules.add_months(first, 1),
                needs=NOTE,
            )
            requests += 1
        self.stdout.write(
            f"Vikarpoolen i Trøndelag: {added} vikarer og {requests} forespørsler lagt inn."
        )
